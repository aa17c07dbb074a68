package cli

import (
	"context"
	"fmt"
	"strings"

	"minqing/internal/demo"
	"minqing/internal/server"
	"minqing/layers"
)

// serveOptions are the flags of "minqing serve".
type serveOptions struct {
	store    storeFlags
	cfg      server.Config
	noDemo   bool
	cors     string
	logLevel string
}

func runServe(ctx context.Context, env Env, args []string) error {
	var o serveOptions
	fs := newFlags("serve", env)
	o.store.register(fs, env)
	addr := env.Getenv("MINQING_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	fs.StringVar(&o.cfg.Addr, "addr", addr, "listen address HOST:PORT (env MINQING_ADDR)")
	fs.BoolVar(&o.noDemo, "no-demo", false, "start a new embedded store empty instead of loading the demo data")
	fs.StringVar(&o.cors, "cors", "*", "comma-separated origins allowed to GET from other sites (\"*\": any)")
	fs.IntVar(&o.cfg.TileCacheMB, "tile-cache-mb", 256, "tile cache size in MiB (negative: no cache)")
	fs.IntVar(&o.cfg.TileBuffer, "tile-buffer", 64, "MVT buffer around each tile, in tile units (extent 4096)")
	fs.IntVar(&o.cfg.MaxLimit, "max-limit", 10000, "the most features one OGC API page returns, whatever ?limit= asks")
	fs.IntVar(&o.cfg.MinCount, "min-count", 5, "public hotspot cells with fewer incidents than this report no count")
	pubInc := env.Getenv("MINQING_PUBLIC_INCIDENTS")
	if pubInc == "" {
		pubInc = server.PublicAggregates
	}
	fs.StringVar(&o.cfg.PublicIncidents, "public-incidents", pubInc, "what public callers get of incidents: \"aggregates\" (monthly counts per H3 cell, small counts suppressed) or \"points\" (every incident's point and public fields) (env MINQING_PUBLIC_INCIDENTS)")
	fs.StringVar(&o.cfg.Basemap, "basemap", env.Getenv("MINQING_BASEMAP"), "optional raster basemap URL template for the web map (env MINQING_BASEMAP)")
	fs.Int64Var(&o.cfg.ImportMaxBytes, "import-max-mb", 512, "the largest file POST /import/{layer} accepts, in MiB")
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	if err := parse(fs, args); err != nil {
		return err
	}
	o.cfg.ImportMaxBytes <<= 20
	if err := server.CheckPublicIncidents(o.cfg.PublicIncidents); err != nil {
		return err
	}
	if o.cors != "" {
		o.cfg.CORSOrigins = strings.Split(o.cors, ",")
	}
	log, err := newLogger(env.Stderr, o.logLevel)
	if err != nil {
		return err
	}
	cat := layers.Fengtai()
	src, created, err := openStore(ctx, o.store, cat)
	if err != nil {
		return err
	}
	defer src.Close()
	if created && !o.noDemo {
		log.Info("new embedded store: loading the 丰台街道 demo data", "file", o.store.data)
		if _, err := demo.Load(ctx, src, cat, demo.Options{}, nil); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	srv := server.New(o.cfg, src, cat, log)
	return srv.Run(ctx, func(addr string) {
		log.Info("minqing is serving", "store", src.Kind(), "url", "http://"+displayAddr(addr)+"/")
		fmt.Fprintf(env.Stdout, "minqing: open http://%s/ in a browser\n", displayAddr(addr))
	})
}

// displayAddr turns ":8080" or "[::]:8080" into "localhost:8080".
func displayAddr(addr string) string {
	for _, p := range []string{"[::]", "0.0.0.0", ""} {
		if strings.HasPrefix(addr, p+":") {
			return "localhost" + addr[len(p):]
		}
	}
	return addr
}

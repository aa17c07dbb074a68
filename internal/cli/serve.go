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
	routing  string // --routing: the 接诉即办 routing table and deadlines (JSON)
	weights  string // --rate-weights
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
	fs.StringVar(&o.cfg.Basemap, "basemap", env.Getenv("MINQING_BASEMAP"), "optional raster basemap URL template for the web map (env MINQING_BASEMAP)")
	fs.Int64Var(&o.cfg.ImportMaxBytes, "import-max-mb", 512, "the largest file POST /import/{layer} accepts, in MiB")
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&o.routing, "routing", "", "JSON file of the 接诉即办 routing table and deadline rules (default: the built-in ones, see README)")
	fs.StringVar(&o.cfg.Intake.Open311Source, "open311-source", "网站", "the source recorded for public Open311 submissions (网站 or 微信)")
	fs.StringVar(&o.weights, "rate-weights", "0.2,0.4,0.4", "weights of 响应率,解决率,满意率 in the composite score")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := o.intakeConfig(); err != nil { // serve_intake.go
		return err
	}
	o.cfg.ImportMaxBytes <<= 20
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

package cli

import (
	"context"
	"fmt"
	"strings"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/internal/server"
)

// serveOptions are the flags of "minqing serve" (see serveSettings).
type serveOptions struct {
	store       storeFlags
	cfg         server.Config
	noDemo      bool
	cors        string
	logLevel    string
	importMaxMB int
	metrics     bool
	routing     string   // --routing: the 接诉即办 routing table and deadlines (JSON)
	weights     string   // --rate-weights
	readURLs    []string // --database-read-url: streaming replicas for reads
}

// parseServe reads serve's configuration from the environment and args.
func parseServe(env Env, args []string) (serveOptions, error) {
	var o serveOptions
	fs := newFlags("serve", env)
	if err := registerSettings(fs, env, serveSettings(&o)); err != nil {
		return o, err
	}
	if err := parse(fs, args); err != nil {
		return o, err
	}
	o.cfg.ImportMaxBytes = int64(o.importMaxMB) << 20
	o.cfg.NoMetrics = !o.metrics
	if o.cors != "" {
		o.cfg.CORSOrigins = strings.Split(o.cors, ",")
	}
	if err := server.CheckPublicIncidents(o.cfg.PublicIncidents); err != nil {
		return o, usageError{err.Error()}
	}
	if err := checkTilesBaseURL(o.cfg.TilesBaseURL); err != nil { // serve_basemap.go
		return o, err
	}
	if err := o.intakeConfig(); err != nil { // serve_intake.go
		return o, err
	}
	return o, nil
}

func runServe(ctx context.Context, env Env, args []string) error {
	o, err := parseServe(env, args)
	if err != nil {
		return err
	}
	log, err := newLogger(env.Stderr, o.logLevel)
	if err != nil {
		return err
	}
	cat := fengtai.Catalog()
	src, created, err := openStore(ctx, o.store, cat)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := openReplicas(ctx, src, o.readURLs); err != nil {
		return err
	}
	if created && !o.noDemo {
		log.Info("new embedded store: loading the 丰台街道 demo data", "file", o.store.data)
		if _, err := demo.Load(ctx, src, cat, demo.Options{}, nil); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	if isLocalPMTiles(o.cfg.Basemap) { // serve_basemap.go
		bm, err := server.OpenBasemap(o.cfg.Basemap)
		if err != nil {
			return err
		}
		defer bm.Close()
		hd := bm.Header()
		log.Info("serving a PMTiles basemap", "file", o.cfg.Basemap, "type", hd.TileType, "minzoom", hd.MinZoom, "maxzoom", hd.MaxZoom)
		o.cfg.Basemap, o.cfg.BasemapArchive = "", bm
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

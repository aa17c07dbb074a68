package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"minqing/layers"
)

// Config is the server's configuration, filled from flags and environment by
// the command line.
type Config struct {
	Addr         string   // listen address, default ":8080"
	CORSOrigins  []string // origins allowed for public GETs; ["*"] by default
	MaxLimit     int      // the most features one OGC page may return (default 10,000)
	DefaultLimit int      // OGC page size when none is asked (default 100)
	TileCacheMB  int      // tile cache size in MiB (default 256; negative: no cache)
	TileBuffer   int      // MVT buffer in tile units (default 64)
	MinCount     int      // public hotspot cells with fewer incidents are suppressed (default 5)
	BaseURL      string   // external URL prefix for links (default: from the request)
	Basemap      string   // optional basemap URL template for the web map
	// BasemapArchive, when set, is a PMTiles basemap the server serves
	// itself (basemap.go); the web map draws it under the layers.
	BasemapArchive *Basemap
	// TilesBaseURL, when set, is where the public's unfiltered tiles are
	// served as static files (an archive of minqing pmtiles behind a CDN):
	// a {z}/{x}/{y} URL template, or a prefix that "/{z}/{x}/{y}.mvt"
	// follows (tiles_base.go).
	TilesBaseURL string
	// ImportMaxBytes caps the body of POST /import/{layer} (default 512 MiB).
	ImportMaxBytes int64

	// StoreTimeout bounds each request's store work (default 10 s); a store
	// that does not answer in time is a 503.
	StoreTimeout time.Duration
	// ReadHeaderTimeout bounds reading a request's headers (default 10 s).
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes a keep-alive connection idle this long (default 60 s).
	IdleTimeout time.Duration
	// WriteStall drops a client that accepts no byte of a response for this
	// long (default 30 s); a slow client that keeps reading is served.
	WriteStall time.Duration
	// ReadStall drops a client that sends no byte of a request body for this
	// long (default 30 s).
	ReadStall time.Duration
	// ShutdownGrace is how long in-flight requests may finish after SIGTERM
	// (default 15 s).
	ShutdownGrace time.Duration
	// MaxQueryBytes and MaxQueryParams bound the query string (default
	// 16 KiB and 256 parameters); a longer one is a 400.
	MaxQueryBytes  int
	MaxQueryParams int
	// MaxStreams and MaxHeavy bound the concurrent streams (GeoJSON layers,
	// OGC items, exports; default 32) and compute-heavy requests (hot spots,
	// imports; default 4); past them a request is a 503 with Retry-After.
	MaxStreams int
	MaxHeavy   int
	// NoMetrics turns GET /metrics off (it is on by default).
	NoMetrics bool
	// PublicIncidents is what public callers get of incidents: "aggregates"
	// (the default, also for "") or "points" (see public_incidents.go).
	PublicIncidents string
	// Intake configures 接诉即办 intake, Open311 and the rates (intake_state.go).
	Intake IntakeConfig
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.CORSOrigins == nil {
		c.CORSOrigins = []string{"*"}
	}
	if c.MaxLimit <= 0 {
		c.MaxLimit = 10000
	}
	if c.DefaultLimit <= 0 {
		c.DefaultLimit = 100
	}
	if c.TileCacheMB == 0 {
		c.TileCacheMB = 256
	}
	if c.TileBuffer <= 0 {
		c.TileBuffer = 64
	}
	if c.MinCount <= 0 {
		c.MinCount = 5
	}
	if c.ImportMaxBytes <= 0 {
		c.ImportMaxBytes = 512 << 20
	}
	setDefault(&c.StoreTimeout, DefaultStoreTimeout)
	setDefault(&c.ReadHeaderTimeout, 10*time.Second)
	setDefault(&c.IdleTimeout, 60*time.Second)
	setDefault(&c.WriteStall, 30*time.Second)
	setDefault(&c.ReadStall, 30*time.Second)
	setDefault(&c.ShutdownGrace, 15*time.Second)
	setDefault(&c.MaxQueryBytes, 16<<10)
	setDefault(&c.MaxQueryParams, 256)
	setDefault(&c.MaxStreams, 32)
	setDefault(&c.MaxHeavy, 4)
}

// DefaultStoreTimeout is the default of Config.StoreTimeout.
const DefaultStoreTimeout = 10 * time.Second

// setDefault sets *v to def when it is zero or negative.
func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Server serves one Source.
type Server struct {
	cfg     Config
	src     layers.Source
	catalog *layers.Catalog
	log     *slog.Logger
	echo    *echo.Echo
	ext     extensions
	metrics *Metrics
	outages *outageLog
	streams limiter // GeoJSON layers, OGC items, exports
	heavy   limiter // hot spots, imports
}

// New builds a server; call Handler or Run.
func New(cfg Config, src layers.Source, catalog *layers.Catalog, log *slog.Logger) *Server {
	cfg.defaults()
	if log == nil {
		log = slog.Default()
	}
	// Every store call gets the store deadline: a store that does not
	// answer in time is a 503, not a request that hangs.
	src = layers.WithDeadline(src, cfg.StoreTimeout)
	s := &Server{cfg: cfg, src: src, catalog: catalog, log: log,
		outages: newOutageLog(log, outageInterval),
		streams: newLimiter(cfg.MaxStreams), heavy: newLimiter(cfg.MaxHeavy)}
	s.ext = newExtensions(s)
	s.metrics = newMetrics(s)
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	// Before routing: observe (access log, metrics, stall deadlines, private
	// caching) wraps everything, then the query-string limits, then HEAD.
	e.Pre(s.observe)
	e.Pre(s.limitQuery)
	e.Pre(headAsGet)
	e.Use(restoreHead)
	e.Use(middleware.Recover())
	e.Use(s.cors())
	e.Use(s.authenticate)
	e.Use(s.limitConcurrency)
	s.echo = e
	s.routes(e)
	return s
}

// Metrics returns the server's Prometheus metrics (for the import handler's
// ImportDone and for tests).
func (s *Server) Metrics() *Metrics { return s.metrics }

// Handler returns the HTTP handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.echo }

// Run listens on cfg.Addr until ctx is done, then shuts down gracefully:
// it stops accepting, lets in-flight requests finish for up to
// Config.ShutdownGrace, then closes what is left. Once listening, it counts
// the published months in the background (warmPublic). ready, if not nil,
// receives the bound address once listening. Closing the store is the
// caller's.
func (s *Server) Run(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		// No ReadTimeout or WriteTimeout: a stream may last minutes. The
		// per-request stall deadlines of observe bound a client that stops.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	srv.RegisterOnShutdown(s.ext.intake.live.close) // live.go: end the /live streams
	if ready != nil {
		ready(ln.Addr().String())
	}
	flushDone := make(chan struct{})
	stopFlush := make(chan struct{})
	go func() {
		defer close(flushDone)
		s.outages.run(stopFlush)
	}()
	warmCtx, stopWarm := context.WithCancel(ctx)
	warmDone := make(chan struct{})
	go func() {
		defer close(warmDone)
		s.warmPublic(warmCtx)
	}()
	defer func() {
		stopWarm() // the store is closed after Run: nothing may use it then
		<-warmDone
		close(stopFlush)
		<-flushDone
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing in-flight requests", "grace", s.cfg.ShutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("grace period over: closing the remaining connections", "err", err)
		_ = srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) cors() echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins:  s.cfg.CORSOrigins,
		AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodOptions},
		AllowHeaders:  []string{"Authorization", "If-None-Match", "Content-Type"},
		ExposeHeaders: []string{"ETag", "Content-Disposition"},
		MaxAge:        3600,
	})
}

// DefaultConfig returns the configuration every zero field of a Config
// defaults to (the command line shows these as its flags' defaults).
func DefaultConfig() Config {
	var c Config
	c.defaults()
	return c
}

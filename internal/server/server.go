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
	// ImportMaxBytes caps the body of POST /import/{layer} (default 512 MiB).
	ImportMaxBytes int64
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
}

// Server serves one Source.
type Server struct {
	cfg     Config
	src     layers.Source
	catalog *layers.Catalog
	log     *slog.Logger
	echo    *echo.Echo
	ext     extensions
}

// New builds a server; call Handler or Run.
func New(cfg Config, src layers.Source, catalog *layers.Catalog, log *slog.Logger) *Server {
	cfg.defaults()
	if log == nil {
		log = slog.Default()
	}
	s := &Server{cfg: cfg, src: src, catalog: catalog, log: log}
	s.ext = newExtensions(s)
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.Recover())
	e.Use(s.logRequests)
	e.Use(s.cors())
	e.Use(s.authenticate)
	s.echo = e
	s.routes(e)
	return s
}

// Handler returns the HTTP handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.echo }

// Run listens on cfg.Addr until ctx is done, then shuts down gracefully.
// ready, if not nil, receives the bound address once listening.
func (s *Server) Run(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(s.ext.intake.live.close) // live.go: end the /live streams
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req := c.Request()
		s.log.Debug("request", "method", req.Method, "path", req.URL.Path,
			"status", c.Response().Status, "bytes", c.Response().Size, "dur", time.Since(start))
		return nil
	}
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

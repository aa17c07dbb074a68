package server

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"minqing/layers"
	"minqing/tiles"
)

// PoolStats is implemented by a store with a connection pool: connections
// in use, idle, and requests waiting for one. A store that has none (or a
// wrapper that does not pass it on) exports no pool series.
type PoolStats interface {
	PoolStats() (inUse, idle, waiting int64)
}

// Metrics are the server's Prometheus series, in a registry the Server owns
// (not the global default one), served at GET /metrics.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	tileRender *prometheus.HistogramVec
	importRows *prometheus.CounterVec
	importRej  *prometheus.CounterVec
	slowAborts *prometheus.CounterVec
	limited    *prometheus.CounterVec
}

func newMetrics(s *Server) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "minqing_http_requests_total", Help: "HTTP requests answered, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "minqing_http_request_duration_seconds", Help: "HTTP request latency, by route template and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"route", "status"}),
		tileRender: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "minqing_tile_render_seconds", Help: "Time to render a tile from the store (cache misses), by layer (\"multi\" for several) and zoom.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"layer", "zoom"}),
		importRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "minqing_import_rows_total", Help: "Rows read by imports, by layer.",
		}, []string{"layer"}),
		importRej: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "minqing_import_rejects_total", Help: "Rows rejected by imports, by layer.",
		}, []string{"layer"}),
		slowAborts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "minqing_slow_client_aborts_total", Help: "Clients dropped for stalling: write (stopped reading the response) or read (stopped sending the body).",
		}, []string{"direction"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "minqing_limiter_rejected_total", Help: "Requests refused with 503 because their class (stream, heavy) was at its limit.",
		}, []string{"class"}),
	}
	m.slowAborts.WithLabelValues("write")
	m.slowAborts.WithLabelValues("read")
	m.limited.WithLabelValues("stream")
	m.limited.WithLabelValues("heavy")
	m.reg.MustRegister(m.requests, m.latency, m.tileRender, m.importRows, m.importRej, m.slowAborts, m.limited,
		newStateCollector(s),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry (for tests and embedding).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

func (m *Metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}

// request records one answered request.
func (m *Metrics) request(method, route string, status int, d time.Duration) {
	st := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, st).Inc()
	m.latency.WithLabelValues(route, st).Observe(d.Seconds())
}

// TileRendered records the render time of a tile of ls at zoom z.
func (m *Metrics) TileRendered(ls []*layers.Layer, z int, d time.Duration) {
	name := "multi"
	if len(ls) == 1 {
		name = ls[0].Name
	}
	m.tileRender.WithLabelValues(name, strconv.Itoa(z)).Observe(d.Seconds())
}

// ImportDone records an import into layer: rows read and rows rejected.
func (m *Metrics) ImportDone(layer string, rows, rejects int64) {
	m.importRows.WithLabelValues(layer).Add(float64(rows))
	m.importRej.WithLabelValues(layer).Add(float64(rejects))
}

func (m *Metrics) slowClient(k abortKind) {
	dir := "write"
	if k == abortRead {
		dir = "read"
	}
	m.slowAborts.WithLabelValues(dir).Inc()
}

func (m *Metrics) rejected(class string) { m.limited.WithLabelValues(class).Inc() }

// stateCollector reads, at each scrape, the tile cache's counters and the
// store's pool.
type stateCollector struct {
	s                            *Server
	hits, misses, bytes, entries *prometheus.Desc
	kept, versionReads           *prometheus.Desc
	poolConns, poolWaiting       *prometheus.Desc
}

func newStateCollector(s *Server) *stateCollector {
	return &stateCollector{s: s,
		hits:         prometheus.NewDesc("minqing_tile_cache_hits_total", "Tile cache hits.", nil, nil),
		misses:       prometheus.NewDesc("minqing_tile_cache_misses_total", "Tile cache misses.", nil, nil),
		bytes:        prometheus.NewDesc("minqing_tile_cache_bytes", "Bytes held by the tile cache.", nil, nil),
		entries:      prometheus.NewDesc("minqing_tile_cache_entries", "Tiles held by the tile cache.", nil, nil),
		kept:         prometheus.NewDesc("minqing_tile_cache_kept_total", "Tile cache hits on tiles kept although their layer was written elsewhere.", nil, nil),
		versionReads: prometheus.NewDesc("minqing_tile_versions_reads_total", "Reads of the layer versions from the store by the tile cache.", nil, nil),
		poolConns:    prometheus.NewDesc("minqing_store_pool_connections", "Store pool connections, by state (in_use, idle).", []string{"state"}, nil),
		poolWaiting:  prometheus.NewDesc("minqing_store_pool_waiting", "Requests waiting for a store connection.", nil, nil),
	}
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.hits, c.misses, c.bytes, c.entries, c.kept, c.versionReads, c.poolConns, c.poolWaiting} {
		ch <- d
	}
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	var st tiles.CacheStats
	var reads int64
	if c.s.ext.tiles != nil {
		st = c.s.ext.tiles.cache.Stats()
		reads = c.s.ext.tiles.versions.Reads()
	}
	ch <- prometheus.MustNewConstMetric(c.kept, prometheus.CounterValue, float64(st.Kept))
	ch <- prometheus.MustNewConstMetric(c.versionReads, prometheus.CounterValue, float64(reads))
	ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(st.Hits))
	ch <- prometheus.MustNewConstMetric(c.misses, prometheus.CounterValue, float64(st.Misses))
	ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(st.Bytes))
	ch <- prometheus.MustNewConstMetric(c.entries, prometheus.GaugeValue, float64(st.Entries))
	if p, ok := poolOf(c.s.src); ok {
		inUse, idle, waiting := p.PoolStats()
		ch <- prometheus.MustNewConstMetric(c.poolConns, prometheus.GaugeValue, float64(inUse), "in_use")
		ch <- prometheus.MustNewConstMetric(c.poolConns, prometheus.GaugeValue, float64(idle), "idle")
		ch <- prometheus.MustNewConstMetric(c.poolWaiting, prometheus.GaugeValue, float64(waiting))
	}
}

// poolOf finds PoolStats on src or, through Unwrap, on a store it wraps.
func poolOf(src layers.Source) (PoolStats, bool) { return layers.As[PoolStats](src) }

package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/storetest"
)

// TestMetricsScrape: GET /metrics shows the series of every part of the
// server after traffic, and is gone with NoMetrics.
func TestMetricsScrape(t *testing.T) {
	src := storetest.GPKG(t)
	ogcSeed(t, src, 20)
	s := newTestServer(t, pooled{&faultySource{Source: src, pool: [3]int64{3, 2, 1}}})
	for _, p := range []string{"/layers", "/layers", "/tiles/incidents/14/13479/6208.mvt", "/tiles/incidents/14/13479/6208.mvt", "/nope"} {
		get(t, s, p, "")
	}
	s.Metrics().ImportDone("service_points", 12, 2)
	s.metrics.slowClient(abortWrite)
	s.metrics.rejected("stream")
	rec := get(t, s, "/metrics", "")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		`minqing_http_requests_total{method="GET",route="/layers",status="200"} 2`,
		`minqing_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`minqing_http_request_duration_seconds_bucket{route="/layers",status="200",le="+Inf"} 2`,
		`minqing_tile_render_seconds_count{layer="incidents",zoom="14"} 1`,
		`minqing_tile_cache_hits_total 1`,
		`minqing_tile_cache_misses_total 1`,
		`minqing_tile_cache_bytes `,
		`minqing_store_pool_connections{state="in_use"} 3`,
		`minqing_store_pool_connections{state="idle"} 2`,
		`minqing_store_pool_waiting 1`,
		`minqing_import_rows_total{layer="service_points"} 12`,
		`minqing_import_rejects_total{layer="service_points"} 2`,
		`minqing_slow_client_aborts_total{direction="write"} 1`,
		`minqing_slow_client_aborts_total{direction="read"} 0`,
		`minqing_limiter_rejected_total{class="stream"} 1`,
		`minqing_limiter_rejected_total{class="heavy"} 0`,
		`process_open_fds `,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// A store without a pool exports no pool series.
	plain := newTestServer(t, &faultySource{Source: src})
	if b := get(t, plain, "/metrics", "").Body.String(); strings.Contains(b, "minqing_store_pool") {
		t.Errorf("pool series without a pool")
	}
	off := New(Config{NoMetrics: true}, src, fengtai.Catalog(), slog.New(slog.DiscardHandler))
	if rec := get(t, off, "/metrics", ""); rec.Code != http.StatusNotFound {
		t.Errorf("NoMetrics: /metrics %d", rec.Code)
	}
}

// TestAccessLog: one info line per request with method, route template,
// status, bytes and duration, and neither the token nor query values.
func TestAccessLog(t *testing.T) {
	src := storetest.GPKG(t)
	fx := ogcSeed(t, src, 5)
	s, buf := newLoggedServer(t, Config{}, src)
	get(t, s, "/ogc/collections/incidents/items/"+itoa64(fx.incidents[0].ID)+"?token="+fx.staff+"&f=json", "")
	get(t, s, "/layers/incidents.geojson?category=水管爆裂", fx.staff)
	log := buf.String()
	for _, want := range []string{
		`level=INFO msg=request method=GET route=/ogc/collections/:layer/items/:id status=200 bytes=`,
		`level=INFO msg=request method=GET route=/layers/:file status=200 bytes=`,
		` dur=`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, leak := range []string{fx.staff, "水管爆裂", "category", "token", "incidents.geojson"} {
		if strings.Contains(log, leak) {
			t.Errorf("log shows %q:\n%s", leak, log)
		}
	}
}

// TestPrivateCaching: a response that depended on a token is never
// publicly cacheable; the same request without one keeps its public policy.
func TestPrivateCaching(t *testing.T) {
	src := storetest.GPKG(t)
	fx := ogcSeed(t, src, 5)
	s := newTestServer(t, src)
	for _, path := range []string{
		"/layers", "/layers/incidents.geojson", "/tiles/incidents/14/13479/6208.mvt", "/tiles/incidents.json",
		"/ogc/collections/incidents/items", "/export/incidents.csv", "/hotspots", "/static/js/api.js",
	} {
		t.Run(path, func(t *testing.T) {
			staff := get(t, s, path, fx.staff)
			if cc := staff.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") || strings.Contains(cc, "public") {
				t.Errorf("staff: Cache-Control %q (status %d)", cc, staff.Code)
			}
			if n := strings.Count(strings.Join(staff.Header().Values("Vary"), ","), "Authorization"); n != 1 {
				t.Errorf("staff: Vary %q names Authorization %d times, want once", staff.Header().Values("Vary"), n)
			}
			byURL := get(t, s, path+"?token="+fx.staff, "")
			if cc := byURL.Header().Get("Cache-Control"); byURL.Code == 200 && !strings.HasPrefix(cc, "private") {
				t.Errorf("?token=: Cache-Control %q", cc)
			}
			if cc := get(t, s, path, "").Header().Get("Cache-Control"); strings.Contains(cc, "private") {
				t.Errorf("public: Cache-Control %q", cc)
			}
		})
	}
}

// TestStoreFaults: a store fault (ErrUnavailable, however wrapped) or the
// store deadline is a 503 "unavailable" with Retry-After, on a stream and on
// /readyz; a client's own cancel is a 499 that is not logged; and an outage
// under load writes one aggregated line, not one per request.
func TestStoreFaults(t *testing.T) {
	src := storetest.GPKG(t)
	ogcSeed(t, src, 5)
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"connection lost", fmt.Errorf("postgis: features: %w", layers.ErrUnavailable), 503, "unavailable"},
		{"store deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), 503, "unavailable"},
		{"client gone", context.Canceled, 499, "canceled"},
		{"a bug", errors.New("boom"), 500, "internal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, buf := newLoggedServer(t, Config{PublicIncidents: PublicPoints}, &faultySource{Source: src, err: tc.err})
			for i := 0; i < 50; i++ {
				rec := get(t, s, "/ogc/collections/incidents/items", "")
				var e apiError
				decode(t, rec, &e)
				if rec.Code != tc.status || e.Code != tc.code {
					t.Fatalf("%d %+v, want %d %s", rec.Code, e, tc.status, tc.code)
				}
				if ra := rec.Header().Get("Retry-After"); (tc.status == 503) != (ra != "") {
					t.Fatalf("Retry-After %q on a %d", ra, rec.Code)
				}
			}
			errLines := strings.Count(buf.String(), "level=ERROR")
			switch {
			case tc.status == 499 && errLines != 0:
				t.Errorf("a client's cancel logged as an error:\n%s", buf)
			case tc.status >= 500 && errLines != 1:
				t.Errorf("%d error lines for 50 failures, want 1:\n%s", errLines, buf)
			}
		})
	}
	s := newTestServer(t, &faultySource{Source: src, err: fmt.Errorf("ping: %w", layers.ErrUnavailable)})
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		if rec := do(t, s, m, "/readyz", ""); rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s /readyz on a dead store: %d, Retry-After %q", m, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	if rec := get(t, s, "/healthz", ""); rec.Code != 200 {
		t.Errorf("/healthz on a dead store: %d (the process is up)", rec.Code)
	}
}

// TestOutageLog: the aggregated log writes the first failure of an interval
// at once, then one line with the count when the interval ends.
func TestOutageLog(t *testing.T) {
	buf := &syncBuffer{}
	o := newOutageLog(slog.New(slog.NewTextHandler(buf, nil)), 10*time.Second)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	o.now = func() time.Time { return now }
	for i := 0; i < 812; i++ {
		o.add("store unavailable", fmt.Errorf("conn %d: %w", i, layers.ErrUnavailable))
	}
	o.add("request failed", errors.New("boom"))
	o.flush() // the interval has not ended: nothing more
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Fatalf("%d lines during the interval, want 2 (one per kind):\n%s", n, buf)
	}
	now = now.Add(10 * time.Second)
	o.flush()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[2], "store unavailable: 811 request(s) failed in the last 10s: conn 811") {
		t.Errorf("after the interval:\n%s", buf)
	}
	now = now.Add(10 * time.Second)
	o.flush() // a quiet interval: nothing; the next failure logs at once
	o.add("store unavailable", layers.ErrUnavailable)
	if n := strings.Count(buf.String(), "\n"); n != 4 {
		t.Errorf("%d lines, want 4:\n%s", n, buf)
	}
}

// TestClientGoneNotLogged: a client that hangs up mid-stream (broken pipe,
// reset) is not a failure of the server: no error line.
func TestClientGoneNotLogged(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("write tcp: %w", syscall.EPIPE), fmt.Errorf("write tcp: %w", syscall.ECONNRESET),
		context.Canceled,
	} {
		s, buf := newLoggedServer(t, Config{}, extentSource{})
		c := s.echo.NewContext(httptest.NewRequest(http.MethodGet, "/layers/incidents.geojson", nil), httptest.NewRecorder())
		c.Response().WriteHeader(200) // the stream had started
		s.handleError(err, c)
		s.outages.flush()
		if strings.Contains(buf.String(), "level=ERROR") {
			t.Errorf("%v logged as an error:\n%s", err, buf)
		}
	}
}

// TestTokenNeverInBody: a ?token= secret is never copied into a response
// (links, tile URLs), whatever the route.
func TestTokenNeverInBody(t *testing.T) {
	src := storetest.GPKG(t)
	fx := ogcSeed(t, src, 5)
	s := newTestServer(t, src)
	for _, path := range []string{
		"/layers", "/tiles/incidents.json", "/tiles/hotspots.json", "/ogc", "/ogc/collections", "/ogc/collections/incidents",
		"/ogc/collections/incidents/items?limit=2", "/ogc/collections/incidents/items/" + itoa64(fx.incidents[0].ID),
		"/ogc/collections/incidents/queryables", "/hotspots", "/hotspots/summary", "/config.json", "/",
	} {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		rec := get(t, s, path+sep+"token="+fx.staff, "")
		if rec.Code != 200 {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
		if strings.Contains(rec.Body.String(), fx.staff) {
			t.Errorf("%s: the token is in the body", path)
		}
	}
}

// hangingPing is a store whose Ping waits until its context ends, as a
// store whose pool has no connection to give does.
type hangingPing struct{ layers.Source }

func (hangingPing) Ping(ctx context.Context) error {
	<-ctx.Done()
	return fmt.Errorf("ping: %w", ctx.Err())
}

// TestReadyzTimesOut: /readyz gives up after its short timeout and says 503
// when the store cannot give a connection in time.
func TestReadyzTimesOut(t *testing.T) {
	s := newTestServer(t, hangingPing{extentSource{}})
	rec := get(t, s, "/readyz", "")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), `"unavailable"`) {
		t.Errorf("%d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}

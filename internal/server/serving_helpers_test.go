package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// faultySource wraps a store: Ping and Features fail with err when it is
// set; Features blocks on gate, if set, before streaming; repeat streams the
// layer that many times over (to make an endless response from a real store).
type faultySource struct {
	layers.Source
	err     error
	gate    chan struct{}
	entered chan struct{}
	// gateOnly, when set, is the one layer whose Features entered and gate
	// hold (the server's own reads at start, warmPublic, pass).
	gateOnly string
	repeat   int
	pool     [3]int64 // PoolStats, when poolStats is set
}

func (f *faultySource) Ping(ctx context.Context) error {
	if f.err != nil {
		return f.err
	}
	return f.Source.Ping(ctx)
}

func (f *faultySource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	held := f.gateOnly == "" || f.gateOnly == l.Name
	if f.entered != nil && held {
		f.entered <- struct{}{}
	}
	if f.gate != nil && held {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if f.err != nil {
		return f.err
	}
	if f.repeat <= 1 {
		return f.Source.Features(ctx, l, q, fn)
	}
	// The layer repeated: copy i of a feature has id i×repeatStride + id, so
	// that keyset pages (AfterID, Limit) walk the repeats as a store would.
	n := 0
	for i := int64(0); i < int64(f.repeat); i++ {
		if (i+1)*repeatStride <= q.AfterID {
			continue
		}
		sub := q
		sub.AfterID, sub.Limit = max(q.AfterID-i*repeatStride, 0), 0
		err := f.Source.Features(ctx, l, sub, func(ft *layers.Feature) error {
			if q.Limit > 0 && n >= q.Limit {
				return errPageFull
			}
			c := *ft
			c.ID = i*repeatStride + ft.ID
			n++
			return fn(&c)
		})
		if errors.Is(err, errPageFull) || (q.Limit > 0 && n >= q.Limit) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// repeatStride separates the ids of a faultySource's repeats.
const repeatStride = 1_000_000

var errPageFull = errors.New("page full")

// pooled is a store with a connection pool to report.
type pooled struct{ *faultySource }

func (p pooled) PoolStats() (int64, int64, int64) { return p.pool[0], p.pool[1], p.pool[2] }

// syncBuffer is a concurrency-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newLoggedServer returns a server with cfg whose log goes to the returned
// buffer.
func newLoggedServer(t *testing.T, cfg Config, src layers.Source) (*Server, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	return New(cfg, src, fengtai.Catalog(), slog.New(slog.NewTextHandler(buf, nil))), buf
}

// serveTCP runs s on a loopback port (with its timeouts, as Run sets them)
// until the test ends, and returns its address.
func serveTCP(t *testing.T, s *Server) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	s.cfg.Addr = "127.0.0.1:0"
	go func() { done <- s.Run(ctx, func(a string) { addrc <- a }) }()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return addr
}

// do performs method target with an optional bearer token.
func do(t *testing.T, s *Server, method, target, secret string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// waitFor polls cond until it holds or a minute passes (a bound for a hung
// test, not a speed threshold).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(time.Minute); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

// aborts returns the slow-client aborts counted in direction.
func aborts(s *Server, direction string) float64 {
	return testutil.ToFloat64(s.metrics.slowAborts.WithLabelValues(direction))
}

// rawGET sends a GET on a new connection and returns it without reading.
func rawGET(t *testing.T, addr, target string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// readResponse reads one response from conn.
func readResponse(t *testing.T, conn net.Conn) *http.Response {
	t.Helper()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

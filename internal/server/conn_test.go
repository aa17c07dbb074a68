package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/storetest"
)

// TestWriteStall: a client that stops reading an endless stream is dropped
// after the stall time (and counted), its stream slot and store work are
// released, and other requests are served meanwhile; on both stores.
func TestWriteStall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		ogcSeed(t, src, 50)
		s := newTestServer(t, &faultySource{Source: src, repeat: 1 << 30})
		s.cfg.WriteStall = 300 * time.Millisecond
		addr := serveTCP(t, s)
		conn := rawGET(t, addr, "/layers/incidents.geojson")
		res, err := http.Get("http://" + addr + "/layers")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("a fast request beside the stalled one: %v %v", err, res)
		}
		res.Body.Close()
		waitFor(t, "the stalled client to be dropped", func() bool { return aborts(s, "write") == 1 })
		waitFor(t, "the stream slot to be released", func() bool { return len(s.streams) == 0 })
		// The server closed the connection: reading drains to EOF.
		_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
		if _, err := io.Copy(io.Discard, conn); err != nil {
			t.Errorf("reading the dropped connection: %v, want EOF", err)
		}
	})
}

// TestSlowReaderIsServed: a client that reads slowly but keeps reading gets
// the whole of a stream far larger than the socket buffers, although the
// stream lasts longer than the stall time.
func TestSlowReaderIsServed(t *testing.T) {
	src := storetest.GPKG(t)
	ogcSeed(t, src, 100)
	const repeat = 150 // 15,000 features, several MB
	s := newTestServer(t, &faultySource{Source: src, repeat: repeat})
	s.cfg.WriteStall = 400 * time.Millisecond
	addr := serveTCP(t, s)
	res, err := http.Get("http://" + addr + "/layers/incidents.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body strings.Builder
	buf := make([]byte, 64<<10)
	for {
		n, err := res.Body.Read(buf)
		body.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("after %d bytes: %v", body.Len(), err)
		}
		time.Sleep(5 * time.Millisecond) // slow, never stalled
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal([]byte(body.String()), &fc); err != nil || len(fc.Features) != 100*repeat {
		t.Errorf("%d bytes, %d features (%v), want %d", body.Len(), len(fc.Features), err, 100*repeat)
	}
	if aborts(s, "write") != 0 {
		t.Errorf("a progressing reader was counted as stalled")
	}
}

// TestReadStall: an upload whose body stops arriving is closed after the
// stall time and counted; nothing is written.
func TestReadStall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		admin := token(t, src, layers.Admin)
		s := newTestServer(t, src)
		s.cfg.ReadStall = 300 * time.Millisecond
		addr := serveTCP(t, s)
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /import/service_points?format=csv HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: text/csv\r\nContent-Length: 1000000\r\n\r\nname,kind,lon,lat\n便民点,便民服务,116.28,39.85\n", admin)
		waitFor(t, "the stalled upload to be dropped", func() bool { return aborts(s, "read") == 1 })
		_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
		if _, err := io.Copy(io.Discard, conn); err != nil {
			t.Errorf("reading the dropped connection: %v, want EOF", err)
		}
		l, _ := fengtai.Catalog().Lookup("service_points")
		if n, err := src.Count(context.Background(), l, layers.Query{Role: layers.Admin}); err != nil || n != 0 {
			t.Errorf("%d service points after a stalled upload (%v), want 0", n, err)
		}
	})
}

// TestIdleKeepAlive: a keep-alive connection left idle is closed.
func TestIdleKeepAlive(t *testing.T) {
	s := newTestServer(t, extentSource{})
	s.cfg.IdleTimeout = 200 * time.Millisecond
	addr := serveTCP(t, s)
	conn := rawGET(t, addr, "/healthz")
	res := readResponse(t, conn)
	if res.StatusCode != 200 || res.Close {
		t.Fatalf("%d, close %v", res.StatusCode, res.Close)
	}
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	if n, err := conn.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("idle connection: read %d, %v; want EOF", n, err)
	}
}

// TestConcurrencyLimit: past MaxStreams concurrent streams, or MaxHeavy
// heavy requests, a request is refused at once with 503, Retry-After and a
// sentence (no queue); other routes are not limited.
func TestConcurrencyLimit(t *testing.T) {
	src := storetest.GPKG(t)
	ogcSeed(t, src, 10)
	fs := &faultySource{Source: src, gate: make(chan struct{}), entered: make(chan struct{}, 16)}
	s := newTestServer(t, fs)
	s.cfg.MaxStreams = 1
	s.streams = newLimiter(1)
	done := make(chan int)
	go func() { done <- get(t, s, "/export/incidents.geojson", "").Code }()
	<-fs.entered
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/layers/incidents.geojson", 503},
		{"/ogc/collections/incidents/items", 503},
		{"/export/incidents.csv", 503},
		{"/layers", 200},
		{"/ogc/collections", 200},
		{"/tiles/incidents/14/13479/6208.mvt", 204}, // an empty tile, rendered
	} {
		rec := get(t, s, tc.path, "")
		if rec.Code != tc.status {
			t.Errorf("%s with the streams full: %d, want %d", tc.path, rec.Code, tc.status)
		}
		if tc.status == 503 && (rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), `"code":"busy"`)) {
			t.Errorf("%s: Retry-After %q, body %s", tc.path, rec.Header().Get("Retry-After"), rec.Body)
		}
	}
	close(fs.gate)
	if code := <-done; code != 200 {
		t.Errorf("the stream that held the slot: %d", code)
	}
	if rec := get(t, s, "/layers/incidents.geojson", ""); rec.Code != 200 {
		t.Errorf("after the slot is released: %d", rec.Code)
	}

	// Heavy requests: hot spots and imports.
	for range cap(s.heavy) {
		s.heavy.acquire()
	}
	for _, path := range []string{"/hotspots", "/hotspots/summary"} {
		if rec := get(t, s, path, ""); rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s with heavy full: %d", path, rec.Code)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/import/service_points", strings.NewReader("x"))
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 503 {
		t.Errorf("import with heavy full: %d", rec.Code)
	}
	if got := aborts(s, "write"); got != 0 {
		t.Errorf("aborts %v", got)
	}
}

// TestGracefulShutdown: on cancel (SIGTERM), the server stops accepting,
// lets the in-flight request finish, then Run returns.
func TestGracefulShutdown(t *testing.T) {
	src := storetest.GPKG(t)
	ogcSeed(t, src, 10)
	// Only the request's reads are held: the server's own at start
	// (warmPublic) must not stand in for it.
	fs := &faultySource{Source: src, gate: make(chan struct{}), entered: make(chan struct{}, 1), gateOnly: "incidents"}
	s := newTestServer(t, fs)
	s.cfg.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc, runErr := make(chan string, 1), make(chan error, 1)
	go func() { runErr <- s.Run(ctx, func(a string) { addrc <- a }) }()
	addr := <-addrc
	type result struct {
		code int
		n    int
		err  error
	}
	inflight := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/layers/incidents.geojson")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		defer res.Body.Close()
		var fc struct {
			Features []json.RawMessage `json:"features"`
		}
		err = json.NewDecoder(res.Body).Decode(&fc)
		inflight <- result{res.StatusCode, len(fc.Features), err}
	}()
	<-fs.entered
	cancel()
	waitFor(t, "the listener to close", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	close(fs.gate)
	if r := <-inflight; r.err != nil || r.code != 200 || r.n != 10 {
		t.Errorf("in-flight request: %+v, want 200 with 10 features", r)
	}
	if err := <-runErr; err != nil {
		t.Errorf("Run: %v", err)
	}
}

package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/gpkg"
)

// slowReader is a client that sends a GET, reads the first bytes of the
// answer and then stops reading, with a small receive buffer, so that the
// server's writes to it block once the socket buffers are full.
type slowReader struct {
	conn net.Conn
	got  chan error // the first bytes arrived (nil) or not
}

func attachSlowReader(t *testing.T, addr, path string) *slowReader {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	tc := c.(*net.TCPConn)
	if err := tc.SetReadBuffer(4096); err != nil {
		t.Fatal(err)
	}
	r := &slowReader{conn: c, got: make(chan error, 1)}
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: minqing\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	go func() {
		line, err := bufio.NewReaderSize(c, 64).ReadString('\n')
		if err == nil && !strings.HasPrefix(line, "HTTP/1.1 200") {
			err = fmt.Errorf("status line %q", line)
		}
		r.got <- err // and read no more
	}()
	return r
}

// TestSlowReadersHoldNoStoreConnection: with more clients stalled on a large
// streamed download (an export, a whole layer) than the store has pooled
// connections, other requests are still answered — the streams read in
// short pages and hold no connection while they wait for their client.
// Without the paging the stalled streams hold every connection and the fast
// requests below never answer.
func TestSlowReadersHoldNoStoreConnection(t *testing.T) {
	const incidents = 20000 // a response of several megabytes: more than any socket buffer
	readers := max(16, 2*runtime.NumCPU())
	stores := []struct {
		name string
		open func(t *testing.T) layers.Source
	}{
		// A pool of 8 connections, fewer than the readers.
		{"postgis", func(t *testing.T) layers.Source { return openPostGIS(t, withParam(pgtest.New(t), "pool_max_conns=8")) }},
		// The read pool holds max(4, cores) connections, fewer than the readers.
		{"gpkg", func(t *testing.T) layers.Source {
			st, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "slow.gpkg"), fengtai.Catalog())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
	}
	downloads := []string{"/export/incidents.geojson", "/layers/incidents.geojson"}
	fast := []string{"/ogc/collections/demolitions/items?limit=1", "/layers/demolitions.geojson", tilePath("incidents", centre())}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			src := st.open(t)
			asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)
			if _, err := demo.Load(context.Background(), src, fengtai.Catalog(), demo.Options{Incidents: incidents, AsOf: asOf}, nil); err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(newTestServer(t, src).Handler())
			defer hs.Close()
			addr := strings.TrimPrefix(hs.URL, "http://")
			for _, path := range downloads {
				t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
					slow := make([]*slowReader, readers)
					for i := range slow {
						slow[i] = attachSlowReader(t, addr, path)
					}
					defer func() {
						for _, r := range slow {
							r.conn.Close()
						}
					}()
					// Wait until the readers have their first bytes (all of
					// them, once streams release the store; without paging
					// only as many as there are connections ever do).
					wait := time.After(15 * time.Second)
					attached := 0
				collect:
					for _, r := range slow {
						select {
						case err := <-r.got:
							if err != nil {
								t.Fatalf("slow reader: %v", err)
							}
							attached++
						case <-wait:
							break collect
						}
					}
					t.Logf("%d of %d slow readers attached", attached, readers)
					for _, f := range fast {
						ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
						req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+f, nil)
						res, err := hs.Client().Do(req)
						if err != nil {
							cancel()
							t.Fatalf("%s with %d slow readers attached: %v", f, readers, err)
						}
						_, err = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						cancel()
						if err != nil || (res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent) {
							t.Fatalf("%s with %d slow readers attached: %d, %v", f, readers, res.StatusCode, err)
						}
					}
					if attached != readers {
						t.Errorf("only %d of %d slow readers got the start of their download", attached, readers)
					}
				})
			}
		})
	}
}

// withParam adds a query parameter to a database URL.
func withParam(url, kv string) string {
	if strings.Contains(url, "?") {
		return url + "&" + kv
	}
	return url + "?" + kv
}

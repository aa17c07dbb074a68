package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/storetest"
)

const importHeader = "工单编号,受理时间,问题分类,经度,纬度\n"

// csvRows returns n incident rows with work orders prefix0…prefixN.
func csvRows(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s%d,2026/3/5,停电,116.28,39.85\n", prefix, i)
	}
	return b.String()
}

// stalledUpload sends a POST whose body stops after its first bytes: the
// connection stays open, the rest never comes. It returns the connection.
func stalledUpload(t *testing.T, addr, path, secret, framing, first string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	auth := ""
	if secret != "" {
		auth = "Authorization: Bearer " + secret + "\r\n"
	}
	body := fmt.Sprintf("%x\r\n%s\r\n", len(first), first) // one chunk, and no last chunk
	head := "Transfer-Encoding: chunked\r\n"
	if framing == "length" {
		body = first
		head = fmt.Sprintf("Content-Length: %d\r\n", 200<<10) // under the 256 KiB the server would drain
	}
	if _, err := fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: minqing\r\nContent-Type: text/csv\r\n%s%s\r\n%s", path, auth, head, body); err != nil {
		t.Fatal(err)
	}
	return c
}

// postOverCap posts an import larger than the server's cap and reads the
// answer while the body is still being written. The server answers 413 and
// closes the connection with the rest of the upload unread, so the kernel
// resets it: a client that reads only after writing everything (as
// net/http's does, racing its write error against the answer) may see the
// reset instead of the answer the server sent.
func postOverCap(t *testing.T, addr, secret, body string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go fmt.Fprintf(c, "POST /import/incidents HTTP/1.1\r\nHost: minqing\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: text/csv\r\nContent-Length: %d\r\n\r\n%s", secret, len(body), body) // its error is the reset, once answered
	res, body := answer(t, c, 45*time.Second, "an upload over the cap")
	return res.StatusCode, body
}

// answer reads the server's answer on c, and its body, waiting at most
// wait: generous, but an answer that waited for a body that never comes
// fails.
func answer(t *testing.T, c net.Conn, wait time.Duration, what string) (*http.Response, string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(wait))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to %s: %v", what, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestImportRefusedBeforeTheBody: a caller who may not import is answered
// at once, while its body is still coming, and the connection is closed so
// that the server does not wait to drain the upload.
func TestImportRefusedBeforeTheBody(t *testing.T) {
	src := newEmbedded(t)
	staff := token(t, src, layers.Staff)
	hs := httptest.NewServer(newTestServer(t, src).Handler())
	t.Cleanup(hs.Close)
	addr := strings.TrimPrefix(hs.URL, "http://")
	cases := []struct {
		name, path, secret, framing string
		want                        int
	}{
		{"no token, chunked", "/import/incidents", "", "chunked", http.StatusUnauthorized},
		{"no token, content length", "/import/incidents", "", "length", http.StatusUnauthorized},
		{"staff token", "/import/incidents", staff, "chunked", http.StatusForbidden},
		{"unknown layer", "/import/nothing", "", "chunked", http.StatusNotFound},
		{"bad token", "/import/incidents", "mq_nonsense", "length", http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := stalledUpload(t, addr, tc.path, tc.secret, tc.framing, importHeader+csvRows("R", 3))
			res, _ := answer(t, c, 30*time.Second, "a refused upload while its body is pending")
			if res.StatusCode != tc.want {
				t.Errorf("status %d, want %d", res.StatusCode, tc.want)
			}
			if !res.Close {
				t.Errorf("Connection: %q; want the connection closed, not drained", res.Header.Get("Connection"))
			}
		})
	}
}

// TestImportDeclaredTooLarge: an upload whose Content-Length is over the
// cap is refused with a 413 at once, while its body is still coming, and
// the connection is closed rather than drained.
func TestImportDeclaredTooLarge(t *testing.T) {
	src := newEmbedded(t)
	admin := token(t, src, layers.Admin)
	s := New(Config{ImportMaxBytes: 1 << 10}, src, fengtai.Catalog(), quietLog())
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	addr := strings.TrimPrefix(hs.URL, "http://")
	for _, path := range []string{"/import/incidents", "/import/incidents/preview", "/import/incidents/rejects"} {
		t.Run(path, func(t *testing.T) {
			// Declares 200 KiB, sends a few rows and stops: under the cap so
			// far, so only the declared length can refuse it now.
			c := stalledUpload(t, addr, path, admin, "length", importHeader+csvRows("R", 3))
			res, b := answer(t, c, 30*time.Second, "an upload declared over the cap while its body is pending")
			if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b, "1024 bytes") {
				t.Errorf("status %d %s, want 413 naming the 1024 bytes accepted", res.StatusCode, b)
			}
			if !res.Close {
				t.Errorf("Connection: %q; want the connection closed, not drained", res.Header.Get("Connection"))
			}
		})
	}
}

// TestSlowUploadHoldsNoWriteLock: while an admin's upload trickles in, the
// store takes other writes (the upload is spooled before the import's
// transaction starts), the upload still imports once complete, and no
// spool file is left behind on any path.
func TestSlowUploadHoldsNoWriteLock(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			spool := t.TempDir()
			t.Setenv("TMPDIR", spool)
			src := st.Open(t)
			admin := token(t, src, layers.Admin)
			s := New(Config{ImportMaxBytes: 1 << 20}, src, fengtai.Catalog(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			hs := httptest.NewServer(s.Handler())
			t.Cleanup(hs.Close)
			addr := strings.TrimPrefix(hs.URL, "http://")

			// More than the CSV reader's 64 KiB look-ahead: an import that
			// did not spool would now be writing, in its transaction.
			slow := stalledUpload(t, addr, "/import/incidents", admin, "chunked", importHeader+csvRows("SLOW", 3000))
			// Give an import that did not spool the time to open its
			// transaction; the assertions below do not depend on it.
			time.Sleep(300 * time.Millisecond)

			post := func(body string) (int, string) {
				ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hs.URL+"/import/incidents", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+admin)
				req.Header.Set("Content-Type", "text/csv")
				res, err := hs.Client().Do(req)
				if err != nil {
					t.Fatalf("an import while a slow upload is pending: %v", err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(b)
			}
			if pg, ok := src.(*postgis.Store); ok {
				var open int
				err := pg.Pool().QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
					WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&open)
				if err != nil || open != 0 {
					t.Errorf("%d transactions open while an upload is pending (%v), want 0", open, err)
				}
			}
			if code, body := post(importHeader + csvRows("FAST", 5)); code != http.StatusOK {
				t.Fatalf("fast import while a slow upload is pending: %d %s", code, body)
			}
			if code, body := postOverCap(t, addr, admin, importHeader+csvRows("HUGE", 40000)); code != http.StatusRequestEntityTooLarge {
				t.Errorf("an upload over the cap: %d %s, want 413", code, body)
			}
			// The slow upload ends; it imports.
			if _, err := fmt.Fprintf(slow, "%x\r\n%s\r\n0\r\n\r\n", len(csvRows("LATE", 2)), csvRows("LATE", 2)); err != nil {
				t.Fatal(err)
			}
			res, _ := answer(t, slow, 45*time.Second, "the slow upload, once complete")
			if res.StatusCode != http.StatusOK {
				t.Errorf("the slow upload, once complete: %d", res.StatusCode)
			}
			l, _ := fengtai.Catalog().Get("incidents", layers.Admin)
			if n, err := src.Count(context.Background(), l, layers.Query{Role: layers.Admin}); err != nil || n != 3007 {
				t.Errorf("%d incidents, %v; want 5 fast + 3002 slow", n, err)
			}
			left, _ := os.ReadDir(spool)
			for _, e := range left {
				if strings.HasPrefix(e.Name(), "minqing-import-") {
					t.Errorf("spool file %s left behind", e.Name())
				}
			}
		})
	}
}

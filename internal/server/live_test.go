package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"minqing/layers"
	"minqing/stores/storetest"
)

// TestLiveVersions: a client of /live is told when an incident is taken in.
func TestLiveVersions(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			seedAreas(t, src)
			s := newTestServer(t, src)
			staff := token(t, src, layers.Staff)
			hs := httptest.NewServer(s.Handler())
			defer hs.Close()
			// A generous bound so a broken stream fails instead of hanging;
			// no timing is asserted.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/live", nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
				t.Fatalf("content type %q", ct)
			}
			lines := bufio.NewScanner(res.Body)
			next := func() map[string]int64 {
				t.Helper()
				for lines.Scan() {
					if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
						var v map[string]int64
						if err := json.Unmarshal([]byte(data), &v); err != nil {
							t.Fatal(err)
						}
						return v
					}
				}
				t.Fatalf("the stream ended: %v", lines.Err())
				return nil
			}
			first := next()
			if _, ok := first["incidents"]; !ok {
				t.Fatalf("first event %v has no incidents version", first)
			}
			if rec := postJSON(t, s, "/incidents", staff, `{"lon": 116.2875, "lat": 39.8575, "category": "停电", "source": "网格"}`); rec.Code != 201 {
				t.Fatalf("intake: %d %s", rec.Code, rec.Body)
			}
			if v := next(); v["incidents"] <= first["incidents"] {
				t.Errorf("after an intake the incidents version is %d, was %d", v["incidents"], first["incidents"])
			}
		})
	}
}

// TestLiveHubStopsWithoutListeners: the hub polls only while someone
// listens, and starts again for a new listener.
func TestLiveHubStopsWithoutListeners(t *testing.T) {
	reads := make(chan struct{}, 100)
	h := newLiveHub(func(context.Context) (map[string]int64, error) {
		reads <- struct{}{}
		return map[string]int64{"incidents": int64(len(reads))}, nil
	})
	ch, leave := h.subscribe()
	<-ch
	leave()
	for i := 0; i < 100; i++ { // wait until the poller noticed
		h.mu.Lock()
		running := h.running
		h.mu.Unlock()
		if !running {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	h.mu.Lock()
	running := h.running
	h.mu.Unlock()
	if running {
		t.Fatal("the hub still polls with no listener")
	}
	ch, leave = h.subscribe()
	defer leave()
	if v := <-ch; v["incidents"] == 0 {
		t.Errorf("a new listener got %v", v)
	}
}

package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/storetest"
)

// TestRunCountsPublishedMonths: once it listens, a server counts every
// month's published table before any request asks, so the first public
// hot spot answers count no month themselves.
func TestRunCountsPublishedMonths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, layers.Shanghai)
		if _, err := demo.Load(context.Background(), src, fengtai.Catalog(), demo.Options{Incidents: 600, AsOf: asOf}, nil); err != nil {
			t.Fatal(err)
		}
		s, log := newLoggedServer(t, Config{}, src)
		pub := s.ext.hotspots.svc.Publisher()
		if n := pub.Counted(); n != 0 {
			t.Fatalf("%d months counted before the server runs", n)
		}
		serveTCP(t, s)
		waitFor(t, "the log to say the published months are counted", func() bool {
			return strings.Contains(log.String(), "published months counted")
		})
		counted := pub.Counted()
		if counted < 12 {
			t.Errorf("%d months counted at start: want the demo's year and more", counted)
		}
		for _, target := range []string{"/hotspots?res=9", "/hotspots?res=9&datetime=2026-01/2026-06", "/hotspots/summary?top=5"} {
			if rec := do(t, s, http.MethodGet, target, ""); rec.Code != http.StatusOK {
				t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
			}
		}
		if n := pub.Counted(); n != counted {
			t.Errorf("the first public requests counted %d months themselves", n-counted)
		}
	})
}

package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"minqing/geo/hex"
	"minqing/hotspot"
	"minqing/layers"
	"minqing/stores/storetest"
)

// TestPublicTablesKeptAcrossWrites: the published tables of closed months
// are kept while their month marks stay. An incident taken in today makes
// none of them be counted again and leaves the public answer as it was;
// incidents dated in a closed month make that month, and only it, be
// counted again, and the public answer shows them (never a stale table).
// The public analysis made from those tables is kept across the first
// write and made again after the second.
func TestPublicTablesKeptAcrossWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		loadPrivacyDemo(t, src)
		s := newAggregateServer(t, src)
		staff := token(t, src, layers.Staff)
		pub := s.ext.hotspots.svc.Publisher()
		const q = "/hotspots?res=9&datetime=2024-03-01/2026-02-28"
		counts := func() map[string]int64 {
			t.Helper()
			rec := get(t, s, q, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("public hot spots: %d %s", rec.Code, rec.Body)
			}
			_, byH3 := hexFeatures(t, rec.Body.Bytes())
			out := map[string]int64{}
			for h, f := range byH3 {
				if c, ok := f.Properties["count"].(float64); ok {
					out[h] = int64(c)
				}
			}
			return out
		}
		intake := func(body string) {
			t.Helper()
			if rec := postJSON(t, s, "/incidents", staff, body); rec.Code != http.StatusCreated {
				t.Fatalf("intake: %d %s", rec.Code, rec.Body)
			}
		}
		svc := s.ext.hotspots.svc
		analysis := func() *hotspot.Analysis {
			t.Helper()
			start, end := time.Date(2024, 3, 1, 0, 0, 0, 0, layers.Shanghai), time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai).Add(-time.Nanosecond)
			a, err := svc.Analyze(context.Background(), hotspot.Params{Res: 9, Query: layers.Query{Role: layers.Public, Time: &layers.TimeRange{Start: &start, End: &end}}})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		before := counts()
		a0 := analysis()
		n0 := pub.Counted()
		if n0 < 24 {
			t.Fatalf("%d month tables counted for 24 months", n0)
		}

		intake(`{"lon": 116.2875, "lat": 39.8575, "category": "停电", "source": "网格"}`)
		today := counts()
		if n := pub.Counted() - n0; n != 0 {
			t.Errorf("an incident today made %d closed months be counted again", n)
		}
		if fmt.Sprint(today) != fmt.Sprint(before) {
			t.Errorf("the public answer changed with an incident today")
		}
		a1 := analysis()
		if a1 != a0 {
			t.Errorf("an incident today made the public analysis be made again (key %q → %q)", a0.Key, a1.Key)
		}

		const lon, lat = 116.2885, 39.8530
		n1 := pub.Counted()
		for i := range 5 {
			intake(fmt.Sprintf(`{"lon": %f, "lat": %f, "category": "停电", "source": "网格", "received_at": "2026-02-%02dT10:00:00+08:00"}`, lon, lat, 10+i))
		}
		after := counts()
		if a2 := analysis(); a2 == a1 {
			t.Errorf("the public analysis was kept after 5 incidents in February (key %q)", a2.Key)
		}
		if n := pub.Counted() - n1; n != 1 {
			t.Errorf("5 incidents in February 2026 made %d months be counted again, want 1", n)
		}
		c, err := hex.FromPoint([2]float64{lon, lat}, 9)
		if err != nil {
			t.Fatal(err)
		}
		h := hex.String(c)
		if after[h] < today[h]+5 {
			t.Errorf("cell %s shows %d after 5 more incidents in February, before %d: a stale table", h, after[h], today[h])
		}
	})
}

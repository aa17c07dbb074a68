package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/sourcetest"
	"minqing/stores/storetest"
)

// streamedOnly hides a store's RateTallies (and everything else beyond
// layers.Source): a server over it streams the incidents and tallies them
// in Go, as /rates did before the stores tallied.
type streamedOnly struct{ layers.Source }

// countedTallies counts the store's tallies it passes on.
type countedTallies struct {
	layers.Source
	n int
}

func (c *countedTallies) Unwrap() layers.Source { return c.Source }

func (c *countedTallies) RateTallies(ctx context.Context, l *layers.Layer, q layers.RateQuery) ([]layers.RateTally, layers.RateTally, error) {
	c.n++
	return c.Source.(layers.RateTallier).RateTallies(ctx, l, q)
}

// TestRatesTalliedEqualStreamed checks that /rates answers the same whether
// the store tallies (PostGIS, GeoPackage) or the server streams and tallies
// the incidents: incidents taken in through intake (stored due times) and
// imported ones without due times (the routing table's), by every grouping,
// over windows and with a category filter, as JSON, CSV and for the public.
func TestRatesTalliedEqualStreamed(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			seedAreas(t, src)
			cfg := Config{MinCount: 2, PublicIncidents: PublicPoints}
			counted := &countedTallies{Source: src}
			s := New(cfg, counted, fengtai.Catalog(), quietLog())
			staff := token(t, src, layers.Staff)
			rateFixture(t, s, staff)
			l, _ := fengtai.Catalog().Lookup("incidents")
			var imported []*layers.Feature
			cats := []string{"停电", "水管爆裂", "漏水", "施工扰民"}
			for i := range 60 {
				f := sourcetest.Incident(i, orb.Point{116.28 + 0.0003*float64(i%20), 39.85 + 0.0002*float64(i%13)}, cats[i%4])
				received := time.Date(2026, 6, 1+i%29, i%24, i*7%60, i%60, 0, layers.Shanghai)
				f.Props["received_at"] = received
				f.Props["community"] = []string{"新华街北里", "北大地西区", ""}[i%3]
				if i%5 != 0 {
					f.Props["responded_at"] = received.Add(time.Duration(i*37) * time.Minute)
				}
				if i%3 != 0 {
					f.Props["resolved_at"] = received.Add(time.Duration(i*7) * time.Hour)
					f.Props["status"] = "resolved"
				} else {
					f.Props["status"] = "dispatched"
				}
				if i%4 == 0 {
					f.Props["visit_resolved"] = i%8 == 0
				}
				imported = append(imported, f)
			}
			if _, err := src.Write(context.Background(), l, layers.WriteOptions{Mode: layers.Insert}, &sourcetest.Slice{Features: imported}); err != nil {
				t.Fatal(err)
			}
			streamed := New(cfg, streamedOnly{src}, fengtai.Catalog(), quietLog())
			public := token(t, src, layers.Public)
			for _, q := range []string{"by=community&datetime=2026-06-01/2026-06-30", "by=unit&datetime=2026-06-03T10:30:00%2B08:00/2026-06-20T09:00:00%2B08:00",
				"by=category&datetime=2020-01-01/2030-12-31", "by=patch&datetime=2020-01-01/2030-12-31", "by=community&category=停电&datetime=2020-01-01/2030-12-31", "by=unit&datetime=2026-06-01/2026-06-30&f=csv"} {
				for _, who := range []string{staff, public} {
					a, b := get(t, s, "/rates?"+q, who), get(t, streamed, "/rates?"+q, who)
					if a.Code != 200 || b.Code != 200 {
						t.Fatalf("%s: %d %s / %d %s", q, a.Code, a.Body, b.Code, b.Body)
					}
					if ta, tb := withoutMoment(t, a.Body.Bytes()), withoutMoment(t, b.Body.Bytes()); ta != tb {
						t.Errorf("%s: tallied by the store\n%s\nstreamed\n%s", q, ta, tb)
					}
					if !strings.Contains(a.Body.String(), `"groups":[{`) && !strings.Contains(a.Body.String(), "\n") {
						t.Errorf("%s: no group in %s", q, a.Body)
					}
				}
			}
			if counted.n == 0 {
				t.Error("the store tallied no /rates")
			}
		})
	}
}

// withoutMoment drops as_of from a JSON answer (the moment of the request);
// other bodies are compared as they are.
func withoutMoment(t *testing.T, body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return string(body)
	}
	delete(m, "as_of")
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(string(out))
}

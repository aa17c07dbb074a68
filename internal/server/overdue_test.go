package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/storetest"
)

// intakeAt takes in one incident received ago before now, then records
// steps (action → minutes after receipt); it returns the id.
func intakeAt(t *testing.T, s *Server, staff, category string, ago time.Duration, steps ...string) int64 {
	t.Helper()
	received := time.Now().Add(-ago).Truncate(time.Second)
	rec := postJSON(t, s, "/incidents", staff, fmt.Sprintf(`{"lon": 116.2875, "lat": 39.8575, "category": %q, "source": "网格", "received_at": %q}`,
		category, received.Format(time.RFC3339)))
	if rec.Code != http.StatusCreated {
		t.Fatalf("intake: %d %s", rec.Code, rec.Body)
	}
	var out createdIncident
	decode(t, rec, &out)
	for i, a := range steps {
		at := received.Add(time.Duration(i+1) * time.Minute).Format(time.RFC3339)
		rec := postJSON(t, s, fmt.Sprintf("/incidents/%d/events", out.ID), staff, fmt.Sprintf(`{"action": %q, "at": %q}`, a, at))
		if rec.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", a, rec.Code, rec.Body)
		}
	}
	return out.ID
}

func TestOverdueFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seedAreas(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		a := intakeAt(t, s, staff, "水管爆裂", 3*time.Hour)                                    // response due 1 h: overdue
		b := intakeAt(t, s, staff, "水管爆裂", 3*time.Hour, "dispatch", "respond")             // contacted in time
		c := intakeAt(t, s, staff, "停电", 4*24*time.Hour, "dispatch", "respond")            // resolution due 3 d: overdue
		d := intakeAt(t, s, staff, "违法建设", 2*time.Hour)                                    // due in 24 h / 15 d
		e := intakeAt(t, s, staff, "水管爆裂", 30*time.Hour, "dispatch", "respond", "resolve") // resolved
		_, _, _ = b, d, e                                                                  // neither overdue
		ids := func(target string) string {
			t.Helper()
			rec := get(t, s, target, staff)
			if rec.Code != 200 {
				t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
			}
			var fc struct {
				Features []struct {
					ID int64 `json:"id"`
				} `json:"features"`
			}
			decode(t, rec, &fc)
			var out []string
			for _, f := range fc.Features {
				out = append(out, fmt.Sprint(f.ID))
			}
			return strings.Join(out, ",")
		}
		tests := []struct{ target, want string }{
			{"/layers/incidents.geojson?overdue=response", fmt.Sprint(a)},
			{"/layers/incidents.geojson?overdue=resolution", fmt.Sprint(c)},
			{"/ogc/collections/incidents/items?overdue=response", fmt.Sprint(a)},
			{"/ogc/collections/incidents/items?overdue=resolution&category=停电", fmt.Sprint(c)},
			{"/ogc/collections/incidents/items?overdue=response&filter=" + ogcEscape("category = '停电'"), ""},
			{"/export/incidents.geojson?overdue=resolution", fmt.Sprint(c)},
		}
		for _, tc := range tests {
			if got := ids(tc.target); got != tc.want {
				t.Errorf("%s: ids %q, want %q", tc.target, got, tc.want)
			}
		}
		csv := get(t, s, "/export/incidents.csv?overdue=response", staff)
		if n := strings.Count(strings.TrimSpace(csv.Body.String()), "\n"); csv.Code != 200 || n != 1 {
			t.Errorf("CSV export of overdue responses: %d, %d rows: %s", csv.Code, n, csv.Body)
		}
		for _, bad := range []struct{ target, secret string }{
			{"/layers/incidents.geojson?overdue=soon", staff},
			{"/layers/incidents.geojson?overdue=response", ""},
			{"/layers/communities.geojson?overdue=response", staff},
			{"/ogc/collections/incidents/items?overdue=", staff},
		} {
			wantError(t, get(t, s, bad.target, bad.secret), http.StatusBadRequest, "overdue")
		}
	})
}

// TestOverdueTiles: ?overdue= filters staff incident tiles (points and
// clusters) as it filters GeoJSON, the points carry the due times the map
// draws overdue rings from, and the filter is refused where it cannot
// apply.
func TestOverdueTiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seedAreas(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		a := intakeAt(t, s, staff, "水管爆裂", 3*time.Hour)                         // response overdue
		intakeAt(t, s, staff, "水管爆裂", 3*time.Hour, "dispatch", "respond")       // contacted in time
		c := intakeAt(t, s, staff, "停电", 4*24*time.Hour, "dispatch", "respond") // resolution overdue
		intakeAt(t, s, staff, "违法建设", 2*time.Hour)                              // not yet due
		point := maptile.At(orb.Point{116.2875, 39.8575}, 16)
		cluster := maptile.At(orb.Point{116.2875, 39.8575}, 12)
		tile := func(target string) map[string]*mvt.Layer {
			t.Helper()
			rec := get(t, s, target, staff)
			if rec.Code == http.StatusNoContent {
				return map[string]*mvt.Layer{}
			}
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
			}
			return decodeMVT(t, rec.Body.Bytes())
		}
		tests := []struct {
			query string
			ids   []uint64
		}{
			{"overdue=response", []uint64{uint64(a)}},
			{"overdue=resolution", []uint64{uint64(c)}},
			{"overdue=resolution&category=水管爆裂", nil},
			{"overdue=response&status=received", []uint64{uint64(a)}},
		}
		for _, tc := range tests {
			got := featureIDs(tile(tilePath("incidents", point) + "?" + tc.query)["incidents"])
			if !slices.Equal(got, tc.ids) {
				t.Errorf("z16 ?%s: ids %v, want %v", tc.query, got, tc.ids)
			}
			var n int64
			if l := tile(tilePath("incidents", cluster) + "?" + tc.query)["incidents"]; l != nil {
				for _, f := range l.Features {
					n += int64(f.Properties["count"].(float64))
				}
			}
			if n != int64(len(tc.ids)) {
				t.Errorf("z12 ?%s: clusters count %d incidents, want %d", tc.query, n, len(tc.ids))
			}
		}
		// Unfiltered staff points carry what the map needs to ring the
		// overdue ones (styles.js overdueFilter): status, responded_at and
		// both due times; the published (public) tiles carry none of it.
		for _, f := range tile(tilePath("incidents", point))["incidents"].Features {
			if uint64(f.ID.(float64)) != uint64(a) {
				continue
			}
			for _, k := range []string{"status", "response_due", "resolution_due"} {
				if _, ok := f.Properties[k]; !ok {
					t.Errorf("staff tile point has no %s: %v", k, f.Properties)
				}
			}
		}
		for _, bad := range []struct{ target, secret string }{
			{tilePath("incidents", point) + "?overdue=soon", staff},
			{tilePath("incidents", point) + "?overdue=", staff},
			{tilePath("incidents", point) + "?overdue=response", ""},
			{tilePath("communities", point) + "?overdue=response", staff},
			{tilePath("incidents", point) + "?overdue=response&overdue=resolution", staff},
			{"/tiles/incidents.json?overdue=late", staff},
		} {
			wantError(t, get(t, s, bad.target, bad.secret), http.StatusBadRequest, "overdue")
		}
		rec := get(t, s, "/tiles/incidents.json?overdue=response", staff)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "overdue=response") {
			t.Errorf("TileJSON does not carry the overdue filter into its tile URL: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestOverdueTileKey: the overdue filter is part of a tile's cache key, so
// an overdue tile is never answered from the cache of the unfiltered one.
func TestOverdueTileKey(t *testing.T) {
	cat := fengtai.Catalog()
	inc, _ := cat.Lookup("incidents")
	key := func(raw string) string {
		q, _ := url.ParseQuery(raw)
		_, k, err := tileFilters(q, []*layers.Layer{inc}, layers.Staff)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return k
	}
	if a, b, c := key(""), key("overdue=response"), key("overdue=resolution"); a == b || b == c || a == c {
		t.Errorf("overdue filters share a cache key: %q %q %q", a, b, c)
	}
}

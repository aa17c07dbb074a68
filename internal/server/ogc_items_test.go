package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/sourcetest"
	"minqing/stores/storetest"
)

// TestOGCPagingUnderInserts pages through incidents by the next links while
// another writer adds rows: every feature is seen once, in id order, and the
// rows added mid-way are reached at the end.
func TestOGCPagingUnderInserts(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			fx := ogcSeed(t, st.Open(t), 55)
			s := ogcServer(fx.src, Config{})
			inc, _ := fengtai.Catalog().Lookup("incidents")
			target := "/ogc/collections/incidents/items?limit=10"
			seen := map[int64]bool{}
			var order []int64
			var pages []ogcPage
			for page := 0; ; page++ {
				if page > 20 {
					t.Fatal("more than 20 pages")
				}
				p := ogcItems(t, s, target, "")
				pages = append(pages, p)
				if page == 0 && p.NumberMatched != 55 {
					t.Errorf("numberMatched = %d, want 55", p.NumberMatched)
				}
				if _, err := time.Parse(time.RFC3339, p.TimeStamp); err != nil {
					t.Errorf("timeStamp %q: %v", p.TimeStamp, err)
				}
				if page == 1 { // another client inserts 7 incidents while we page
					var wg sync.WaitGroup
					wg.Add(1)
					go func() {
						defer wg.Done()
						var more []*layers.Feature
						for i := 0; i < 7; i++ {
							f := ogcIncident(1000 + i)
							more = append(more, f)
						}
						if _, err := fx.src.Write(context.Background(), inc, layers.WriteOptions{}, &sourcetest.Slice{Features: more}); err != nil {
							t.Error(err)
						}
					}()
					wg.Wait()
				}
				for _, id := range p.ids() {
					if seen[id] {
						t.Fatalf("feature %d returned twice", id)
					}
					seen[id] = true
					order = append(order, id)
				}
				next, ok := p.link("next")
				if !ok {
					if p.NumberReturned == 10 && len(seen) < 62 {
						t.Errorf("a full page without a next link after %d features", len(seen))
					}
					break
				}
				if !strings.HasPrefix(next, "http://example.com/ogc/collections/incidents/items?") || !strings.Contains(next, "limit=10") {
					t.Errorf("next link %q", next)
				}
				target = next
			}
			if len(seen) != 62 || !slices.IsSorted(order) {
				t.Errorf("paging saw %d features (sorted %v), want 55 + 7 added mid-way", len(seen), slices.IsSorted(order))
			}
			if len(pages) != 7 || pages[6].NumberReturned != 2 {
				t.Errorf("%d pages, last with %d", len(pages), pages[len(pages)-1].NumberReturned)
			}
			// prev goes back exactly; the first page has none.
			if _, ok := pages[0].link("prev"); ok {
				t.Errorf("the first page has a prev link")
			}
			prev, ok := pages[3].link("prev")
			if !ok {
				t.Fatalf("page 4 has no prev link: %v", pages[3].Links)
			}
			if got := ogcItems(t, s, prev, ""); !slices.Equal(got.ids(), pages[2].ids()) {
				t.Errorf("prev of page 4 = %v, want page 3 %v", got.ids(), pages[2].ids())
			}
			prev, _ = pages[1].link("prev")
			if strings.Contains(prev, "cursor=") {
				t.Errorf("prev of page 2 should be the first page without a cursor: %s", prev)
			}
			// self reproduces the page.
			self, _ := pages[2].link("self")
			if got := ogcItems(t, s, self, ""); !slices.Equal(got.ids(), pages[2].ids()) {
				t.Errorf("self of page 3 = %v, want %v", got.ids(), pages[2].ids())
			}
		})
	}
}

// TestOGCLimit checks the default page size, clamping to the maximum and
// the rejection of a limit that is not a positive whole number.
func TestOGCLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		fx := ogcSeed(t, src, 30)
		s := ogcServer(fx.src, Config{DefaultLimit: 5, MaxLimit: 12})
		tests := []struct {
			limit string
			want  int
		}{
			{"", 5}, {"limit=", 5}, {"limit=1", 1}, {"limit=12", 12}, {"limit=13", 12}, {"limit=100000", 12},
			{"limit=99999999999999999999999", 12},
		}
		for _, tc := range tests {
			p := ogcItems(t, s, "/ogc/collections/incidents/items?"+tc.limit, "")
			if p.NumberReturned != tc.want || p.NumberMatched != 30 {
				t.Errorf("%q: %d returned of %d, want %d of 30", tc.limit, p.NumberReturned, p.NumberMatched, tc.want)
			}
		}
		for _, bad := range []string{"limit=abc", "limit=-1", "limit=0", "limit=1.5", "limit=-99999999999999999999999"} {
			ogcBad(t, s, "/ogc/collections/incidents/items?"+bad, "", "limit")
		}
	})
}

// TestOGCDatetime checks instants, closed and open intervals and whole days
// on the incidents' received_at (one incident per hour).
func TestOGCDatetime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		fx := ogcSeed(t, src, 60)
		s := ogcServer(fx.src, Config{})
		at := func(h int) time.Time { return ogcBaseTime.Add(time.Duration(h) * time.Hour) }
		rfc := func(h int) string { return at(h).Format(time.RFC3339) }
		tests := []struct {
			datetime string
			from, to int // fixture hours expected, inclusive
		}{
			{rfc(7), 7, 7}, // an instant
			{rfc(7) + "/" + rfc(12), 7, 12},
			{at(7).UTC().Format(time.RFC3339) + "/" + at(12).UTC().Format(time.RFC3339), 7, 12}, // Z times
			{"../" + rfc(3), 0, 3},
			{"/" + rfc(3), 0, 3},
			{rfc(50) + "/..", 50, 59},
			{rfc(50) + "/", 50, 59},
			{"2026-03-06", 10, 33},            // 2026-03-06 00:00–23:59:59 in Beijing: hours 10..33 (14:03 + h)
			{"2026-03-06/2026-03-06", 10, 33}, // the same day as an interval
			{"2026-03-07/..", 34, 59},
			{"2027-01-01/..", 1, 0}, // none
		}
		for _, tc := range tests {
			p := ogcItems(t, s, "/ogc/collections/incidents/items?limit=100&datetime="+ogcEscape(tc.datetime), "")
			var got []int
			for _, f := range p.Features {
				rt, err := time.Parse(time.RFC3339, f.Properties["received_at"].(string))
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, int(rt.Sub(ogcBaseTime)/time.Hour))
			}
			var want []int
			for h := tc.from; h <= tc.to; h++ {
				want = append(want, h)
			}
			if !slices.Equal(got, want) || p.NumberMatched != int64(len(want)) {
				t.Errorf("datetime=%s: hours %v (matched %d), want %v", tc.datetime, got, p.NumberMatched, want)
			}
		}
		for _, bad := range []string{"2026-13-01", "yesterday", "..", "../..x", rfc(9) + "/" + rfc(3), "2026-03-05T14:03:00"} {
			ogcBad(t, s, "/ogc/collections/incidents/items?datetime="+ogcEscape(bad), "", "datetime")
		}
		ogcBad(t, s, "/ogc/collections/communities/items?datetime=2026-03-05", "", "datetime")
	})
}

// TestOGCFilters checks the CQL2 subset, bbox and equality filters over
// HTTP against the same predicate written in Go.
func TestOGCFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		fx := ogcSeed(t, src, 60)
		s := ogcServer(fx.src, Config{})
		box := orb.Bound{Min: orb.Point{116.270, 39.845}, Max: orb.Point{116.2855, 39.8535}}
		tri := orb.Polygon{{{116.270, 39.845}, {116.305, 39.845}, {116.270, 39.870}, {116.270, 39.845}}}
		prop := func(f *layers.Feature, k string) any { return f.Props[k] }
		rt := func(f *layers.Feature) time.Time { return prop(f, "received_at").(time.Time) }
		pt := func(f *layers.Feature) orb.Point { return f.Geometry.(orb.Point) }
		tests := []struct {
			query  string // after ?, the filter escaped by the test
			filter string
			staff  bool
			want   func(f *layers.Feature) bool
		}{
			{"", "category = '停电'", false, func(f *layers.Feature) bool { return prop(f, "category") == "停电" }},
			{"", "category <> '停电' AND satisfied = TRUE", false, func(f *layers.Feature) bool {
				return prop(f, "category") != "停电" && prop(f, "satisfied") == true
			}},
			{"", "status IN ('received', 'closed') OR NOT satisfied = TRUE", false, func(f *layers.Feature) bool {
				s := prop(f, "status")
				return s == "received" || s == "closed" || prop(f, "satisfied") == false
			}},
			{"", "category NOT IN ('停电', '漏水')", false, func(f *layers.Feature) bool {
				c := prop(f, "category")
				return c != "停电" && c != "漏水"
			}},
			{"", "subcategory LIKE '子类_' AND NOT subcategory LIKE '%3'", false, func(f *layers.Feature) bool {
				return !strings.HasSuffix(prop(f, "subcategory").(string), "3")
			}},
			{"", "received_at BETWEEN TIMESTAMP('2026-03-06T00:00:00+08:00') AND TIMESTAMP('2026-03-06T12:00:00+08:00')", false, func(f *layers.Feature) bool {
				return !rt(f).Before(time.Date(2026, 3, 6, 0, 0, 0, 0, layers.Shanghai)) && !rt(f).After(time.Date(2026, 3, 6, 12, 0, 0, 0, layers.Shanghai))
			}},
			{"", "dispatched_at IS NULL", false, func(f *layers.Feature) bool { return prop(f, "dispatched_at") == nil }},
			{"", "dispatched_at IS NOT NULL AND closed_at IS NULL", false, func(f *layers.Feature) bool { return prop(f, "dispatched_at") != nil }},
			{"", "S_INTERSECTS(geometry, BBOX(116.270, 39.845, 116.2855, 39.8535))", false, func(f *layers.Feature) bool { return box.Contains(pt(f)) }},
			{"", "S_INTERSECTS(geometry, POLYGON((116.270 39.845, 116.305 39.845, 116.270 39.870, 116.270 39.845)))", false, func(f *layers.Feature) bool {
				return polyContains(tri, pt(f))
			}},
			{"", "T_INTERSECTS(received_at, INTERVAL('2026-03-06T00:00:00+08:00', '..'))", false, func(f *layers.Feature) bool {
				return !rt(f).Before(time.Date(2026, 3, 6, 0, 0, 0, 0, layers.Shanghai))
			}},
			{"", "T_AFTER(received_at, TIMESTAMP('2026-03-06T14:03:00+08:00')) AND T_BEFORE(received_at, TIMESTAMP('2026-03-06T16:00:00Z'))", false, func(f *layers.Feature) bool {
				return rt(f).After(ogcBaseTime.Add(24*time.Hour)) && rt(f).Before(time.Date(2026, 3, 7, 0, 0, 0, 0, layers.Shanghai))
			}},
			{"", "address LIKE '新华街二里3%'", true, func(f *layers.Feature) bool {
				return strings.HasPrefix(prop(f, "address").(string), "新华街二里3")
			}},
			// Equality parameters and bbox combine with the filter.
			{"category=停电,漏水&status=received,in_progress", "", false, func(f *layers.Feature) bool {
				c, s := prop(f, "category"), prop(f, "status")
				return (c == "停电" || c == "漏水") && (s == "received" || s == "in_progress")
			}},
			{"bbox=116.270,39.845,116.2855,39.8535&satisfied=false", "category = '水管爆裂'", false, func(f *layers.Feature) bool {
				return box.Contains(pt(f)) && prop(f, "satisfied") == false && prop(f, "category") == "水管爆裂"
			}},
			{"bbox-crs=" + ogcEscape(crs84) + "&bbox=116.270,39.845,116.2855,39.8535&filter-lang=cql2-text&filter-crs=" + ogcEscape(crs84), "satisfied = FALSE", false, func(f *layers.Feature) bool {
				return box.Contains(pt(f)) && prop(f, "satisfied") == false
			}},
		}
		for _, tc := range tests {
			q := tc.query
			if tc.filter != "" {
				if q != "" {
					q += "&"
				}
				q += "filter=" + ogcEscape(tc.filter)
			}
			secret := ""
			if tc.staff {
				secret = fx.staff
			}
			p := ogcItems(t, s, "/ogc/collections/incidents/items?limit=1000&"+q, secret)
			var want []int64
			for _, f := range fx.incidents {
				if tc.want(f) {
					want = append(want, f.ID)
				}
			}
			if len(want) == 0 || len(want) == len(fx.incidents) {
				t.Errorf("%s: the test case selects %d of %d: make it discriminate", q, len(want), len(fx.incidents))
			}
			if got := p.ids(); !slices.Equal(got, want) || p.NumberMatched != int64(len(want)) {
				t.Errorf("%s:\n got %v (matched %d)\nwant %v", q, got, p.NumberMatched, want)
			}
		}
	})
}

// polyContains is a ray-casting point-in-polygon for the test's triangle.
func polyContains(p orb.Polygon, pt orb.Point) bool {
	in := false
	r := p[0]
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		if (r[i][1] > pt[1]) != (r[j][1] > pt[1]) &&
			pt[0] < (r[j][0]-r[i][0])*(pt[1]-r[i][1])/(r[j][1]-r[i][1])+r[i][0] {
			in = !in
		}
	}
	return in
}

// TestOGCBadInput checks that unknown and malformed parameters are a 400
// naming them, before anything is streamed.
func TestOGCBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		fx := ogcSeed(t, src, 5)
		s := ogcServer(fx.src, Config{})
		items := "/ogc/collections/incidents/items?"
		tests := []struct{ target, param string }{
			{items + "colour=red", "colour"},
			{items + "offset=10", "offset"},
			{items + "description=x", "description"}, // staff-only: unknown to the public
			{items + "category=不存在的分类", "category"},
			{items + "satisfied=maybe", "satisfied"},
			{items + "bbox=1,2,3", "bbox"},
			{items + "bbox=a,b,c,d", "bbox"},
			{items + "bbox=116.3,39.8,116.2,39.9", "bbox"},
			{items + "bbox=1,2,3,4&bbox-crs=" + ogcEscape("http://www.opengis.net/def/crs/EPSG/0/4326"), "bbox-crs"},
			{items + "properties=category,description", "properties"},
			{items + "properties=nope", "properties"},
			{items + "filter=" + ogcEscape("description = 'x'"), "filter"}, // staff-only property
			{items + "filter=" + ogcEscape("nope = 1"), "filter"},
			{items + "filter=" + ogcEscape("category = "), "filter"},
			{items + "filter=" + ogcEscape("category = 1"), "filter"},
			{items + "filter=" + ogcEscape("category = 'x'; DROP TABLE incidents"), "filter"},
			{items + "filter=", "filter"},
			{items + "filter=x&filter-lang=cql2-json", "filter-lang"},
			{items + "filter=" + ogcEscape("category = 'x'") + "&filter-crs=EPSG:3857", "filter-crs"},
			{items + "cursor=!!!", "cursor"},
			{items + "cursor=AAAA", "cursor"},
			{items + "f=html", "f"},
			{"/ogc/collections?limit=3", "limit"},
			{"/ogc?x=1", "x"},
			{"/ogc/collections/incidents/items/1?bbox=1,2,3,4", "bbox"},
		}
		for _, tc := range tests {
			ogcBad(t, s, tc.target, "", tc.param)
		}
	})
}

// TestOGCAccess checks what the public and staff see: care_targets and
// staff-only properties do not exist for the public.
func TestOGCAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		fx := ogcSeed(t, src, 5)
		s := ogcServer(fx.src, Config{})
		collections := func(secret string) []string {
			rec := get(t, s, "/ogc/collections", secret)
			var doc struct {
				Collections []struct{ ID string } `json:"collections"`
			}
			decode(t, rec, &doc)
			var out []string
			for _, c := range doc.Collections {
				out = append(out, c.ID)
			}
			return out
		}
		if got := collections(""); slices.Contains(got, "care_targets") || !slices.Contains(got, "incidents") || len(got) != 7 {
			t.Errorf("public collections = %v", got)
		}
		if got := collections(fx.staff); !slices.Contains(got, "care_targets") || len(got) != 8 {
			t.Errorf("staff collections = %v", got)
		}
		for _, target := range []string{
			"/ogc/collections/care_targets", "/ogc/collections/care_targets/items",
			"/ogc/collections/care_targets/items/1", "/ogc/collections/care_targets/queryables",
			"/ogc/collections/nope/items", "/ogc/collections/incidents/items/999999",
			"/ogc/collections/incidents/items/abc",
		} {
			if rec := get(t, s, target, ""); rec.Code != http.StatusNotFound {
				t.Errorf("public GET %s: %d, want 404", target, rec.Code)
			}
		}
		if p := ogcItems(t, s, "/ogc/collections/care_targets/items", fx.staff); p.NumberReturned != 2 {
			t.Errorf("staff sees %d care targets, want 2", p.NumberReturned)
		}
		pub := ogcItems(t, s, "/ogc/collections/incidents/items", "")
		staff := ogcItems(t, s, "/ogc/collections/incidents/items", fx.staff)
		for _, k := range []string{"description", "address", "unit", "external_id", "h3"} {
			if _, ok := pub.Features[0].Properties[k]; ok {
				t.Errorf("public item has staff-only %s", k)
			}
			if _, ok := staff.Features[0].Properties[k]; !ok {
				t.Errorf("staff item lacks %s", k)
			}
		}
		// properties= narrows; the empty list gives none.
		p := ogcItems(t, s, "/ogc/collections/incidents/items?properties=category,status", "")
		if len(p.Features[0].Properties) != 2 || p.Features[0].Properties["status"] == nil {
			t.Errorf("properties=category,status gave %v", p.Features[0].Properties)
		}
		if p := ogcItems(t, s, "/ogc/collections/incidents/items?properties=", ""); len(p.Features[0].Properties) != 0 {
			t.Errorf("properties= gave %v", p.Features[0].Properties)
		}
		// One item, with its links; a staff token in the URL is carried on.
		id := fx.incidents[2].ID
		rec := get(t, s, fmt.Sprintf("/ogc/collections/incidents/items/%d?token=%s", id, fx.staff), "")
		var item struct {
			Type       string         `json:"type"`
			ID         int64          `json:"id"`
			Properties map[string]any `json:"properties"`
			Links      []link         `json:"links"`
		}
		decode(t, rec, &item)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != mediaGeoJSON || item.Type != "Feature" || item.ID != id || item.Properties["external_id"] != "OGC-0002" {
			t.Errorf("item: %d %s", rec.Code, rec.Body)
		}
		// The token is never copied into a response body.
		if len(item.Links) == 0 || item.Links[0].Rel != "self" || strings.Contains(rec.Body.String(), fx.staff) || strings.Contains(rec.Body.String(), "token=") {
			t.Errorf("item links %v: want self, and no token in the body", item.Links)
		}
		rec = get(t, s, fmt.Sprintf("/ogc/collections/incidents/items/%d?properties=status", id), "")
		item.Properties = nil
		decode(t, rec, &item)
		if len(item.Properties) != 1 {
			t.Errorf("item properties=status gave %v", item.Properties)
		}
		// Queryables: only what the caller may see.
		rec = get(t, s, "/ogc/collections/incidents/queryables", "")
		var qd struct {
			Properties map[string]any `json:"properties"`
		}
		decode(t, rec, &qd)
		if _, ok := qd.Properties["description"]; ok || qd.Properties["geometry"] == nil || qd.Properties["category"] == nil {
			t.Errorf("public queryables: %v", qd.Properties)
		}
	})
}

package server

import (
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/storetest"
)

// leakChecker finds an incident's exact data in a response.
type leakChecker struct {
	t       *testing.T
	recs    []incidentRec
	coords  map[[2]int64]bool // lon, lat rounded to 6 decimals
	strings []string          // external ids, descriptions, minute timestamps
	// addresses are checked only in outputs about incidents: other public
	// layers (demolitions, service points) name the same buildings.
	addresses []string
}

func newLeakChecker(t *testing.T, recs []incidentRec) *leakChecker {
	lc := &leakChecker{t: t, recs: recs, coords: map[[2]int64]bool{}}
	for _, r := range recs {
		lc.coords[micro(r.pt)] = true
		for _, s := range []string{r.externalID, r.desc} {
			if utf8.RuneCountInString(s) >= 6 {
				lc.strings = append(lc.strings, s)
			}
		}
		if utf8.RuneCountInString(r.address) >= 6 {
			lc.addresses = append(lc.addresses, r.address)
		}
		// A minute written as a month's first or last is also a boundary
		// of the public windows, which outputs legitimately name.
		for _, m := range []time.Time{r.received.In(layers.Shanghai), r.received.UTC()} {
			first := m.Day() == 1 && m.Hour() == 0 && m.Minute() == 0
			last := m.AddDate(0, 0, 1).Day() == 1 && m.Hour() == 23 && m.Minute() == 59
			if !first && !last {
				lc.strings = append(lc.strings, m.Format("2006-01-02T15:04"), m.Format("2006-01-02 15:04"))
			}
		}
	}
	return lc
}

// micro rounds a point to 6 decimals.
func micro(p orb.Point) [2]int64 {
	return [2]int64{int64(math.Round(p[0] * 1e6)), int64(math.Round(p[1] * 1e6))}
}

var decimalNumber = regexp.MustCompile(`-?\d+\.\d+`)

// body checks a text response (JSON, GeoJSON, CSV, KML): no two consecutive
// numbers are an incident's longitude and latitude to 6 decimals (±1 in the
// last place), and no incident's id, description, address or minute
// timestamp appears.
func (lc *leakChecker) body(what string, b []byte) {
	lc.t.Helper()
	if lc.hasPoint(b) {
		lc.t.Errorf("%s: an incident's exact point", what)
	}
	lc.hasText(what, b, lc.strings)
}

// incidentBody is body, also checking the incidents' addresses.
func (lc *leakChecker) incidentBody(what string, b []byte) {
	lc.t.Helper()
	lc.body(what, b)
	lc.hasText(what, b, lc.addresses)
}

// hasText reports the first of ss found in b.
func (lc *leakChecker) hasText(what string, b []byte, ss []string) {
	lc.t.Helper()
	text := string(b)
	for _, s := range ss {
		if strings.Contains(text, s) {
			lc.t.Errorf("%s: contains an incident's %q", what, s)
			return
		}
	}
}

// hasPoint reports whether two consecutive numbers of b are an incident's
// longitude and latitude to 6 decimals (±1 in the last place).
func (lc *leakChecker) hasPoint(b []byte) bool {
	text := string(b)
	nums := decimalNumber.FindAllString(text, -1)
	for i := 0; i+1 < len(nums); i++ {
		x, _ := strconv.ParseFloat(nums[i], 64)
		y, _ := strconv.ParseFloat(nums[i+1], 64)
		m := micro(orb.Point{x, y})
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				if lc.coords[[2]int64{m[0] + dx, m[1] + dy}] {
					return true
				}
			}
		}
	}
	return false
}

// tile checks a public incidents tile: only the aggregate properties, and
// no point within a metre of an incident (at z ≥ 18, where a tile unit is
// finer than that) or on one to 6 decimals.
func (lc *leakChecker) tile(what string, tile maptile.Tile, b []byte) (points int) {
	lc.t.Helper()
	ls := decodeMVT(lc.t, b)
	l := ls["incidents"]
	if l == nil {
		return 0
	}
	l.ProjectToWGS84(tile)
	for _, f := range l.Features {
		for k := range f.Properties {
			if k != "h3" && k != "count" && k != "suppressed" && k != "partial" {
				lc.t.Errorf("%s: property %s in a public incidents tile", what, k)
			}
		}
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			lc.t.Errorf("%s: geometry %T", what, f.Geometry)
			continue
		}
		points++
		if lc.coords[micro(p)] {
			lc.t.Errorf("%s: an incident's exact point %v", what, p)
		}
		if tile.Z >= 18 {
			for _, r := range lc.recs {
				if geo.Distance(p, r.pt) < 1 {
					lc.t.Errorf("%s: a point %v within a metre of incident %d", what, p, r.id)
				}
			}
		}
	}
	return points
}

// publicGet fetches a public URL, wanting one of the given statuses.
func publicGet(t *testing.T, s *Server, target string, want ...int) []byte {
	t.Helper()
	rec := get(t, s, target, "")
	for _, w := range want {
		if rec.Code == w {
			return rec.Body.Bytes()
		}
	}
	t.Errorf("GET %s: %d, want %v: %.200s", target, rec.Code, want, rec.Body)
	return nil
}

// TestNoExactPointInPublicResponses walks every public response of a server
// with the default policy, on both stores — layer GeoJSON, OGC items of
// every collection, every export format, incidents tiles at z10–z22, hot
// spots and their tiles, summaries, community panels, TileJSON, the page
// config — and finds no incident's exact point, free text, id or minute
// timestamp; the raw incidents endpoints are 404. With --public-incidents
// points, the points come back.
func TestNoExactPointInPublicResponses(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			loadPrivacyDemo(t, src)
			recs := readIncidents(t, src)
			lc := newLeakChecker(t, recs)
			s := newAggregateServer(t, src)

			for _, target := range []string{
				"/layers/incidents.geojson", "/ogc/collections/incidents", "/ogc/collections/incidents/items",
				"/ogc/collections/incidents/items/1", "/ogc/collections/incidents/queryables",
				"/export/incidents.geojson", "/export/incidents.csv", "/export/incidents.kml",
			} {
				publicGet(t, s, target, http.StatusNotFound)
			}

			var list struct {
				Layers []layerInfo `json:"layers"`
			}
			b := publicGet(t, s, "/layers", http.StatusOK)
			lc.body("/layers", b)
			if err := json.Unmarshal(b, &list); err != nil {
				t.Fatal(err)
			}
			sawAggregate := false
			for _, l := range list.Layers {
				for _, ln := range l.Links {
					if ln.Rel == "data" && strings.HasSuffix(ln.Href, ".geojson") {
						lc.body(ln.Href, publicGet(t, s, ln.Href, http.StatusOK))
						for _, ext := range []string{".geojson", ".csv", ".kml"} {
							target := "/export/" + l.Name + ext
							lc.body(target, publicGet(t, s, target, http.StatusOK))
						}
					}
				}
				if l.Name == "incidents" {
					sawAggregate = true
					for _, ln := range l.Links {
						if ln.Rel == "data" || ln.Rel == "collection" {
							t.Errorf("the public incidents entry links to %s", ln.Href)
						}
					}
				}
			}
			if !sawAggregate {
				t.Error("/layers does not list the incidents as an aggregate")
			}

			if b := publicGet(t, s, "/ogc/api", http.StatusOK); strings.Contains(string(b), "/collections/incidents") {
				t.Error("the public OpenAPI document describes the raw incidents")
			}

			var cols struct {
				Collections []struct {
					ID string `json:"id"`
				} `json:"collections"`
			}
			b = publicGet(t, s, "/ogc/collections", http.StatusOK)
			if err := json.Unmarshal(b, &cols); err != nil {
				t.Fatal(err)
			}
			for _, c := range cols.Collections {
				if c.ID == "incidents" {
					t.Error("/ogc/collections lists the raw incidents")
				}
				target := "/ogc/collections/" + c.ID + "/items?limit=10000"
				lc.body(target, publicGet(t, s, target, http.StatusOK))
			}

			for _, target := range []string{
				"/hotspots", "/hotspots?datetime=2025-06", "/hotspots?steps=12&series=true&datetime=2025-01/2025-12",
				"/hotspots/summary?top=100", "/hotspots/summary?by=count&category=漏水",
				"/incidents/summary", "/incidents/summary?datetime=2025-03", "/tiles/incidents.json",
				"/tiles/hotspots.json", "/config.json", "/layers/incident_counts.geojson?datetime=2025-03",
				"/export/incident_counts.geojson", "/export/incident_counts.csv", "/export/incident_counts.kml?category=漏水",
			} {
				lc.incidentBody(target, publicGet(t, s, target, http.StatusOK))
			}

			// Incidents tiles: every tile over the incidents at z10–z14, and
			// at z15–z22 the tiles where the first incidents would be drawn.
			var b0 orb.Bound
			for i, r := range recs {
				if i == 0 {
					b0 = orb.Bound{Min: r.pt, Max: r.pt}
				}
				b0 = b0.Extend(r.pt)
			}
			points := 0
			for z := maptile.Zoom(10); z <= 22; z++ {
				tiles := map[maptile.Tile]bool{}
				if z <= 14 {
					lo, hi := maptile.At(orb.Point{b0.Min[0], b0.Max[1]}, z), maptile.At(orb.Point{b0.Max[0], b0.Min[1]}, z)
					for x := lo.X; x <= hi.X; x++ {
						for y := lo.Y; y <= hi.Y; y++ {
							tiles[maptile.New(x, y, z)] = true
						}
					}
				} else {
					for _, r := range recs[:40] {
						tiles[maptile.At(r.pt, z)] = true
					}
				}
				for tile := range tiles {
					for _, q := range []string{"", "?datetime=2025-05", "?category=漏水"} {
						target := tilePath("incidents", tile) + q
						if b := publicGet(t, s, target, http.StatusOK, http.StatusNoContent); len(b) > 0 {
							points += lc.tile(target, tile, b)
						}
					}
					if z == 16 {
						target := tilePath("communities,incidents", tile)
						if b := publicGet(t, s, target, http.StatusOK, http.StatusNoContent); len(b) > 0 {
							lc.tile(target, tile, b)
						}
					}
				}
			}
			if points == 0 {
				t.Error("the public incidents tiles show nothing: a public user should still see where the complaints are")
			}
			for _, tile := range []maptile.Tile{maptile.At(recs[0].pt, 14), maptile.At(recs[1].pt, 16)} {
				target := tilePath("hotspots", tile)
				if b := publicGet(t, s, target, http.StatusOK, http.StatusNoContent); len(b) > 0 {
					ls := decodeMVT(t, b)
					for _, l := range ls {
						l.ProjectToWGS84(tile)
						for _, f := range l.Features {
							for k := range f.Properties {
								if k == "description" || k == "address" || k == "external_id" {
									t.Errorf("%s: property %s", target, k)
								}
							}
						}
					}
				}
			}

			// --public-incidents points: the old behaviour returns.
			ps := New(Config{PublicIncidents: PublicPoints}, src, fengtai.Catalog(), nil)
			rec := get(t, ps, "/layers/incidents.geojson", "")
			if rec.Code != http.StatusOK || !lc.hasPoint(rec.Body.Bytes()) {
				t.Errorf("points: /layers/incidents.geojson %d, want the incidents' points", rec.Code)
			}
			tile := maptile.At(recs[0].pt, 18)
			rec = get(t, ps, tilePath("incidents", tile), "")
			found := false
			if rec.Code == http.StatusOK {
				l := decodeMVT(t, rec.Body.Bytes())["incidents"]
				l.ProjectToWGS84(tile)
				for _, f := range l.Features {
					if p, ok := f.Geometry.(orb.Point); ok && geo.Distance(p, recs[0].pt) < 1 {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("points: the z18 tile %d does not show incident %d", rec.Code, recs[0].id)
			}
			var cfg struct {
				PublicIncidents string `json:"public_incidents"`
			}
			decode(t, get(t, ps, "/config.json", ""), &cfg)
			if cfg.PublicIncidents != PublicPoints {
				t.Errorf("points: config says %q", cfg.PublicIncidents)
			}
		})
	}
}

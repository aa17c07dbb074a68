package server

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"minqing/layers"
	"minqing/stores/storetest"
)

// TestExportFormats exports filtered incidents in every format and reads
// each back with a standard parser.
func TestExportFormats(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			fx := ogcSeed(t, st.Open(t), 60)
			s := ogcServer(fx.src, Config{})
			// 停电 or 漏水 received on 2026-03-06 (Beijing): what every format must hold.
			var want []int64
			day0 := time.Date(2026, 3, 6, 0, 0, 0, 0, layers.Shanghai)
			for _, f := range fx.incidents {
				c := f.Props["category"]
				rt := f.Props["received_at"].(time.Time)
				if (c == "停电" || c == "漏水") && !rt.Before(day0) && rt.Before(day0.Add(24*time.Hour)) {
					want = append(want, f.ID)
				}
			}
			sel := "?category=停电,漏水&datetime=2026-03-06"

			// CSV: BOM, Chinese headers by default, lon/lat last.
			rec := get(t, s, "/export/incidents.csv"+sel, "")
			exportHeaders(t, rec, "text/csv; charset=utf-8", "incidents", "csv", "%E8%AF%89%E6%B1%82", "public, max-age=30")
			rows := exportCSV(t, rec.Body.Bytes())
			if h := rows[0]; h[0] != "id" || h[1] != "来源" || h[len(h)-2] != "经度" || h[len(h)-1] != "纬度" || slices.Contains(h, "诉求内容") {
				t.Errorf("public CSV header = %v", h)
			}
			if got := csvIDs(t, rows); !slices.Equal(got, want) {
				t.Errorf("CSV ids %v, want %v", got, want)
			}
			// headers=name for scripts; staff see staff columns; times for Excel.
			rows = exportCSV(t, get(t, s, "/export/incidents.csv"+sel+"&headers=name", fx.staff).Body.Bytes())
			col := slices.Index(rows[0], "received_at")
			if !slices.Contains(rows[0], "description") || col < 0 {
				t.Fatalf("staff CSV header = %v", rows[0])
			}
			if _, err := time.ParseInLocation("2006-01-02 15:04:05", rows[1][col], layers.Shanghai); err != nil || !strings.HasPrefix(rows[1][col], "2026-03-06 ") {
				t.Errorf("received_at cell %q: %v", rows[1][col], err)
			}

			// GeoJSON.
			rec = get(t, s, "/export/incidents.geojson"+sel, "")
			exportHeaders(t, rec, "application/geo+json", "incidents", "geojson", "%E8%AF%89%E6%B1%82", "public, max-age=30")
			fc, err := geojson.UnmarshalFeatureCollection(rec.Body.Bytes())
			if err != nil {
				t.Fatalf("GeoJSON export: %v", err)
			}
			var got []int64
			for _, f := range fc.Features {
				id, _ := f.ID.(float64)
				got = append(got, int64(id))
				if _, ok := f.Properties["description"]; ok {
					t.Errorf("public GeoJSON export has description")
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("GeoJSON ids %v, want %v", got, want)
			}

			// KML, staff: a private cache only.
			rec = get(t, s, "/export/incidents.kml"+sel, fx.staff)
			exportHeaders(t, rec, "application/vnd.google-earth.kml+xml", "incidents", "kml", "%E8%AF%89%E6%B1%82", "private, max-age=30")
			var doc struct {
				Placemarks []struct {
					ID   string `xml:"id,attr"`
					Name string `xml:"name"`
				} `xml:"Document>Placemark"`
			}
			if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Fatalf("KML export: %v", err)
			}
			got = nil
			for _, p := range doc.Placemarks {
				id, _ := strconv.ParseInt(strings.TrimPrefix(p.ID, "incidents."), 10, 64)
				got = append(got, id)
				if p.Name != "停电" && p.Name != "漏水" {
					t.Errorf("placemark %s named %q, want its category", p.ID, p.Name)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("KML ids %v, want %v", got, want)
			}

			// A CQL2 filter, bbox and properties work as in items.
			rows = exportCSV(t, get(t, s, "/export/incidents.csv?headers=name&properties=status&filter="+ogcEscape("satisfied = FALSE")+"&bbox=116.27,39.845,116.305,39.87", "").Body.Bytes())
			if strings.Join(rows[0], ",") != "id,status,lon,lat" || len(rows) != 1+20 {
				t.Errorf("filtered CSV: header %v, %d rows; want id,status,lon,lat and 20 rows", rows[0], len(rows)-1)
			}
			// An empty selection is a valid, empty document.
			rows = exportCSV(t, get(t, s, "/export/incidents.csv?datetime=2030-01-01", "").Body.Bytes())
			if len(rows) != 1 {
				t.Errorf("empty export has %d rows", len(rows))
			}
			// Polygons as WKT; a layer's own cache age.
			rec = get(t, s, "/export/communities.csv?headers=en", "")
			exportHeaders(t, rec, "text/csv; charset=utf-8", "communities", "csv", "%E7%A4%BE%E5%8C%BA", "public, max-age=3600")
			rows = exportCSV(t, rec.Body.Bytes())
			if rows[0][len(rows[0])-1] != "wkt" || !strings.HasPrefix(rows[1][len(rows[1])-1], "MULTIPOLYGON(((116.27 39.845,") {
				t.Errorf("communities CSV: %v / %v", rows[0], rows[1])
			}
		})
	}
}

func exportHeaders(t *testing.T, rec *httptest.ResponseRecorder, ctype, layer, ext, titleEnc, cache string) {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("export: %d %s", rec.Code, rec.Body)
	}
	h := rec.Header()
	if h.Get("Content-Type") != ctype {
		t.Errorf("Content-Type = %q, want %q", h.Get("Content-Type"), ctype)
	}
	day := time.Now().In(layers.Shanghai).Format("20060102")
	wantCD := `attachment; filename="` + layer + "-" + day + "." + ext + `"; filename*=UTF-8''` + titleEnc + "-" + day + "." + ext
	if cd := h.Get("Content-Disposition"); cd != wantCD {
		t.Errorf("Content-Disposition = %q, want %q", cd, wantCD)
	}
	if cc := h.Get("Cache-Control"); cc != cache {
		t.Errorf("Cache-Control = %q, want %q", cc, cache)
	}
}

func exportCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV lacks the UTF-8 BOM: %.40q", b)
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	return rows
}

func csvIDs(t *testing.T, rows [][]string) []int64 {
	var out []int64
	for _, r := range rows[1:] {
		id, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			t.Fatalf("id cell %q", r[0])
		}
		out = append(out, id)
	}
	return out
}

// TestExportErrors checks that a bad export is a 400 or 404 JSON error
// with no download headers, and that care_targets do not exist for the public.
func TestExportErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		fx := ogcSeed(t, src, 5)
		s := ogcServer(fx.src, Config{})
		for _, tc := range []struct{ target, param string }{
			{"/export/incidents.csv?filter=" + ogcEscape("nope = 1"), "filter"},
			{"/export/incidents.csv?filter=" + ogcEscape("unit = '社区居委会'"), "filter"}, // staff-only
			{"/export/incidents.kml?datetime=2026-02-30", "datetime"},
			{"/export/incidents.geojson?limit=10", "limit"},
			{"/export/incidents.kml?headers=name", "headers"},
			{"/export/incidents.csv?headers=fr", "headers"},
			{"/export/incidents.csv?bbox=1,2", "bbox"},
			{"/export/communities.csv?datetime=2026-03-05", "datetime"},
		} {
			ogcBad(t, s, tc.target, "", tc.param)
		}
		for _, target := range []string{"/export/care_targets.csv", "/export/care_targets.kml", "/export/nope.csv", "/export/incidents.xlsx", "/export/incidents", "/export/incidents.json"} {
			rec := get(t, s, target, "")
			if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Disposition") != "" {
				t.Errorf("public GET %s: %d %v, want a plain 404", target, rec.Code, rec.Header())
			}
		}
		rec := get(t, s, "/export/care_targets.csv", fx.staff)
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("staff care_targets export: %d %v", rec.Code, rec.Header())
		}
		if rows := exportCSV(t, rec.Body.Bytes()); len(rows) != 3 {
			t.Errorf("staff care_targets export: %d rows", len(rows))
		}
	})
}

// TestNoContactsAnywhere writes incidents with callers' names and phones
// and checks that no export, page or feature, for any role, contains them.
func TestNoContactsAnywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		fx := ogcSeed(t, src, 25)
		s := ogcServer(fx.src, Config{})
		var targets []string
		for _, f := range []string{"geojson", "csv", "kml"} {
			targets = append(targets, "/export/incidents."+f, "/export/incidents."+f+"?filter="+ogcEscape("status <> 'x'"))
		}
		targets = append(targets, "/ogc/collections/incidents/items?limit=1000", "/layers/incidents.geojson")
		for _, f := range fx.incidents {
			targets = append(targets, "/ogc/collections/incidents/items/"+strconv.FormatInt(f.ID, 10))
		}
		for _, secret := range []string{"", fx.staff} {
			for _, target := range targets {
				rec := get(t, s, target, secret)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
				}
				body := rec.Body.String()
				for i, phone := range fx.phones {
					if strings.Contains(body, phone) || strings.Contains(body, "来电人"+strconv.Itoa(i)) {
						t.Fatalf("GET %s (staff %v) leaks caller %d's contact", target, secret != "", i)
					}
				}
			}
		}
	})
}

package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/sourcetest"
)

// ogcBaseTime is when fixture incident 0 was received; incident i came i
// hours later.
var ogcBaseTime = time.Date(2026, 3, 5, 14, 3, 0, 0, layers.Shanghai)

// ogcCategories cycle over the fixture incidents.
var ogcCategories = []string{"水管爆裂", "停电", "施工扰民", "漏水"}

// ogcFixture is what ogcSeed wrote.
type ogcFixture struct {
	src       layers.Source
	incidents []*layers.Feature // with their ids
	phones    []string          // contacts written with the incidents
	staff     string            // a staff token
}

// ogcIncident is fixture incident i: on a 10×10 grid over the street, with
// category, status, satisfaction and a missing dispatch time varying.
func ogcIncident(i int) *layers.Feature {
	p := orb.Point{116.271 + 0.0035*float64(i%10), 39.846 + 0.0025*float64(i/10%10)}
	f := sourcetest.Incident(i, p, ogcCategories[i%4])
	f.Props["external_id"] = fmt.Sprintf("OGC-%04d", i)
	f.Props["received_at"] = ogcBaseTime.Add(time.Duration(i) * time.Hour)
	f.Props["status"] = fengtai.IncidentStatuses[i%5]
	f.Props["satisfied"] = i%3 != 0
	f.Props["subcategory"] = fmt.Sprintf("子类%d", i%7)
	if i%2 == 0 {
		f.Props["dispatched_at"] = ogcBaseTime.Add(time.Duration(i)*time.Hour + 30*time.Minute)
	}
	f.Props["closed_at"] = nil
	return f
}

// ogcSeed writes n incidents (each with a caller's contact), 3 communities
// and 2 care targets.
func ogcSeed(t *testing.T, src layers.Source, n int) *ogcFixture {
	t.Helper()
	ctx := context.Background()
	cat := fengtai.Catalog()
	fx := &ogcFixture{src: src}
	inc, _ := cat.Lookup("incidents")
	var fs []*layers.Feature
	for i := 0; i < n; i++ {
		f := ogcIncident(i)
		phone := fmt.Sprintf("1390123%04d", i)
		f.Contact = &layers.Contact{Name: fmt.Sprintf("来电人%d", i), Phone: phone}
		fx.phones = append(fx.phones, phone)
		fs = append(fs, f)
	}
	res, err := src.Write(ctx, inc, layers.WriteOptions{}, &sourcetest.Slice{Features: fs})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fs {
		f.ID = res.IDs[i]
	}
	fx.incidents = fs
	com, _ := cat.Lookup("communities")
	var cs []*layers.Feature
	for i := 0; i < 3; i++ {
		x := 116.27 + 0.01*float64(i)
		cs = append(cs, &layers.Feature{
			Geometry: orb.Polygon{{{x, 39.845}, {x + 0.01, 39.845}, {x + 0.01, 39.855}, {x, 39.855}, {x, 39.845}}},
			Props:    map[string]any{"code": fmt.Sprintf("C%02d", i), "name": []string{"新华街北里", "北大地西区", "正阳北里"}[i], "households": int64(1000 + i)},
		})
	}
	if _, err := src.Write(ctx, com, layers.WriteOptions{}, &sourcetest.Slice{Features: cs}); err != nil {
		t.Fatal(err)
	}
	care, _ := cat.Lookup("care_targets")
	if _, err := src.Write(ctx, care, layers.WriteOptions{}, &sourcetest.Slice{Features: []*layers.Feature{
		{Geometry: orb.Point{116.28, 39.85}, Props: map[string]any{"code": "BF-001", "kind": "独居老人", "alarm": true}},
		{Geometry: orb.Point{116.29, 39.86}, Props: map[string]any{"code": "BF-002", "kind": "困难居民"}},
	}}); err != nil {
		t.Fatal(err)
	}
	fx.staff = token(t, src, layers.Staff)
	return fx
}

// It publishes incidents' points to the public unless cfg says otherwise
// (see newTestServer).
func ogcServer(src layers.Source, cfg Config) *Server {
	if cfg.PublicIncidents == "" {
		cfg.PublicIncidents = PublicPoints
	}
	return New(cfg, src, fengtai.Catalog(), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// ogcPage is an items response.
type ogcPage struct {
	Type           string `json:"type"`
	NumberMatched  int64  `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`
	Links          []link `json:"links"`
	Features       []struct {
		ID         int64          `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func (p ogcPage) link(rel string) (string, bool) {
	for _, l := range p.Links {
		if l.Rel == rel {
			return l.Href, true
		}
	}
	return "", false
}

func (p ogcPage) ids() []int64 {
	out := make([]int64, len(p.Features))
	for i, f := range p.Features {
		out[i] = f.ID
	}
	return out
}

// ogcItems GETs a page and decodes it, failing unless it is a 200 GeoJSON.
func ogcItems(t *testing.T, s *Server, target, secret string) ogcPage {
	t.Helper()
	rec := get(t, s, strings.TrimPrefix(target, "http://example.com"), secret)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != mediaGeoJSON {
		t.Errorf("GET %s: Content-Type %q", target, ct)
	}
	var p ogcPage
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("GET %s: %v\n%s", target, err, rec.Body)
	}
	if p.Type != "FeatureCollection" || p.NumberReturned != len(p.Features) {
		t.Errorf("GET %s: type %q, numberReturned %d for %d features", target, p.Type, p.NumberReturned, len(p.Features))
	}
	return p
}

// ogcBad GETs target and checks for a 400 JSON error naming param.
func ogcBad(t *testing.T, s *Server, target, secret, param string) {
	t.Helper()
	rec := get(t, s, target, secret)
	var e apiError
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != http.StatusBadRequest || e.Param != param || e.Message == "" {
		t.Errorf("GET %s: %d %s; want 400 naming %q", target, rec.Code, rec.Body, param)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != "" {
		t.Errorf("GET %s: an error carries Content-Disposition %q", target, cd)
	}
}

// ogcEscape query-escapes a CQL2 filter or datetime for a URL.
func ogcEscape(s string) string { return url.QueryEscape(s) }

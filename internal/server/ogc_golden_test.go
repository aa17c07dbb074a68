package server

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

var updateGoldens = flag.Bool("update", false, "rewrite testdata/ogc/*.json from the current output")

// ogcFake is a store for handler tests of the OGC documents: a fixed extent
// and nothing else (any other method panics through the nil interface).
type ogcFake struct{ layers.Source }

func (ogcFake) Extent(ctx context.Context, l *layers.Layer) (orb.Bound, error) {
	if l.Name == "greening" {
		return orb.Bound{}, nil // an empty layer has no spatial extent
	}
	return orb.Bound{Min: orb.Point{116.27, 39.845}, Max: orb.Point{116.305, 39.87}}, nil
}

// It publishes incidents' points to the public unless cfg says otherwise
// (see newTestServer).
func ogcFakeServer(cfg Config) *Server {
	if cfg.PublicIncidents == "" {
		cfg.PublicIncidents = PublicPoints
	}
	return New(cfg, ogcFake{}, fengtai.Catalog(), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// TestOGCDocumentsGolden compares the landing page, conformance declaration,
// collections, one collection and its queryables with testdata/ogc (go test
// -run OGCDocumentsGolden -update rewrites them).
func TestOGCDocumentsGolden(t *testing.T) {
	s := ogcFakeServer(Config{})
	tests := []struct {
		golden, target, ctype string
	}{
		{"landing.json", "/ogc", mediaJSON},
		{"landing.json", "/ogc/?f=json", mediaJSON},
		{"conformance.json", "/ogc/conformance", mediaJSON},
		{"collections.json", "/ogc/collections", mediaJSON},
		{"collection_incidents.json", "/ogc/collections/incidents", mediaJSON},
		{"collection_greening.json", "/ogc/collections/greening", mediaJSON},
		{"queryables_incidents.json", "/ogc/collections/incidents/queryables", mediaSchema},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			rec := get(t, s, tc.target, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", tc.target, rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != tc.ctype && ct != tc.ctype+"; charset=UTF-8" {
				t.Errorf("Content-Type = %q, want %s", ct, tc.ctype)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, bytes.TrimSpace(rec.Body.Bytes()), "", "  "); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, rec.Body)
			}
			pretty.WriteByte('\n')
			path := filepath.Join("testdata", "ogc", tc.golden)
			if *updateGoldens {
				if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run OGCDocumentsGolden -update)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("%s differs from %s:\n%s", tc.target, path, pretty.Bytes())
			}
		})
	}
}

// TestOGCLinksFollowTheProxy checks that links are absolute URLs as the
// client sees them: from X-Forwarded-Proto/Host, or Config.BaseURL.
func TestOGCLinksFollowTheProxy(t *testing.T) {
	tests := []struct {
		cfg     Config
		headers map[string]string
		want    string
	}{
		{Config{}, nil, "http://example.com/ogc"},
		{Config{}, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "map.fengtai.example, 10.0.0.1"}, "https://map.fengtai.example/ogc"},
		{Config{BaseURL: "https://gis.example.org/minqing/"}, map[string]string{"X-Forwarded-Host": "ignored"}, "https://gis.example.org/minqing/ogc"},
	}
	for _, tc := range tests {
		s := ogcFakeServer(tc.cfg)
		req, _ := http.NewRequest(http.MethodGet, "/ogc", nil)
		req.Host = "example.com"
		for k, v := range tc.headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		var doc struct {
			Links []link `json:"links"`
		}
		decode(t, rec, &doc)
		if len(doc.Links) == 0 || doc.Links[0].Href != tc.want {
			t.Errorf("%v %v: self = %v, want %s", tc.cfg.BaseURL, tc.headers, doc.Links, tc.want)
		}
		for _, l := range doc.Links[1:] {
			if len(l.Href) <= len(tc.want) || l.Href[:len(tc.want)] != tc.want {
				t.Errorf("link %s is not under %s", l.Href, tc.want)
			}
		}
	}
}

// TestOGCOpenAPI checks the API definition's shape: OpenAPI 3.0, one set of
// paths per visible collection, the per-property parameters, a server URL.
func TestOGCOpenAPI(t *testing.T) {
	s := ogcFakeServer(Config{MaxLimit: 500})
	rec := get(t, s, "/ogc/api", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != mediaOpenAPI {
		t.Fatalf("/ogc/api: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Servers []struct{ URL string }               `json:"servers"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comp    struct {
			Parameters map[string]map[string]any `json:"parameters"`
		} `json:"components"`
	}
	decode(t, rec, &doc)
	if doc.OpenAPI != "3.0.3" || len(doc.Servers) != 1 || doc.Servers[0].URL != "http://example.com/ogc" {
		t.Errorf("openapi %q servers %v", doc.OpenAPI, doc.Servers)
	}
	for _, l := range fengtai.Catalog().Visible(layers.Public) {
		for _, p := range []string{"", "/items", "/items/{featureId}", "/queryables"} {
			if doc.Paths["/collections/"+l.Name+p]["get"] == nil {
				t.Errorf("no GET /collections/%s%s", l.Name, p)
			}
		}
	}
	if _, ok := doc.Paths["/collections/care_targets/items"]; ok {
		t.Errorf("the public API definition describes care_targets")
	}
	names := map[string]bool{}
	for _, p := range doc.Paths["/collections/incidents/items"]["get"]["parameters"].([]any) {
		m := p.(map[string]any)
		if n, ok := m["name"].(string); ok {
			names[n] = true
		}
	}
	if !names["category"] || names["description"] {
		t.Errorf("incidents items parameters %v: want category, not the staff-only description", names)
	}
	limit := doc.Comp.Parameters["limit"]["schema"].(map[string]any)
	if limit["maximum"] != float64(500) || limit["default"] != float64(100) {
		t.Errorf("limit schema = %v", limit)
	}
	// Every $ref resolves.
	var root map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &root)
	comp := root["components"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				kind, name, _ := strings.Cut(strings.TrimPrefix(r, "#/components/"), "/")
				if m, _ := comp[kind].(map[string]any); m[name] == nil {
					t.Errorf("dangling $ref %s", r)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(root)
}

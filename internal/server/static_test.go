package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/static"
)

// extentSource is a handler-test fake: only Extent answers (the web map's
// pages need nothing else from a store); any other call panics.
type extentSource struct {
	layers.Source
	bound orb.Bound
	err   error
}

func (f extentSource) Extent(context.Context, *layers.Layer) (orb.Bound, error) {
	return f.bound, f.err
}

func newStaticServer(t *testing.T, cfg Config, src layers.Source) *Server {
	t.Helper()
	return New(cfg, src, fengtai.Catalog(), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func request(t *testing.T, s *Server, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

var (
	assetURL  = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)
	importMap = regexp.MustCompile(`<script type="importmap">([^<]*)</script>`)
)

func TestStaticPages(t *testing.T) {
	s := newStaticServer(t, Config{}, extentSource{})
	for _, tc := range []struct {
		path, entry string
	}{
		{"/", "/static/js/main.js?v="},
		{"/index.html", "/static/js/main.js?v="},
		{"/embed?layers=communities,hotspots&bbox=116.27,39.845,116.305,39.87", "/static/js/embed.js?v="},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := request(t, s, tc.path, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			h := rec.Header()
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("content type %q", ct)
			}
			if h.Get("Cache-Control") != "no-cache" || h.Get("ETag") == "" {
				t.Errorf("a page is revalidated by its ETag: Cache-Control %q, ETag %q", h.Get("Cache-Control"), h.Get("ETag"))
			}
			// Framing is TestFraming's.
			body := rec.Body.String()
			if !strings.Contains(body, tc.entry) {
				t.Errorf("the page does not load %s…", tc.entry)
			}
			if strings.Contains(body, importMapMarker) {
				t.Error("the import map marker was not replaced")
			}
			// The CSP allows the inline import map by its hash, and nothing
			// outside the origin.
			m := importMap.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no import map in the page")
			}
			sum := sha256.Sum256([]byte(m[1]))
			csp := h.Get("Content-Security-Policy")
			if want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks the import map's hash %s", csp, want)
			}
			if strings.Contains(csp, "http") || strings.Contains(csp, "*") {
				t.Errorf("with no basemap the CSP names no other origin: %q", csp)
			}
			// Every asset the page links is versioned and served for a year.
			for _, u := range assetURL.FindAllStringSubmatch(body, -1) {
				if !strings.Contains(u[1], "?v=") {
					t.Errorf("%s is not versioned", u[1])
					continue
				}
				r := request(t, s, u[1], nil)
				if r.Code != http.StatusOK {
					t.Errorf("%s: %d", u[1], r.Code)
				}
				if cc := r.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
					t.Errorf("%s: Cache-Control %q", u[1], cc)
				}
			}
		})
	}
}

func TestStaticAssetCaching(t *testing.T) {
	s := newStaticServer(t, Config{}, extentSource{})
	rec := request(t, s, "/static/vendor/maplibre-gl.js", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	etag := rec.Header().Get("ETag")
	tests := []struct {
		name, target string
		header       map[string]string
		status       int
		cache        string
		encoding     string
	}{
		{"unversioned is revalidated", "/static/style.css", nil, 200, "no-cache", ""},
		{"a stale version is revalidated", "/static/style.css?v=0000", nil, 200, "no-cache", ""},
		{"If-None-Match answers 304", "/static/vendor/maplibre-gl.js", map[string]string{"If-None-Match": etag}, 304, "no-cache", ""},
		{"gzip when accepted", "/static/vendor/maplibre-gl.js", map[string]string{"Accept-Encoding": "br, gzip"}, 200, "no-cache", "gzip"},
		{"no gzip when refused", "/static/vendor/maplibre-gl.js", map[string]string{"Accept-Encoding": "gzip;q=0"}, 200, "no-cache", ""},
		{"small files are not compressed", "/static/favicon.svg", map[string]string{"Accept-Encoding": "gzip"}, 200, "no-cache", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := request(t, s, tc.target, tc.header)
			if r.Code != tc.status {
				t.Fatalf("status %d, want %d", r.Code, tc.status)
			}
			if cc := r.Header().Get("Cache-Control"); cc != tc.cache {
				t.Errorf("Cache-Control %q, want %q", cc, tc.cache)
			}
			if enc := r.Header().Get("Content-Encoding"); enc != tc.encoding {
				t.Errorf("Content-Encoding %q, want %q", enc, tc.encoding)
			}
			if tc.encoding == "gzip" {
				zr, err := gzip.NewReader(r.Body)
				if err != nil {
					t.Fatal(err)
				}
				plain, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(plain, rec.Body.Bytes()) {
					t.Error("the gzip body does not decompress to the file")
				}
			}
		})
	}
}

func TestStaticNotFound(t *testing.T) {
	s := newStaticServer(t, Config{}, extentSource{})
	for _, target := range []string{"/static/nope.js", "/static/index.html", "/static/../static.go"} {
		rec := request(t, s, target, nil)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, rec.Code)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: a 404 is JSON, got %q", target, ct)
		}
	}
}

// TestStaticModules checks that every relative import of every module names
// a module that exists and is in the import map, so a renamed file fails
// here rather than in a browser.
func TestStaticModules(t *testing.T) {
	a, err := loadAssets(static.Files())
	if err != nil {
		t.Fatal(err)
	}
	anyImport := regexp.MustCompile(`from\s+'(\.[^']+)'`)
	imports := string(a.importMap())
	n := 0
	err = fs.WalkDir(static.Files(), "js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for _, m := range anyImport.FindAllStringSubmatch(string(a.files[p].body), -1) {
			n++
			dep := "js/" + strings.TrimPrefix(m[1], "./")
			if _, ok := a.files[dep]; !ok {
				t.Errorf("%s imports %s: no such file", p, m[1])
			}
			if !strings.Contains(imports, `"/static/`+dep+`"`) {
				t.Errorf("%s is not in the import map", dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Errorf("found only %d imports: is the pattern right?", n)
	}
	// The index preloads what main.js imports, directly or not.
	if g := a.moduleGraph("js/main.js"); !containsAll(g, "js/api.js", "js/mapview.js", "js/styles.js") {
		t.Errorf("main.js's module graph %v misses modules", g)
	}
}

func containsAll(list []string, want ...string) bool {
	have := map[string]bool{}
	for _, s := range list {
		have[s] = true
	}
	for _, w := range want {
		if !have[w] {
			return false
		}
	}
	return true
}

func TestPageConfig(t *testing.T) {
	street := orb.Bound{Min: orb.Point{116.27, 39.845}, Max: orb.Point{116.305, 39.87}}
	tests := []struct {
		name     string
		src      extentSource
		basemap  string
		wantBBox [4]float64
		wantType string
		cspHas   string
	}{
		{"extent of the communities", extentSource{bound: street}, "", [4]float64{116.27, 39.845, 116.305, 39.87}, "", ""},
		{"empty store: the street's bounds", extentSource{}, "", [4]float64{116.27, 39.845, 116.305, 39.87}, "", ""},
		{"store error: the street's bounds", extentSource{err: layers.ErrUnavailable}, "", [4]float64{116.27, 39.845, 116.305, 39.87}, "", ""},
		{"raster basemap", extentSource{bound: street}, "https://t0.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}", [4]float64{116.27, 39.845, 116.305, 39.87}, "raster", "https://t0.tianditu.gov.cn"},
		{"style basemap", extentSource{bound: street}, "http://tiles.example:8081/styles/basic/style.json", [4]float64{116.27, 39.845, 116.305, 39.87}, "style", "http://tiles.example:8081"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStaticServer(t, Config{Basemap: tc.basemap}, tc.src)
			rec := request(t, s, "/config.json", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var cfg pageConfig
			decode(t, rec, &cfg)
			if cfg.BBox != tc.wantBBox {
				t.Errorf("bbox %v, want %v", cfg.BBox, tc.wantBBox)
			}
			if cfg.Version == "" || cfg.MinCount != 5 {
				t.Errorf("version %q, min_count %d", cfg.Version, cfg.MinCount)
			}
			switch {
			case tc.wantType == "" && cfg.Basemap != nil:
				t.Errorf("basemap %+v, want none", cfg.Basemap)
			case tc.wantType != "" && (cfg.Basemap == nil || cfg.Basemap.Type != tc.wantType || cfg.Basemap.URL != tc.basemap):
				t.Errorf("basemap %+v, want %s %s", cfg.Basemap, tc.wantType, tc.basemap)
			}
			csp := request(t, s, "/", nil).Header().Get("Content-Security-Policy")
			if tc.cspHas != "" && !strings.Contains(csp, "img-src 'self' data: blob: "+tc.cspHas) {
				t.Errorf("CSP %q does not allow the basemap's origin %s", csp, tc.cspHas)
			}
		})
	}
	s := newStaticServer(t, Config{}, extentSource{})
	if rec := request(t, s, "/config.json?zoom=3", nil); rec.Code != http.StatusBadRequest {
		t.Errorf("an unknown parameter: status %d, want 400", rec.Code)
	}
}

func TestOriginOf(t *testing.T) {
	for in, want := range map[string]string{
		"": "",
		"https://t{s}.tianditu.gov.cn/vec_w/wmts?l={z}": "https://*.tianditu.gov.cn",
		"http://127.0.0.1:9000/{z}/{x}/{y}.png":         "http://127.0.0.1:9000",
		"/tiles/osm/{z}/{x}/{y}.png":                    "",
		"javascript:alert(1)":                           "",
		"pmtiles:///data/basemap.pmtiles":               "",
	} {
		if got := originOf(in); got != want {
			t.Errorf("originOf(%q) = %q, want %q", in, got, want)
		}
	}
}

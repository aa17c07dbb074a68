package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/tiles/pmtiles"
)

// basemapTiles are the tiles of the test archive: a z14 tile of 丰台街道 and
// its neighbour with the same bytes.
var basemapTiles = map[maptile.Tile][]byte{
	maptile.New(13487, 6208, 14): []byte("mvt bytes of a street"),
	maptile.New(13488, 6208, 14): []byte("mvt bytes of a street"),
	maptile.New(6744, 3104, 13):  []byte("mvt bytes at z13"),
}

// newBasemap writes a PMTiles archive of basemapTiles and opens it.
func newBasemap(t *testing.T) (*Basemap, []byte) {
	t.Helper()
	var ts []maptile.Tile
	for tl := range basemapTiles {
		ts = append(ts, tl)
	}
	pmtiles.Order(ts)
	dir := t.TempDir()
	w, err := pmtiles.NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tl := range ts {
		if err := w.Add(tl, basemapTiles[tl]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.Finish(&buf, pmtiles.Meta{MinZoom: 13, MaxZoom: 14, Bounds: fengtaiBound,
		Metadata: map[string]any{"attribution": "test", "vector_layers": []map[string]any{{"id": "water"}, {"id": "roads"}}}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "beijing.pmtiles")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	bm, err := OpenBasemap(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bm.Close() })
	return bm, buf.Bytes()
}

func newBasemapServer(t *testing.T, cfg Config) (*Server, []byte) {
	bm, file := newBasemap(t)
	cfg.BasemapArchive = bm
	return newStaticServer(t, cfg, extentSource{bound: fengtaiBound}), file
}

func bmDo(s *Server, method, target string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// TestBasemapRanges: the archive by byte ranges, as a PMTiles client reads
// it, and what a hostile client gets for bad, huge or too many ranges.
func TestBasemapRanges(t *testing.T) {
	s, file := newBasemapServer(t, Config{})
	size := len(file)
	etag := bmDo(s, http.MethodGet, "/basemap.pmtiles", nil).Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on the archive")
	}
	n := strconv.Itoa(size)
	cases := []struct {
		name   string
		method string
		header map[string]string
		status int
		body   []byte // nil: not checked
		crange string
	}{
		{"whole", "GET", nil, 200, file, ""},
		{"head", "HEAD", nil, 200, []byte{}, ""},
		{"the header", "GET", map[string]string{"Range": "bytes=0-126"}, 206, file[:127], "bytes 0-126/" + n},
		{"a suffix", "GET", map[string]string{"Range": "bytes=-10"}, 206, file[size-10:], fmt.Sprintf("bytes %d-%d/%s", size-10, size-1, n)},
		{"open-ended", "GET", map[string]string{"Range": fmt.Sprintf("bytes=%d-", size-3)}, 206, file[size-3:], fmt.Sprintf("bytes %d-%d/%s", size-3, size-1, n)},
		{"huge end clamped", "GET", map[string]string{"Range": "bytes=100-99999999999999"}, 206, file[100:], fmt.Sprintf("bytes 100-%d/%s", size-1, n)},
		{"starts past the end", "GET", map[string]string{"Range": fmt.Sprintf("bytes=%d-", size)}, 416, nil, "bytes */" + n},
		{"empty suffix", "GET", map[string]string{"Range": "bytes=-0"}, 416, nil, "bytes */" + n},
		{"overflowing number", "GET", map[string]string{"Range": "bytes=99999999999999999999999-"}, 416, nil, ""},
		{"not bytes", "GET", map[string]string{"Range": "pages=1-2"}, 416, nil, ""},
		{"garbage", "GET", map[string]string{"Range": "bytes=a-b"}, 416, nil, ""},
		{"reversed", "GET", map[string]string{"Range": "bytes=20-10"}, 416, nil, ""},
		{"too many ranges", "GET", map[string]string{"Range": "bytes=0-1,2-3,4-5,6-7,8-9,10-11,12-13,14-15,16-17"}, 416, nil, "bytes */" + n},
		// Ranges adding up past the file: net/http ignores them (200, whole).
		{"overlapping whole ranges", "GET", map[string]string{"Range": "bytes=0-,0-"}, 200, file, ""},
		{"If-Range matches", "GET", map[string]string{"Range": "bytes=0-9", "If-Range": etag}, 206, file[:10], "bytes 0-9/" + n},
		{"If-Range stale", "GET", map[string]string{"Range": "bytes=0-9", "If-Range": `"old"`}, 200, file, ""},
		{"If-None-Match", "GET", map[string]string{"If-None-Match": etag}, 304, []byte{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := bmDo(s, tc.method, "/basemap.pmtiles", tc.header)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body.String())
			}
			if tc.body != nil && !bytes.Equal(rec.Body.Bytes(), tc.body) {
				t.Errorf("body: %d bytes, want %d", rec.Body.Len(), len(tc.body))
			}
			if got := rec.Header().Get("Content-Range"); tc.crange != "" && got != tc.crange {
				t.Errorf("Content-Range %q, want %q", got, tc.crange)
			}
			if tc.status == 200 && rec.Header().Get("Content-Length") != n {
				t.Errorf("Content-Length %q, want %s", rec.Header().Get("Content-Length"), n)
			}
			if tc.status < 300 && rec.Header().Get("Accept-Ranges") != "bytes" {
				t.Error("no Accept-Ranges: bytes")
			}
		})
	}
	t.Run("two ranges", func(t *testing.T) {
		rec := bmDo(s, "GET", "/basemap.pmtiles", map[string]string{"Range": "bytes=0-6,10-11"})
		if rec.Code != 206 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "multipart/byteranges") ||
			!bytes.Contains(rec.Body.Bytes(), []byte("PMTiles")) {
			t.Errorf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
	})
}

// TestBasemapTiles: the archive's tiles by z/x/y.
func TestBasemapTiles(t *testing.T) {
	s, _ := newBasemapServer(t, Config{})
	street := "/basemap/14/13487/6208"
	cases := []struct {
		name     string
		target   string
		gzip     bool
		status   int
		want     []byte
		encoding string
	}{
		{"gzip client", street + ".mvt", true, 200, nil, "gzip"},
		{"plain client", street + ".mvt", false, 200, basemapTiles[maptile.New(13487, 6208, 14)], ""},
		{"pbf", street + ".pbf", false, 200, basemapTiles[maptile.New(13487, 6208, 14)], ""},
		{"no extension", street, false, 200, basemapTiles[maptile.New(13487, 6208, 14)], ""},
		{"the run's second tile", "/basemap/14/13488/6208.mvt", false, 200, basemapTiles[maptile.New(13488, 6208, 14)], ""},
		{"z13", "/basemap/13/6744/3104.mvt", false, 200, basemapTiles[maptile.New(6744, 3104, 13)], ""},
		{"absent", "/basemap/14/0/0.mvt", false, 204, nil, ""},
		{"outside the zooms", "/basemap/3/0/0.mvt", false, 204, nil, ""},
		{"wrong type", street + ".png", false, 404, nil, ""},
		{"x past the zoom", "/basemap/14/99999/1.mvt", false, 400, nil, ""},
		{"z past the max", "/basemap/99/0/0.mvt", false, 400, nil, ""},
		{"not a number", "/basemap/a/0/0.mvt", false, 400, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.gzip {
				h["Accept-Encoding"] = "gzip"
			}
			rec := bmDo(s, http.MethodGet, tc.target, h)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body.String())
			}
			if got := rec.Header().Get("Content-Encoding"); got != tc.encoding {
				t.Errorf("Content-Encoding %q, want %q", got, tc.encoding)
			}
			body := rec.Body.Bytes()
			if tc.encoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				body, _ = io.ReadAll(zr)
				if !bytes.Equal(body, basemapTiles[maptile.New(13487, 6208, 14)]) {
					t.Errorf("gunzipped %q", body)
				}
			} else if tc.want != nil && !bytes.Equal(body, tc.want) {
				t.Errorf("body %q, want %q", body, tc.want)
			}
			if tc.status == 200 && rec.Header().Get("Content-Type") != mediaMVT {
				t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
			}
		})
	}
	t.Run("ETag revalidation", func(t *testing.T) {
		etag := bmDo(s, http.MethodGet, street+".mvt", nil).Header().Get("ETag")
		if rec := bmDo(s, http.MethodGet, street+".mvt", map[string]string{"If-None-Match": etag}); etag == "" || rec.Code != 304 {
			t.Errorf("ETag %q, revalidation %d", etag, rec.Code)
		}
	})
}

// TestBasemapConfig: TileJSON and /config.json describe the archive; with
// no archive there are no routes.
func TestBasemapConfig(t *testing.T) {
	s, _ := newBasemapServer(t, Config{})
	rec := bmDo(s, http.MethodGet, "/basemap.json", nil)
	var tj struct {
		Tiles        []string `json:"tiles"`
		MinZoom      int      `json:"minzoom"`
		MaxZoom      int      `json:"maxzoom"`
		VectorLayers []struct {
			ID string `json:"id"`
		} `json:"vector_layers"`
	}
	decode(t, rec, &tj)
	if len(tj.Tiles) != 1 || tj.Tiles[0] != "http://example.com/basemap/{z}/{x}/{y}.mvt" || tj.MinZoom != 13 || tj.MaxZoom != 14 || len(tj.VectorLayers) != 2 {
		t.Errorf("TileJSON %+v", tj)
	}
	var cfg pageConfig
	decode(t, bmDo(s, http.MethodGet, "/config.json", nil), &cfg)
	if b := cfg.Basemap; b == nil || b.Type != "vector" || b.URL != "http://example.com/basemap/{z}/{x}/{y}.mvt" ||
		b.MaxZoom != 14 || strings.Join(b.Layers, ",") != "water,roads" {
		t.Errorf("config basemap %+v", cfg.Basemap)
	}
	plain := newStaticServer(t, Config{}, extentSource{bound: fengtaiBound})
	for _, p := range []string{"/basemap.pmtiles", "/basemap/14/13487/6208.mvt", "/basemap.json"} {
		if rec := bmDo(plain, http.MethodGet, p, nil); rec.Code != 404 {
			t.Errorf("without --basemap, %s is %d", p, rec.Code)
		}
	}
}

func TestOpenBasemapRefuses(t *testing.T) {
	dir := t.TempDir()
	notArchive := filepath.Join(dir, "x.pmtiles")
	if err := os.WriteFile(notArchive, []byte("<html>not an archive</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{notArchive, filepath.Join(dir, "missing.pmtiles"), dir} {
		if bm, err := OpenBasemap(p); err == nil {
			bm.Close()
			t.Errorf("OpenBasemap(%s) took it", p)
		}
	}
}

// TestTilesBaseURL: with --tiles-base-url the public's unfiltered TileJSON
// and the page's config point at the static tiles; filtered and staff
// tiles stay on this server; the page may fetch from the CDN's origin.
func TestTilesBaseURL(t *testing.T) {
	src := newEmbedded(t)
	staff := token(t, src, layers.Staff)
	for _, tc := range []struct {
		base, want string
	}{
		{"https://cdn.example/minqing/", "https://cdn.example/minqing/{z}/{x}/{y}.mvt"},
		{"https://cdn.example/t/{z}/{x}/{y}.pbf", "https://cdn.example/t/{z}/{x}/{y}.pbf"},
	} {
		s := New(Config{TilesBaseURL: tc.base}, src, fengtai.Catalog(), nil)
		tileURL := func(target, secret string) string {
			rec := get(t, s, target, secret)
			var tj struct {
				Tiles []string `json:"tiles"`
			}
			decode(t, rec, &tj)
			return tj.Tiles[0]
		}
		if got := tileURL("/tiles/communities,streets.json", ""); got != tc.want {
			t.Errorf("public TileJSON tiles %q, want %q", got, tc.want)
		}
		if got := tileURL("/tiles/demolitions.json?datetime=2026-01-01/..", ""); strings.HasPrefix(got, "https://cdn.example") {
			t.Errorf("a filtered TileJSON points at the static tiles: %q", got)
		}
		if got := tileURL("/tiles/communities.json", staff); strings.HasPrefix(got, "https://cdn.example") {
			t.Errorf("a staff TileJSON points at the public static tiles: %q", got)
		}
		var cfg pageConfig
		decode(t, get(t, s, "/config.json", ""), &cfg)
		if cfg.TilesBaseURL != tc.want {
			t.Errorf("config tiles_base_url %q, want %q", cfg.TilesBaseURL, tc.want)
		}
		if csp := get(t, s, "/", "").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' https://cdn.example") {
			t.Errorf("CSP does not let the page fetch the static tiles: %q", csp)
		}
	}
	var cfg map[string]any
	if err := json.Unmarshal(get(t, New(Config{}, src, fengtai.Catalog(), nil), "/config.json", "").Body.Bytes(), &cfg); err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg["tiles_base_url"]; ok {
		t.Errorf("without --tiles-base-url the config names static tiles: %v", cfg)
	}
}

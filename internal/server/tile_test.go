package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/storetest"
	"minqing/tiles"
)

// loadTileDemo loads the demo with a few hundred incidents.
func loadTileDemo(t *testing.T, src layers.Source) {
	t.Helper()
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)
	if _, err := demo.Load(context.Background(), src, fengtai.Catalog(), demo.Options{Incidents: 400, AsOf: asOf}, nil); err != nil {
		t.Fatal(err)
	}
}

// centre is a z15 tile in the middle of the street, with incidents in it.
func centre() maptile.Tile { return maptile.At(orb.Point{116.2875, 39.8575}, 15) }

func tilePath(layers string, t maptile.Tile) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layers, t.Z, t.X, t.Y)
}

// decodeMVT decodes a tile body into its layers by name.
func decodeMVT(t *testing.T, b []byte) map[string]*mvt.Layer {
	t.Helper()
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatalf("not a vector tile: %v", err)
	}
	out := map[string]*mvt.Layer{}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out
}

func featureIDs(l *mvt.Layer) []uint64 {
	var ids []uint64
	if l == nil {
		return nil
	}
	for _, f := range l.Features {
		ids = append(ids, uint64(f.ID.(float64)))
	}
	slices.Sort(ids)
	return ids
}

// getWith performs a GET with extra request headers.
func getWith(t *testing.T, s *Server, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func TestTiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		loadTileDemo(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		t.Run("LayersFeaturesAndIDs", func(t *testing.T) { testTileContent(t, s, src, staff) })
		t.Run("Access", func(t *testing.T) { testTileAccess(t, s, staff) })
		t.Run("ETagGzipCacheControl", func(t *testing.T) { testTileHTTP(t, s) })
		t.Run("Filters", func(t *testing.T) { testTileFilters(t, s) })
		t.Run("BadInput", func(t *testing.T) { testTileBadInput(t, s) })
		t.Run("TileJSON", func(t *testing.T) { testTileJSON(t, s, staff) })
		t.Run("GDAL", func(t *testing.T) { testTileGDAL(t, s) })
		t.Run("WriteInvalidates", func(t *testing.T) { testTileInvalidation(t, s, src) })
	})
}

// testTileContent: the tile holds one MVT layer per requested layer, with
// the features the store has there (same ids) and the public properties.
func testTileContent(t *testing.T, s *Server, src layers.Source, staff string) {
	c := centre()
	rec := get(t, s, tilePath("communities,streets,incidents", c), "")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != mediaMVT {
		t.Errorf("Content-Type %q", ct)
	}
	got := decodeMVT(t, rec.Body.Bytes())
	for _, n := range []string{"communities", "streets", "incidents"} {
		if got[n] == nil || len(got[n].Features) == 0 {
			t.Fatalf("layer %s missing or empty; have %v", n, keysOf(got))
		}
	}
	// The incidents are exactly the store's points inside the tile.
	inc, _ := s.catalog.Lookup("incidents")
	bound := c.Bound()
	var want []uint64
	err := src.Features(context.Background(), inc, layers.Query{BBox: &bound}, func(f *layers.Feature) error {
		want = append(want, uint64(f.ID))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	inTile := 0
	for _, f := range got["incidents"].Features {
		p := f.Geometry.(orb.Point)
		if p[0] >= 0 && p[0] < 4096 && p[1] >= 0 && p[1] < 4096 {
			inTile++
		}
	}
	if gotIDs := featureIDs(got["incidents"]); len(gotIDs) < len(want) || inTile < len(want)-2 {
		t.Errorf("tile has %d incidents (%d inside the tile), the store %d in the tile", len(gotIDs), inTile, len(want))
	} else {
		for _, id := range want {
			if _, ok := slices.BinarySearch(gotIDs, id); !ok {
				t.Errorf("incident %d of the store is not in the tile", id)
			}
		}
	}
	f := got["incidents"].Features[0]
	for _, p := range []string{"category", "status", "received_at", "source"} {
		if _, ok := f.Properties[p]; !ok {
			t.Errorf("incident has no %s: %v", p, f.Properties)
		}
	}
	if at, _ := f.Properties["received_at"].(float64); at < 1.7e9 || at > 1.8e9 || at != float64(int64(at)) {
		t.Errorf("received_at = %v, want Unix epoch seconds", f.Properties["received_at"])
	}
	// Staff see the staff properties.
	srec := get(t, s, tilePath("incidents", c), staff)
	sl := decodeMVT(t, srec.Body.Bytes())["incidents"]
	if _, ok := sl.Features[0].Properties["description"]; !ok {
		t.Errorf("staff tile lacks description: %v", sl.Features[0].Properties)
	}
	// Clusters below z15: counts, no properties of single incidents.
	zrec := get(t, s, tilePath("incidents", c.Parent().Parent()), "")
	zl := decodeMVT(t, zrec.Body.Bytes())["incidents"]
	if zl == nil || len(zl.Features) == 0 {
		t.Fatal("no clusters at z13")
	}
	for _, f := range zl.Features {
		if n, _ := f.Properties["count"].(float64); n < 1 || len(f.Properties) != 1 {
			t.Errorf("cluster properties %v, want a count only", f.Properties)
		}
	}
}

// staffOnly are the incident properties a public tile must never hold.
func staffOnly() []string { return []string{"description", "address", "unit", "external_id", "h3"} }

func testTileAccess(t *testing.T, s *Server, staff string) {
	c := centre()
	for _, z := range []maptile.Tile{c, c.Parent().Parent()} {
		rec := get(t, s, tilePath("incidents", z), "")
		for _, f := range decodeMVT(t, rec.Body.Bytes())["incidents"].Features {
			for _, p := range staffOnly() {
				if _, ok := f.Properties[p]; ok {
					t.Fatalf("public tile z%d has staff property %s", z.Z, p)
				}
			}
		}
	}
	rec := get(t, s, tilePath("incidents,care_targets", c), "")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `care_targets`) {
		t.Errorf("care_targets for the public: %d %s, want 404 naming it", rec.Code, rec.Body)
	}
	rec = get(t, s, "/tiles/care_targets.json", "")
	if rec.Code != http.StatusNotFound {
		t.Errorf("care_targets TileJSON for the public: %d, want 404", rec.Code)
	}
	rec = get(t, s, tilePath("care_targets", c), staff)
	if rec.Code != http.StatusOK {
		t.Fatalf("care_targets for staff: %d %s", rec.Code, rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("care_targets Cache-Control %q, want private, no-cache", cc)
	}
	// A staff tile is not served to the public from the cache.
	rec = get(t, s, tilePath("incidents", c), staff)
	pub := get(t, s, tilePath("incidents", c), "")
	if bytes.Equal(rec.Body.Bytes(), pub.Body.Bytes()) {
		t.Error("public and staff tiles are the same bytes")
	}
}

func testTileHTTP(t *testing.T, s *Server) {
	c := centre()
	path := tilePath("communities,incidents", c)
	first := getWith(t, s, path, map[string]string{"Origin": "https://dashboard.example"})
	etag := first.Header().Get("ETag")
	if first.Code != http.StatusOK || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("status %d, ETag %q", first.Code, etag)
	}
	if got := first.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
	}
	if cc := first.Header().Get("Cache-Control"); cc != "public, max-age=30" {
		t.Errorf("Cache-Control %q, want the incidents' 30 s (shortest of the layers)", cc)
	}
	if cc := get(t, s, tilePath("communities", c), "").Header().Get("Cache-Control"); cc != "public, max-age=3600" {
		t.Errorf("communities Cache-Control %q, want an hour", cc)
	}
	again := getWith(t, s, path, map[string]string{"If-None-Match": etag})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d with %d bytes, want 304 and no body", again.Code, again.Body.Len())
	}
	other := getWith(t, s, path, map[string]string{"If-None-Match": `"0000"`})
	if other.Code != http.StatusOK {
		t.Errorf("stale If-None-Match: %d, want 200", other.Code)
	}
	gz := getWith(t, s, path, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if gz.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Accept-Encoding gzip: Content-Encoding %q", gz.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, first.Body.Bytes()) {
		t.Errorf("gunzipped tile differs from the plain one (err %v)", err)
	}
	if gz.Header().Get("ETag") == etag {
		t.Error("the gzipped tile has the plain tile's strong ETag")
	}
	if r := getWith(t, s, path, map[string]string{"If-None-Match": gz.Header().Get("ETag"), "Accept-Encoding": "gzip"}); r.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the gzip ETag: %d, want 304", r.Code)
	}
	// Streets start at z12: alone at z11 the tile is empty, 204.
	if rec := get(t, s, tilePath("streets", c.Parent().Parent().Parent().Parent()), ""); rec.Code != http.StatusNoContent {
		t.Errorf("streets at z11: %d, want 204", rec.Code)
	}
	// Far from the street: no feature, 204.
	if rec := get(t, s, "/tiles/communities,incidents/15/0/0.mvt", ""); rec.Code != http.StatusNoContent {
		t.Errorf("empty tile: %d, want 204", rec.Code)
	}
	if rec := get(t, s, tilePath("incidents", c)[:len(tilePath("incidents", c))-4]+".pbf", ""); rec.Code != http.StatusOK {
		t.Errorf(".pbf: %d", rec.Code)
	}
}

func testTileFilters(t *testing.T, s *Server) {
	c := centre().Parent()
	base := decodeMVT(t, get(t, s, tilePath("incidents", maptile.New(c.X*2, c.Y*2, 15)), "").Body.Bytes())["incidents"]
	if base == nil {
		t.Fatal("no incidents")
	}
	cats := map[string]int{}
	for _, f := range base.Features {
		cats[f.Properties["category"].(string)]++
	}
	var cat string
	for k, n := range cats {
		if n < len(base.Features) {
			cat = k
		}
	}
	p := tilePath("incidents", maptile.New(c.X*2, c.Y*2, 15))
	checked := 0
	for _, q := range []string{"?category=" + cat, "?category=" + cat + "&status=closed,resolved", "?datetime=2025-09-01T00:00:00%2B08:00/..", "?source=12345&source=微信"} {
		rec := get(t, s, p+strings.ReplaceAll(q, "微信", "%E5%BE%AE%E4%BF%A1"), "")
		if rec.Code == http.StatusNoContent {
			continue
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", q, rec.Code, rec.Body)
		}
		l := decodeMVT(t, rec.Body.Bytes())["incidents"]
		checked++
		if len(l.Features) >= len(base.Features) {
			t.Errorf("%s: %d features, no fewer than unfiltered (%d)", q, len(l.Features), len(base.Features))
		}
		for _, f := range l.Features {
			pr := f.Properties
			switch {
			case strings.Contains(q, "category") && pr["category"] != cat,
				strings.Contains(q, "status") && pr["status"] != "closed" && pr["status"] != "resolved",
				strings.Contains(q, "datetime") && pr["received_at"].(float64) < float64(time.Date(2025, 9, 1, 0, 0, 0, 0, layers.Shanghai).Unix()),
				strings.Contains(q, "source") && pr["source"] != "12345" && pr["source"] != "微信":
				t.Errorf("%s: feature %v does not pass: %v", q, f.ID, pr)
			}
		}
	}
	if checked < 3 {
		t.Errorf("only %d of the filtered tiles had features: the test checks too little", checked)
	}
}

func testTileBadInput(t *testing.T, s *Server) {
	c := centre()
	ok := fmt.Sprintf("/%d/%d/%d.mvt", c.Z, c.X, c.Y)
	tests := []struct {
		path   string
		status int
		param  string // the parameter the message names, or a word of it
	}{
		{"/tiles/incidents/23/0/0.mvt", 400, "z"},
		{"/tiles/incidents/-1/0/0.mvt", 400, "z"},
		{"/tiles/incidents/2/4/0.mvt", 400, "x"},
		{"/tiles/incidents/2/0/4.mvt", 400, "y"},
		{"/tiles/incidents/a/0/0.mvt", 400, "z"},
		{"/tiles/incidents/2/0x1/0.mvt", 400, "x"},
		{"/tiles/incidents/2/0/zero.mvt", 400, "y"},
		{"/tiles/incidents/2/0/0.png", 400, "y"},
		{"/tiles/nosuch" + ok, 404, "nosuch"},
		{"/tiles/incidents,nosuch" + ok, 404, "nosuch"},
		{"/tiles/a,b,c,d,e,f,g,h,i" + ok, 400, "layers"},
		{"/tiles/incidents,,streets" + ok, 400, "layers"},
		{"/tiles/incidents" + ok + "?limit=100000", 400, "limit"},
		{"/tiles/incidents" + ok + "?description=x", 400, "description"},
		{"/tiles/incidents" + ok + "?datetime=yesterday", 400, "datetime"},
		{"/tiles/incidents" + ok + "?category=nothing", 400, "category"},
		{"/tiles/communities" + ok + "?category=停电", 400, "category"},
		{"/tiles/nosuch.json", 404, "nosuch"},
		{"/tiles/incidents.json?bbox=1,2,3,4", 400, "bbox"},
		{"/tiles/incidents.xml", 404, ""},
	}
	for _, tc := range tests {
		rec := get(t, s, tc.path, "")
		if rec.Code != tc.status {
			t.Errorf("%s: %d, want %d (%s)", tc.path, rec.Code, tc.status, rec.Body)
			continue
		}
		var body apiError
		decode(t, rec, &body)
		if body.Message == "" || (tc.param != "" && body.Param != tc.param && !strings.Contains(body.Message, tc.param)) {
			t.Errorf("%s: body %+v does not name %q", tc.path, body, tc.param)
		}
	}
	// Repeated layers are served once.
	rec := get(t, s, "/tiles/incidents,incidents"+ok, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("repeated layer: %d", rec.Code)
	}
	if ls, _ := mvt.Unmarshal(rec.Body.Bytes()); len(ls) != 1 {
		t.Errorf("repeated layer: %d MVT layers, want 1", len(ls))
	}
}

func testTileJSON(t *testing.T, s *Server, staff string) {
	rec := get(t, s, "/tiles/communities,streets,incidents.json?category=%E5%81%9C%E7%94%B5", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var tj tiles.TileJSON
	decode(t, rec, &tj)
	if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.MinZoom != 10 || tj.MaxZoom != 22 {
		t.Errorf("TileJSON %+v", tj)
	}
	want := "http://example.com/tiles/communities,streets,incidents/{z}/{x}/{y}.mvt?category=%E5%81%9C%E7%94%B5"
	if tj.Tiles[0] != want {
		t.Errorf("tiles %q, want %q", tj.Tiles[0], want)
	}
	if tj.Bounds[0] < 116.26 || tj.Bounds[2] > 116.31 || tj.Bounds[1] < 39.84 || tj.Bounds[3] > 39.88 {
		t.Errorf("bounds %v are not the street's", tj.Bounds)
	}
	var ids []string
	for _, v := range tj.VectorLayers {
		ids = append(ids, v.ID)
		if v.ID == "incidents" {
			if _, ok := v.Fields["description"]; ok {
				t.Error("public TileJSON lists the staff field description")
			}
			if v.Fields["received_at"] != "Number" || v.Fields["count"] != "Number" || !strings.Contains(v.Description, "cluster") {
				t.Errorf("incidents vector layer %+v", v)
			}
		}
	}
	if !slices.Equal(ids, []string{"communities", "streets", "incidents"}) {
		t.Errorf("vector_layers %v", ids)
	}
	// A staff caller by URL token gets the staff fields, but the token is
	// never copied into the document (the web map adds its header itself),
	// and the document is private.
	rec = get(t, s, "/tiles/incidents.json?token="+staff, "")
	decode(t, rec, &tj)
	if strings.Contains(rec.Body.String(), staff) || strings.Contains(tj.Tiles[0], "token=") || tj.VectorLayers[0].Fields["description"] != "String" ||
		!strings.HasPrefix(rec.Header().Get("Cache-Control"), "private") {
		t.Errorf("staff TileJSON: %s %v", tj.Tiles[0], tj.VectorLayers[0].Fields)
	}
	// Every tile the document points at loads.
	tpl := strings.TrimPrefix(strings.Split(tj.Tiles[0], "?")[0], "http://example.com")
	for _, tl := range []maptile.Tile{centre(), centre().Parent().Parent().Parent()} {
		p := strings.NewReplacer("{z}", fmt.Sprint(tl.Z), "{x}", fmt.Sprint(tl.X), "{y}", fmt.Sprint(tl.Y)).Replace(tpl)
		if rec := get(t, s, p, staff); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
}

func testTileGDAL(t *testing.T, s *Server) {
	ogrinfo := needTool(t, "ogrinfo")
	c := centre()
	rec := get(t, s, tilePath("communities,streets,incidents", c), "")
	dir := filepath.Join(t.TempDir(), fmt.Sprint(c.Z), fmt.Sprint(c.X))
	file := filepath.Join(dir, fmt.Sprintf("%d.pbf", c.Y))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, rec.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command(ogrinfo, "-ro", "-so", "-al", "MVT:"+file).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, b)
	}
	out := string(b)
	for _, l := range []string{"communities", "streets", "incidents"} {
		if !strings.Contains(out, "Layer name: "+l) {
			t.Errorf("ogrinfo does not list layer %s:\n%s", l, out)
		}
	}
	if !strings.Contains(out, "Feature Count:") {
		t.Errorf("ogrinfo lists no features:\n%s", out)
	}
}

// testTileInvalidation: a write to incidents shows in the next tile; a
// write to another layer leaves the cached incidents tile in place.
func testTileInvalidation(t *testing.T, s *Server, src layers.Source) {
	ctx := context.Background()
	c := centre()
	path := tilePath("incidents", c)
	cache := s.ext.tiles.cache
	before := decodeMVT(t, get(t, s, path, "").Body.Bytes())["incidents"]
	h0 := cache.Stats().Hits
	get(t, s, path, "")
	if h := cache.Stats().Hits; h != h0+1 {
		t.Fatalf("second request: %d cache hits, want %d", h, h0+1)
	}
	inc, _ := s.catalog.Lookup("incidents")
	p := c.Center()
	res, err := src.Write(ctx, inc, layers.WriteOptions{}, &sliceReader{fs: []*layers.Feature{{
		Geometry: p,
		Props: map[string]any{"source": "微信", "category": "停电", "status": "received",
			"received_at": time.Date(2026, 3, 2, 9, 30, 0, 0, layers.Shanghai)},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	after := decodeMVT(t, get(t, s, path, "").Body.Bytes())["incidents"]
	ids := featureIDs(after)
	if _, ok := slices.BinarySearch(ids, uint64(res.IDs[0])); !ok || len(ids) != len(featureIDs(before))+1 {
		t.Errorf("after the write the tile has %d incidents (was %d) and new id %d is %v", len(ids), len(featureIDs(before)), res.IDs[0], ok)
	}
	// A write to communities does not evict the incidents tile.
	com, _ := s.catalog.Lookup("communities")
	var one *layers.Feature
	inTile := c.Bound() // a community the tile shows: its write must redraw the tile
	if err := src.Features(ctx, com, layers.Query{Role: layers.Admin, Limit: 1, BBox: &inTile}, func(f *layers.Feature) error { one = f; return nil }); err != nil {
		t.Fatal(err)
	}
	one.Props["households"] = int64(4321)
	if _, err := src.Write(ctx, com, layers.WriteOptions{Mode: layers.Upsert}, &sliceReader{fs: []*layers.Feature{one}}); err != nil {
		t.Fatal(err)
	}
	h1, m1 := cache.Stats().Hits, cache.Stats().Misses
	get(t, s, path, "")
	if st := cache.Stats(); st.Hits != h1+1 || st.Misses != m1 {
		t.Errorf("after a write to communities the incidents tile missed (hits %d→%d, misses %d→%d)", h1, st.Hits, m1, st.Misses)
	}
	// ...but does make the communities tile miss.
	get(t, s, tilePath("communities", c), "")
	m2 := cache.Stats().Misses
	if _, err := src.Write(ctx, com, layers.WriteOptions{Mode: layers.Upsert}, &sliceReader{fs: []*layers.Feature{withHouseholds(one, 1234)}}); err != nil {
		t.Fatal(err)
	}
	get(t, s, tilePath("communities", c), "")
	if st := cache.Stats(); st.Misses != m2+1 {
		t.Errorf("after a write to communities its tile did not miss (misses %d→%d)", m2, st.Misses)
	}
}

func withHouseholds(f *layers.Feature, n int64) *layers.Feature {
	g := *f
	g.Props = map[string]any{}
	for k, v := range f.Props {
		g.Props[k] = v
	}
	g.Props["households"] = n
	return &g
}

// sliceReader is a FeatureReader over a slice.
type sliceReader struct {
	fs []*layers.Feature
	i  int
}

func (r *sliceReader) Next() (*layers.Feature, error) {
	if r.i >= len(r.fs) {
		return nil, io.EOF
	}
	r.i++
	return r.fs[r.i-1], nil
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

package server

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/storetest"
)

// needTool returns the path of a command-line tool, skipping the test on a
// developer machine without it and failing under CI=true, where .ci/run
// installs it.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed: .ci/run must install it", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// TestCommunitiesOpenInGDAL checks the served GeoJSON with a real client:
// GDAL opens /layers/communities.geojson of the demo and finds 25 polygons.
func TestCommunitiesOpenInGDAL(t *testing.T) {
	ogrinfo := needTool(t, "ogrinfo")
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		cat := fengtai.Catalog()
		if _, err := demo.Load(context.Background(), src, cat, demo.Options{Incidents: 200, AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, layers.Shanghai)}, nil); err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(newTestServer(t, src).Handler())
		defer ts.Close()
		rec := get(t, newTestServer(t, src), "/layers/communities.geojson", "")
		file := filepath.Join(t.TempDir(), "communities.geojson")
		if err := os.WriteFile(file, rec.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", file).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo: %v\n%s", err, out)
		}
		if !regexp.MustCompile(`Feature Count: 25\b`).Match(out) {
			t.Errorf("ogrinfo does not count 25 communities:\n%s", out)
		}
		if !regexp.MustCompile(`Geometry: Multi Polygon`).Match(out) {
			t.Errorf("ogrinfo does not see multipolygons:\n%s", out)
		}
		// GDAL reads straight from the server too.
		out, err = exec.Command(ogrinfo, "-ro", "-so", "-al", ts.URL+"/layers/communities.geojson").CombinedOutput()
		if err != nil || !regexp.MustCompile(`Feature Count: 25\b`).Match(out) {
			t.Errorf("ogrinfo over HTTP: %v\n%s", err, out)
		}
	})
}

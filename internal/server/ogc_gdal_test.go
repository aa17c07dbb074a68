package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/storetest"
)

// TestOGCWithGDAL checks the service with GDAL's OGC API – Features client
// on a real listener: ogrinfo lists the public collections, and ogr2ogr
// copies all 25 demo communities, paging through next links (page size 7).
// It skips without GDAL locally and fails without it under CI=true.
func TestOGCWithGDAL(t *testing.T) {
	ogrinfo := needTool(t, "ogrinfo")
	ogr2ogr := needTool(t, "ogr2ogr")
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			if _, err := demo.Load(context.Background(), src, fengtai.Catalog(), demo.Options{Incidents: 300, AsOf: time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)}, nil); err != nil {
				t.Fatal(err)
			}
			var cursors atomic.Int64
			h := ogcServer(src, Config{DefaultLimit: 7, MaxLimit: 7}).Handler()
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("cursor") != "" {
					cursors.Add(1)
				}
				h.ServeHTTP(w, r)
			}))
			defer ts.Close()
			env := append(os.Environ(), "GDAL_HTTP_TIMEOUT=60", "CPL_DEBUG=OFF", "GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR")

			cmd := exec.Command(ogrinfo, "-ro", "-so", "OAPIF:"+ts.URL+"/ogc")
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("ogrinfo: %v\n%s", err, out)
			}
			for _, l := range fengtai.Catalog().Visible(layers.Public) {
				if !regexp.MustCompile(`(?m)^\d+: ` + l.Name + `\b`).Match(out) {
					t.Errorf("ogrinfo does not list %s:\n%s", l.Name, out)
				}
			}
			if strings.Contains(string(out), "care_targets") {
				t.Errorf("ogrinfo lists care_targets to the public:\n%s", out)
			}

			file := filepath.Join(t.TempDir(), "out.json")
			cmd = exec.Command(ogr2ogr, "-f", "GeoJSON", file, "OAPIF:"+ts.URL+"/ogc", "communities")
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("ogr2ogr: %v\n%s", err, out)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var fc struct {
				Features []struct {
					Geometry   struct{ Type string }
					Properties map[string]any
				}
			}
			if err := json.Unmarshal(b, &fc); err != nil {
				t.Fatalf("ogr2ogr output: %v", err)
			}
			names := map[any]bool{}
			for _, f := range fc.Features {
				names[f.Properties["name"]] = true
				if f.Geometry.Type != "MultiPolygon" {
					t.Errorf("community geometry %s", f.Geometry.Type)
				}
			}
			if len(fc.Features) != 25 || len(names) != 25 {
				t.Errorf("ogr2ogr copied %d communities (%d names), want 25", len(fc.Features), len(names))
			}
			t.Logf("GDAL followed %d next links", cursors.Load())
			if cursors.Load() < 3 {
				t.Errorf("GDAL followed %d next links, want at least 3 (25 features, 7 a page)", cursors.Load())
			}
		})
	}
}

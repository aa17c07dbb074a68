package tiles_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/tiles"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestTileJSONGolden(t *testing.T) {
	cat := fengtai.Catalog()
	var ls []*layers.Layer
	for _, n := range []string{"communities", "streets", "incidents"} {
		l, _ := cat.Lookup(n)
		ls = append(ls, l)
	}
	bounds := orb.Bound{Min: orb.Point{116.270040, 39.845070}, Max: orb.Point{116.304928, 39.869904}}
	for _, tc := range []struct {
		file string
		role layers.Role
	}{{"tilejson_public.json", layers.Public}, {"tilejson_staff.json", layers.Staff}} {
		tj := tiles.NewTileJSON(ls, tiles.TileJSONOptions{
			TileURL: "https://minqing.example/tiles/communities,streets,incidents/{z}/{x}/{y}.mvt",
			Role:    tc.role, Bounds: bounds, Attribution: "丰台街道 民情图",
		})
		got, err := json.MarshalIndent(tj, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join("testdata", tc.file)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", tc.file, got)
		}
	}
}

func TestTileJSONWithoutData(t *testing.T) {
	tj := tiles.NewTileJSON(nil, tiles.TileJSONOptions{TileURL: "/t/{z}/{x}/{y}.mvt"})
	if tj.Bounds[0] != -180 || tj.MinZoom != 0 || tj.TileJSON != "3.0.0" {
		t.Errorf("%+v", tj)
	}
}

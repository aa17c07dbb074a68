package postgis

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
)

// TestTilePlanUsesTheIndex checks the plan of small tiles over 20,000 demo
// incidents, with the planner's custom plan and with the generic plan a
// prepared statement falls back to: the incidents are read through the
// GiST index on geom, never by a (parallel) sequential scan, which made
// small tiles several times slower in the trial.
func TestTilePlanUsesTheIndex(t *testing.T) {
	st, cat := analysedDemo(t, 20000)
	inc, _ := cat.Lookup("incidents")
	com, _ := cat.Lookup("communities")
	for _, mode := range []string{"auto", "force_generic_plan"} {
		for _, z := range []int{15, 16, 17} {
			tl := maptile.At(orb.Point{116.2875, 39.8575}, maptile.Zoom(z))
			sql, args, err := tileSQL(layers.TileRequest{Layers: []*layers.Layer{com, inc}, Z: z, X: int(tl.X), Y: int(tl.Y)})
			if err != nil {
				t.Fatal(err)
			}
			plan, nodes := explain(t, st, mode, sql, args)
			scans := map[string]bool{}
			walkPlan(nodes, func(n map[string]any) {
				if n["Relation Name"] == "incidents" {
					scans[n["Node Type"].(string)] = true
				}
			})
			if scans["Seq Scan"] || len(scans) == 0 || !strings.Contains(plan, "incidents_geom_idx") {
				t.Errorf("%s plan of a z%d tile reads incidents by %v, not the GiST index:\n%s", mode, z, scans, plan)
			}
		}
	}
}

// walkPlan calls fn on every node of an EXPLAIN (FORMAT JSON) plan.
func walkPlan(v any, fn func(map[string]any)) {
	switch n := v.(type) {
	case []any:
		for _, c := range n {
			walkPlan(c, fn)
		}
	case map[string]any:
		if _, ok := n["Node Type"]; ok {
			fn(n)
		}
		for _, c := range n {
			walkPlan(c, fn)
		}
	}
}

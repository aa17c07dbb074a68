package layers_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// BenchmarkPrepareCells prepares incidents with every field set, as an
// import hands them to a store: checked by the store ("check") or, when the
// importer has checked them already (WriteOptions.Checked), not again
// ("checked").
func BenchmarkPrepareCells(b *testing.B) {
	inc := mustLayer(b, "incidents")
	at := time.Date(2026, 3, 5, 14, 3, 0, 0, time.UTC)
	feature := func(i int) *layers.Feature {
		props := map[string]any{}
		for _, fd := range inc.Fields {
			switch {
			case fd.Name == "h3":
			case len(fd.Enum) > 0:
				props[fd.Name] = fd.Enum[i%len(fd.Enum)]
			case fd.Type == layers.String:
				props[fd.Name] = fmt.Sprintf("丰台街道%d号楼", i)
			case fd.Type == layers.Int:
				props[fd.Name] = int64(i)
			case fd.Type == layers.Float:
				props[fd.Name] = float64(i)
			case fd.Type == layers.Bool:
				props[fd.Name] = i%2 == 0
			case fd.Type == layers.Time, fd.Type == layers.Date:
				props[fd.Name] = at.Add(time.Duration(i) * time.Minute)
			}
		}
		p := orb.Point{116.270 + float64(i%997)*0.000035, 39.845 + float64(i%991)*0.000025}
		return &layers.Feature{Geometry: p, Props: props}
	}
	const n = 1024
	feats := make([]*layers.Feature, n)
	for i := range feats {
		feats[i] = feature(i)
		if err := inc.Check(feats[i]); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name    string
		checked bool
	}{{"check", false}, {"checked", true}} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := layers.PrepareCellsAt(inc, feats[i%n], int64(i+1), bc.checked); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

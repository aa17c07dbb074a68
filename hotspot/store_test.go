package hotspot

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
	"minqing/layers"
	"minqing/stores/storetest"
)

// sliceReader is a FeatureReader over a slice.
type sliceReader struct{ fs []*layers.Feature }

func (r *sliceReader) Next() (*layers.Feature, error) {
	if len(r.fs) == 0 {
		return nil, io.EOF
	}
	f := r.fs[0]
	r.fs = r.fs[1:]
	return f, nil
}

func write(t *testing.T, src layers.Source, layer string, fs []*layers.Feature) {
	t.Helper()
	l, _ := fengtai.Catalog().Lookup(layer)
	if _, err := src.Write(bg(t), l, layers.WriteOptions{Mode: layers.Insert}, &sliceReader{fs: fs}); err != nil {
		t.Fatalf("write %s: %v", layer, err)
	}
}

// randomStreet writes two communities covering the street's area and n
// incidents at random points (clustered around two spots), with random
// categories and times over 2026.
func randomStreet(t *testing.T, src layers.Source, n int) {
	t.Helper()
	west := orb.Polygon{{{116.270, 39.845}, {116.2875, 39.845}, {116.2875, 39.870}, {116.270, 39.870}, {116.270, 39.845}}}
	east := orb.Polygon{{{116.2875, 39.845}, {116.305, 39.845}, {116.305, 39.870}, {116.2875, 39.870}, {116.2875, 39.845}}}
	write(t, src, "communities", []*layers.Feature{community("北大地西区", "第一片区", west), community("正阳北里", "第二片区", east)})
	r := rand.New(rand.NewPCG(42, 6))
	cats := []string{"水管爆裂", "漏水", "停电", "施工扰民"}
	fs := make([]*layers.Feature, n)
	for i := range fs {
		var p orb.Point
		switch i % 3 {
		case 0: // uniform, a few just outside the area
			p = orb.Point{116.268 + 0.039*r.Float64(), 39.844 + 0.027*r.Float64()}
		case 1:
			p = orb.Point{116.276 + 0.002*r.NormFloat64(), 39.851 + 0.0015*r.NormFloat64()}
		default:
			p = orb.Point{116.298 + 0.003*r.NormFloat64(), 39.864 + 0.002*r.NormFloat64()}
		}
		at := t0.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		fs[i] = incidentsAt(p, 1, at, cats[r.IntN(len(cats))])[0]
	}
	write(t, src, "incidents", fs)
}

// recount counts the incidents q selects per cell of resolution res from
// their points, in Go: the cell H3 gives the point at res (LatLngToCell),
// the hexagon a map draws; moved counts the points for which the parent of
// the point's resolution-15 cell would be another cell.
func recount(t *testing.T, src layers.Source, res int, q layers.Query) (exact map[hex.Cell]int64, moved int) {
	t.Helper()
	l, _ := fengtai.Catalog().Lookup("incidents")
	exact = map[hex.Cell]int64{}
	q.Properties = []string{}
	err := src.Features(bg(t), l, q, func(f *layers.Feature) error {
		p := f.Geometry.(orb.Point)
		fine, err := hex.FromPoint(p, hex.StoreRes)
		if err != nil {
			return err
		}
		c, err := hex.FromPoint(p, res)
		if err != nil {
			return err
		}
		exact[c]++
		if hex.Parent(fine, res) != c {
			moved++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return exact, moved
}

// TestCountsEqualRecount checks, on each store, that the service's count
// per cell equals a recount in Go from the incidents' points, at every
// resolution and with filters; and that every study cell without incidents
// counts 0.
func TestCountsEqualRecount(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			randomStreet(t, src, 3000)
			svc := NewService(src, fengtai.Catalog(), Config{})
			from := t0.AddDate(0, 3, 0)
			to := t0.AddDate(0, 6, 0)
			queries := []struct {
				name string
				q    layers.Query
			}{
				{"all", layers.Query{Role: layers.Staff}},
				{"category", layers.Query{Role: layers.Staff, Equal: map[string][]any{"category": {"漏水", "停电"}}}},
				{"window", layers.Query{Role: layers.Staff, Time: &layers.TimeRange{Start: &from, End: &to}}},
			}
			for _, qc := range queries {
				for res := MinRes; res <= MaxRes; res++ {
					t.Run(fmt.Sprintf("%s/res%d", qc.name, res), func(t *testing.T) {
						a, err := svc.Analyze(bg(t), Params{Res: res, Query: qc.q})
						if err != nil {
							t.Fatal(err)
						}
						want, moved := recount(t, src, res, qc.q)
						var total int64
						seen := 0
						for _, c := range a.Cells {
							if c.Count != want[c.Cell] {
								t.Errorf("cell %s: count %d, recount %d", hex.String(c.Cell), c.Count, want[c.Cell])
							}
							if want[c.Cell] > 0 {
								seen++
							}
							total += c.Count
						}
						if seen != len(want) {
							t.Errorf("%d cells with incidents in the analysis, recount has %d", seen, len(want))
						}
						if total != a.Total || total == 0 {
							t.Errorf("total %d, sum %d", a.Total, total)
						}
						if qc.name == "all" {
							t.Logf("%s res %d: %d of %d incidents lie in another cell than their res-15 cell's parent", st.Name, res, moved, total)
						}
					})
				}
			}
		})
	}
}

// TestHandGridOnStores runs the hand-computed 7-cell grid through each real
// store (the server test does it through the endpoint).
func TestHandGridOnStores(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			c0 := centreCell(t)
			write(t, src, "patches", []*layers.Feature{patch("P1", diskArea(t, c0, 1))})
			ring := ringOf(c0)
			fs := incidentsAt(hex.Center(c0), 12, t0, "水管爆裂")
			fs = append(fs, incidentsAt(hex.Center(ring[0]), 8, t0, "停电")...)
			for _, c := range ring[1:] {
				fs = append(fs, incidentsAt(hex.Center(c), 2, t0, "漏水")...)
			}
			write(t, src, "incidents", fs)
			svc := NewService(src, fengtai.Catalog(), Config{})
			a, err := svc.Analyze(bg(t), Params{Query: layers.Query{Role: layers.Staff}})
			if err != nil {
				t.Fatal(err)
			}
			zHigh := (24 - 4*30.0/7) / (math.Sqrt(228.0/7-(30.0/7)*(30.0/7)) * math.Sqrt2)
			if r := cellOf(t, a, ring[0]); r.Count != 8 || math.Abs(r.Z-zHigh) > 1e-9 {
				t.Errorf("8-cell: count %d z %.12f, want 8 %.12f", r.Count, r.Z, zHigh)
			}
			// The public analysis runs Gi* on the published counts only:
			// 12, 8 and five suppressed cells counted as 0 (Σx = 20,
			// Σx² = 208); the 8-cell's neighbourhood holds 8 + 12.
			pub, err := svc.Analyze(bg(t), Params{Query: layers.Query{Role: layers.Public}})
			if err != nil {
				t.Fatal(err)
			}
			zPub := (20 - 4*20.0/7) / (math.Sqrt(208.0/7-(20.0/7)*(20.0/7)) * math.Sqrt2)
			if r := cellOf(t, pub, ring[0]); r.Count != 8 || math.Abs(r.Z-zPub) > 1e-9 {
				t.Errorf("public 8-cell: count %d z %.12f, want 8 %.12f", r.Count, r.Z, zPub)
			}
			for _, c := range ring[1:] {
				if r := cellOf(t, pub, c); !r.Suppressed || r.Count != 0 {
					t.Errorf("a 2-incident cell is not suppressed for the public")
				}
			}
		})
	}
}

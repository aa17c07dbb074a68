package hotspot

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
)

// fakeSource is an in-memory layers.Source with just what the service
// uses: Features (area layers), Versions and CellCounts. Other methods
// panic (the embedded interface is nil).
type fakeSource struct {
	layers.Source
	mu        sync.Mutex
	feats     map[string][]*layers.Feature
	versions  map[string]int64
	cellCalls int
}

func newFake() *fakeSource {
	return &fakeSource{feats: map[string][]*layers.Feature{}, versions: map[string]int64{}}
}

// add appends features to a layer and bumps its version, as a write does.
func (f *fakeSource) add(layer string, fs ...*layers.Feature) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.feats[layer] = append(f.feats[layer], fs...)
	f.versions[layer]++
}

func (f *fakeSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	f.mu.Lock()
	fs := slices.Clone(f.feats[l.Name])
	f.mu.Unlock()
	for _, ft := range fs {
		if err := fn(ft); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeSource) Versions(ctx context.Context) (map[string]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int64{}
	for k, v := range f.versions {
		out[k] = v
	}
	return out, nil
}

// CellCounts counts like the stores: the point's own cell at res,
// filtered on the time field and equal values.
func (f *fakeSource) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.cellCalls++
	fs := slices.Clone(f.feats[l.Name])
	f.mu.Unlock()
	type key struct {
		cell  int64
		group string
	}
	m := map[key]int64{}
	for _, ft := range fs {
		if q.Time != nil && !q.Time.Contains(ft.Props[l.TimeField].(time.Time)) {
			continue
		}
		ok := true
		for name, vals := range q.Equal {
			if _, vis := l.VisibleField(name, q.Role); !vis {
				return nil, layers.Invalid(name, "not visible")
			}
			if !slices.Contains(vals, ft.Props[name]) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		c, err := hex.FromPoint(ft.Geometry.(orb.Point), res)
		if err != nil {
			return nil, err
		}
		k := key{cell: c}
		if groupBy != "" {
			k.group = fmt.Sprint(ft.Props[groupBy])
		}
		m[k]++
	}
	var out []layers.CellCount
	for k, n := range m {
		out = append(out, layers.CellCount{Cell: k.cell, Group: k.group, Count: n})
	}
	return out, nil
}

// t0 is the start of the test incidents' time.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, layers.Shanghai)

// incidentsAt returns n valid incidents at p, the i-th received at
// at.Add(i·second).
func incidentsAt(p orb.Point, n int, at time.Time, category string) []*layers.Feature {
	out := make([]*layers.Feature, n)
	for i := range out {
		out[i] = &layers.Feature{Geometry: p, Props: map[string]any{
			"source": "12345", "category": category, "status": "received",
			"received_at": at.Add(time.Duration(i) * time.Second),
			"community":   "新华街北里",
		}}
	}
	return out
}

// centreCell is a resolution-9 cell in 丰台街道.
func centreCell(t testing.TB) hex.Cell {
	t.Helper()
	c, err := hex.FromPoint(orb.Point{116.285, 39.857}, 9)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// diskArea returns a polygon whose cells (by centre) at c's resolution are
// exactly hex.Disk(c, k): the ring-k centres in angular order, scaled out
// from c's centre by 1 + 0.5/k. It checks that property.
func diskArea(t testing.TB, c hex.Cell, k int) orb.Polygon {
	t.Helper()
	ctr := hex.Center(c)
	var ring []orb.Point
	inner := map[hex.Cell]bool{}
	for _, d := range hex.Disk(c, k-1) {
		inner[d] = true
	}
	for _, d := range hex.Disk(c, k) {
		if !inner[d] {
			ring = append(ring, hex.Center(d))
		}
	}
	angle := func(p orb.Point) float64 { return math.Atan2(p[1]-ctr[1], p[0]-ctr[0]) }
	slices.SortFunc(ring, func(a, b orb.Point) int {
		if angle(a) < angle(b) {
			return -1
		}
		return 1
	})
	scale := 1 + 0.5/float64(k)
	r := make(orb.Ring, 0, len(ring)+1)
	for _, p := range ring {
		r = append(r, orb.Point{ctr[0] + (p[0]-ctr[0])*scale, ctr[1] + (p[1]-ctr[1])*scale})
	}
	r = append(r, r[0])
	poly := orb.Polygon{r}
	got, err := hex.PolygonCells(poly, hex.Res(c))
	if err != nil {
		t.Fatal(err)
	}
	want := hex.Disk(c, k)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("area polygon covers %d cells, want the %d of the disk", len(got), len(want))
	}
	return poly
}

// patch returns a patches feature with the given outline.
func patch(name string, poly orb.Polygon) *layers.Feature {
	return &layers.Feature{Geometry: orb.MultiPolygon{poly}, Props: map[string]any{"name": name}}
}

// community returns a communities feature with the given outline.
func community(name, patchName string, poly orb.Polygon) *layers.Feature {
	return &layers.Feature{Geometry: orb.MultiPolygon{poly}, Props: map[string]any{"code": name, "name": name, "patch": patchName}}
}

// cellOf returns the result of cell c in a, failing if absent.
func cellOf(t testing.TB, a *Analysis, c hex.Cell) CellResult {
	t.Helper()
	for _, r := range a.Cells {
		if r.Cell == c {
			return r
		}
	}
	t.Fatalf("cell %s is not in the analysis", hex.String(c))
	return CellResult{}
}

// ringOf returns the cells at grid distance exactly 1 from c, sorted.
func ringOf(c hex.Cell) []hex.Cell {
	var out []hex.Cell
	for _, d := range hex.Disk(c, 1) {
		if d != c {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

func adjacent(a, b hex.Cell) bool {
	return a != b && slices.Contains(hex.Disk(a, 1), b)
}

func bg(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// Count counts the features of a layer in q's time range (what the
// publisher asks to find the first month).
func (f *fakeSource) Count(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	f.mu.Lock()
	fs := slices.Clone(f.feats[l.Name])
	f.mu.Unlock()
	var n int64
	for _, ft := range fs {
		if q.Time == nil || q.Time.Contains(ft.Props[l.TimeField].(time.Time)) {
			n++
		}
	}
	return n, nil
}

package tiles_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
)

// memSource is an in-memory FeatureSource with the filters tiles use.
type memSource struct {
	feats map[string][]*layers.Feature // by layer name, ordered by id
}

func (m *memSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	n := 0
	cols := q.Columns(l)
	for _, f := range m.feats[l.Name] {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.ID <= q.AfterID {
			continue
		}
		if q.BBox != nil && !q.BBox.Intersects(f.Geometry.Bound()) {
			continue
		}
		if q.Cells != nil && !inCells(f, q.Cells) {
			continue
		}
		if q.Time != nil && l.TimeField != "" {
			t, _ := f.Props[l.TimeField].(time.Time)
			if !q.Time.Contains(t) {
				continue
			}
		}
		ok := true
		for k, vals := range q.Equal {
			hit := false
			for _, v := range vals {
				hit = hit || f.Props[k] == v
			}
			ok = ok && hit
		}
		if !ok {
			continue
		}
		out := &layers.Feature{ID: f.ID, Geometry: orb.Clone(f.Geometry), Props: map[string]any{}}
		for _, c := range cols {
			out.Props[c.Name] = f.Props[c.Name]
		}
		if err := fn(out); err != nil {
			return err
		}
		n++
		if q.Limit > 0 && n >= q.Limit {
			return nil
		}
	}
	return nil
}

// inCells reports whether point feature f's cell at s.Res is in s.
func inCells(f *layers.Feature, s *layers.CellSet) bool {
	p, ok := f.Geometry.(orb.Point)
	if !ok {
		return false
	}
	c, err := hex.FromPoint(p, s.Res)
	return err == nil && slices.Contains(s.Cells, c)
}

// cellCounts counts the features of m that q selects per cell at res, as a
// store's CellCounts does (without groups).
func (m *memSource) cellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query) ([]layers.CellCount, error) {
	counts := map[int64]int64{}
	q.Properties = []string{}
	err := m.Features(ctx, l, q, func(f *layers.Feature) error {
		c, err := hex.FromPoint(f.Geometry.(orb.Point), res)
		counts[c]++
		return err
	})
	out := make([]layers.CellCount, 0, len(counts))
	for c, n := range counts {
		out = append(out, layers.CellCount{Cell: c, Count: n})
	}
	return out, err
}

// countingSource is a memSource that also counts per cell (a store's
// CellCounts, honouring CellSets) and tallies what it is asked.
type countingSource struct {
	*memSource
	pointReads, cellReads int // Features with a bbox; CellCounts
	// rawRows is how many rows the counts asked would have read from the
	// raw rows rather than the rollups (layers.RollupUsable, RollupWindow).
	rawRows int
}

func (c *countingSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	if q.BBox != nil {
		c.pointReads++
	}
	return c.memSource.Features(ctx, l, q, fn)
}

func (c *countingSource) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	c.cellReads++
	c.rawRows += c.memSource.rawRows(l, res, q, groupBy)
	return c.memSource.cellCounts(ctx, l, res, q)
}

// rawRows is how many of m's features a store would count from the raw rows
// for a count at res with q: all that q selects where the rollups cannot
// answer it, else those in the ends of its window that the rollups do not
// hold (layers.RollupWindow).
func (m *memSource) rawRows(l *layers.Layer, res int, q layers.Query, groupBy string) int {
	usable := layers.RollupUsable(l, res, q, groupBy)
	_, edges := layers.RollupWindow(q.Time, layers.RollupDays(res, q, groupBy))
	inEdge := func(t time.Time) bool {
		for _, e := range edges {
			if (e.From == nil || !t.Before(*e.From)) && (e.Before == nil || t.Before(*e.Before)) && (e.Until == nil || !t.After(*e.Until)) {
				return true
			}
		}
		return false
	}
	n := 0
	q.Properties = []string{l.TimeField}
	_ = m.Features(context.Background(), l, q, func(f *layers.Feature) error {
		if t, _ := f.Props[l.TimeField].(time.Time); !usable || inEdge(t) {
			n++
		}
		return nil
	})
	return n
}

// incidents returns n incidents spread over the street's area, with their
// H3 cells, deterministic.
func incidents(n int) []*layers.Feature {
	r := rand.New(rand.NewPCG(1, 2))
	cats := []string{"停电", "漏水", "施工扰民"}
	out := make([]*layers.Feature, n)
	base := time.Date(2025, 6, 1, 8, 0, 0, 0, layers.Shanghai)
	for i := range out {
		p := orb.Point{116.270 + 0.035*r.Float64(), 39.845 + 0.025*r.Float64()}
		cell, err := hex.FromPoint(p, hex.StoreRes)
		if err != nil {
			panic(err)
		}
		out[i] = &layers.Feature{ID: int64(i + 1), Geometry: p, Props: map[string]any{
			"external_id": fmt.Sprintf("T-%d", i), "source": "12345", "category": cats[i%3],
			"description": "诉求内容", "status": "closed", "received_at": base.Add(time.Duration(i) * time.Hour),
			"satisfied": i%10 != 0, "h3": cell,
		}}
	}
	return out
}

// communities returns a 5×5 grid of square communities over the street.
func communities() []*layers.Feature {
	var out []*layers.Feature
	for i := range 25 {
		x0, y0 := 116.270+0.007*float64(i%5), 39.845+0.005*float64(i/5)
		ring := orb.Ring{{x0, y0}, {x0 + 0.007, y0}, {x0 + 0.007, y0 + 0.005}, {x0, y0 + 0.005}, {x0, y0}}
		out = append(out, &layers.Feature{ID: int64(i + 1), Geometry: orb.MultiPolygon{{ring}}, Props: map[string]any{
			"code": fmt.Sprintf("C%02d", i), "name": fmt.Sprintf("社区%d", i), "households": int64(1000 + i),
			"area_m2": 35000.5, "has_property_management": i%2 == 0,
		}})
	}
	return out
}

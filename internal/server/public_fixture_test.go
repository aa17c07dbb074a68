package server

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/geo/hex"
	"minqing/layers"
)

// newAggregateServer returns a server with the default public-incidents
// policy (aggregates).
func newAggregateServer(t *testing.T, src layers.Source) *Server {
	t.Helper()
	return New(Config{}, src, fengtai.Catalog(), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// privacyAsOf ends the demo's two years of incidents: March 2024 to
// February 2026, all closed months.
var privacyAsOf = time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)

// loadPrivacyDemo loads the demo with enough incidents that some cell-months
// are published and many are small.
func loadPrivacyDemo(t *testing.T, src layers.Source) {
	t.Helper()
	if _, err := demo.Load(context.Background(), src, fengtai.Catalog(), demo.Options{Incidents: 3000, AsOf: privacyAsOf}, nil); err != nil {
		t.Fatal(err)
	}
}

// incidentRec is one raw incident as staff read it.
type incidentRec struct {
	id                        int64
	pt                        orb.Point
	month                     string // 2025-03, Beijing time
	received                  time.Time
	category, source          string
	externalID, desc, address string
	exact, parent             hex.Cell // LatLngToCell at res 9; parent of the stored res-15 cell
}

// readIncidents reads every incident with staff rights.
func readIncidents(t *testing.T, src layers.Source) []incidentRec {
	t.Helper()
	l, _ := fengtai.Catalog().Lookup("incidents")
	var out []incidentRec
	err := src.Features(context.Background(), l, layers.Query{Role: layers.Staff}, func(f *layers.Feature) error {
		p := f.Geometry.(orb.Point)
		r := incidentRec{id: f.ID, pt: p}
		r.received = f.Props["received_at"].(time.Time)
		r.month = r.received.In(layers.Shanghai).Format("2006-01")
		r.category, _ = f.Props["category"].(string)
		r.source, _ = f.Props["source"].(string)
		r.externalID, _ = f.Props["external_id"].(string)
		r.desc, _ = f.Props["description"].(string)
		r.address, _ = f.Props["address"].(string)
		var err error
		if r.exact, err = hex.FromPoint(p, 9); err != nil {
			return err
		}
		if h, ok := f.Props["h3"].(int64); ok && h != 0 {
			r.parent = hex.Parent(h, 9)
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// truthAtom is a true count and whether the rule shows it.
type truthAtom struct {
	n     int64
	shown bool
}

// truthFamily is one (cell, month) under the rule, recomputed here from the
// raw incidents independently of package disclose.
type truthFamily struct {
	total truthAtom
	parts map[string]map[string]truthAtom // dim → value → atom
}

// truth is the published table the test expects.
type truth struct {
	k    int
	fams map[hex.Cell]map[string]*truthFamily // cell → month → family
}

// ruleParts applies the rule to a family's parts (see docs/privacy.md):
// threshold, then complementary suppression of the smallest shown parts
// while the total is shown and the suppressed ones add up to 1..k−1.
func ruleParts(total int64, parts map[string]int64, k int64) map[string]truthAtom {
	out := map[string]truthAtom{}
	var hidden int64
	var shown []string
	for v, n := range parts {
		if n >= k {
			shown = append(shown, v)
			out[v] = truthAtom{n, true}
		} else {
			hidden += n
			out[v] = truthAtom{n, false}
		}
	}
	if total >= k && hidden > 0 && hidden < k {
		slices.SortFunc(shown, func(a, b string) int { return cmp.Or(cmp.Compare(parts[a], parts[b]), cmp.Compare(a, b)) })
		for _, v := range shown {
			if hidden >= k {
				break
			}
			hidden += parts[v]
			out[v] = truthAtom{parts[v], false}
		}
	}
	return out
}

// buildTruth counts incidents per cell (cellOf) and month, total and by
// category and source, and applies the rule with threshold k.
func buildTruth(recs []incidentRec, cellOf func(incidentRec) hex.Cell, k int) *truth {
	type raw struct {
		total int64
		parts map[string]map[string]int64
	}
	rs := map[hex.Cell]map[string]*raw{}
	for _, r := range recs {
		c := cellOf(r)
		if rs[c] == nil {
			rs[c] = map[string]*raw{}
		}
		f := rs[c][r.month]
		if f == nil {
			f = &raw{parts: map[string]map[string]int64{"category": {}, "source": {}}}
			rs[c][r.month] = f
		}
		f.total++
		f.parts["category"][r.category]++
		f.parts["source"][r.source]++
	}
	tr := &truth{k: k, fams: map[hex.Cell]map[string]*truthFamily{}}
	for c, ms := range rs {
		tr.fams[c] = map[string]*truthFamily{}
		for m, f := range ms {
			tf := &truthFamily{total: truthAtom{f.total, f.total >= int64(k)}, parts: map[string]map[string]truthAtom{}}
			for d, ps := range f.parts {
				tf.parts[d] = ruleParts(f.total, ps, int64(k))
			}
			tr.fams[c][m] = tf
		}
	}
	return tr
}

// expected is a window sum of the truth: the shown atoms added up, and how
// many atoms were shown and hidden.
type expected struct {
	count         int64
	shown, hidden int
}

func (e expected) suppressed() bool { return e.shown == 0 && e.hidden > 0 }

// expect sums the atoms of cell over months for dim ("" = total) and values.
func (tr *truth) expect(c hex.Cell, months []string, dim string, values []string) expected {
	var e expected
	add := func(a truthAtom) {
		switch {
		case a.n == 0:
		case a.shown:
			e.count += a.n
			e.shown++
		default:
			e.hidden++
		}
	}
	for _, m := range months {
		f := tr.fams[c][m]
		if f == nil {
			continue
		}
		if dim == "" {
			add(f.total)
			continue
		}
		for _, v := range values {
			add(f.parts[dim][v])
		}
	}
	return e
}

// communityCells returns the cells of the truth whose centre lies in each
// community, by name (an independent point-in-polygon test).
func communityCells(t *testing.T, src layers.Source, tr *truth) map[string][]hex.Cell {
	t.Helper()
	l, _ := fengtai.Catalog().Lookup("communities")
	out := map[string][]hex.Cell{}
	err := src.Features(context.Background(), l, layers.Query{Role: layers.Staff}, func(f *layers.Feature) error {
		name, _ := f.Props["name"].(string)
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		}
		out[name] = []hex.Cell{}
		for c := range tr.fams {
			if planar.MultiPolygonContains(mp, hex.Center(c)) {
				out[name] = append(out[name], c)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// monthsBetween lists the months from a to b (2025-01 form), both included.
func monthsBetween(a, b string) []string {
	s, _ := time.ParseInLocation("2006-01", a, layers.Shanghai)
	e, _ := time.ParseInLocation("2006-01", b, layers.Shanghai)
	var out []string
	for m := s; !m.After(e); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

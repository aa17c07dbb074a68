package demo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"minqing/layers"
)

// The street's area and its lattice.
const (
	lonW, lonE = 116.270, 116.305
	latS, latN = 39.845, 39.870
	gridN      = 5 // cells per side
	cellLon    = (lonE - lonW) / gridN
	cellLat    = (latN - latS) / gridN

	interiorJitter = 0.18 // interior vertices move up to this share of a cell
	borderJitter   = 0.12 // border vertices move inward up to this share

	metresPerDegLat = 111320.0
)

// model is the immutable street model every layer is generated from: the
// lattice, the communities and patches and the anchors incidents cluster
// around. It depends only on the seed.
type model struct {
	seed   int64
	v      [gridN + 1][gridN + 1]orb.Point // v[i][j]: lattice vertex at column line i, row line j
	comms  []community                     // in communitySpecs order
	cell   [gridN][gridN]int               // [row][col] → index into comms
	byName map[string]int

	patchLeaders []string
	market       orb.Point         // 桥南冠京隆市场
	oldAnchors   []anchor          // centres of old compounds without property management
	sites        []anchor          // construction sites
	bound        orb.Bound         // the bound of the street's area
	lines        [8]orb.LineString // the streets along the lattice (see streetLine)
}

// community is one community of the model.
type community struct {
	communitySpec
	idx        int
	code       string
	secretary  string
	households int
	population int
	ring       orb.Ring // counter-clockwise, closed, on the shared lattice
	bound      orb.Bound
}

// anchor is a point incidents cluster around.
type anchor struct {
	name   string
	p      orb.Point
	sigma  float64 // metres
	weight float64
}

// newModel builds the model of seed.
func newModel(seed int64) *model {
	m := &model{seed: seed, byName: map[string]int{}}
	m.buildLattice(newRand(seed, "lattice"))
	m.buildCommunities(newRand(seed, "communities"))
	m.patchLeaders = uniqueStaffNames(newRand(seed, "patches"), len(patchNames), map[string]bool{})
	m.buildAnchors(newRand(seed, "anchors"))
	return m
}

func (m *model) buildLattice(r *rand.Rand) {
	for i := 0; i <= gridN; i++ {
		for j := 0; j <= gridN; j++ {
			x := lonW + float64(i)*cellLon
			y := latS + float64(j)*cellLat
			jit := func(s float64) float64 { return (2*r.Float64() - 1) * s }
			in := func() float64 { return r.Float64() * borderJitter }
			switch {
			case (i == 0 || i == gridN) && (j == 0 || j == gridN):
				// corners stay put
			case i == 0:
				x += in() * cellLon
				y += jit(interiorJitter) * cellLat
			case i == gridN:
				x -= in() * cellLon
				y += jit(interiorJitter) * cellLat
			case j == 0:
				y += in() * cellLat
				x += jit(interiorJitter) * cellLon
			case j == gridN:
				y -= in() * cellLat
				x += jit(interiorJitter) * cellLon
			default:
				x += jit(interiorJitter) * cellLon
				y += jit(interiorJitter) * cellLat
			}
			m.v[i][j] = orb.Point{round9(x), round9(y)}
		}
	}
	m.bound = orb.Bound{Min: orb.Point{lonW, latS}, Max: orb.Point{lonE, latN}}
	for s := range m.lines {
		m.lines[s] = m.streetLine(s)
	}
}

// round9 rounds a coordinate to 1e-9 degrees (0.1 mm), so that it survives
// text round trips unchanged.
func round9(x float64) float64 { return math.Round(x*1e9) / 1e9 }

func (m *model) buildCommunities(r *rand.Rand) {
	names := uniqueStaffNames(r, len(communitySpecs), map[string]bool{})
	for k, spec := range communitySpecs {
		c := community{communitySpec: spec, idx: k}
		c.code = fmt.Sprintf("FTJD-%02d", k+1)
		c.secretary = names[k]
		c.households = between(r, 1500, 4500)
		if !spec.pm {
			// old compounds: small flats, more people per household
			c.population = c.households * between(r, 260, 300) / 100
		} else {
			c.population = c.households * between(r, 235, 275) / 100
		}
		c.ring = m.cellRing(spec.row, spec.col)
		c.bound = c.ring.Bound()
		m.comms = append(m.comms, c)
		m.cell[spec.row][spec.col] = k
		m.byName[spec.name] = k
	}
}

// cellRing returns the counter-clockwise ring of a lattice cell.
func (m *model) cellRing(row, col int) orb.Ring {
	return orb.Ring{m.v[col][row], m.v[col+1][row], m.v[col+1][row+1], m.v[col][row+1], m.v[col][row]}
}

func (m *model) buildAnchors(r *rand.Rand) {
	for k, c := range m.comms {
		if !c.pm {
			w := float64(c.households)
			if c.name == OldCompound {
				w *= 1.6 // the seed's most-cited compound
			}
			m.oldAnchors = append(m.oldAnchors, anchor{
				name: c.name, p: roundPoint(m.cellPoint(k, 0.35+0.3*r.Float64(), 0.35+0.3*r.Float64())),
				sigma: 90 + 40*r.Float64(), weight: w,
			})
		}
	}
	m.market = roundPoint(m.cellPoint(m.byName["桥南"], 0.3+0.1*r.Float64(), 0.15+0.05*r.Float64()))
	for _, name := range []string{"永善", "丰台北路", "东幸福街"} {
		m.sites = append(m.sites, anchor{
			name: name, p: roundPoint(m.cellPoint(m.byName[name], 0.3+0.4*r.Float64(), 0.3+0.4*r.Float64())),
			sigma: 60 + 30*r.Float64(), weight: 1 + r.Float64(),
		})
	}
}

// cellPoint maps (u, v) in the unit square to community k's quadrilateral,
// bilinearly; u runs west to east, v south to north. The cells are convex,
// so points with 0 < u, v < 1 are strictly inside.
func (m *model) cellPoint(k int, u, v float64) orb.Point {
	c := m.comms[k]
	p00, p10, p11, p01 := m.v[c.col][c.row], m.v[c.col+1][c.row], m.v[c.col+1][c.row+1], m.v[c.col][c.row+1]
	return orb.Point{
		(1-u)*(1-v)*p00[0] + u*(1-v)*p10[0] + u*v*p11[0] + (1-u)*v*p01[0],
		(1-u)*(1-v)*p00[1] + u*(1-v)*p10[1] + u*v*p11[1] + (1-u)*v*p01[1],
	}
}

// randomIn returns a random point of community k at least margin (in cell
// units) from its edges.
func (m *model) randomIn(r *rand.Rand, k int, margin float64) orb.Point {
	span := 1 - 2*margin
	return m.cellPoint(k, margin+span*r.Float64(), margin+span*r.Float64())
}

// locate returns the index of the community containing p, or -1 outside
// the street's area.
func (m *model) locate(p orb.Point) int {
	if !m.bound.Contains(p) {
		return -1
	}
	for k := range m.comms {
		if m.comms[k].bound.Contains(p) && planar.RingContains(m.comms[k].ring, p) {
			return k
		}
	}
	return -1
}

// gaussAround returns a point normally distributed around p with the given
// standard deviation in metres.
func gaussAround(r *rand.Rand, p orb.Point, sigma float64) orb.Point {
	dy := r.NormFloat64() * sigma / metresPerDegLat
	dx := r.NormFloat64() * sigma / (metresPerDegLat * math.Cos(p[1]*math.Pi/180))
	return orb.Point{p[0] + dx, p[1] + dy}
}

// patchRings traces the outline of patch pi from the boundary edges of its
// cells: an edge shared by two cells of the patch is interior and dropped;
// the rest chain into counter-clockwise rings on the same lattice vertices as
// the communities, so the patch is exactly their union.
func (m *model) patchRings(pi int) []orb.Ring {
	type vid struct{ i, j int }
	type edge struct{ a, b vid }
	var edges []edge
	seen := map[edge]bool{}
	for _, c := range m.comms {
		if c.patch != pi {
			continue
		}
		corners := []vid{{c.col, c.row}, {c.col + 1, c.row}, {c.col + 1, c.row + 1}, {c.col, c.row + 1}}
		for k := range corners {
			e := edge{corners[k], corners[(k+1)%4]}
			edges = append(edges, e)
			seen[e] = true
		}
	}
	next := map[vid]vid{}
	var starts []vid
	for _, e := range edges {
		if seen[edge{e.b, e.a}] {
			continue // interior edge
		}
		next[e.a] = e.b
		starts = append(starts, e.a)
	}
	var rings []orb.Ring
	for _, s := range starts {
		if _, ok := next[s]; !ok {
			continue // already traced
		}
		ring := orb.Ring{m.v[s.i][s.j]}
		for at := s; ; {
			to := next[at]
			delete(next, at)
			ring = append(ring, m.v[to.i][to.j])
			if to == s {
				break
			}
			at = to
		}
		rings = append(rings, ring)
	}
	return rings
}

// communityFeatures builds the 25 community features.
func (m *model) communityFeatures() []*layers.Feature {
	out := make([]*layers.Feature, 0, len(m.comms))
	for _, c := range m.comms {
		poly := orb.Polygon{c.ring.Clone()}
		out = append(out, &layers.Feature{
			Geometry: orb.MultiPolygon{poly},
			Props: map[string]any{
				"code":                    c.code,
				"name":                    c.name,
				"patch":                   patchNames[c.patch],
				"secretary":               c.secretary,
				"households":              int64(c.households),
				"population":              int64(c.population),
				"built_year":              int64(c.built),
				"has_property_management": c.pm,
				"area_m2":                 math.Round(geo.Area(poly)*10) / 10,
			},
		})
	}
	return out
}

// patchFeatures builds the 5 patch features.
func (m *model) patchFeatures() []*layers.Feature {
	out := make([]*layers.Feature, 0, len(patchNames))
	for pi, name := range patchNames {
		var mp orb.MultiPolygon
		for _, ring := range m.patchRings(pi) {
			mp = append(mp, orb.Polygon{ring})
		}
		n := 0
		for _, c := range m.comms {
			if c.patch == pi {
				n++
			}
		}
		out = append(out, &layers.Feature{
			Geometry: mp,
			Props: map[string]any{
				"name":        name,
				"leader":      m.patchLeaders[pi],
				"communities": int64(n),
			},
		})
	}
	return out
}

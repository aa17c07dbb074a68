package demo

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"minqing/layers"
)

// The 街巷长制 figures of the seed, and the totals the demo uses for them.
const (
	// TotalPatrols is the sum of the streets' patrols (seed: 2800余次).
	TotalPatrols = 2836
	// TotalProblemsFound is the sum of problems found (seed: 600余起).
	TotalProblemsFound = 618
	// TotalProblemsSolved is the sum of problems solved (seed: 600余起).
	TotalProblemsSolved = 612
	// UpgradedLanes is the number of back lanes upgraded (seed: 7 条).
	UpgradedLanes = 7
	// secondLanes is how many communities have a second lane.
	secondLanes = 7
)

// street is one 街 or 巷 of the model.
type street struct {
	name      string
	kind      string // 街 or 巷
	line      orb.LineString
	community string // the lane's community ("" for a 街 along many)
	chief     string // 街长: of the street, or of the street a lane leads off
	laneChief string // 巷长 (lanes only)
	steward   string // 小巷管家
	upgraded  bool
	shops     int
}

// streetLine returns the lattice line of street s: 0..3 are the east-west
// streets along rows 1..4, 4..7 the north-south streets along columns 1..4.
func (m *model) streetLine(s int) orb.LineString {
	var ls orb.LineString
	for k := 0; k <= gridN; k++ {
		if s < 4 {
			ls = append(ls, m.v[k][s+1])
		} else {
			ls = append(ls, m.v[s-3][k])
		}
	}
	return ls
}

// streetName returns the name of lattice street s (see streetLine).
func streetName(s int) string {
	if s < 4 {
		return eastWestStreets[s]
	}
	return northSouthStreets[s-4]
}

// streets builds the 8 streets and 32 lanes with their chiefs and figures.
func (m *model) streets() []street {
	r := newRand(m.seed, "streets")
	taken := map[string]bool{}
	chiefs := uniqueStaffNames(r, 8, taken)
	var out []street
	for s := 0; s < 8; s++ {
		out = append(out, street{
			name: streetName(s), kind: "街", line: m.lines[s].Clone(),
			chief: chiefs[s], steward: uniqueStaffNames(r, 1, taken)[0],
			shops: between(r, 20, 80),
		})
	}
	// One lane across every community, a second across seven of them.
	second := map[int]bool{}
	for _, k := range r.Perm(len(m.comms))[:secondLanes] {
		second[k] = true
	}
	for k, c := range m.comms {
		nth := 1
		if second[k] {
			nth = 2
		}
		for n := 0; n < nth; n++ {
			// lanes run from street to street; at the edge of the area they
			// stop a few metres short of it
			lo, hi := 0.0, 1.0
			var ls orb.LineString
			if n == 0 { // west to east
				if c.col == 0 {
					lo = 0.01
				}
				if c.col == gridN-1 {
					hi = 0.99
				}
				v := 0.3 + 0.4*r.Float64()
				ls = orb.LineString{m.cellPoint(k, lo, v), m.cellPoint(k, 0.5, v+0.1*(r.Float64()-0.5)), m.cellPoint(k, hi, v)}
			} else { // south to north
				if c.row == 0 {
					lo = 0.01
				}
				if c.row == gridN-1 {
					hi = 0.99
				}
				u := 0.3 + 0.4*r.Float64()
				ls = orb.LineString{m.cellPoint(k, u, lo), m.cellPoint(k, u+0.1*(r.Float64()-0.5), 0.5), m.cellPoint(k, u, hi)}
			}
			for i := range ls {
				ls[i] = orb.Point{round9(ls[i][0]), round9(ls[i][1])}
			}
			// a lane leads off the east-west street on its row's south side
			// (the south row's lanes off the street on its north side)
			ew := c.row - 1
			if ew < 0 {
				ew = 0
			}
			names := uniqueStaffNames(r, 2, taken)
			out = append(out, street{
				name: c.addr + cnDigits[n] + "巷", kind: "巷", line: ls, community: c.name,
				chief: chiefs[ew], laneChief: names[0], steward: names[1],
			})
		}
	}
	// Seven back lanes upgraded (美化提升), with shops pledging 门前三包.
	var lanes []int
	for i, s := range out {
		if s.kind == "巷" {
			lanes = append(lanes, i)
		}
	}
	r.Shuffle(len(lanes), func(i, j int) { lanes[i], lanes[j] = lanes[j], lanes[i] })
	for _, i := range lanes[:UpgradedLanes] {
		out[i].upgraded = true
		out[i].shops = between(r, 3, 15)
	}
	for i := range out {
		if out[i].kind == "巷" && !out[i].upgraded && out[i].community == "桥南" {
			out[i].shops = between(r, 5, 12) // the market's lanes
		}
	}
	return out
}

// streetFeatures builds the streets layer.
func (m *model) streetFeatures() []*layers.Feature {
	ss := m.streets()
	r := newRand(m.seed, "street figures")
	pw := make([]float64, len(ss))
	fw := make([]float64, len(ss))
	for i, s := range ss {
		pw[i] = geo.Length(s.line) * (0.8 + 0.4*r.Float64())
		if s.kind == "街" {
			pw[i] *= 1.5
		}
		fw[i] = pw[i] * (0.5 + r.Float64())
	}
	patrols := allocate(TotalPatrols, pw, 20)
	found := allocate(TotalProblemsFound, fw, 3)
	solved := append([]int(nil), found...)
	for _, i := range r.Perm(len(ss))[:TotalProblemsFound-TotalProblemsSolved] {
		solved[i]-- // still open: every street has found at least 3
	}
	out := make([]*layers.Feature, 0, len(ss))
	for i, s := range ss {
		props := map[string]any{
			"name":            s.name,
			"kind":            s.kind,
			"street_chief":    s.chief,
			"steward":         s.steward,
			"length_m":        math.Round(geo.Length(s.line)*10) / 10,
			"patrols":         int64(patrols[i]),
			"problems_found":  int64(found[i]),
			"problems_solved": int64(solved[i]),
			"upgraded":        s.upgraded,
			"shop_pledges":    int64(s.shops),
		}
		if s.community != "" {
			props["community"] = s.community
		}
		if s.laneChief != "" {
			props["lane_chief"] = s.laneChief
		}
		out = append(out, &layers.Feature{Geometry: s.line.Clone(), Props: props})
	}
	return out
}

// nearStreet returns a random point just off one of the 8 streets, inside
// the community beside it, with the street's name.
func (m *model) nearStreet(r *rand.Rand) (orb.Point, string, int) {
	s := r.IntN(8)
	seg := r.IntN(gridN)
	t := 0.1 + 0.8*r.Float64()
	off := 0.02 + 0.06*r.Float64()
	var k int
	var u, v float64
	if s < 4 { // east-west street along row line s+1
		j := s + 1
		if r.IntN(2) == 0 {
			k, u, v = m.cell[j-1][seg], t, 1-off // the row south of it
		} else {
			k, u, v = m.cell[j][seg], t, off
		}
	} else {
		i := s - 3
		if r.IntN(2) == 0 {
			k, u, v = m.cell[seg][i-1], 1-off, t // the column west of it
		} else {
			k, u, v = m.cell[seg][i], off, t
		}
	}
	return m.cellPoint(k, u, v), streetName(s), k
}

// nearestStreet returns the name of the street nearest to p, and whether it
// is within about 60 m.
func (m *model) nearestStreet(p orb.Point) (string, bool) {
	best, bestD := "", math.Inf(1)
	kx := math.Cos(p[1] * math.Pi / 180)
	for s := 0; s < 8; s++ {
		ls := m.lines[s]
		for i := 0; i+1 < len(ls); i++ {
			d := segDist(p, ls[i], ls[i+1], kx)
			if d < bestD {
				best, bestD = streetName(s), d
			}
		}
	}
	return best, bestD*metresPerDegLat < 60
}

// segDist is the distance in degrees of latitude from p to segment ab, with
// longitudes scaled by kx.
func segDist(p, a, b orb.Point, kx float64) float64 {
	ax, ay := (a[0]-p[0])*kx, a[1]-p[1]
	bx, by := (b[0]-p[0])*kx, b[1]-p[1]
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	x, y := ax+t*dx, ay+t*dy
	return math.Hypot(x, y)
}

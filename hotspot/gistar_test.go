package hotspot

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// lineGraph returns the k = 1 neighbourhoods (self included) of n cells on a
// line: cell i neighbours i−1, i, i+1 where they exist.
func lineGraph(n int) Graph {
	g := Graph{Neighbors: make([][]int, n)}
	for i := range n {
		for j := i - 1; j <= i+1; j++ {
			if j >= 0 && j < n {
				g.Neighbors[i] = append(g.Neighbors[i], j)
			}
		}
	}
	return g
}

// rookGrid returns rook-contiguity neighbourhoods (self included) of a
// rows×cols grid numbered row by row.
func rookGrid(rows, cols int) Graph {
	g := Graph{Neighbors: make([][]int, rows*cols)}
	for r := range rows {
		for c := range cols {
			i := r*cols + c
			for _, d := range [][2]int{{-1, 0}, {0, -1}, {0, 0}, {0, 1}, {1, 0}} {
				rr, cc := r+d[0], c+d[1]
				if rr >= 0 && rr < rows && cc >= 0 && cc < cols {
					g.Neighbors[i] = append(g.Neighbors[i], rr*cols+cc)
				}
			}
		}
	}
	return g
}

// pysalGraph reproduces the weights of PySAL esda's Gi* test: six points and
// libpysal DistanceBand(threshold=15), binary, plus the focal point (star).
func pysalGraph() ([]float64, Graph) {
	pts := [][2]float64{{10, 10}, {20, 10}, {40, 10}, {15, 20}, {30, 20}, {30, 30}}
	y := []float64{2, 3, 3.2, 5, 8, 7}
	g := Graph{Neighbors: make([][]int, len(pts))}
	for i, p := range pts {
		for j, q := range pts {
			if math.Hypot(p[0]-q[0], p[1]-q[1]) <= 15 {
				g.Neighbors[i] = append(g.Neighbors[i], j) // includes j == i
			}
		}
	}
	return y, g
}

func TestGiStarByHand(t *testing.T) {
	tests := []struct {
		name      string
		x         []float64
		g         Graph
		wantZ     []float64
		wantClass []Class
	}{
		{
			// 1×5 line, x = 1 2 3 4 5.
			// n = 5, X̄ = 15/5 = 3, Σx² = 1+4+9+16+25 = 55,
			// S = sqrt(55/5 − 3²) = sqrt(2).
			// Cell 0: N = {0,1}, W = Σw = Σw² = 2, Σwx = 1+2 = 3,
			//   num = 3 − 3·2 = −3,
			//   den = √2·sqrt((5·2 − 2²)/4) = √2·sqrt(1.5) = √3,
			//   z = −3/√3 = −√3.
			// Cell 1: N = {0,1,2}, W = 3, Σwx = 6, num = 6 − 9 = −3,
			//   den = √2·sqrt((15 − 9)/4) = √3, z = −√3.
			// Cell 2: N = {1,2,3}, Σwx = 9, num = 0, z = 0.
			// Cell 3: N = {2,3,4}, Σwx = 12, num = 3, z = √3.
			// Cell 4: N = {3,4}, Σwx = 9, num = 9 − 6 = 3, den = √3, z = √3.
			// |√3| = 1.732 ≥ 1.645 but < 1.960: 90 % classes.
			name:  "line 1x5",
			x:     []float64{1, 2, 3, 4, 5},
			g:     lineGraph(5),
			wantZ: []float64{-math.Sqrt(3), -math.Sqrt(3), 0, math.Sqrt(3), math.Sqrt(3)},
			wantClass: []Class{
				Cold90, Cold90, NotSignificant, Hot90, Hot90,
			},
		},
		{
			// 3×3 rook grid, one cell with 9 incidents in the centre:
			//   0 0 0
			//   0 9 0
			//   0 0 0
			// n = 9, X̄ = 9/9 = 1, Σx² = 81, S = sqrt(81/9 − 1) = sqrt(8) = 2√2.
			// Corner (N = self + 2 edges, W = 3): Σwx = 0, num = 0 − 3 = −3,
			//   den = 2√2·sqrt((9·3 − 9)/8) = 2√2·1.5 = 3√2, z = −1/√2.
			// Edge (N = self + 2 corners + centre, W = 4): Σwx = 9,
			//   num = 9 − 4 = 5, den = 2√2·sqrt((36 − 16)/8) = 2√2·√2.5 = 2√5,
			//   z = 5/(2√5) = √5/2.
			// Centre (N = self + 4 edges, W = 5): Σwx = 9, num = 9 − 5 = 4,
			//   den = 2√2·sqrt((45 − 25)/8) = 2√5, z = 4/(2√5) = 2/√5.
			name: "rook 3x3",
			x:    []float64{0, 0, 0, 0, 9, 0, 0, 0, 0},
			g:    rookGrid(3, 3),
			wantZ: []float64{
				-1 / math.Sqrt2, math.Sqrt(5) / 2, -1 / math.Sqrt2,
				math.Sqrt(5) / 2, 2 / math.Sqrt(5), math.Sqrt(5) / 2,
				-1 / math.Sqrt2, math.Sqrt(5) / 2, -1 / math.Sqrt2,
			},
			wantClass: []Class{
				NotSignificant, NotSignificant, NotSignificant,
				NotSignificant, NotSignificant, NotSignificant,
				NotSignificant, NotSignificant, NotSignificant,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := GiStar(tc.x, tc.g)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != len(tc.wantZ) {
				t.Fatalf("got %d results, want %d", len(rs), len(tc.wantZ))
			}
			for i, r := range rs {
				if math.Abs(r.Z-tc.wantZ[i]) > 1e-9 {
					t.Errorf("cell %d: z = %.12f, want %.12f", i, r.Z, tc.wantZ[i])
				}
				if wantP := math.Erfc(math.Abs(tc.wantZ[i]) / math.Sqrt2); math.Abs(r.P-wantP) > 1e-9 {
					t.Errorf("cell %d: p = %.12f, want %.12f", i, r.P, wantP)
				}
				if r.Class != tc.wantClass[i] {
					t.Errorf("cell %d: class %q, want %q", i, r.Class, tc.wantClass[i])
				}
			}
		})
	}
}

// TestGiStarPySAL reproduces the published Gi* value of PySAL esda's test
// suite: esda/tests/test_getisord.py, TestGLocal.test_star_binary, which
// asserts G_Local(y, DistanceBand(points, threshold=15), transform="B",
// star=True).Zs[0] == -1.39727626 for points (10,10) (20,10) (40,10) (15,20)
// (30,20) (30,30) and y = 2 3 3.2 5 8 7.
//
// By hand for cell 0: its neighbourhood within 15 is {0, 1, 3} (distances 0,
// 10, 11.18), W = 3, Σwx = 2+3+5 = 10; n = 6, X̄ = 28.2/6 = 4.7,
// S² = 161.24/6 − 4.7² = 4.78333…, num = 10 − 3·4.7 = −4.1,
// den = S·sqrt((18 − 9)/5) = 2.18708·1.34164 = 2.93425, z = −1.397276.
func TestGiStarPySAL(t *testing.T) {
	y, g := pysalGraph()
	if got, want := g.Neighbors[0], []int{0, 1, 3}; !equalInts(got, want) {
		t.Fatalf("neighbourhood of cell 0 = %v, want %v", got, want)
	}
	rs, err := GiStar(y, g)
	if err != nil {
		t.Fatal(err)
	}
	const published = -1.39727626 // printed to 8 decimals
	if math.Abs(rs[0].Z-published) > 1e-8 {
		t.Errorf("z[0] = %.10f, want %.8f (PySAL esda)", rs[0].Z, published)
	}
	// Same number from the hand arithmetic in full precision.
	s := math.Sqrt(161.24/6 - 4.7*4.7)
	hand := (10 - 3*4.7) / (s * math.Sqrt((6*3.0-9)/5))
	if math.Abs(rs[0].Z-hand) > 1e-9 {
		t.Errorf("z[0] = %.12f, want %.12f (hand)", rs[0].Z, hand)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// giStar1992 computes Gi* in the ratio form of Getis and Ord (1992, eq. for
// G*_i with binary weights): G*_i = Σ_j w_ij x_j / Σ_j x_j,
// E[G*_i] = W*_i / n, Var[G*_i] = W*_i (n − W*_i) Y*_i2 / (n² (n−1) Y*_i1²)
// with Y*_i1 = Σx/n and Y*_i2 = Σx²/n − Y*_i1². Requires Σx ≠ 0.
func giStar1992(x []float64, nb []int) float64 {
	n := float64(len(x))
	sum, sum2 := 0.0, 0.0
	for _, v := range x {
		sum += v
		sum2 += v * v
	}
	local := 0.0
	for _, j := range nb {
		local += x[j]
	}
	w := float64(len(nb))
	g := local / sum
	y1 := sum / n
	y2 := sum2/n - y1*y1
	e := w / n
	v := w * (n - w) * y2 / (n * n * (n - 1) * y1 * y1)
	return (g - e) / math.Sqrt(v)
}

// giStarExact standardises Σ_{j∈N(i)} x_j by its exact mean and variance
// under the randomisation null hypothesis, obtained by enumerating every
// subset of |N(i)| of the n values (each equally likely to fill the
// neighbourhood). No moment formula is involved.
func giStarExact(x []float64, nb []int) float64 {
	n, w := len(x), len(nb)
	obs := 0.0
	for _, j := range nb {
		obs += x[j]
	}
	var count, mean, m2 float64 // Welford over all subset sums
	idx := make([]int, w)
	for i := range idx {
		idx[i] = i
	}
	for {
		s := 0.0
		for _, j := range idx {
			s += x[j]
		}
		count++
		d := s - mean
		mean += d / count
		m2 += d * (s - mean)
		// Next combination in lexicographic order.
		k := w - 1
		for k >= 0 && idx[k] == n-w+k {
			k--
		}
		if k < 0 {
			break
		}
		idx[k]++
		for m := k + 1; m < w; m++ {
			idx[m] = idx[m-1] + 1
		}
	}
	return (obs - mean) / math.Sqrt(m2/count)
}

func TestGiStarIndependentFormulations(t *testing.T) {
	type dataset struct {
		name string
		x    []float64
		g    Graph
	}
	py, pg := pysalGraph()
	sets := []dataset{
		{"line", []float64{1, 2, 3, 4, 5}, lineGraph(5)},
		{"grid", []float64{0, 0, 0, 0, 9, 0, 0, 0, 0}, rookGrid(3, 3)},
		{"grid counts", []float64{3, 0, 1, 7, 2, 0, 0, 4, 1, 5, 0, 2}, rookGrid(3, 4)},
		{"pysal", py, pg},
	}
	// Random graphs and non-negative values with a positive sum.
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 20 {
		n := 3 + rng.IntN(8)
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(6))
		}
		x[rng.IntN(n)] += 1 // Σx > 0 and not all equal with high probability
		g := Graph{Neighbors: make([][]int, n)}
		for i := range n {
			g.Neighbors[i] = []int{i}
			for j := range n {
				if j != i && rng.IntN(3) == 0 {
					g.Neighbors[i] = append(g.Neighbors[i], j)
				}
			}
		}
		sets = append(sets, dataset{"random " + string(rune('a'+k)), x, g})
	}
	for _, ds := range sets {
		t.Run(ds.name, func(t *testing.T) {
			rs, err := GiStar(ds.x, ds.g)
			if err != nil {
				t.Fatal(err)
			}
			allEqual := true
			for _, v := range ds.x {
				allEqual = allEqual && v == ds.x[0]
			}
			for i, r := range rs {
				if allEqual || len(ds.g.Neighbors[i]) == len(ds.x) {
					if r.Z != 0 || r.P != 1 {
						t.Errorf("cell %d: degenerate but z = %v, p = %v", i, r.Z, r.P)
					}
					continue
				}
				if z := giStar1992(ds.x, ds.g.Neighbors[i]); math.Abs(r.Z-z) > 1e-9 {
					t.Errorf("cell %d: z = %.12f, Getis–Ord 1992 ratio form gives %.12f", i, r.Z, z)
				}
				if z := giStarExact(ds.x, ds.g.Neighbors[i]); math.Abs(r.Z-z) > 1e-9 {
					t.Errorf("cell %d: z = %.12f, exact permutation moments give %.12f", i, r.Z, z)
				}
			}
		})
	}
}

func TestGiStarInvariantUnderAffineRescaling(t *testing.T) {
	// z is unchanged by x → a·x + c (a > 0); huge magnitudes must neither
	// overflow nor produce NaN.
	x := []float64{3, 0, 1, 7, 2, 0, 0, 4, 1, 5, 0, 2}
	g := rookGrid(3, 4)
	base, err := GiStar(x, g)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ a, c float64 }{{1e6, 0}, {1e300, 0}, {2.5, 1e3}, {1e-300, 0}} {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = tc.a*v + tc.c
		}
		rs, err := GiStar(y, g)
		if err != nil {
			t.Fatal(err)
		}
		for i := range rs {
			if math.IsNaN(rs[i].Z) || math.Abs(rs[i].Z-base[i].Z) > 1e-9 {
				t.Errorf("a=%g c=%g cell %d: z = %v, want %v", tc.a, tc.c, i, rs[i].Z, base[i].Z)
			}
		}
	}
}

func TestGiStarDegenerate(t *testing.T) {
	full := Graph{Neighbors: [][]int{{0, 1, 2}, {0, 1, 2}, {0, 1, 2}}}
	tests := []struct {
		name string
		x    []float64
		g    Graph
	}{
		{"empty", nil, Graph{}},
		{"single cell", []float64{4}, Graph{Neighbors: [][]int{{0}}}},
		{"all zero", make([]float64, 9), rookGrid(3, 3)},
		{"all equal", []float64{7, 7, 7, 7, 7}, lineGraph(5)},
		{"all equal negative", []float64{-0.1, -0.1, -0.1}, lineGraph(3)},
		{"neighbourhood is everything", []float64{1, 5, 9}, full},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := GiStar(tc.x, tc.g)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != len(tc.x) {
				t.Fatalf("got %d results, want %d", len(rs), len(tc.x))
			}
			for i, r := range rs {
				if r != (Result{Z: 0, P: 1, Class: NotSignificant}) {
					t.Errorf("cell %d: %+v, want z=0 p=1 not-significant", i, r)
				}
			}
		})
	}
}

func TestGiStarErrors(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		g    Graph
		want string
	}{
		{"length mismatch", []float64{1, 2}, lineGraph(3), "3 cells but 2 values"},
		{"index too large", []float64{1, 2}, Graph{Neighbors: [][]int{{0, 2}, {1}}}, "out of range"},
		{"negative index", []float64{1, 2}, Graph{Neighbors: [][]int{{0}, {-1, 1}}}, "out of range"},
		{"duplicate", []float64{1, 2}, Graph{Neighbors: [][]int{{0, 1, 1}, {1}}}, "listed twice"},
		{"self missing", []float64{1, 2}, Graph{Neighbors: [][]int{{0, 1}, {0}}}, "itself"},
		{"NaN value", []float64{1, math.NaN()}, lineGraph(2), "not finite"},
		{"Inf value", []float64{math.Inf(-1), 1}, lineGraph(2), "not finite"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := GiStar(tc.x, tc.g)
			if err == nil {
				t.Fatalf("no error, results %v", rs)
			}
			if !strings.HasPrefix(err.Error(), "hotspot: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want prefix %q containing %q", err, "hotspot: ", tc.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		z    float64
		want Class
	}{
		{0, NotSignificant},
		{1.6449999, NotSignificant},
		{1.645, Hot90},
		{1.9599999, Hot90},
		{1.96, Hot95},
		{2.5759999, Hot95},
		{2.576, Hot99},
		{40, Hot99},
		{math.Inf(1), Hot99},
		{-1.6449999, NotSignificant},
		{-1.645, Cold90},
		{-1.9599999, Cold90},
		{-1.96, Cold95},
		{-2.5759999, Cold95},
		{-2.576, Cold99},
		{math.Inf(-1), Cold99},
		{math.NaN(), NotSignificant},
	}
	for _, tc := range tests {
		if got := Classify(tc.z); got != tc.want {
			t.Errorf("Classify(%v) = %q, want %q", tc.z, got, tc.want)
		}
	}
}

func TestClassMethods(t *testing.T) {
	tests := []struct {
		c          Class
		hot, cold  bool
		confidence int
	}{
		{Hot99, true, false, 99},
		{Hot95, true, false, 95},
		{Hot90, true, false, 90},
		{NotSignificant, false, false, 0},
		{Cold90, false, true, 90},
		{Cold95, false, true, 95},
		{Cold99, false, true, 99},
		{Class("bogus"), false, false, 0},
	}
	for _, tc := range tests {
		if tc.c.IsHot() != tc.hot || tc.c.IsCold() != tc.cold || tc.c.Confidence() != tc.confidence {
			t.Errorf("%q: IsHot %v IsCold %v Confidence %d, want %v %v %d",
				tc.c, tc.c.IsHot(), tc.c.IsCold(), tc.c.Confidence(), tc.hot, tc.cold, tc.confidence)
		}
	}
}

// hexTorus returns n = cols·rows cells on a torus of hexagons in axial
// coordinates, each with its 6 neighbours plus itself: the shape of an H3
// k = 1 GridDisk.
func hexTorus(cols, rows int) Graph {
	g := Graph{Neighbors: make([][]int, cols*rows)}
	dirs := [][2]int{{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, -1}, {-1, 1}}
	for r := range rows {
		for q := range cols {
			nb := make([]int, 0, len(dirs))
			for _, d := range dirs {
				qq := (q + d[0] + cols) % cols
				rr := (r + d[1] + rows) % rows
				nb = append(nb, rr*cols+qq)
			}
			g.Neighbors[r*cols+q] = nb
		}
	}
	return g
}

func TestHexTorusShape(t *testing.T) {
	g := hexTorus(100, 50)
	if len(g.Neighbors) != 5000 {
		t.Fatalf("%d cells, want 5000", len(g.Neighbors))
	}
	x := make([]float64, 5000)
	x[1234] = 10
	if _, err := GiStar(x, g); err != nil {
		t.Fatal(err) // also checks: 7 distinct neighbours, self included
	}
}

func BenchmarkGiStar(b *testing.B) {
	g := hexTorus(100, 50) // n = 5,000, k = 1: 7 neighbours each
	rng := rand.New(rand.NewPCG(7, 11))
	x := make([]float64, len(g.Neighbors))
	for i := range x {
		x[i] = float64(rng.IntN(4) * rng.IntN(4))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GiStar(x, g); err != nil {
			b.Fatal(err)
		}
	}
}

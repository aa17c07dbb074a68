package hotspot

import (
	"math"
	"testing"
)

// history builds per-step results from a pattern string, oldest first:
// 'H' hot-99, 'h' hot-90, 'C' cold-99, 'c' cold-90, '.' not significant,
// '?' an unknown class value (treated as not significant).
func history(pattern string) []Result {
	rs := make([]Result, 0, len(pattern))
	for _, ch := range pattern {
		var r Result
		switch ch {
		case 'H':
			r = Result{Z: 3, Class: Hot99}
		case 'h':
			r = Result{Z: 1.7, Class: Hot90}
		case 'C':
			r = Result{Z: -3, Class: Cold99}
		case 'c':
			r = Result{Z: -1.7, Class: Cold90}
		case '?':
			r = Result{Class: Class("")}
		default:
			r = Result{Class: NotSignificant}
		}
		r.P = TwoSidedP(r.Z)
		rs = append(rs, r)
	}
	return rs
}

func TestEmergingLabel(t *testing.T) {
	up := Trend{S: 30, Tau: 0.67, Z: 3.0, P: 0.0027}
	down := Trend{S: -30, Tau: -0.67, Z: -3.0, P: 0.0027}
	flat := Trend{S: 2, Tau: 0.04, Z: 0.2, P: 0.84}
	upAtAlpha := Trend{S: 12, Z: 1.6449, P: TrendAlpha}           // boundary: significant
	upAboveAlpha := Trend{S: 12, Z: 1.6448, P: TrendAlpha + 1e-9} // not significant

	tests := []struct {
		name    string
		pattern string
		trend   Trend
		want    string
	}{
		// Hot patterns.
		{"new", ".........H", flat, LabelNew},
		{"new with two steps", ".h", flat, LabelNew},
		{"consecutive", "......HhHH", flat, LabelConsecutive},
		{"consecutive, 80 % hot", "..HHHHHHHH", up, LabelConsecutive},
		{"intensifying", "hhhhhHHHHH", up, LabelIntensifying},
		{"intensifying at trend alpha", "HHHHHHHHHH", upAtAlpha, LabelIntensifying},
		{"persistent", "HHHHHHHHHH", flat, LabelPersistent},
		{"persistent, trend just not significant", "HHHHHHHHHH", upAboveAlpha, LabelPersistent},
		{"persistent, exactly 90 %", ".HHHHHHHHH", flat, LabelPersistent},
		{"persistent, 18 of 20", "H.HHHHHHHHH.HHHHHHHH", flat, LabelPersistent},
		{"persistent, single step", "H", flat, LabelPersistent},
		{"diminishing", "HHHHHHhhhh", down, LabelDiminishing},
		{"sporadic", "..H..H...H", flat, LabelSporadic},
		{"sporadic, final run of two", ".HH.....HH", flat, LabelSporadic},
		{"oscillating", "C........H", flat, LabelOscillating},
		{"oscillating beats consecutive", "cc....HHHH", flat, LabelOscillating},
		{"oscillating beats sporadic", "H.c..H...H", flat, LabelOscillating},
		{"historical", "HHHHHHHHH.", down, LabelHistorical},
		{"historical, unknown final class", "HHHHHHHHH?", flat, LabelHistorical},

		// Cold patterns: trend direction reversed for intensifying/diminishing.
		{"cold-new", ".........C", flat, LabelColdNew},
		{"cold-consecutive", "......CcCC", flat, LabelColdConsecutive},
		{"cold-intensifying", "CCCCCCCCCC", down, LabelColdIntensifying},
		{"cold-persistent", "CCCCCCCCCC", flat, LabelColdPersistent},
		{"cold-diminishing", "CCCCCCCCCC", up, LabelColdDiminishing},
		{"cold-sporadic", "..C..c...C", flat, LabelColdSporadic},
		{"cold-oscillating", "H........C", flat, LabelColdOscillating},
		{"cold-oscillating, final step decides", "HHHHHHHHHC", flat, LabelColdOscillating},
		{"cold-historical", "CCCCCCCCC.", up, LabelColdHistorical},

		// No pattern.
		{"no-pattern, never significant", "..........", up, LabelNoPattern},
		{"no-pattern, hot once in the middle", "....H.....", flat, LabelNoPattern},
		{"no-pattern, hot 80 % then quiet", "HHHHHHHH..", flat, LabelNoPattern},
		{"no-pattern, two quiet steps", "..", flat, LabelNoPattern},
		{"no-pattern, empty", "", flat, LabelNoPattern},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EmergingLabel(history(tc.pattern), tc.trend); got != tc.want {
				t.Errorf("EmergingLabel(%q, %+v) = %q, want %q", tc.pattern, tc.trend, got, tc.want)
			}
		})
	}
}

func TestEmergingLabelNaNTrend(t *testing.T) {
	// A malformed trend (NaN) is treated as "no significant trend".
	nan := Trend{Z: math.NaN(), P: math.NaN()}
	if got := EmergingLabel(history("HHHHHHHHHH"), nan); got != LabelPersistent {
		t.Errorf("got %q, want %q", got, LabelPersistent)
	}
}

func TestEmergingPipeline(t *testing.T) {
	// A 1×5 line over 10 time steps in which incidents concentrate more and
	// more at the right end. Cell 4's Gi* z-scores increase every step and
	// it is hot in every step from the second on.
	g := lineGraph(5)
	var steps [][]Result
	for k := range 10 {
		x := []float64{2, 2, 2, 2 + float64(k), 3 + 2*float64(k)}
		rs, err := GiStar(x, g)
		if err != nil {
			t.Fatal(err)
		}
		steps = append(steps, rs)
	}
	cell := func(i int) ([]Result, Trend) {
		hist := make([]Result, len(steps))
		zs := make([]float64, len(steps))
		for k, rs := range steps {
			hist[k] = rs[i]
			zs[k] = rs[i].Z
		}
		return hist, MannKendall(zs)
	}
	hist, tr := cell(4)
	for k, r := range hist {
		if k > 0 && !r.Class.IsHot() {
			t.Fatalf("step %d: cell 4 is %q (z=%.3f), want hot", k, r.Class, r.Z)
		}
	}
	if tr.S <= 0 || tr.P > TrendAlpha {
		t.Fatalf("cell 4 trend %+v, want significant increase", tr)
	}
	if got := EmergingLabel(hist, tr); got != LabelIntensifying {
		t.Errorf("cell 4: %q, want %q", got, LabelIntensifying)
	}
}

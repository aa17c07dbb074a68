package layers

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestMiddle: the middle values found by selection are those of a sort,
// over sizes around the selection's cut-over to sorting, with many ties,
// all ties, and sorted and reversed input.
func TestMiddle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	gens := map[string]func(n int) []time.Duration{
		"random": func(n int) []time.Duration {
			d := make([]time.Duration, n)
			for i := range d {
				d[i] = time.Duration(r.Int64N(1e12))
			}
			return d
		},
		"few values": func(n int) []time.Duration {
			d := make([]time.Duration, n)
			for i := range d {
				d[i] = time.Duration(r.IntN(4)) * time.Minute
			}
			return d
		},
		"all equal": func(n int) []time.Duration { return slices.Repeat([]time.Duration{time.Hour}, n) },
		"sorted": func(n int) []time.Duration {
			d := make([]time.Duration, n)
			for i := range d {
				d[i] = time.Duration(i)
			}
			return d
		},
		"reversed": func(n int) []time.Duration {
			d := make([]time.Duration, n)
			for i := range d {
				d[i] = time.Duration(n - i)
			}
			return d
		},
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 2, 3, 11, 12, 13, 14, 25, 100, 101, 1000, 1001, 10_000} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				d := gen(n)
				sorted := slices.Sorted(slices.Values(d))
				var want []time.Duration
				switch {
				case n == 0:
				case n%2 == 1:
					want = []time.Duration{sorted[n/2]}
				default:
					want = []time.Duration{sorted[n/2-1], sorted[n/2]}
				}
				got := middle(d)
				if !slices.Equal(got, want) {
					t.Fatalf("middle = %v, want %v", got, want)
				}
				if slices.Sort(d); !slices.Equal(d, sorted) {
					t.Fatal("middle lost or changed values")
				}
			})
		}
	}
}

// TestMiddleOfPermutations: many short permutations, where the selection
// stops on its pivot with smaller values in any order before it.
func TestMiddleOfPermutations(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for trial := range 5000 {
		n := 13 + trial%48
		d := make([]time.Duration, n)
		for i, v := range r.Perm(n) {
			d[i] = time.Duration(v)
		}
		want := []time.Duration{time.Duration(n / 2)}
		if n%2 == 0 {
			want = []time.Duration{time.Duration(n/2 - 1), time.Duration(n / 2)}
		}
		if got := middle(slices.Clone(d)); !slices.Equal(got, want) {
			t.Fatalf("middle of %v = %v, want %v", d, got, want)
		}
	}
}

// TestRateCounterTotalIsEveryGroup: the total's middles are those of every
// group's durations together, whichever way the incidents were added.
func TestRateCounterTotalIsEveryGroup(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, Shanghai)
	q := RateQuery{GroupBy: "community", EmptyGroup: "(无)", Now: now, Default: RateDeadline{Response: time.Hour, Resolution: 24 * time.Hour}}
	c := NewRateCounter(q)
	var all []time.Duration
	for i := range 101 {
		recv := now.Add(-time.Duration(i) * time.Hour)
		resp := recv.Add(time.Duration(i*i%97) * time.Minute)
		f := &RateFacts{Group: []string{"a", "b", "", "c"}[i%4], Category: "x", Status: "received", Received: recv, Responded: &resp}
		if i%2 == 0 {
			c.Add(f)
		} else {
			c.AddTo(c.Group(f.Group), f)
		}
		all = append(all, resp.Sub(recv))
	}
	groups, total := c.Tallies()
	if len(groups) != 4 || groups[2].Group != "(无)" {
		t.Fatalf("groups = %+v, want a, b, (无), c", groups)
	}
	if total.Count != 101 || !slices.Equal(total.ResponseMiddle, middle(all)) {
		t.Fatalf("total: %d incidents, middle %v; want 101, %v", total.Count, total.ResponseMiddle, middle(all))
	}
}

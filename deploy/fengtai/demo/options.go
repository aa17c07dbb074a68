package demo

import (
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"time"

	"minqing/layers"
)

// Defaults applied by [New] to zero [Options] fields.
const (
	DefaultSeed      int64 = 20190701
	DefaultIncidents       = 20000
)

// Options say what to generate.
type Options struct {
	// Seed seeds every random choice; 0 means DefaultSeed.
	Seed int64
	// Incidents is how many incidents to generate; 0 means DefaultIncidents
	// and a negative number means none. Incidents are streamed, so millions
	// are fine.
	Incidents int
	// AsOf is the end of the two-year incident window (exclusive); the zero
	// time means now, to the hour, so that a fresh demo has today's incidents
	// on the map. Care-target visits are dated before it too.
	AsOf time.Time
}

// withDefaults returns o with its zero fields filled.
func (o Options) withDefaults() Options {
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	switch {
	case o.Incidents == 0:
		o.Incidents = DefaultIncidents
	case o.Incidents < 0:
		o.Incidents = 0
	}
	if o.AsOf.IsZero() {
		o.AsOf = time.Now().In(layers.Shanghai).Truncate(time.Hour)
	}
	o.AsOf = o.AsOf.In(layers.Shanghai)
	return o
}

// Layer names, in the order Load writes them.
const (
	lPatches       = "patches"
	lCommunities   = "communities"
	lStreets       = "streets"
	lDemolitions   = "demolitions"
	lGreening      = "greening"
	lServicePoints = "service_points"
	lCareTargets   = "care_targets"
	lIncidents     = "incidents"
)

// LayerOrder returns the layers the generator produces, in load order.
func LayerOrder() []string {
	return []string{lPatches, lCommunities, lStreets, lDemolitions, lGreening, lServicePoints, lCareTargets, lIncidents}
}

// Generator produces each layer's features deterministically from Options
// (same Options → byte-identical output). It is safe for concurrent use: it
// holds only the immutable street model, and every Reader builds fresh
// features.
type Generator struct {
	opts Options
	m    *model
}

// New returns a generator for opts (zero fields take their defaults).
func New(opts Options) *Generator {
	opts = opts.withDefaults()
	return &Generator{opts: opts, m: newModel(opts.Seed)}
}

// Options returns the options in effect, defaults filled in.
func (g *Generator) Options() Options { return g.opts }

// Reader returns a fresh stream of the named layer's features, ending with
// io.EOF. The layers are patches, communities, streets, demolitions,
// greening, service_points, care_targets and incidents; any other name is an
// error wrapping layers.ErrNotFound.
func (g *Generator) Reader(layer string) (layers.FeatureReader, error) {
	switch layer {
	case lPatches:
		return &sliceReader{fs: g.m.patchFeatures()}, nil
	case lCommunities:
		return &sliceReader{fs: g.Communities()}, nil
	case lStreets:
		return &sliceReader{fs: g.m.streetFeatures()}, nil
	case lDemolitions:
		return &sliceReader{fs: g.m.demolitionFeatures()}, nil
	case lGreening:
		return &sliceReader{fs: g.m.greeningFeatures()}, nil
	case lServicePoints:
		return &sliceReader{fs: g.m.serviceFeatures()}, nil
	case lCareTargets:
		return &sliceReader{fs: g.m.careFeatures(g.opts.AsOf)}, nil
	case lIncidents:
		return newIncidentReader(g.m, g.opts), nil
	}
	return nil, fmt.Errorf("demo: no layer %q: %w", layer, layers.ErrNotFound)
}

// Communities returns the 25 community features (fresh copies), for
// point-in-polygon lookups.
func (g *Generator) Communities() []*layers.Feature { return g.m.communityFeatures() }

// sliceReader yields a prepared slice of features.
type sliceReader struct {
	fs []*layers.Feature
	i  int
}

func (r *sliceReader) Next() (*layers.Feature, error) {
	if r.i >= len(r.fs) {
		return nil, io.EOF
	}
	f := r.fs[r.i]
	r.fs[r.i] = nil
	r.i++
	return f, nil
}

// newRand returns the random source of one part of the data: seeded from the
// options' seed and the part's name, so that parts are independent of each
// other (the communities do not change with the number of incidents).
func newRand(seed int64, part string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(part))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// date returns midnight Asia/Shanghai of the given day.
func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, layers.Shanghai)
}

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// pick returns the index of a choice drawn with the given weights.
func pick(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// allocate splits total into len(weights) non-negative integers, each at
// least min, proportional to the weights beyond the minimum, summing exactly
// to total (largest remainders, ties to the lower index).
func allocate(total int, weights []float64, min int) []int {
	n := len(weights)
	out := make([]int, n)
	if n == 0 {
		return out
	}
	rest := total - n*min
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	frac := make([]float64, n)
	given := 0
	for i, w := range weights {
		x := float64(rest) * w / sum
		out[i] = min + int(x)
		frac[i] = x - float64(int(x))
		given += int(x)
	}
	for left := rest - given; left > 0; left-- {
		best := 0
		for i := range frac {
			if frac[i] > frac[best] {
				best = i
			}
		}
		out[best]++
		frac[best] = -1
	}
	return out
}

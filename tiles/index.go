package tiles

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
)

// IndexMaxFeatures is the most features a [PointIndex] keeps of one layer;
// a larger layer is read from the store (and is clustered at the zooms
// where its tiles would be large anyway).
const IndexMaxFeatures = 200_000

// retryAfter is how long a PointIndex waits to load a layer again after a
// load failed.
const retryAfter = 30 * time.Second

// indexZoom is the zoom of the index's buckets: a z17 tile and its buffer
// read at most sixteen buckets (four times the tile's area), a z15 tile a
// hundred; a box of more than maxBuckets scans every feature.
const (
	indexZoom  = 18
	maxBuckets = 1024
)

// PointIndex keeps the features of [Aggregable] point layers in memory, so
// that a tile of their points is cut and encoded without a store round
// trip. Each layer's copy is labelled with the layer version read before
// it was loaded and is used only for a tile asked at that same version: a
// committed write makes the copy stale at once, the tile is read from the
// store, and the copy is reloaded in the background. The copy is prepared
// as it loads (index_cut.go): tiles of its points, and their clusters, are
// then cut from flat arrays. Layers with more than IndexMaxFeatures
// features are not kept. It is safe for concurrent use.
type PointIndex struct {
	src  layers.Source
	mu   sync.Mutex
	sets map[string]*pointSet // by layer name
	busy map[string]bool      // loads under way
}

// pointSet is one layer's features at one version.
type pointSet struct {
	version  int64
	tooBig   bool
	failedAt time.Time                // a load that failed: tried again a while after
	n        int                      // how many features
	feats    []*layers.Feature        // by id; Props hold every field; nil once prepared
	buckets  map[maptile.Tile][]int32 // indexZoom tile → positions in feats, ascending; nil once prepared
	prep     *prepared                // feats made ready to cut and encode; nil: a value could not be
}

// NewPointIndex returns an empty index over src's layers.
func NewPointIndex(src layers.Source) *PointIndex {
	return &PointIndex{src: src, sets: map[string]*pointSet{}, busy: map[string]bool{}}
}

// At returns src as Render reads it at the layer versions given: the
// features of a layer the index holds at its version come from memory, the
// rest from src (whose MVT and cell counts pass through).
func (ix *PointIndex) At(src layers.Source, versions map[string]int64) FeatureSource {
	return &indexedSource{Source: src, ix: ix, versions: versions}
}

type indexedSource struct {
	layers.Source
	ix       *PointIndex
	versions map[string]int64
}

func (s *indexedSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	if set := s.set(l, q); set != nil && q.BBox != nil && set.feats != nil {
		return set.features(ctx, l, q, fn)
	}
	return s.Source.Features(ctx, l, q, fn)
}

// set returns l's set when it answers q (a time window at most: equality
// filters and CQL2 are the store's), at the version asked, or nil.
func (s *indexedSource) set(l *layers.Layer, q layers.Query) *pointSet {
	if v, ok := s.versions[l.Name]; ok && q.Filter == nil && len(q.Equal) == 0 && q.Cells == nil && q.AfterID == 0 && Aggregable(l) {
		return s.ix.get(l, v)
	}
	return nil
}

// Ready reports whether the index holds l's features at version v, so that
// a tile asked at v is cut from memory. It starts no load.
func (ix *PointIndex) Ready(l *layers.Layer, v int64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	set := ix.sets[l.Name]
	return set != nil && set.version == v && !set.tooBig && set.failedAt.IsZero()
}

// get returns l's set at version v, or nil (starting a load when none is
// under way and the set is missing or stale).
func (ix *PointIndex) get(l *layers.Layer, v int64) *pointSet {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	set := ix.sets[l.Name]
	if set != nil && set.version == v && (set.failedAt.IsZero() || time.Since(set.failedAt) < retryAfter) {
		if set.tooBig {
			return nil
		}
		return set
	}
	if set != nil && set.version > v && set.failedAt.IsZero() {
		return nil // a newer copy: the caller asked with older versions
	}
	if !ix.busy[l.Name] {
		ix.busy[l.Name] = true
		go ix.load(l)
	}
	return nil
}

// load reads l's features into a new set labelled with the version read
// before them.
func (ix *PointIndex) load(l *layers.Layer) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var set *pointSet
	err := errors.New("tiles: index load failed")
	func() {
		defer func() { _ = recover() }() // a store that fails so only loses the index
		set, err = ix.read(ctx, l)
	}()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	delete(ix.busy, l.Name)
	if set == nil {
		return // no version read: the next tile tries again
	}
	if err != nil {
		// Tried again after retryAfter, not for every tile: a layer too
		// slow to read within the store deadline would be read over and over.
		set = &pointSet{version: set.version, tooBig: true, failedAt: time.Now()}
	}
	if ix.sets[l.Name] == nil || ix.sets[l.Name].version <= set.version {
		ix.sets[l.Name] = set
	}
}

// read reads l's features into a set labelled with the version read first;
// after an error it returns the set so far (for its version) or nil.
func (ix *PointIndex) read(ctx context.Context, l *layers.Layer) (*pointSet, error) {
	vs, err := ix.src.Versions(ctx)
	if err != nil {
		return nil, err
	}
	set := &pointSet{version: vs[l.Name], buckets: map[maptile.Tile][]int32{}}
	n, err := ix.src.Count(ctx, l, layers.Query{Role: layers.Admin})
	if err != nil {
		return set, err
	}
	if n > IndexMaxFeatures {
		set.tooBig = true
		return set, nil
	}
	set.feats = make([]*layers.Feature, 0, n)
	// In keyset pages, each a short store call: the load never holds a
	// pooled connection for long.
	err = layers.Stream(ctx, ix.src, l, layers.Query{Role: layers.Admin}, 5000, func(f *layers.Feature) error {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			return nil
		}
		t := maptile.At(p, indexZoom)
		set.buckets[t] = append(set.buckets[t], int32(len(set.feats)))
		set.feats = append(set.feats, f)
		return nil
	})
	if err != nil {
		return set, err
	}
	if !slices.IsSortedFunc(set.feats, func(a, b *layers.Feature) int { return cmp.Compare(a.ID, b.ID) }) {
		// Features are ordered by id; a store that did not would break the caps.
		set.tooBig = true
		return set, nil
	}
	set.n = len(set.feats)
	if set.prep = prepare(l, set.feats); set.prep != nil {
		// Tiles are cut from the prepared copy alone: the features, a
		// map each, would only weigh on memory and the garbage collector.
		set.feats, set.buckets = nil, nil
	}
	return set, nil
}

// features calls fn for the features in q's bbox that pass its time
// window, lowest ids first, each a copy whose Props are shared
// (every field: the caller picks the role's).
func (set *pointSet) features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	return set.scan(ctx, l, q, set.candidates(*q.BBox), fn)
}

// candidates returns the positions of the features in the buckets that
// box b touches (every feature when it touches more than maxBuckets),
// ascending.
func (set *pointSet) candidates(b orb.Bound) []int32 {
	lo, hi := maptile.At(orb.Point{b.Min[0], b.Max[1]}, indexZoom), maptile.At(orb.Point{b.Max[0], b.Min[1]}, indexZoom)
	if int(hi.X-lo.X+1)*int(hi.Y-lo.Y+1) > maxBuckets {
		// A wide box: every feature.
		return allPositions(set.n)
	}
	var pos []int32
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			pos = append(pos, set.buckets[maptile.New(x, y, indexZoom)]...)
		}
	}
	slices.Sort(pos)
	return pos
}

func allPositions(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

func (set *pointSet) scan(ctx context.Context, l *layers.Layer, q layers.Query, pos []int32, fn func(*layers.Feature) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, i := range pos {
		f := set.feats[i]
		p := f.Geometry.(orb.Point)
		if !q.BBox.Contains(p) || !pass(l, q, f) {
			continue
		}
		if err := fn(&layers.Feature{ID: f.ID, Geometry: p, Props: f.Props}); err != nil {
			return err
		}
	}
	return nil
}

// pass reports whether f passes q's time window (equality filters and CQL2
// are the store's: the index is not asked with them).
func pass(l *layers.Layer, q layers.Query, f *layers.Feature) bool {
	if q.Time != nil && l.TimeField != "" {
		t, ok := f.Props[l.TimeField].(time.Time)
		if !ok || !q.Time.Contains(t) {
			return false
		}
	}
	return true
}

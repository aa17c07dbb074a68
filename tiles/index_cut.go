package tiles

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/layers"
)

// prepared is a point set made ready for tiles: what Render would work out
// for each feature of each tile — its Web Mercator point, its properties
// as MVT values, its H3 cells — worked out once, when the set is loaded.
// A tile of the set's points is then cut and encoded without reading a
// property map, formatting a time or taking a logarithm per feature, to
// the same bytes.
type prepared struct {
	fields []layers.Field // the layer's fields, as vals holds them
	lonlat []orb.Point    // each feature's point (WGS 84)
	merc   []orb.Point    // the same in Web Mercator metres (Mercator)
	// vals holds, for feature i and field j, the number of its value in
	// values at i*len(fields)+j, or −1 when it has none (left out, as
	// ST_AsMVT leaves out NULLs).
	vals []int32
	// Value number id is the encoded Tile.Value message
	// arena[offsets[id]:offsets[id+1]]: one number per distinct value
	// however many fields and features hold it, as a tile's value table
	// shares them. The values one feature alone holds lie together.
	arena   []byte
	offsets []uint32
	ids     []int64 // each feature's id
	// times are each feature's time (the layer's TimeField) as Unix
	// seconds and nanoseconds; hasTime false when it has none (nor a time
	// field).
	secs    []int64
	nanos   []int32
	hasTime []bool
	noTime  bool // the layer has no time field: a time window passes all
	// The arrays hold the features in the order of their indexZoom tiles
	// (by id within one), so that a tile's features lie together in
	// memory: perm maps that place to the feature's place by id, inv back,
	// and runs gives each indexZoom tile's places [start, end).
	perm, inv []int32
	runs      map[maptile.Tile][2]int32
	// cells holds feature i's cells at MinExactRes to MaxExactRes from
	// i*hex.ExactCount (what the stores keep beside each point); nil when
	// a point has none.
	cells []hex.Cell
	// shared is how many values more than one feature or field holds:
	// they are numbered first, 0 to shared−1. A value held once is new
	// to any tile that shows it, and needs no lookup.
	shared int32
	// scratch holds a *numbering of the shared values per tile under way.
	scratch sync.Pool
}

// numbering maps shared value numbers to their index in one tile's value
// table: an entry counts only when stamped with the current generation,
// so a tile neither hashes nor clears.
type numbering struct {
	index, stamp []uint32
	gen          uint32
	tags         []byte // a tile's tags, kept for the next tile
	ends         []int  // where each feature's tags end
}

// numbering returns an empty numbering of p's shared values.
func (p *prepared) numbering() *numbering {
	m, _ := p.scratch.Get().(*numbering)
	if m == nil {
		m = &numbering{index: make([]uint32, p.shared), stamp: make([]uint32, p.shared)}
	}
	if m.gen++; m.gen == 0 { // wrapped: an old stamp could match again
		clear(m.stamp)
		m.gen = 1
	}
	return m
}

// prepare prepares the features of l (points, by id, Props holding every
// field), or returns nil when a value cannot be prepared: one MVT cannot
// hold (the encoder reports it) or a negative zero, which a tile's value
// table shares with zero in whichever form it meets first.
func prepare(l *layers.Layer, feats []*layers.Feature) *prepared {
	n := len(l.Fields)
	p := &prepared{
		fields:  slices.Clone(l.Fields),
		lonlat:  make([]orb.Point, len(feats)),
		merc:    make([]orb.Point, len(feats)),
		vals:    make([]int32, len(feats)*n),
		cells:   make([]hex.Cell, len(feats)*hex.ExactCount),
		secs:    make([]int64, len(feats)),
		nanos:   make([]int32, len(feats)),
		hasTime: make([]bool, len(feats)),
		noTime:  l.TimeField == "",
	}
	p.ids = make([]int64, len(feats))
	p.order(feats)
	var values [][]byte // by value number
	ids := map[any]int32{}
	for i := range feats {
		f := feats[p.perm[i]]
		pt := f.Geometry.(orb.Point)
		p.lonlat[i], p.merc[i], p.ids[i] = pt, Mercator(pt), f.ID
		if t, ok := f.Props[l.TimeField].(time.Time); ok && l.TimeField != "" {
			p.secs[i], p.nanos[i], p.hasTime[i] = t.Unix(), int32(t.Nanosecond()), true
		}
		for j, fl := range p.fields {
			v := Value(fl, f.Props[fl.Name])
			if v == nil {
				p.vals[i*n+j] = -1
				continue
			}
			k, err := comparable(v)
			if err != nil {
				return nil
			}
			if x, ok := k.(float64); ok && x == 0 && math.Signbit(x) {
				return nil
			}
			id, ok := ids[k]
			if !ok {
				id = int32(len(values))
				ids[k] = id // a NaN is never found again: a new value each time, as in a tile
				values = append(values, encodeValue(k))
			}
			p.vals[i*n+j] = id
		}
		if p.cells != nil {
			cs, err := hex.ExactCells(pt)
			if err != nil {
				p.cells = nil
				continue
			}
			copy(p.cells[i*hex.ExactCount:], cs[:])
		}
	}
	p.numberSharedFirst(values)
	return p
}

// numberSharedFirst lays values (by the numbers vals holds) out in the
// arena, renumbered so that those held more than once come first, and
// sets shared.
func (p *prepared) numberSharedFirst(values [][]byte) {
	uses := make([]int32, len(values))
	size := 0
	for _, id := range p.vals {
		if id >= 0 {
			uses[id]++
		}
	}
	for _, v := range values {
		size += len(v)
	}
	renum := make([]int32, len(values))
	p.arena = make([]byte, 0, size)
	p.offsets = make([]uint32, 1, len(values)+1)
	for pass := range 2 {
		for id, n := range uses {
			if (n > 1) == (pass == 0) {
				renum[id] = int32(len(p.offsets) - 1)
				p.arena = append(p.arena, values[id]...)
				p.offsets = append(p.offsets, uint32(len(p.arena)))
			}
		}
		if pass == 0 {
			p.shared = int32(len(p.offsets) - 1)
		}
	}
	for i, id := range p.vals {
		if id >= 0 {
			p.vals[i] = renum[id]
		}
	}
}

// order sets perm, inv and runs for feats (points, by id).
func (p *prepared) order(feats []*layers.Feature) {
	keys := make([]uint64, len(feats))
	p.perm, p.inv = make([]int32, len(feats)), make([]int32, len(feats))
	for i, f := range feats {
		t := maptile.At(f.Geometry.(orb.Point), indexZoom)
		keys[i] = uint64(t.X)<<32 | uint64(t.Y)
		p.perm[i] = int32(i)
	}
	slices.SortStableFunc(p.perm, func(a, b int32) int { return cmp.Compare(keys[a], keys[b]) })
	p.runs = map[maptile.Tile][2]int32{}
	for i, o := range p.perm {
		p.inv[o] = int32(i)
		t := maptile.New(uint32(keys[o]>>32), uint32(keys[o]), indexZoom)
		r, ok := p.runs[t]
		if !ok {
			r[0] = int32(i)
		}
		r[1] = int32(i + 1)
		p.runs[t] = r
	}
}

// candidates returns the places of the features in the indexZoom tiles
// that box b touches (every feature when it touches more than maxBuckets),
// in id order when byID, else as they lie.
func (p *prepared) candidates(b orb.Bound, byID bool) []int32 {
	var pos []int32
	if !p.runsIn(b, func(r [2]int32) bool {
		for i := r[0]; i < r[1]; i++ {
			pos = append(pos, i)
		}
		return true
	}) {
		if byID {
			return p.inv
		}
		return allPositions(len(p.perm))
	}
	if byID {
		for k, i := range pos {
			pos[k] = p.perm[i]
		}
		slices.Sort(pos)
		for k, o := range pos {
			pos[k] = p.inv[o]
		}
	}
	return pos
}

// atMost reports whether box b holds at most n of p's features, counted
// by the indexZoom tiles it touches (an upper bound, without looking at a
// feature); false when it touches more than maxBuckets.
func (p *prepared) atMost(b orb.Bound, n int) bool {
	total := 0
	return p.runsIn(b, func(r [2]int32) bool {
		total += int(r[1] - r[0])
		return total <= n
	})
}

// runsIn calls fn with the places [start, end) of each indexZoom tile that
// box b touches and that holds features, until fn returns false. It
// reports whether every such tile was given to fn: false when fn stopped,
// or, without calling fn, when b touches more than maxBuckets.
func (p *prepared) runsIn(b orb.Bound, fn func(r [2]int32) bool) bool {
	lo, hi := maptile.At(orb.Point{b.Min[0], b.Max[1]}, indexZoom), maptile.At(orb.Point{b.Max[0], b.Min[1]}, indexZoom)
	if int(hi.X-lo.X+1)*int(hi.Y-lo.Y+1) > maxBuckets {
		return false
	}
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			if r, ok := p.runs[maptile.New(x, y, indexZoom)]; ok && !fn(r) {
				return false
			}
		}
	}
	return true
}

// inWindow reports whether feature i passes time window tr as pass does
// (in it when the layer has no time field; out when the feature has no
// time).
func (p *prepared) inWindow(tr *layers.TimeRange, i int32) bool {
	if tr == nil || p.noTime {
		return true
	}
	if !p.hasTime[i] {
		return false
	}
	before := func(s1 int64, n1 int32, t time.Time) bool {
		s2, n2 := t.Unix(), int32(t.Nanosecond())
		return s1 < s2 || (s1 == s2 && n1 < n2)
	}
	s, n := p.secs[i], p.nanos[i]
	if tr.Start != nil && before(s, n, *tr.Start) {
		return false
	}
	if tr.End != nil {
		es, en := tr.End.Unix(), int32(tr.End.Nanosecond())
		if es < s || (es == s && en < n) { // after End
			return false
		}
	}
	return true
}

// value is the encoded value numbered id.
func (p *prepared) value(id int32) []byte { return p.arena[p.offsets[id]:p.offsets[id+1]] }

// cut returns the features of the set that tile tl shows for q, as read
// reads them from the set's features: in the tile's window (the tile, its
// buffer and a unit), in q's time window, in the tile and its buffer once
// placed, lowest ids first, until limit of them (0: no limit); full
// reports that the limit was reached. pts are their points in tile units.
func (set *pointSet) cut(ctx context.Context, l *layers.Layer, tl *tiler, q layers.Query, limit int) (pos []int32, pts []orb.Point, full bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, false, fmt.Errorf("tiles: %s %d/%d/%d: %w", l.Name, tl.tile.Z, tl.tile.X, tl.tile.Y, err)
	}
	w := Window(tl.tile, tl.margin())
	p := set.prep
	// Every feature the tile shows, as they lie; then the lowest ids: the
	// same as taking them in id order up to the limit.
	for _, i := range p.candidates(w, false) {
		if !w.Contains(p.lonlat[i]) || (q.Time != nil && !p.inWindow(q.Time, i)) {
			continue
		}
		if !tl.box.Contains(tl.fromMercator(p.merc[i])) {
			continue
		}
		pos = append(pos, p.perm[i])
	}
	slices.Sort(pos)
	if limit > 0 && len(pos) >= limit {
		pos, full = pos[:limit], true
	}
	pts = make([]orb.Point, len(pos))
	for k, o := range pos {
		pos[k] = p.inv[o]
		pts[k] = tl.fromMercator(p.merc[pos[k]])
	}
	return pos, pts, full, nil
}

// appendPoints appends the MVT layer of the features at pos (points pts in
// tile units) with properties fields to b: the bytes appendPointLayer
// writes for them, sized first and written once. ok is false when a field
// is not one the set prepared.
func (set *pointSet) appendPoints(b []byte, name string, extent int, fields []layers.Field, pos []int32, pts []orb.Point) (out []byte, ok bool) {
	p := set.prep
	n := len(p.fields)
	cols := make([]int, len(fields)) // field → its column in vals
	for i, f := range fields {
		j := slices.IndexFunc(p.fields, func(g layers.Field) bool { return g.Name == f.Name && g.Type == f.Type })
		if j < 0 {
			return nil, false
		}
		cols[i] = j
	}
	// First the tags, which number the keys and values in the order a
	// feature first uses them, and the size of everything.
	keys := make([]int, len(fields)) // field → key index, −1 until used
	for i := range keys {
		keys[i] = -1
	}
	var keyNames []string
	local := p.numbering()
	defer p.scratch.Put(local)
	var values []int32 // the layer's table, as value numbers
	tags, tagEnds := local.tags[:0], slices.Grow(local.ends[:0], len(pos))[:len(pos)]
	defer func() { local.tags, local.ends = tags[:0], tagEnds[:0] }()
	size := 1 + 1 + sizeBytes(len(name)) // version, name
	for k, i := range pos {
		start := len(tags)
		row := p.vals[int(i)*n : int(i)*n+n]
		for c, j := range cols {
			id := row[j]
			if id < 0 {
				continue
			}
			if keys[c] < 0 {
				keys[c] = len(keyNames)
				keyNames = append(keyNames, fields[c].Name)
			}
			vi, ok := uint32(0), false
			if id < p.shared && local.stamp[id] == local.gen {
				vi, ok = local.index[id], true
			}
			if !ok {
				vi = uint32(len(values))
				if id < p.shared {
					local.index[id], local.stamp[id] = vi, local.gen
				}
				values = append(values, id)
			}
			tags = binary.AppendUvarint(tags, uint64(keys[c]))
			tags = binary.AppendUvarint(tags, uint64(vi))
		}
		tagEnds[k] = len(tags)
		size += sizeBytes(featureSize(p.ids[i], len(tags)-start, pts[k]))
	}
	for _, k := range keyNames {
		size += sizeBytes(len(k))
	}
	for _, id := range values {
		size += sizeBytes(int(p.offsets[id+1] - p.offsets[id]))
	}
	size += 1 + uvarintLen(uint64(extent))
	// Then the layer, into a buffer of its size.
	b = slices.Grow(b, sizeBytes(size))
	b = appendKey(b, 3, 2)
	b = binary.AppendUvarint(b, uint64(size))
	b = appendKey(b, 15, 0)
	b = binary.AppendUvarint(b, 2)
	b = appendBytes(b, 1, []byte(name))
	start := 0
	for k, i := range pos {
		id, t := p.ids[i], tags[start:tagEnds[k]]
		start = tagEnds[k]
		b = appendKey(b, 2, 2)
		b = binary.AppendUvarint(b, uint64(featureSize(id, len(t), pts[k])))
		b = appendKey(b, 1, 0)
		b = binary.AppendUvarint(b, uint64(id))
		if len(t) > 0 {
			b = appendBytes(b, 2, t)
		}
		b = appendKey(b, 3, 0)
		b = binary.AppendUvarint(b, 1) // POINT
		x, y := zigzag(int64(pts[k][0])), zigzag(int64(pts[k][1]))
		b = appendKey(b, 4, 2)
		b = binary.AppendUvarint(b, uint64(1+uvarintLen(x)+uvarintLen(y)))
		b = binary.AppendUvarint(b, 9) // MoveTo, one point
		b = binary.AppendUvarint(b, x)
		b = binary.AppendUvarint(b, y)
	}
	for _, k := range keyNames {
		b = appendBytes(b, 3, []byte(k))
	}
	for _, id := range values {
		b = appendBytes(b, 4, p.value(id))
	}
	b = appendKey(b, 5, 0)
	return binary.AppendUvarint(b, uint64(extent)), true
}

// featureSize is the size of a point feature's message: its id, tags of
// tagLen bytes (none: left out), its type and its geometry at p.
func featureSize(id int64, tagLen int, p orb.Point) int {
	n := 1 + uvarintLen(uint64(id)) + 2 // id, type POINT
	if tagLen > 0 {
		n += sizeBytes(tagLen)
	}
	return n + sizeBytes(1+uvarintLen(zigzag(int64(p[0])))+uvarintLen(zigzag(int64(p[1]))))
}

// sizeBytes is the size of a length-delimited field of n bytes (a field
// number under 16).
func sizeBytes(n int) int { return 1 + uvarintLen(uint64(n)) + n }

// uvarintLen is the length of v as a varint.
func uvarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// cellCounts counts the set's features in box b that pass q's time window
// by their cell at res, as a store's CellCounts counts them; ok is false
// when the set keeps no cells at res.
func (set *pointSet) cellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, b orb.Bound) (counts map[int64]int64, ok bool, err error) {
	p := set.prep
	if p.cells == nil || !hex.HasExact(res) {
		return nil, false, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, true, err
	}
	r := res - hex.MinExactRes
	counts = map[int64]int64{}
	for _, i := range p.candidates(b, false) {
		if !b.Contains(p.lonlat[i]) || (q.Time != nil && !p.inWindow(q.Time, i)) {
			continue
		}
		counts[p.cells[int(i)*hex.ExactCount+r]]++
	}
	return counts, true, nil
}

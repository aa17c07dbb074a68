package postgis

import (
	"cmp"
	"slices"
	"sync"

	"minqing/layers"
)

// runRows is how many rows of a layer with cells the bulk path gathers
// and orders by place before copying them (after the first, smaller runs).
//
// An import arrives in the file's order (by time, for work orders), and
// PostgreSQL keeps rows where they were written: a tile's few thousand
// points then lie on as many heap pages, one page read per point. Copied
// in runs ordered by their res-11 cell (H3's order keeps a cell's
// neighbours and children together), a tile's points from one run are a
// few pages; over a million incidents in one street a z17 tile's 4,000
// points lie in 61 runs, a handful of pages each. The runs are
// gathered on their own goroutine while the previous one is copied; two of
// them are about 10 MB of encoded rows.
const runRows = 16384

// runs regroups the batches of in — input order, each encoded (done) or
// being encoded — into runs of consecutive rows, each ordered by its rows'
// keys (equal keys in input order), and sends them, done, on the channel it
// returns, which it closes after the last. The runs grow as the COPY blocks
// of a write without cells do (1, 4, 16, … rows, so that a one-row write
// takes one id and the first rows of a write are few), up to runRows. A
// batch with an error ends the run it falls in, which carries it after its
// rows, and the last run. Once stop is closed it drains in and sends
// nothing more. It runs under wg.
func runs(in <-chan *batch, stop <-chan struct{}, wg *sync.WaitGroup) <-chan *batch {
	out := make(chan *batch, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(out)
		defer func() {
			for range in { // the reader goroutine waits on in
			}
		}()
		var parts []part
		rows, target := 0, firstBlock
		send := func(err error) bool {
			if len(parts) == 0 && err == nil {
				return true
			}
			r := mergeRun(parts, rows, err)
			parts, rows = nil, 0
			target = min(target*4, runRows)
			select {
			case out <- r:
				return true
			case <-stop:
				return false
			}
		}
		for b := range in {
			select {
			case <-b.done:
			case <-stop:
				return
			}
			for from := 0; from < len(b.ends); {
				take := min(len(b.ends)-from, target-rows)
				parts = append(parts, part{b, from, from + take})
				rows += take
				from += take
				if rows == target && !send(nil) {
					return
				}
			}
			if b.err != nil {
				send(b.err)
				return
			}
		}
		send(nil)
	}()
	return out
}

// part is rows [from, to) of a batch.
type part struct {
	b        *batch
	from, to int
}

// mergeRun is one batch of parts' rows (n in all, consecutive in the
// input), ordered by key, each with its input position, carrying err.
func mergeRun(parts []part, n int, err error) *batch {
	type ref struct {
		key       uint64
		part, row int32
	}
	refs := make([]ref, 0, n)
	size := 0
	for i, p := range parts {
		for j := p.from; j < p.to; j++ {
			refs = append(refs, ref{p.b.keys[j], int32(i), int32(j)})
		}
		size += p.b.ends[p.to-1] - p.b.start(p.from)
	}
	// refs are in input order (part, then row), so ordering by key and
	// then by them keeps ties in input order, as a stable sort would; a
	// stable sort's merging by rotation took twice as long (BenchmarkMergeRun).
	slices.SortFunc(refs, func(a, b ref) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		if c := cmp.Compare(a.part, b.part); c != 0 {
			return c
		}
		return cmp.Compare(a.row, b.row)
	})
	r := &batch{
		rows:     make([]byte, 0, size),
		ends:     make([]int, 0, n),
		contacts: make([]*layers.Contact, 0, n),
		keys:     make([]uint64, 0, n),
		pos:      make([]int64, 0, n),
		err:      err,
		done:     make(chan struct{}),
	}
	if len(parts) > 0 {
		r.first = parts[0].b.first + int64(parts[0].from)
		if parts[0].b.rollups != nil {
			r.rollups = make([]rollupRow, 0, n)
		}
	}
	for i, p := range parts { // a batch's bound covers its rows
		if i == 0 {
			r.bound = p.b.bound
		} else {
			r.bound = r.bound.Union(p.b.bound)
		}
	}
	for _, x := range refs {
		b := parts[x.part].b
		r.rows = append(r.rows, b.rows[b.start(int(x.row)):b.ends[x.row]]...)
		r.ends = append(r.ends, len(r.rows))
		r.contacts = append(r.contacts, b.contacts[x.row])
		if r.rollups != nil {
			r.rollups = append(r.rollups, b.rollups[x.row])
		}
		r.keys = append(r.keys, x.key)
		r.pos = append(r.pos, b.first+int64(x.row))
	}
	close(r.done)
	return r
}

// start is where row i begins in b.rows.
func (b *batch) start(i int) int {
	if i == 0 {
		return 0
	}
	return b.ends[i-1]
}

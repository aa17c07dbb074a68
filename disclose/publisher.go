package disclose

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"minqing/geo/hex"
	"minqing/layers"
)

// Store is what a [Publisher] needs of a store: counts of the incidents,
// in all and per H3 cell. Every layers.Source is one.
type Store interface {
	layers.Counter
	layers.CellCounter
}

// Publisher makes and caches the published table of the incidents of one
// store, per month. When the store keeps month marks (layers.MonthMarker),
// a month's table is kept until a write changes that month's counts: a new
// incident today leaves every closed month alone. Otherwise it is keyed on
// the incidents layer's version, so that any write makes it recount. It is
// safe for concurrent use.
type Publisher struct {
	src   Store
	layer *layers.Layer
	k     int
	now   func() time.Time

	mu       sync.Mutex
	tables   map[Month]versioned
	first    versionedMonth
	marks    *marksRead          // the last read of the month marks
	building map[buildKey]*build // tables being counted, shared by every caller who asks meanwhile
	counts   int                 // tables counted from the store
}

// stamp is what a month's table is valid for: a version of the layer, or
// (marked) the month's mark, at any version.
type stamp struct {
	version int64
	marked  bool
	epoch   int64
	mark    int64
}

// buildKey is one month's table at one stamp.
type buildKey struct {
	month Month
	stamp stamp
}

// build is one count of a month's table under way.
type build struct {
	done  chan struct{}
	table *Table
	err   error
}

// buildTimeout bounds a shared count: it runs on after the caller who
// started it has gone (others may wait for it), but not for ever.
const buildTimeout = 2 * time.Minute

type versioned struct {
	stamp stamp
	table *Table
}

type versionedMonth struct {
	version int64
	ok      bool // the version has been looked at
	has     bool // the layer has incidents
	month   Month
	marks   *layers.MonthMarks // the marks it was found under (nil: none)
}

// marksRead is one read of the month marks for a version of the layer,
// shared by every caller at that version; marks and err are set before
// done is closed.
type marksRead struct {
	version int64
	done    chan struct{}
	marks   *layers.MonthMarks // nil: the store has none, or none to trust now
	err     error
}

// NewPublisher returns a publisher of the incidents layer l of src with
// threshold k (DefaultK when k ≤ 0). now tells the time (time.Now when nil):
// the month in progress is never published.
func NewPublisher(src Store, l *layers.Layer, k int, now func() time.Time) *Publisher {
	if k <= 0 {
		k = DefaultK
	}
	if now == nil {
		now = time.Now
	}
	return &Publisher{src: src, layer: l, k: k, now: now, tables: map[Month]versioned{}, building: map[buildKey]*build{}}
}

// Counted returns how many month tables the publisher has counted from
// the store so far (a cached table costs nothing).
func (p *Publisher) Counted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts
}

// K returns the publication threshold.
func (p *Publisher) K() int { return p.k }

// Layer returns the incidents layer published.
func (p *Publisher) Layer() *layers.Layer { return p.layer }

// Months returns the published months of the layer at version: from the
// month of the first incident to the last closed month. It returns nil when
// there is none.
func (p *Publisher) Months(ctx context.Context, version int64) ([]Month, error) {
	first, has, err := p.firstMonth(ctx, version)
	if err != nil || !has {
		return nil, err
	}
	return Span(first, LastClosed(p.now())), nil
}

// Bounds returns the first and last published months (ok false when none).
func (p *Publisher) Bounds(ctx context.Context, version int64) (first, last Month, ok bool, err error) {
	first, has, err := p.firstMonth(ctx, version)
	if err != nil || !has {
		return first, last, false, err
	}
	last = LastClosed(p.now())
	return first, last, !last.Before(first), nil
}

// firstMonth finds the month of the earliest incident by bisection on
// counts (about a dozen count queries per version).
func (p *Publisher) firstMonth(ctx context.Context, version int64) (Month, bool, error) {
	marks, err := p.marksAt(ctx, version)
	if err != nil {
		return Month{}, false, err
	}
	p.mu.Lock()
	f := p.first
	p.mu.Unlock()
	if f.ok && f.version == version {
		return f.month, f.has, nil
	}
	// The first month stays while no month up to it changed (with no
	// incident at all, while no month changed).
	if f.ok && marks != nil && f.marks != nil {
		last := ""
		if f.has {
			last = f.month.first()
		}
		if !f.marks.ChangedUpTo(*marks, last) {
			return f.month, f.has, nil
		}
	}
	countUpTo := func(m Month) (int64, error) {
		end := m.Range().End
		n, err := p.src.Count(ctx, p.layer, layers.Query{Role: layers.Staff, Time: &layers.TimeRange{End: end}})
		if err != nil {
			return 0, fmt.Errorf("disclose: count incidents up to %s: %w", m, err)
		}
		return n, nil
	}
	lo, hi := Month{1990, time.January}, MonthOf(p.now())
	n, err := countUpTo(hi)
	if err != nil {
		return Month{}, false, err
	}
	res := versionedMonth{version: version, ok: true, marks: marks}
	if n > 0 {
		if n, err = countUpTo(lo); err != nil {
			return Month{}, false, err
		}
		if n == 0 {
			// Invariant: nothing up to lo, something up to hi.
			for lo.Next() != hi {
				mid := midMonth(lo, hi)
				n, err := countUpTo(mid)
				if err != nil {
					return Month{}, false, err
				}
				if n > 0 {
					hi = mid
				} else {
					lo = mid
				}
			}
		} else {
			hi = lo
		}
		res.has, res.month = true, hi
	}
	p.mu.Lock()
	if !p.first.ok || p.first.version <= version {
		p.first = res
	}
	p.mu.Unlock()
	return res.month, res.has, nil
}

// midMonth returns a month halfway between lo and hi.
func midMonth(lo, hi Month) Month {
	a := lo.Year*12 + int(lo.Mon) - 1
	b := hi.Year*12 + int(hi.Mon) - 1
	m := (a + b) / 2
	return Month{m / 12, time.Month(m%12 + 1)}
}

// Tables returns the published tables of months at version (read in
// parallel, cached per month).
func (p *Publisher) Tables(ctx context.Context, version int64, months []Month) ([]*Table, error) {
	out := make([]*Table, len(months))
	errs := make([]error, len(months))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	marks, err := p.marksAt(ctx, version)
	if err != nil {
		return nil, err
	}
	for i, m := range months {
		if t := p.cached(p.stampOf(version, marks, m), m); t != nil {
			out[i] = t
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = p.Table(ctx, version, m)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// cached returns the cached table of m valid at st, or nil.
func (p *Publisher) cached(st stamp, m Month) *Table {
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.tables[m]; ok && v.stamp == st {
		return v.table
	}
	return nil
}

// stampOf returns what month m's table must have been counted under to be
// valid at version: its mark when marks are known, else the version.
func (p *Publisher) stampOf(version int64, marks *layers.MonthMarks, m Month) stamp {
	if marks == nil {
		return stamp{version: version}
	}
	return stamp{marked: true, epoch: marks.Epoch, mark: marks.Months[m.first()]}
}

// Stamp returns, for months at version, a text that is the same at two
// versions exactly when each of the months has the same published table at
// both (their month marks), so that what is made from those tables alone
// can be kept across writes that change none of them. ok is false when the
// store keeps no marks to trust now: key on the version instead.
func (p *Publisher) Stamp(ctx context.Context, version int64, months []Month) (string, bool, error) {
	marks, err := p.marksAt(ctx, version)
	if err != nil || marks == nil {
		return "", false, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "e%d", marks.Epoch)
	for _, m := range months {
		fmt.Fprintf(&b, " %s:%d", m, marks.Months[m.first()])
	}
	return b.String(), true, nil
}

// marksAt returns the store's month marks for the layer at version (read
// once per version, by one caller while the others wait), or nil when the
// store keeps none or they cannot be trusted now. The marks are read
// before any table is counted under them, so a table is never older than
// its mark.
func (p *Publisher) marksAt(ctx context.Context, version int64) (*layers.MonthMarks, error) {
	mm, ok := layers.As[layers.MonthMarker](p.src)
	if !ok {
		return nil, nil
	}
	p.mu.Lock()
	if r := p.marks; r != nil && r.version == version {
		p.mu.Unlock()
		select {
		case <-r.done:
			if r.err != nil {
				// The caller who read failed (perhaps it left): this one
				// reads for itself.
				return readMarks(ctx, mm)
			}
			return r.marks, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	r := &marksRead{version: version, done: make(chan struct{})}
	p.marks = r
	p.mu.Unlock()
	r.marks, r.err = readMarks(ctx, mm)
	if r.err != nil {
		p.mu.Lock()
		if p.marks == r {
			p.marks = nil // the next caller asks again
		}
		p.mu.Unlock()
	}
	close(r.done)
	return r.marks, r.err
}

// readMarks reads the store's month marks: nil when they cannot be trusted
// now.
func readMarks(ctx context.Context, mm layers.MonthMarker) (*layers.MonthMarks, error) {
	marks, ok, err := mm.MonthMarks(ctx)
	if err != nil || !ok {
		return nil, err
	}
	return &marks, nil
}

// Table returns the published table of month m at version. A month that is
// not closed yet has an empty table. Callers asking for the same month at
// the same version (or mark) while it is counted share the one count (a
// burst of public tiles after a write counts each month once), which runs
// on if the caller who started it leaves.
func (p *Publisher) Table(ctx context.Context, version int64, m Month) (*Table, error) {
	if LastClosed(p.now()).Before(m) {
		return &Table{Month: m, Cells: map[hex.Cell]*Family{}}, nil
	}
	marks, err := p.marksAt(ctx, version)
	if err != nil {
		return nil, err
	}
	st := p.stampOf(version, marks, m)
	if t := p.cached(st, m); t != nil {
		return t, nil
	}
	key := buildKey{m, st}
	p.mu.Lock()
	b, ok := p.building[key]
	if !ok {
		b = &build{done: make(chan struct{})}
		p.building[key] = b
		go func() {
			bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), buildTimeout)
			defer cancel()
			b.table, b.err = p.count(bctx, m)
			p.mu.Lock()
			delete(p.building, key)
			p.counts++
			if cur, ok := p.tables[m]; b.err == nil && (!ok || st.marked || cur.stamp.marked || cur.stamp.version <= st.version) {
				p.tables[m] = versioned{stamp: st, table: b.table}
			}
			p.mu.Unlock()
			close(b.done)
		}()
	}
	p.mu.Unlock()
	select {
	case <-b.done:
		return b.table, b.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// count counts month m's table from the store.
func (p *Publisher) count(ctx context.Context, m Month) (*Table, error) {
	r := m.Range()
	q := layers.Query{Role: layers.Staff, Time: &r}
	// Two store calls, not three: a cell's total is the sum of its counts
	// by category (incidents without one are grouped under "").
	raw := Raw{Totals: map[hex.Cell]int64{}, Parts: map[Dim]map[hex.Cell]map[string]int64{}}
	for _, d := range Dims {
		ccs, err := p.src.CellCounts(ctx, p.layer, Res, q, string(d))
		if err != nil {
			return nil, fmt.Errorf("disclose: counts of %s by %s: %w", m, d, err)
		}
		byCell := map[hex.Cell]map[string]int64{}
		for _, cc := range ccs {
			if byCell[cc.Cell] == nil {
				byCell[cc.Cell] = map[string]int64{}
			}
			byCell[cc.Cell][cc.Group] += cc.Count
			if d == Category {
				raw.Totals[cc.Cell] += cc.Count
			}
		}
		raw.Parts[d] = byCell
	}
	return Build(m, raw, p.k), nil
}

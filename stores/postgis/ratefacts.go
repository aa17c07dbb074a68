package postgis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"minqing/layers"
)

// The rate facts: the columns the three rates count, of every incident,
// kept in this process so that /rates tallies in Go over memory instead of
// fetching the window's rows from the table (0.1–0.2 s at a million
// incidents, most of it the index scan's scattered heap pages and the sorts
// of the medians). They are read whole once, then kept current from the
// change log: every version of the layer logs the ids its statement touched
// (layer_changes.ids, migration 00009) or, for a bulk write, their range; a
// refresh reads those rows again, in the same snapshot as the version. A
// version the log does not cover (a TRUNCATE, a version bumped by hand, a
// log trimmed past it) makes the facts be read whole again.
//
// A table whose heap is over rateSyncLoadBytes is read whole in the
// background; until it is there the rates are tallied in SQL, as before.
const (
	// rateFactsMax is the most incidents kept (about 110 bytes each);
	// over it the rates are tallied in SQL.
	rateFactsMax = 4_000_000
	// rateRereadMax is the most touched rows a refresh reads again; over
	// it the facts are read whole.
	rateRereadMax = 50_000
)

// rateSyncLoadBytes is the heap size up to which the facts are read whole
// in the request that needs them (a few hundred milliseconds at most).
var rateSyncLoadBytes int64 = 32 << 20

// noTime marks a missing timestamp in the facts.
const noTime = math.MinInt64

// rateFactsSQL reads the facts of the incidents (all, or those with the
// given ids): the four group columns, the status and the instants.
const rateFactsSQL = `SELECT id, community, patch, unit, category, status, received_at, dispatched_at IS NOT NULL,
       responded_at, resolved_at, response_due, resolution_due, visit_resolved, satisfied FROM %s`

// rateDims are the columns a tally groups on, in the order of
// rateTable.dim.
var rateDims = []string{"community", "patch", "unit", "category"}

const dimCategory = 3

// flag bits of rateTable.flags.
const (
	flagDispatched = 1 << iota
	flagVisitKnown
	flagVisitResolved
	flagSatisfiedKnown
	flagSatisfied
)

// rateTable is the facts of one layer at one version, column by column.
// Slot i is free when recv[i] is noTime (received_at is NOT NULL).
type rateTable struct {
	version int64
	slot    map[int64]int32
	free    []int32
	id      []int64
	// instants in microseconds since the Unix epoch (timestamptz's grain)
	recv, resp, res, rdue, sdue []int64
	dim                         [4][]uint32 // indexes into dict
	status                      []uint32
	flags                       []uint8
	dict                        []string // dict[0] is "" (also NULL)
	index                       map[string]uint32
}

func newRateTable(version int64) *rateTable {
	return &rateTable{version: version, slot: map[int64]int32{}, dict: []string{""}, index: map[string]uint32{"": 0}}
}

// intern returns b's index in the dictionary (nil: "").
func (t *rateTable) intern(b []byte) uint32 {
	if i, ok := t.index[string(b)]; ok {
		return i
	}
	i := uint32(len(t.dict))
	s := string(b)
	t.dict = append(t.dict, s)
	t.index[s] = i
	return i
}

// rateRow is one scanned row of rateFactsSQL.
type rateRow struct {
	id                       int64
	dims                     [4]pgtype.DriverBytes
	status                   pgtype.DriverBytes
	recv, resp, res, rd, sd  pgtype.Timestamptz
	dispatched               bool
	visitResolved, satisfied pgtype.Bool
}

func (r *rateRow) dest() []any {
	return []any{&r.id, &r.dims[0], &r.dims[1], &r.dims[2], &r.dims[3], &r.status, &r.recv, &r.dispatched,
		&r.resp, &r.res, &r.rd, &r.sd, &r.visitResolved, &r.satisfied}
}

func micros(t pgtype.Timestamptz) int64 {
	if !t.Valid {
		return noTime
	}
	return t.Time.UnixMicro()
}

// put stores r's facts, in its slot or a new one.
func (t *rateTable) put(r *rateRow) {
	i, ok := t.slot[r.id]
	if !ok {
		if n := len(t.free); n > 0 {
			i, t.free = t.free[n-1], t.free[:n-1]
		} else {
			i = int32(len(t.id))
			t.id = append(t.id, 0)
			t.recv, t.resp, t.res = append(t.recv, 0), append(t.resp, 0), append(t.res, 0)
			t.rdue, t.sdue = append(t.rdue, 0), append(t.sdue, 0)
			for d := range t.dim {
				t.dim[d] = append(t.dim[d], 0)
			}
			t.status, t.flags = append(t.status, 0), append(t.flags, 0)
		}
		t.slot[r.id] = i
	}
	t.id[i] = r.id
	t.recv[i], t.resp[i], t.res[i] = micros(r.recv), micros(r.resp), micros(r.res)
	t.rdue[i], t.sdue[i] = micros(r.rd), micros(r.sd)
	for d := range t.dim {
		t.dim[d][i] = t.intern(r.dims[d])
	}
	t.status[i] = t.intern(r.status)
	var f uint8
	if r.dispatched {
		f |= flagDispatched
	}
	if r.visitResolved.Valid {
		f |= flagVisitKnown
		if r.visitResolved.Bool {
			f |= flagVisitResolved
		}
	}
	if r.satisfied.Valid {
		f |= flagSatisfiedKnown
		if r.satisfied.Bool {
			f |= flagSatisfied
		}
	}
	t.flags[i] = f
}

// drop frees id's slot, if it has one.
func (t *rateTable) drop(id int64) {
	if i, ok := t.slot[id]; ok {
		delete(t.slot, id)
		t.recv[i] = noTime
		t.free = append(t.free, i)
	}
}

// tally counts the facts q selects as layers.RateCounter does (the same
// definition the SQL tally and casework/rates.Compute keep).
func (t *rateTable) tally(ctx context.Context, q layers.RateQuery) ([]layers.RateTally, layers.RateTally, error) {
	g := slices.Index(rateDims, q.GroupBy)
	if g < 0 {
		return nil, layers.RateTally{}, layers.Invalid("by", "by must be community, patch, unit or category")
	}
	lo, hi := int64(math.MinInt64+1), int64(math.MaxInt64)
	if q.Time != nil && q.Time.Start != nil {
		lo = q.Time.Start.UnixMicro() // as pgx sends it: the instant truncated to a microsecond
	}
	if q.Time != nil && q.Time.End != nil {
		hi = q.Time.End.UnixMicro()
	}
	var cats []bool // by dict index; nil: every category
	if q.Categories != nil {
		cats = make([]bool, len(t.dict))
		for _, c := range q.Categories {
			if i, ok := t.index[c]; ok {
				cats[i] = true
			}
		}
	}
	c := layers.NewRateCounter(q)
	in := func(i int) bool { // a free slot's noTime is below lo
		r := t.recv[i]
		return r >= lo && r <= hi && (cats == nil || cats[t.dim[dimCategory][i]])
	}
	// A first pass counts each group's incidents, so that their durations
	// are kept without growing slices.
	group, n := t.dim[g], len(t.id)
	sizes := make([]int, len(t.dict))
	for i := 0; i < n; i++ {
		if in(i) {
			sizes[group[i]]++
		}
	}
	handles := make([]*layers.RateGroup, len(t.dict)) // by dict index
	deadlines := make([]layers.RateDeadline, len(t.dict))
	for i, name := range t.dict {
		deadlines[i] = c.Deadline(name)
		if sizes[i] > 0 {
			handles[i] = c.Group(name)
			handles[i].Reserve(sizes[i])
		}
	}
	var (
		f                         layers.RateFacts
		tResp, tRes, tRdue, tSdue time.Time
		visitResolved, satisfied  bool
		at                        = func(us int64, v *time.Time) *time.Time { *v = time.UnixMicro(us); return v }
		cat, status, flags        = t.dim[dimCategory], t.status, t.flags
	)
	for i := 0; i < n; i++ {
		if i%(1<<16) == 0 && ctx.Err() != nil {
			return nil, layers.RateTally{}, wrap("rates", ctx.Err())
		}
		if !in(i) {
			continue
		}
		fl := flags[i]
		f = layers.RateFacts{Category: t.dict[cat[i]], Status: t.dict[status[i]], Deadline: &deadlines[cat[i]],
			Received: time.UnixMicro(t.recv[i]), Dispatched: fl&flagDispatched != 0}
		if v := t.resp[i]; v != noTime {
			f.Responded = at(v, &tResp)
		}
		if v := t.res[i]; v != noTime {
			f.Resolved = at(v, &tRes)
		}
		if v := t.rdue[i]; v != noTime {
			f.ResponseDue = at(v, &tRdue)
		}
		if v := t.sdue[i]; v != noTime {
			f.ResolutionDue = at(v, &tSdue)
		}
		if fl&flagVisitKnown != 0 {
			visitResolved = fl&flagVisitResolved != 0
			f.VisitResolved = &visitResolved
		}
		if fl&flagSatisfiedKnown != 0 {
			satisfied = fl&flagSatisfied != 0
			f.Satisfied = &satisfied
		}
		c.AddTo(handles[group[i]], &f)
	}
	groups, total := c.Tallies()
	return groups, total, nil
}

// rateFacts keeps the facts of the layers whose rates were asked for.
type rateFacts struct {
	mu     sync.Mutex
	layers map[string]*rateCache
}

// rateCache is one layer's facts.
type rateCache struct {
	refresh chan struct{} // a token: one refresh at a time, held to replace t
	mu      sync.RWMutex  // t's rows: read by tallies, written by refreshes
	t       *rateTable    // nil: not read yet (or being read again)
	loading atomic.Bool   // a background read is under way
	tooBig  atomic.Bool   // over rateFactsMax: tallied in SQL
	loads   atomic.Int64  // whole reads done
}

func (r *rateFacts) cache(layer string) *rateCache {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.layers == nil {
		r.layers = map[string]*rateCache{}
	}
	c := r.layers[layer]
	if c == nil {
		c = &rateCache{refresh: make(chan struct{}, 1)}
		r.layers[layer] = c
	}
	return c
}

// errStaleFacts: the log does not say which rows changed; read them all.
var errStaleFacts = errors.New("the change log does not cover the facts' version")

// tallyFromFacts tallies q from the facts, brought up to the layer's
// version first. ok is false when there are none to use yet: tally in SQL.
func (s *Store) tallyFromFacts(ctx context.Context, l *layers.Layer, q layers.RateQuery) (groups []layers.RateTally, total layers.RateTally, ok bool, err error) {
	c := s.rates.cache(l.Name)
	if c.tooBig.Load() {
		return nil, total, false, nil
	}
	if ok, err := s.refreshFacts(ctx, c, l); err != nil || !ok {
		return nil, total, false, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.t == nil { // dropped by another request's refresh since
		return nil, total, false, nil
	}
	groups, total, err = c.t.tally(ctx, q)
	return groups, total, err == nil, err
}

// refreshFacts brings c up to the layer's version: the touched rows read
// again, or everything (in the request when the table is small, else in
// the background). ok is false when c has no facts to tally from.
func (s *Store) refreshFacts(ctx context.Context, c *rateCache, l *layers.Layer) (ok bool, err error) {
	select { // a request waiting for another's refresh can still give up
	case c.refresh <- struct{}{}:
	case <-ctx.Done():
		return false, wrap("rates: facts", ctx.Err())
	}
	defer func() { <-c.refresh }()
	if c.t == nil {
		return s.loadFacts(ctx, c, l)
	}
	var v int64
	if err := s.reader().QueryRow(ctx, layerVersionSQL, l.Name).Scan(&v); err != nil {
		return false, wrap("rates: version", err)
	}
	if v <= c.t.version { // unchanged, or a replica behind what was read before
		return true, nil
	}
	err = s.readTouched(ctx, c, l)
	if errors.Is(err, errStaleFacts) {
		c.mu.Lock()
		c.t = nil
		c.mu.Unlock()
		return s.loadFacts(ctx, c, l)
	}
	return err == nil, err
}

// layerVersionSQL reads a layer's version (0 before its first write).
const layerVersionSQL = "SELECT coalesce((SELECT version FROM layer_versions WHERE layer = $1), 0)"

// factsSnapshot opens a read-only repeatable-read transaction on a reader
// and reads l's version in it: the facts read in it are those of that
// version. The caller rolls it back.
func (s *Store) factsSnapshot(ctx context.Context, l *layers.Layer) (pgx.Tx, int64, error) {
	tx, err := s.reader().BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, 0, wrap("rates: facts", err)
	}
	var v int64
	if err := tx.QueryRow(ctx, layerVersionSQL, l.Name).Scan(&v); err != nil {
		tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // the read failed already
		return nil, 0, wrap("rates: facts", err)
	}
	return tx, v, nil
}

// readTouched reads again the rows the changes since c's version touched,
// in one snapshot with the version they bring c to.
func (s *Store) readTouched(ctx context.Context, c *rateCache, l *layers.Layer) error {
	tx, v, err := s.factsSnapshot(ctx, l)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	from := c.t.version
	if v <= from {
		return nil
	}
	rows, err := tx.Query(ctx, "SELECT to_version, ids, id_lo, id_hi FROM layer_changes WHERE layer = $1 AND to_version > $2 AND to_version <= $3 ORDER BY to_version", l.Name, from, v)
	if err != nil {
		return wrap("rates: changes", err)
	}
	var (
		to     int64
		ids    []int64
		lo, hi pgtype.Int8
		want   []int64
		next   = from + 1
	)
	_, err = pgx.ForEachRow(rows, []any{&to, &ids, &lo, &hi}, func() error {
		if to != next || (ids == nil && !(lo.Valid && hi.Valid)) {
			return errStaleFacts
		}
		next++
		want = append(want, ids...)
		if lo.Valid && hi.Valid {
			if hi.Int64-lo.Int64 >= rateRereadMax {
				return errStaleFacts
			}
			for id := lo.Int64; id <= hi.Int64; id++ {
				want = append(want, id)
			}
		}
		if len(want) > rateRereadMax {
			return errStaleFacts
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, errStaleFacts) {
			return err
		}
		return wrap("rates: changes", err)
	}
	if next != v+1 {
		return errStaleFacts
	}
	slices.Sort(want)
	want = slices.Compact(want)
	rows, err = tx.Query(ctx, fmt.Sprintf(rateFactsSQL, ident(l.Name))+" WHERE id = ANY($1)", want)
	if err != nil {
		return wrap("rates: facts", err)
	}
	var r rateRow
	var got []rateRow
	found := map[int64]bool{}
	_, err = pgx.ForEachRow(rows, r.dest(), func() error {
		row := r
		for d := range row.dims { // DriverBytes point into the connection's buffer
			row.dims[d] = slices.Clone(row.dims[d])
		}
		row.status = slices.Clone(row.status)
		got = append(got, row)
		found[r.id] = true
		return nil
	})
	if err != nil {
		return wrap("rates: facts", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range got {
		c.t.put(&got[i])
	}
	for _, id := range want {
		if !found[id] {
			c.t.drop(id)
		}
	}
	c.t.version = v
	if len(c.t.slot) > rateFactsMax { // grown past the bound since read
		c.t = nil
		c.tooBig.Store(true)
	}
	return nil
}

// loadFacts reads the whole layer into c: now when its heap is small,
// else in the background (ok false: tally in SQL meanwhile). c.refresh is
// held.
func (s *Store) loadFacts(ctx context.Context, c *rateCache, l *layers.Layer) (ok bool, err error) {
	if c.loading.Load() {
		return false, nil
	}
	var size int64
	if err := s.reader().QueryRow(ctx, "SELECT pg_relation_size(to_regclass($1))", ident(l.Name)).Scan(&size); err != nil {
		return false, wrap("rates: facts", err)
	}
	if size <= rateSyncLoadBytes {
		t, err := s.readFacts(ctx, l)
		if err != nil || t == nil {
			return false, err
		}
		c.loads.Add(1)
		c.mu.Lock()
		c.t = t
		c.mu.Unlock()
		return true, nil
	}
	c.loading.Store(true)
	go func() {
		defer c.loading.Store(false)
		bg, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-s.closed:
				cancel()
			case <-bg.Done():
			}
		}()
		t, err := s.readFacts(bg, l)
		if err != nil || t == nil {
			return // the next request tries again (or tallies in SQL: tooBig)
		}
		c.loads.Add(1)
		c.refresh <- struct{}{}
		defer func() { <-c.refresh }()
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.t == nil || c.t.version < t.version {
			c.t = t
		}
	}()
	return false, nil
}

// readFacts reads every row's facts, in one snapshot with the layer's
// version. It returns nil (and marks c too big) past rateFactsMax rows.
func (s *Store) readFacts(ctx context.Context, l *layers.Layer) (*rateTable, error) {
	tx, v, err := s.factsSnapshot(ctx, l)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	rows, err := tx.Query(ctx, fmt.Sprintf(rateFactsSQL, ident(l.Name)))
	if err != nil {
		return nil, wrap("rates: facts", err)
	}
	t := newRateTable(v)
	var r rateRow
	errTooBig := errors.New("too many incidents to keep")
	_, err = pgx.ForEachRow(rows, r.dest(), func() error {
		if len(t.id) >= rateFactsMax {
			return errTooBig
		}
		t.put(&r)
		return nil
	})
	if errors.Is(err, errTooBig) {
		s.rates.cache(l.Name).tooBig.Store(true)
		return nil, nil
	}
	if err != nil {
		return nil, wrap("rates: facts", err)
	}
	return t, nil
}

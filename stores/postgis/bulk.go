package postgis

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
)

// The bulk write path (insert and replace): features are checked and
// encoded in PostgreSQL's binary COPY format by parallel workers while the
// reader keeps reading, and copied straight into the layer's table — no
// staging table, no INSERT … SELECT, no sort in SQL, no RETURNING (a
// layer with cells is copied in runs ordered by place: runs.go). Ids come
// from the layer's sequence in blocks fetched before each COPY and follow
// the input order, so the callers' contacts are copied too. When an import
// is at least as large as the table was, the table's secondary indexes and
// unique keys (and the contacts' foreign and primary keys) are dropped
// inside the transaction and built once at the end: a rollback restores
// them with everything else (deferidx.go).
// Likewise, past the first thousand incidents, the rollup trigger is
// turned off and the rollups of the rest are added up in Go and applied in
// one upsert at the end.

const (
	// bulkBatch is how many features a worker encodes at a time.
	bulkBatchSize = 512
	// firstBlock and maxBlock bound the ids fetched before one COPY; blocks
	// grow ×4 (1, 4, 16, … 65,536) so that a one-row intake takes exactly
	// one id, the rows of a write get consecutive ids up to the last block,
	// and a large import runs few COPY statements (about 24 for 1M rows).
	// A layer with cells is copied in runs instead (runs.go), which grow
	// the same way up to runRows, one COPY each (about 68 for 1M rows).
	firstBlock = 1
	maxBlock   = 65536
)

// deferAfter is the least number of rows written before the indexes are
// dropped to be built at the end (a variable for the tests).
var deferAfter int64 = 20000

// rollupsAfter is the number of incidents a write lets the rollup trigger
// count before it adds the rollups up itself: none, so that it takes no
// row lock on a rollup until just before it commits (a variable for the
// tests, which let a few rows through the trigger first).
var rollupsAfter int64

// bulkPlan is what a binary COPY into a layer's table needs.
type bulkPlan struct {
	l       *layers.Layer
	table   string // quoted
	cols    []string
	enc     []colEncoder // per field of l
	cells   bool
	withIDs bool
	checked bool // the features passed l.Check (WriteOptions.Checked)
	// rollups: the layer is layers.RollupLayer, whose rollups a large write
	// adds up in Go (see deferredIndexes.rollups).
	rollups bool
}

// rollupRow is what the rollups count of one row.
type rollupRow struct {
	received         time.Time
	category, source string
	cells            [hex.ExactCount]int64
}

// planBulk checks that every column of l's table has a type this path
// encodes; ok false means the caller writes the staging way.
func planBulk(ctx context.Context, tx pgx.Tx, l *layers.Layer, withIDs bool) (*bulkPlan, bool, error) {
	rows, err := tx.Query(ctx, "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped", ident(l.Name))
	if err != nil {
		return nil, false, wrap("write "+l.Name, err)
	}
	types := map[string]string{}
	var name, typ string
	if _, err := pgx.ForEachRow(rows, []any{&name, &typ}, func() error { types[name] = typ; return nil }); err != nil {
		return nil, false, wrap("write "+l.Name, err)
	}
	p := &bulkPlan{l: l, table: ident(l.Name), withIDs: withIDs, cells: layers.StoresCells(l)}
	p.rollups = p.cells && l.Name == layers.RollupLayer
	if types["id"] != "bigint" || types["geom"] != "geometry" {
		return nil, false, nil
	}
	p.cols = append(p.cols, "id")
	for _, f := range l.Fields {
		e, ok := encoderFor(f.Type, types[f.Name])
		if !ok {
			return nil, false, nil
		}
		p.enc = append(p.enc, e)
		p.cols = append(p.cols, ident(f.Name))
	}
	for _, c := range cellColumns(l) {
		if types[c] != "bigint" {
			return nil, false, nil
		}
		p.cols = append(p.cols, ident(c))
	}
	p.cols = append(p.cols, "geom")
	return p, true, nil
}

// encode checks f (unless p.checked; n: its 1-based position in the input) and appends its
// row; the id is f's own or a zero to be patched when the row is copied.
// With p.rollups it fills roll; with p.cells, key (the row's res-11 cell).
func (p *bulkPlan) encode(b []byte, f *layers.Feature, n int64, roll *rollupRow, key *uint64) ([]byte, error) {
	if f == nil {
		return b, layers.Invalid("", fmt.Sprintf("feature %d: no feature", n))
	}
	if (f.ID > 0) != p.withIDs {
		return b, layers.Invalid("", fmt.Sprintf("feature %d: either every feature has an id or none has", n))
	}
	cells, _, err := layers.PrepareCells(p.l, f, p.checked)
	if err != nil {
		return b, layers.Invalid("", fmt.Sprintf("feature %d: %v", n, err))
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(p.cols)))
	b = withLen(b, 8)
	b = binary.BigEndian.AppendUint64(b, uint64(f.ID))
	for i, fd := range p.l.Fields {
		v := f.Props[fd.Name]
		if v == nil {
			b = binary.BigEndian.AppendUint32(b, 0xffffffff)
			continue
		}
		if b, err = p.enc[i](b, v); err != nil {
			return b, layers.Invalid("", fmt.Sprintf("feature %d: %s must be %v", n, fd.Name, err))
		}
	}
	if p.cells {
		*key = uint64(cells[len(cells)-1])
		for _, c := range cells {
			b = withLen(b, 8)
			b = binary.BigEndian.AppendUint64(b, uint64(c))
		}
		if p.rollups {
			roll.received, _ = f.Props[layers.RollupTime].(time.Time)
			roll.category, _ = f.Props["category"].(string)
			roll.source, _ = f.Props["source"].(string)
			roll.cells = cells
		}
	}
	if b, err = appendGeom(b, f.Geometry); err != nil {
		return b, layers.Invalid("", fmt.Sprintf("feature %d: geometry: %v", n, err))
	}
	return b, nil
}

// idOffset is where a row's id value starts: after the field count and the
// id's length.
const idOffset = 2 + 4

// batch is a run of features in input order and, once done is closed,
// their encoded rows.
type batch struct {
	feats    []*layers.Feature
	first    int64             // input position of feats[0]
	rows     []byte            // the encoded rows, back to back
	ends     []int             // end offset of each row in rows
	contacts []*layers.Contact // per row: the caller, or nil
	rollups  []rollupRow       // per row (p.rollups)
	keys     []uint64          // per row: its res-11 cell, to order a run by (p.cells)
	pos      []int64           // per row: its input position, in a run (else first+i)
	bound    orb.Bound
	err      error // after the rows: the reader's error or a feature's
	done     chan struct{}
}

// pipeline reads features on one goroutine and encodes them on others,
// handing batches back in input order — or, for a layer with cells, in
// runs each ordered by place (runs.go).
type pipeline struct {
	order chan *batch
	out   <-chan *batch // order, or its runs
	stop  chan struct{}
	wg    sync.WaitGroup
}

func startPipeline(p *bulkPlan, r layers.FeatureReader) *pipeline {
	workers := max(1, runtime.GOMAXPROCS(0))
	pl := &pipeline{order: make(chan *batch, 4*workers), stop: make(chan struct{})}
	pl.out = pl.order
	if p.cells {
		pl.out = runs(pl.order, pl.stop, &pl.wg)
	}
	jobs := make(chan *batch, 4*workers)
	for range workers {
		pl.wg.Add(1)
		go func() {
			defer pl.wg.Done()
			for b := range jobs {
				p.encodeBatch(b)
				close(b.done)
			}
		}()
	}
	pl.wg.Add(1)
	go func() {
		defer pl.wg.Done()
		defer close(jobs)
		defer close(pl.order)
		n := int64(0)
		for {
			b := &batch{first: n + 1, feats: make([]*layers.Feature, 0, bulkBatchSize), done: make(chan struct{})}
			for len(b.feats) < bulkBatchSize {
				f, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.err = err
					break
				}
				n++
				b.feats = append(b.feats, f)
			}
			last := b.err != nil || len(b.feats) < bulkBatchSize
			select {
			case pl.order <- b:
			case <-pl.stop:
				return
			}
			select {
			case jobs <- b:
			case <-pl.stop:
				close(b.done)
				return
			}
			if last {
				return
			}
		}
	}()
	return pl
}

// close stops the pipeline and waits for its goroutines: the reader is not
// called again once close returns.
func (pl *pipeline) close() {
	close(pl.stop)
	for b := range pl.out { // unblock the reader goroutine (and the runs')
		_ = b
	}
	pl.wg.Wait()
}

func (p *bulkPlan) encodeBatch(b *batch) {
	b.rows = make([]byte, 0, len(b.feats)*256)
	b.ends = make([]int, 0, len(b.feats))
	b.contacts = make([]*layers.Contact, 0, len(b.feats))
	var roll *rollupRow
	if p.rollups {
		b.rollups = make([]rollupRow, len(b.feats))
	}
	for i, f := range b.feats {
		if p.rollups {
			roll = &b.rollups[i]
		}
		var key uint64
		rows, err := p.encode(b.rows, f, b.first+int64(i), roll, &key)
		if err != nil { // b.rows still ends after the last good row
			b.err = err
			break
		}
		if p.cells {
			b.keys = append(b.keys, key)
		}
		b.rows = rows
		b.ends = append(b.ends, len(rows))
		c := f.Contact
		if c != nil && c.Name == "" && c.Phone == "" {
			c = nil
		}
		b.contacts = append(b.contacts, c)
		gb := f.Geometry.Bound()
		if i == 0 {
			b.bound = gb
		} else {
			b.bound = b.bound.Union(gb)
		}
	}
	b.feats = nil
}

// copier is the io.Reader of one COPY at a time: it hands out the rows of
// the pipeline's batches, up to the block's ids, patching in each row's id.
type copier struct {
	pl       *pipeline
	withIDs  bool
	cur      *batch
	pos      int // next row of cur
	eof      bool
	err      error // the reader's or a feature's error: the write fails with it
	n        int64 // rows copied in all
	bounds   orb.Bound
	ids      []int64 // the current block's ids (not withIDs)
	left     int     // rows still allowed in the current block
	pending  []byte
	started  bool    // the current COPY's signature is out
	ended    bool    // the current COPY's trailer is out
	firstIDs []int64 // by input position, up to maxResultIDs
	lines    []int64 // the input position of each row of the current COPY
	lo, hi   int64   // the range of the ids copied (when n > 0)
	contacts []byte  // the current block's contacts, as binary COPY rows
	ncontact int64
	progress func(int64)
	// delta adds up the rollups of the rows copied while the rollup
	// trigger is off (nil: it is on).
	delta *layers.RollupDelta
	// blocks are the ids fetched for each COPY and the input position of
	// the first (not withIDs), to name the feature of a duplicate key found
	// when the keys are built at the end.
	blocks []idBlock
}

// idBlock is one COPY's ids: the k-th is that of the feature at input
// position pos+k. Consecutive ids (the usual case) are kept as first and n.
type idBlock struct {
	pos, first, n int64
	ids           []int64 // when not consecutive
}

// record keeps the ids of the COPY about to start, whose first row is at
// input position pos.
func (c *copier) record(pos int64, ids []int64) {
	if len(ids) == 0 {
		return
	}
	b := idBlock{pos: pos, first: ids[0], n: int64(len(ids))}
	for i, id := range ids {
		if id != ids[0]+int64(i) {
			b.ids = ids
			break
		}
	}
	c.blocks = append(c.blocks, b)
}

// position is the input position of the feature given id, or 0 when id is
// not one of this write's.
func (c *copier) position(id int64) int64 {
	for _, b := range c.blocks {
		if b.ids == nil {
			if id >= b.first && id < b.first+b.n {
				return b.pos + id - b.first
			}
			continue
		}
		for k, v := range b.ids {
			if v == id {
				return b.pos + int64(k)
			}
		}
	}
	return 0
}

// peek makes a row available in cur, or sets eof or err; it reports
// whether a row is there.
func (c *copier) peek() bool {
	for c.err == nil && !c.eof {
		if c.cur != nil && c.pos < len(c.cur.ends) {
			return true
		}
		if c.cur != nil && c.cur.err != nil {
			c.err = c.cur.err
			return false
		}
		b, ok := <-c.pl.out
		if !ok {
			c.eof = true
			return false
		}
		<-b.done
		if len(b.ends) > 0 {
			if c.n == 0 && c.cur == nil {
				c.bounds = b.bound
			} else {
				c.bounds = c.bounds.Union(b.bound)
			}
		}
		c.cur, c.pos = b, 0
	}
	return false
}

// begin starts a COPY of up to size rows; ids are theirs (not withIDs).
func (c *copier) begin(size int, ids []int64) {
	c.left, c.ids, c.started, c.ended = size, ids, false, false
	c.contacts = c.contacts[:0]
	c.ncontact = 0
	c.lines = c.lines[:0]
}

// Read fills p with as many rows as fit: pgx sends what one Read returns
// as one CopyData message (and one write), so a row a Read would cost a
// system call a row.
func (c *copier) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(c.pending) > 0 {
			k := copy(p[n:], c.pending)
			c.pending = c.pending[k:]
			n += k
			continue
		}
		switch {
		case !c.started:
			c.started = true
			c.pending = copySignature
		case c.ended:
			if n > 0 {
				return n, nil
			}
			return 0, io.EOF
		case c.left == 0 || !c.peek():
			if c.err != nil {
				if n > 0 {
					return n, nil // the error comes with the next Read
				}
				return 0, c.err
			}
			c.ended = true
			c.pending = copyTrailer
		default:
			c.next()
		}
	}
	return n, nil
}

// next queues the next row of cur.
func (c *copier) next() {
	row := c.cur.rows[c.cur.start(c.pos):c.cur.ends[c.pos]]
	var id int64
	if c.withIDs {
		id = int64(binary.BigEndian.Uint64(row[idOffset:]))
	} else {
		if c.cur.pos != nil {
			// A run, copied whole: its ids follow its rows' input order.
			id = c.ids[c.cur.pos[c.pos]-c.cur.first]
		} else {
			id = c.ids[len(c.ids)-c.left]
		}
		binary.BigEndian.PutUint64(row[idOffset:], uint64(id))
	}
	if ct := c.cur.contacts[c.pos]; ct != nil {
		b := binary.BigEndian.AppendUint16(c.contacts, 3)
		b = withLen(b, 8)
		b = binary.BigEndian.AppendUint64(b, uint64(id))
		b = appendNullableText(b, ct.Name)
		c.contacts = appendNullableText(b, ct.Phone)
		c.ncontact++
	}
	if c.delta != nil {
		r := &c.cur.rollups[c.pos]
		c.delta.Add(r.received, r.category, r.source, r.cells[:], 1)
	}
	pos := c.cur.first + int64(c.pos)
	if c.cur.pos != nil {
		pos = c.cur.pos[c.pos]
	}
	c.lines = append(c.lines, pos)
	if pos <= maxResultIDs {
		for int64(len(c.firstIDs)) < pos {
			c.firstIDs = append(c.firstIDs, 0)
		}
		c.firstIDs[pos-1] = id
	}
	if c.n == 0 || id < c.lo {
		c.lo = id
	}
	if c.n == 0 || id > c.hi {
		c.hi = id
	}
	c.pos++
	c.left--
	c.n++
	if c.progress != nil && c.n%10000 == 0 {
		c.progress(c.n)
	}
	c.pending = row
}

func appendNullableText(b []byte, s string) []byte {
	if s == "" {
		return binary.BigEndian.AppendUint32(b, 0xffffffff)
	}
	b = withLen(b, len(s))
	return append(b, s...)
}

// contactsLayer is the layer whose features may carry a caller's contact.
const contactsLayer = "incidents"

// maxResultIDs is how many ids a WriteResult lists.
const maxResultIDs = 10000

// bulkWrite copies r into l's table (insert or, after the caller emptied it,
// replace). existing is how many rows the table held before.
func (s *Store) bulkWrite(ctx context.Context, tx pgx.Tx, p *bulkPlan, r layers.FeatureReader, existing int64, progress func(int64)) (layers.WriteResult, error) {
	var res layers.WriteResult
	l := p.l
	pl := startPipeline(p, r)
	defer pl.close()
	c := &copier{pl: pl, withIDs: p.withIDs, progress: progress}
	conn := tx.Conn().PgConn()
	seq := "pg_get_serial_sequence(" + quoteLiteralName(l.Name) + ", 'id')"
	copySQL := "COPY " + p.table + " (" + strings.Join(p.cols, ", ") + ") FROM STDIN (FORMAT binary)"
	var def *deferredIndexes
	rollupsOff := false
	size := firstBlock
	// The layer's version is bumped once, at the end (log_layer_write),
	// not by each COPY: other writers of the layer do not wait for this one.
	if _, err := tx.Exec(ctx, "SELECT set_config('minqing.versions_deferred', 'on', true)"); err != nil {
		return res, wrap("write "+l.Name+": versions", err)
	}
	// The sequence is looked up once: named in the nextval of every row,
	// pg_get_serial_sequence (a catalog search) ran per id, 190 ms for a
	// block of 65,536 ids against 34 ms by its oid.
	var seqOID uint32
	if !p.withIDs {
		if err := tx.QueryRow(ctx, "SELECT "+seq+"::regclass::oid").Scan(&seqOID); err != nil {
			return res, wrap("write "+l.Name+": ids", err)
		}
	}
	for c.peek() {
		if p.rollups && !rollupsOff && c.n >= rollupsAfter {
			var err error
			if rollupsOff, err = disableRollups(ctx, tx, l); err != nil {
				return res, err
			}
			if rollupsOff {
				c.delta = layers.NewRollupDelta(beijingDay)
			}
		}
		if c.cur.pos != nil {
			// A run (runs.go) is copied by one COPY, whatever its size.
			size = len(c.cur.ends) - c.pos
		}
		var ids []int64
		if !p.withIDs {
			rows, err := tx.Query(ctx, "SELECT nextval($1::oid) FROM generate_series(1, $2)", seqOID, size)
			if err != nil {
				return res, wrap("write "+l.Name+": ids", err)
			}
			if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return res, wrap("write "+l.Name+": ids", err)
			}
		}
		if c.cur.pos != nil {
			c.record(c.cur.first, ids)
		} else {
			c.record(c.cur.first+int64(c.pos), ids)
		}
		c.begin(size, ids)
		if _, err := conn.CopyFrom(ctx, c, copySQL); err != nil {
			if c.err != nil {
				return res, c.err
			}
			return res, copyError(l, c.lines, err)
		}
		if c.err != nil {
			return res, c.err
		}
		if c.ncontact > 0 && l.Name == contactsLayer {
			data := make([]byte, 0, len(copySignature)+len(c.contacts)+2)
			data = append(append(append(data, copySignature...), c.contacts...), copyTrailer...)
			if _, err := conn.CopyFrom(ctx, &byteReader{b: data}, "COPY incident_contacts (incident_id, name, phone) FROM STDIN (FORMAT binary)"); err != nil {
				return res, wrap("write "+l.Name+": contacts", err)
			}
		}
		if def == nil && c.n >= deferAfter && c.n >= existing && c.peek() {
			var err error
			if def, err = deferIndexes(ctx, tx, l); err != nil {
				return res, err
			}
		}
		size = min(size*4, maxBlock)
	}
	if c.err != nil {
		return res, c.err
	}
	if rollupsOff {
		if err := applyRollups(ctx, tx, l, c.delta); err != nil {
			return res, wrap("write "+l.Name+": rollups", err)
		}
	}
	if def != nil {
		if err := def.restore(ctx, tx); err != nil {
			var dup *duplicateKeyError
			if errors.As(err, &dup) {
				return res, c.duplicate(l, dup)
			}
			return res, wrap("write "+l.Name+": rebuild indexes", err)
		}
	}
	if p.withIDs && c.n > 0 {
		if _, err := tx.Exec(ctx, "SELECT setval("+seq+", GREATEST((SELECT max(id) FROM "+p.table+"), 1))"); err != nil {
			return res, wrap("write "+l.Name+": sequence", err)
		}
	}
	if _, err := tx.Exec(ctx, "SELECT set_config('minqing.versions_deferred', 'off', true)"); err != nil {
		return res, wrap("write "+l.Name+": versions", err)
	}
	if c.n > 0 {
		b := c.bounds
		if _, err := tx.Exec(ctx, "SELECT log_layer_write($1, $2, $3, $4, $5, $6, $7)", l.Name, b.Min[0], b.Min[1], b.Max[0], b.Max[1], c.lo, c.hi); err != nil {
			return res, wrap("write "+l.Name+": versions", err)
		}
	}
	res.Inserted = c.n
	res.IDs = c.firstIDs
	res.Bounds = c.bounds
	return res, nil
}

// duplicate names, as bad input, the feature of this write that holds a
// key another feature holds too: the last in input order of dup's rows
// (with ids given, the feature with the highest of those ids).
func (c *copier) duplicate(l *layers.Layer, dup *duplicateKeyError) error {
	what := "feature"
	if c.withIDs && len(dup.ids) > 0 {
		what = fmt.Sprintf("the feature with id %d", dup.ids[len(dup.ids)-1]) // ids are sorted
	} else if !c.withIDs {
		var last int64
		for _, id := range dup.ids {
			last = max(last, c.position(id))
		}
		if last > 0 {
			what = fmt.Sprintf("feature %d", last)
		}
	}
	detail := strings.TrimSuffix(strings.TrimPrefix(dup.detail, "Key "), ".")
	return layers.Invalid("", fmt.Sprintf("%s: another feature of %s has the same key (%s)", what, l.Name, detail))
}

// byteReader reads b (bytes.Reader without the seeking).
type byteReader struct{ b []byte }

func (r *byteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// copyLine finds the row a COPY error names ("COPY incidents, line 12").
var copyLine = regexp.MustCompile(`COPY [^,]+, line (\d+)`)

// copyError names the feature a constraint rejected (a duplicate key or
// id) as bad input; other errors are the store's. lines are the input
// positions of the COPY's rows.
func copyError(l *layers.Layer, lines []int64, err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		return wrap("write "+l.Name, err)
	}
	what := "feature"
	if m := copyLine.FindStringSubmatch(pe.Where); m != nil {
		if line, perr := strconv.ParseInt(m[1], 10, 64); perr == nil && line >= 1 && line <= int64(len(lines)) {
			what = fmt.Sprintf("feature %d", lines[line-1])
		}
	}
	detail := strings.TrimSuffix(strings.TrimPrefix(pe.Detail, "Key "), ".")
	if detail == "" {
		detail = pe.ConstraintName
	}
	return layers.Invalid("", fmt.Sprintf("%s: another feature of %s has the same key (%s)", what, l.Name, detail))
}

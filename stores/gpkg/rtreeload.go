package gpkg

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"minqing/geo"
)

// The R-tree of a large insert, written whole. SQLite inserts into an
// R-tree one entry at a time, choosing a leaf and splitting full nodes as it
// goes: about 12 µs an entry, over half the time of a million-row import
// even with the entries in Hilbert order. A bulk write instead gathers its
// entries and, before it commits, writes the tree's three shadow tables
// itself, as GDAL does for a GeoPackage it creates: the leaves are runs of
// the entries along a Hilbert curve of their centres, each level above is
// runs of the level below, up to the root (node 1). The layout is SQLite's
// (rtree.c): a node is a blob of the table's node size — a 2-byte depth
// (root only), a 2-byte cell count, then the cells, each an 8-byte id and
// the box as four float32 (minx, maxx, miny, maxy), all big-endian; <t>_rowid
// maps each entry to its leaf and <t>_parent each node to its parent. The
// boxes are rounded outward to float32 exactly as SQLite rounds them, so the
// tree answers every query as one built entry by entry would.

// rtreeCell is the size of a cell of a 2-D R-tree: an id and four float32.
const rtreeCell = 8 + 4*4

// rtreeBatch is the rows written per INSERT into the shadow tables.
const rtreeBatch = 256

// rtreeEntry is one entry of a GeoPackage R-tree: a feature's id and its
// box as SQLite stores it.
type rtreeEntry struct {
	id                     int64
	minx, maxx, miny, maxy float32
}

// newRtreeEntry is the entry of feature id with bound b.
func newRtreeEntry(id int64, b orb.Bound) rtreeEntry {
	return rtreeEntry{id, rtreeDown(b.Min[0]), rtreeUp(b.Max[0]), rtreeDown(b.Min[1]), rtreeUp(b.Max[1])}
}

// rtreeDown is d as a float32 no greater than d (rtree.c's rtreeValueDown:
// the nearest float32, or the next one towards -∞ when that is above d).
func rtreeDown(d float64) float32 {
	f := float32(d)
	if float64(f) > d {
		f = rtreeStep(f, -1)
	}
	return f
}

// rtreeUp is d as a float32 no less than d (rtreeValueUp).
func rtreeUp(d float64) float32 {
	f := float32(d)
	if float64(f) < d {
		f = rtreeStep(f, +1)
	}
	return f
}

// rtreeStep moves f by one unit in the last place, up (+1) or down (-1),
// as rtree.c does on the bits (a negative number's magnitude grows going
// down).
func rtreeStep(f float32, dir int) float32 {
	x := math.Float32bits(f)
	if (x&0x80000000 != 0) == (dir < 0) {
		x++
	} else {
		x--
	}
	return math.Float32frombits(x)
}

// rtreeNode is a node being packed: its number, its box and where its cells
// are in the level below (entries for a leaf).
type rtreeNode struct {
	no                     int64
	minx, maxx, miny, maxy float32
	from, to               int
}

// loadRtree makes the 2-D R-tree table name hold its current entries and
// added (an added entry replaces a current one of the same id, as INSERT OR
// REPLACE does, and the last of added entries with one id), by writing its
// shadow tables whole inside tx; fresh: added only, the current entries
// dropped (their rows are gone). It reuses (and reorders) added's memory.
func loadRtree(ctx context.Context, tx *sql.Tx, name string, added []rtreeEntry, fresh bool) error {
	var size, cols int
	if err := tx.QueryRowContext(ctx, "SELECT length(data) FROM "+ident(name+"_node")+" WHERE nodeno = 1").Scan(&size); err != nil {
		return fmt.Errorf("%s: node size: %w", name, err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info(?1)", name).Scan(&cols); err != nil {
		return fmt.Errorf("%s: columns: %w", name, err)
	}
	fanout := (size - 4) / rtreeCell
	if cols != 5 || fanout < 2 {
		return fmt.Errorf("%s: not a 2-D R-tree of nodes of at least two cells (%d columns, %d-byte nodes)", name, cols, size)
	}
	var current []rtreeEntry
	if !fresh {
		var err error
		if current, err = rtreeEntries(ctx, tx, name); err != nil {
			return err
		}
	}
	for _, e := range added {
		if !(e.minx <= e.maxx && e.miny <= e.maxy) { // as SQLite refuses it
			return fmt.Errorf("%s: the box of %d has a minimum above its maximum", name, e.id)
		}
	}
	all := mergeEntries(added, current)

	// The entries along the Hilbert curve of their centres, over the grid of
	// 2^16 × 2^16 cells that covers them.
	order := hilbertOrder(all)

	// The levels, leaves first; each node holds an even share of the level
	// below, at most fanout.
	var levels [][]rtreeNode
	next := int64(2)
	for n := len(all); ; {
		count := (n + fanout - 1) / fanout
		if count == 0 {
			count = 1 // an empty tree is an empty root
		}
		level := make([]rtreeNode, count)
		for i := range level {
			level[i] = rtreeNode{no: next, from: i * n / count, to: (i + 1) * n / count}
			next++
		}
		levels = append(levels, level)
		if count == 1 {
			level[0].no = 1
			break
		}
		n = count
	}

	for _, t := range []string{"_node", "_rowid", "_parent"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+ident(name+t)); err != nil {
			return fmt.Errorf("%s: clear %s: %w", name, t, err)
		}
	}
	nodes, err := tx.PrepareContext(ctx, "INSERT INTO "+ident(name+"_node")+" (nodeno, data) VALUES (?1, ?2)")
	if err != nil {
		return err
	}
	defer nodes.Close()
	leafOf := make([]int32, len(all)) // the leaf of each entry, in id order
	var parents []int64               // (node, parent) pairs
	blob := make([]byte, size)
	for depth, level := range levels {
		root := depth == len(levels)-1
		for i := range level {
			nd := &level[i]
			clear(blob)
			if root {
				binary.BigEndian.PutUint16(blob, uint16(depth))
			}
			binary.BigEndian.PutUint16(blob[2:], uint16(nd.to-nd.from))
			for j := nd.from; j < nd.to; j++ {
				var c rtreeEntry
				if depth == 0 {
					c = all[order[j]]
					leafOf[order[j]] = int32(nd.no)
				} else {
					below := levels[depth-1][j]
					c = rtreeEntry{below.no, below.minx, below.maxx, below.miny, below.maxy}
					parents = append(parents, below.no, nd.no)
				}
				putCell(blob[4+(j-nd.from)*rtreeCell:], c)
				if j == nd.from {
					nd.minx, nd.maxx, nd.miny, nd.maxy = c.minx, c.maxx, c.miny, c.maxy
				} else {
					nd.minx, nd.maxx = min(nd.minx, c.minx), max(nd.maxx, c.maxx)
					nd.miny, nd.maxy = min(nd.miny, c.miny), max(nd.maxy, c.maxy)
				}
			}
			if _, err := nodes.ExecContext(ctx, nd.no, blob); err != nil {
				return fmt.Errorf("%s: node %d: %w", name, nd.no, err)
			}
		}
	}
	err = insertPairs(ctx, tx, name+"_rowid", "rowid, nodeno", len(all), func(i int) (int64, int64) { return all[i].id, int64(leafOf[i]) })
	if err != nil {
		return err
	}
	return insertPairs(ctx, tx, name+"_parent", "nodeno, parentnode", len(parents)/2, func(i int) (int64, int64) { return parents[2*i], parents[2*i+1] })
}

// rtreeEntries reads the entries of the R-tree table name.
func rtreeEntries(ctx context.Context, tx *sql.Tx, name string) ([]rtreeEntry, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, minx, maxx, miny, maxy FROM "+ident(name))
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	defer rows.Close()
	var out []rtreeEntry
	for rows.Next() {
		var e rtreeEntry
		var b [4]float64 // float32 values, exact as float64
		if err := rows.Scan(&e.id, &b[0], &b[1], &b[2], &b[3]); err != nil {
			return nil, fmt.Errorf("%s: read: %w", name, err)
		}
		e.minx, e.maxx, e.miny, e.maxy = float32(b[0]), float32(b[1]), float32(b[2]), float32(b[3])
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	return out, nil
}

// mergeEntries is added and current (entries with distinct ids) by id, an
// added entry replacing a current one of its id, and the last of added
// entries with one id kept. It reuses added's memory: a bulk write adds at
// least as many rows as the table held, and its entries come in id order,
// so mostly there is nothing to sort and the current entries fit in the
// spare room of added.
func mergeEntries(added, current []rtreeEntry) []rtreeEntry {
	byID := func(a, b rtreeEntry) int { return cmp.Compare(a.id, b.id) }
	if !slices.IsSortedFunc(added, byID) {
		slices.SortStableFunc(added, byID)
	}
	kept := added[:0]
	for i, e := range added {
		if i+1 < len(added) && added[i+1].id == e.id {
			continue
		}
		kept = append(kept, e)
	}
	slices.SortFunc(current, byID)
	rest := current[:0]
	for _, e := range current {
		if _, found := slices.BinarySearchFunc(kept, e.id, func(a rtreeEntry, id int64) int { return cmp.Compare(a.id, id) }); !found {
			rest = append(rest, e)
		}
	}
	// Merged from the back, into the room after kept.
	n, m := len(kept), len(rest)
	all := slices.Grow(kept, m)[:n+m]
	for i, j, k := n-1, m-1, n+m-1; j >= 0; k-- {
		if i >= 0 && all[i].id > rest[j].id {
			all[k], i = all[i], i-1
		} else {
			all[k], j = rest[j], j-1
		}
	}
	return all
}

// hilbertOrder is the indexes of es in the Hilbert order of their centres.
func hilbertOrder(es []rtreeEntry) []int32 {
	order := make([]int32, len(es))
	if len(es) == 0 {
		return order
	}
	cx := func(e rtreeEntry) float64 { return (float64(e.minx) + float64(e.maxx)) / 2 }
	cy := func(e rtreeEntry) float64 { return (float64(e.miny) + float64(e.maxy)) / 2 }
	// The grid covers the finite centres; a box reaching past float32's
	// range (an infinite centre) goes to the grid's edge.
	x0, x1, y0, y1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, e := range es {
		if x := cx(e); !math.IsInf(x, 0) {
			x0, x1 = min(x0, x), max(x1, x)
		}
		if y := cy(e); !math.IsInf(y, 0) {
			y0, y1 = min(y0, y), max(y1, y)
		}
	}
	const cells = 1 << 16
	scale := func(v, lo, hi float64) uint64 {
		switch {
		case !(v > lo): // also NaN
			return 0
		case !(v < hi):
			return cells - 1
		}
		return uint64(min((v-lo)/(hi-lo)*cells, cells-1))
	}
	type keyed struct {
		key uint64
		i   int32
	}
	ks := make([]keyed, len(es))
	for i, e := range es {
		ks[i] = keyed{geo.Hilbert(16, scale(cx(e), x0, x1), scale(cy(e), y0, y1)), int32(i)}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	for j, k := range ks {
		order[j] = k.i
	}
	return order
}

// putCell writes c as a cell at the start of p.
func putCell(p []byte, c rtreeEntry) {
	binary.BigEndian.PutUint64(p, uint64(c.id))
	binary.BigEndian.PutUint32(p[8:], math.Float32bits(c.minx))
	binary.BigEndian.PutUint32(p[12:], math.Float32bits(c.maxx))
	binary.BigEndian.PutUint32(p[16:], math.Float32bits(c.miny))
	binary.BigEndian.PutUint32(p[20:], math.Float32bits(c.maxy))
}

// insertPairs inserts n rows of two integer columns into table, pair(i)
// the i-th, rtreeBatch rows a statement.
func insertPairs(ctx context.Context, tx *sql.Tx, table, columns string, n int, pair func(i int) (int64, int64)) error {
	prepare := func(rows int) (*sql.Stmt, error) {
		values := strings.TrimSuffix(strings.Repeat("(?, ?), ", rows), ", ")
		return tx.PrepareContext(ctx, "INSERT INTO "+ident(table)+" ("+columns+") VALUES "+values)
	}
	args := make([]any, 0, 2*rtreeBatch)
	var batch *sql.Stmt
	for i := 0; i < n; {
		rows := min(rtreeBatch, n-i)
		st := batch
		if rows < rtreeBatch || batch == nil {
			var err error
			if st, err = prepare(rows); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
			if rows == rtreeBatch {
				batch = st
				defer batch.Close()
			} else {
				defer st.Close()
			}
		}
		args = args[:0]
		for j := i; j < i+rows; j++ {
			a, b := pair(j)
			args = append(args, a, b)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		i += rows
	}
	return nil
}

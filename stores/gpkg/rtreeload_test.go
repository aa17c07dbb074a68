package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// openRtrees opens a fresh SQLite file with the 2-D R-tree tables names.
func openRtrees(t testing.TB, names ...string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "rtree.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	for _, n := range names {
		if _, err := db.Exec("CREATE VIRTUAL TABLE " + ident(n) + " USING rtree(id, minx, maxx, miny, maxy)"); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// insertBoxes inserts boxes into R-tree table name through SQLite, one at a
// time, as the GeoPackage triggers do.
func insertBoxes(t testing.TB, db *sql.DB, name string, ids []int64, boxes []orb.Bound) {
	t.Helper()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	st, err := tx.Prepare("INSERT OR REPLACE INTO " + ident(name) + " VALUES (?1, ?2, ?3, ?4, ?5)")
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range boxes {
		if _, err := st.Exec(ids[i], b.Min[0], b.Max[0], b.Min[1], b.Max[1]); err != nil {
			t.Fatalf("insert %d %v: %v", ids[i], b, err)
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// rtreeRows is every entry of R-tree table name, by id, as text that keeps
// each float32 exactly.
func rtreeRows(t testing.TB, db *sql.DB, name string) []string {
	t.Helper()
	rows, err := db.Query("SELECT id, minx, maxx, miny, maxy FROM " + ident(name) + " ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		var b [4]float64
		if err := rows.Scan(&id, &b[0], &b[1], &b[2], &b[3]); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %x %x %x %x", id, math.Float32bits(float32(b[0])), math.Float32bits(float32(b[1])),
			math.Float32bits(float32(b[2])), math.Float32bits(float32(b[3]))))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// window is the ids of R-tree table name whose boxes meet w, sorted.
func window(t testing.TB, db *sql.DB, name string, w orb.Bound) []int64 {
	t.Helper()
	rows, err := db.Query("SELECT id FROM "+ident(name)+" WHERE maxx >= ?1 AND minx <= ?2 AND maxy >= ?3 AND miny <= ?4",
		w.Min[0], w.Max[0], w.Min[1], w.Max[1])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

func checkRtree(t testing.TB, db *sql.DB, name string) {
	t.Helper()
	var msg string
	if err := db.QueryRow("SELECT rtreecheck(?1)", name).Scan(&msg); err != nil {
		t.Fatal(err)
	}
	if msg != "ok" {
		t.Fatalf("rtreecheck(%s): %s", name, msg)
	}
}

// boxGen makes the i-th box of a case.
type boxGen func(r *rand.Rand, i int) orb.Bound

func beijingPoint(r *rand.Rand, _ int) orb.Bound {
	p := orb.Point{116.25 + r.Float64()*0.1, 39.82 + r.Float64()*0.08}
	return orb.Bound{Min: p, Max: p}
}

func boxesAcrossZero(r *rand.Rand, _ int) orb.Bound {
	x, y := r.NormFloat64()*10, r.NormFloat64()*10
	return orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + r.Float64(), y + r.Float64()*0.001}}
}

// awkward are values whose float32 rounding goes each way, signed zeros,
// the smallest subnormals and values past float32's range.
var awkward = []float64{0, math.Copysign(0, -1), 0.1, -0.1, 1e-45, -1e-45, 1e-40, -1e-40,
	116.3912345678, -116.3912345678, 3e38, -3e38, 1e39, -1e39, 39.9, -39.9}

func awkwardBox(r *rand.Rand, _ int) orb.Bound {
	a, b := awkward[r.IntN(len(awkward))], awkward[r.IntN(len(awkward))]
	c, d := awkward[r.IntN(len(awkward))], awkward[r.IntN(len(awkward))]
	return orb.Bound{Min: orb.Point{min(a, b), min(c, d)}, Max: orb.Point{max(a, b), max(c, d)}}
}

// sameSpot puts every box on one point: the Hilbert keys all tie.
func sameSpot(*rand.Rand, int) orb.Bound {
	return orb.Bound{Min: orb.Point{116.3, 39.86}, Max: orb.Point{116.3, 39.86}}
}

// TestLoadRtreeMatchesSQLite builds each case's R-tree twice, entry by entry
// through SQLite and whole through loadRtree, and asks both the same
// questions; then SQLite inserts into and deletes from the loaded tree.
func TestLoadRtreeMatchesSQLite(t *testing.T) {
	tests := []struct {
		name            string
		existing, added int
		replace         int // added entries that take the id of an existing one
		gen             boxGen
	}{
		{"empty", 0, 0, 0, beijingPoint},
		{"one", 0, 1, 0, beijingPoint},
		{"a full root leaf", 0, 51, 0, beijingPoint},
		{"two leaves", 0, 52, 0, beijingPoint},
		{"two levels full", 0, 51 * 51, 0, beijingPoint},
		{"three levels", 0, 51*51 + 1, 0, beijingPoint},
		{"existing rows kept", 1100, 5000, 0, beijingPoint},
		{"existing rows replaced", 300, 2000, 150, boxesAcrossZero},
		{"only existing rows", 700, 0, 0, boxesAcrossZero},
		{"float32 rounding", 50, 3000, 0, awkwardBox},
		{"one spot", 0, 4000, 0, sameSpot},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(i), 7))
			db := openRtrees(t, "a", "b")
			var oldIDs, newIDs []int64
			var oldBoxes, newBoxes []orb.Bound
			for j := range tc.existing {
				oldIDs, oldBoxes = append(oldIDs, int64(3*j+1)), append(oldBoxes, tc.gen(r, j))
			}
			for j := range tc.added {
				id := int64(3*tc.existing + 10 + 2*j)
				if j < tc.replace {
					id = oldIDs[r.IntN(len(oldIDs))]
				}
				newIDs, newBoxes = append(newIDs, id), append(newBoxes, tc.gen(r, j))
			}
			insertBoxes(t, db, "a", append(slices.Clone(oldIDs), newIDs...), append(slices.Clone(oldBoxes), newBoxes...))
			insertBoxes(t, db, "b", oldIDs, oldBoxes)

			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			entries := make([]rtreeEntry, len(newIDs))
			for j := range newIDs {
				entries[j] = newRtreeEntry(newIDs[j], newBoxes[j])
			}
			if err := loadRtree(context.Background(), tx, "b", entries, false); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}

			compare := func(stage string) {
				t.Helper()
				checkRtree(t, db, "b")
				if a, b := rtreeRows(t, db, "a"), rtreeRows(t, db, "b"); !slices.Equal(a, b) {
					t.Fatalf("%s: %d entries built by SQLite, %d loaded, or their boxes differ", stage, len(a), len(b))
				}
				for k := range 40 {
					w := tc.gen(r, k)
					w.Max = orb.Point{w.Max[0] + r.Float64()*0.02, w.Max[1] + r.Float64()*0.02}
					if k%8 == 0 {
						w = orb.Bound{Min: orb.Point{-1e40, -1e40}, Max: orb.Point{1e40, 1e40}}
					}
					if a, b := window(t, db, "a", w), window(t, db, "b", w); !slices.Equal(a, b) {
						t.Fatalf("%s: window %v: SQLite's tree finds %d entries, the loaded one %d", stage, w, len(a), len(b))
					}
				}
			}
			compare("loaded")

			// The loaded tree is one SQLite can go on changing.
			var moreIDs []int64
			var moreBoxes []orb.Bound
			for j := range 200 {
				moreIDs, moreBoxes = append(moreIDs, int64(1_000_000+j)), append(moreBoxes, tc.gen(r, j))
			}
			for _, n := range []string{"a", "b"} {
				insertBoxes(t, db, n, moreIDs, moreBoxes)
				if _, err := db.Exec("DELETE FROM "+ident(n)+" WHERE id % 5 = 0 OR id BETWEEN ?1 AND ?2", 1_000_000, 1_000_099); err != nil {
					t.Fatal(err)
				}
			}
			compare("changed by SQLite after loading")
		})
	}
}

func TestRtreeRoundingMatchesSQLite(t *testing.T) {
	db := openRtrees(t, "r")
	values := append(slices.Clone(awkward), math.Nextafter(0.1, 1), math.Nextafter(0.1, -1), 116.39, 39.86, float64(math.MaxFloat32))
	for i, v := range values {
		if _, err := db.Exec("INSERT INTO r VALUES (?1, ?2, ?3, ?4, ?5)", i+1, v, v, v, v); err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		var lo, hi float64
		if err := db.QueryRow("SELECT minx, maxx FROM r WHERE id = ?1", i+1).Scan(&lo, &hi); err != nil {
			t.Fatal(err)
		}
		if got := rtreeDown(v); math.Float32bits(got) != math.Float32bits(float32(lo)) {
			t.Errorf("rtreeDown(%g) = %g, SQLite stores %g", v, got, lo)
		}
		if got := rtreeUp(v); math.Float32bits(got) != math.Float32bits(float32(hi)) {
			t.Errorf("rtreeUp(%g) = %g, SQLite stores %g", v, got, hi)
		}
	}
}

// TestLoadRtreeRefuses what SQLite would refuse: an R-tree of other
// dimensions, a table that is not there, a box turned inside out.
func TestLoadRtreeRefuses(t *testing.T) {
	db := openRtrees(t)
	if _, err := db.Exec("CREATE VIRTUAL TABLE three USING rtree(id, x0, x1, y0, y1, z0, z1)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	err = loadRtree(context.Background(), tx, "three", []rtreeEntry{newRtreeEntry(1, orb.Bound{})}, false)
	if err == nil {
		t.Fatal("a 3-D R-tree was loaded as a 2-D one")
	}
	if err := loadRtree(context.Background(), tx, "missing", nil, false); err == nil {
		t.Fatal("no error for a table that does not exist")
	}
	if _, err := tx.Exec("CREATE VIRTUAL TABLE two USING rtree(id, minx, maxx, miny, maxy)"); err != nil {
		t.Fatal(err)
	}
	inverted := newRtreeEntry(7, orb.Bound{Min: orb.Point{116.4, 39.9}, Max: orb.Point{116.3, 39.9}})
	if err := loadRtree(context.Background(), tx, "two", []rtreeEntry{inverted}, false); err == nil || !strings.Contains(err.Error(), "of 7") {
		t.Fatalf("err = %v for a box whose minimum is above its maximum, want one naming 7", err)
	}
}

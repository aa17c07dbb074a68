package gpkg

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
	"minqing/layers"
	"minqing/stores/sourcetest"
)

// TestOpenBackfillsCells opens a file of the previous release (migration 1
// only, incidents without exact cells): Open must add the columns, fill
// every row's cells with LatLngToCell of its point over several batches,
// count by them, do nothing more on the next Open, and leave a file GDAL
// reads without a warning.
func TestOpenBackfillsCells(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.gpkg")
	db, err := openDB(path, true)
	if err != nil {
		t.Fatal(err)
	}
	p, err := provider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	pts := sourcetest.EdgePoints(backfillBatch + 500)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i, pt := range pts {
		fine, _ := hex.FromPoint(pt, hex.StoreRes)
		blob, err := Encode(pt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO incidents (id, geom, source, category, status, received_at, h3)
			VALUES (?, ?, '12345', '停电', 'closed', '2026-03-05T06:03:00.000Z', ?)`, i+1, blob, fine); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.Close()

	cat := fengtai.Catalog()
	st, err := Open(ctx, path, cat)
	if err != nil {
		t.Fatal(err)
	}
	inc, _ := cat.Lookup("incidents")
	for res := hex.MinExactRes; res <= hex.MaxExactRes; res++ {
		want := map[int64]int64{}
		for _, pt := range pts {
			c, _ := hex.FromPoint(pt, res)
			want[c]++
		}
		ccs, err := st.CellCounts(ctx, inc, res, layers.Query{Role: layers.Staff}, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range ccs {
			if want[c.Cell] != c.Count {
				t.Errorf("res %d cell %s: %d, want %d", res, hex.String(c.Cell), c.Count, want[c.Cell])
			}
		}
		if len(ccs) != len(want) {
			t.Errorf("res %d: %d cells, want %d", res, len(ccs), len(want))
		}
	}
	var kind string
	if err := st.rdb.QueryRowContext(ctx, "SELECT type FROM layer_fields WHERE layer = 'incidents' AND field = 'h3'").Scan(&kind); err != nil || kind != "cell" {
		t.Errorf("layer_fields type of h3 = %q, %v; want cell", kind, err)
	}
	if n, err := st.backfillCells(ctx, st.wdb); err != nil || n != 0 {
		t.Errorf("second backfill filled %d rows, %v; want 0", n, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = Open(ctx, path, cat)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo is not on PATH: CI must install GDAL (gdal-bin)")
		}
		t.Skip("ogrinfo is not on PATH")
	}
	var stderr bytes.Buffer
	cmd := exec.Command(ogrinfo, "-ro", "-al", "-q", path)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("ogrinfo on the upgraded file: %v\n%s", err, stderr.String())
	}
}

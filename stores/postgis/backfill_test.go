package postgis

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/sourcetest"
)

// TestMigrateBackfillsCells upgrades a database of the previous release
// (migration 1 only, incidents without exact cells) and checks that Migrate
// adds the columns and fills every row's cells with LatLngToCell of its
// point, in several batches; that a second Migrate changes nothing; and
// that the counts then match.
func TestMigrateBackfillsCells(t *testing.T) {
	ctx := context.Background()
	cat := fengtai.Catalog()
	s, err := Open(ctx, pgtest.New(t), cat)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := provider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Rows as the previous release wrote them: no exact cells.
	pts := sourcetest.EdgePoints(backfillBatch + 500)
	for i, pt := range pts {
		fine, err := hex.FromPoint(pt, hex.StoreRes)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.pool.Exec(ctx, `INSERT INTO incidents (id, source, category, status, received_at, h3, geom)
			VALUES ($1, '12345', '停电', 'closed', now(), $2, ST_SetSRID(ST_MakePoint($3, $4), 4326))`, i+1, fine, pt[0], pt[1]); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.Migrate(ctx)
	if err != nil || n < 1 {
		t.Fatalf("migrate: %d applied, %v; want 00002 and any later ones", n, err)
	}
	check := func() {
		t.Helper()
		for i, pt := range pts {
			want, _ := hex.ExactCells(pt)
			var got [hex.ExactCount]int64
			if err := s.pool.QueryRow(ctx, "SELECT h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11 FROM incidents WHERE id = $1", i+1).
				Scan(&got[0], &got[1], &got[2], &got[3], &got[4], &got[5], &got[6]); err != nil {
				t.Fatalf("row %d: %v", i+1, err)
			}
			if got != want {
				t.Fatalf("row %d: cells %v, want %v", i+1, got, want)
			}
		}
	}
	check()
	filled, err := s.backfillCells(ctx)
	if err != nil || filled != 0 {
		t.Errorf("second backfill filled %d rows, %v; want 0", filled, err)
	}
	if n, err := s.Migrate(ctx); err != nil || n != 0 {
		t.Errorf("second migrate: %d applied, %v", n, err)
	}
	check()
	inc, _ := cat.Lookup("incidents")
	ccs, err := s.CellCounts(ctx, inc, 9, layers.Query{Role: layers.Staff}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int64{}
	for _, pt := range pts {
		c, _ := hex.FromPoint(pt, 9)
		want[c]++
	}
	for _, c := range ccs {
		if want[c.Cell] != c.Count {
			t.Errorf("cell %s: %d, want %d", hex.String(c.Cell), c.Count, want[c.Cell])
		}
	}
	if len(ccs) != len(want) {
		t.Errorf("%d cells, want %d", len(ccs), len(want))
	}
}

package gpkg

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// BenchmarkRtree fills an empty R-tree with 100,000 points of the street,
// in the order they come: entry by entry through SQLite (the GeoPackage
// trigger's and the old bulk mode's way) against loadRtree.
func BenchmarkRtree(b *testing.B) {
	const n = 100_000
	r := rand.New(rand.NewPCG(1, 2))
	ids := make([]int64, n)
	boxes := make([]orb.Bound, n)
	for i := range boxes {
		ids[i], boxes[i] = int64(i+1), beijingPoint(r, i)
	}
	b.Run("insert", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			db := openRtrees(b, "r")
			b.StartTimer()
			insertBoxes(b, db, "r", ids, boxes)
		}
	})
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			db := openRtrees(b, "r")
			b.StartTimer()
			tx, err := db.Begin()
			if err != nil {
				b.Fatal(err)
			}
			entries := make([]rtreeEntry, n)
			for i := range boxes {
				entries[i] = newRtreeEntry(ids[i], boxes[i])
			}
			if err := loadRtree(context.Background(), tx, "r", entries, false); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

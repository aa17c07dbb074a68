package postgis

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"minqing/layers"
)

// syntheticFacts is n incidents over the year before end, in the demo's
// spread of communities, units and categories.
func syntheticFacts(n int, end time.Time) *rateTable {
	r := rand.New(rand.NewPCG(1, 2))
	t := newRateTable(1)
	ts := func(v time.Time) pgtype.Timestamptz { return pgtype.Timestamptz{Time: v, Valid: true} }
	for i := range n {
		recv := end.Add(-time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		row := rateRow{id: int64(i + 1), recv: ts(recv), dispatched: r.IntN(10) < 8,
			status: []byte([]string{"received", "dispatched", "resolved", "closed"}[r.IntN(4)])}
		row.dims[0] = []byte("社区" + string(rune('A'+r.IntN(25))))
		row.dims[1] = []byte("片区" + string(rune('1'+r.IntN(5))))
		row.dims[2] = []byte("单位" + string(rune('a'+r.IntN(12))))
		row.dims[3] = []byte("类别" + string(rune('a'+r.IntN(15))))
		if r.IntN(10) < 8 {
			row.resp = ts(recv.Add(time.Duration(r.Int64N(int64(30 * time.Hour)))))
		}
		if r.IntN(10) < 6 {
			row.res = ts(recv.Add(time.Duration(r.Int64N(int64(200 * time.Hour)))))
			row.satisfied = pgtype.Bool{Bool: r.IntN(10) < 8, Valid: r.IntN(2) == 0}
		}
		t.put(&row)
	}
	return t
}

// BenchmarkFactsTally tallies a 30-day and a one-year window of a million
// incidents kept in memory (the in-SQL tally of the same windows is
// bench/rates.sh's "before").
func BenchmarkFactsTally(b *testing.B) {
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, layers.Shanghai)
	t := syntheticFacts(1_000_000, end)
	for _, days := range []int{30, 365} {
		start := end.AddDate(0, 0, -days)
		q := layers.RateQuery{GroupBy: "community", EmptyGroup: "(无)", Time: &layers.TimeRange{Start: &start, End: &end}, Now: end,
			Default: layers.RateDeadline{Response: 24 * time.Hour, Resolution: 15 * 24 * time.Hour}}
		b.Run(map[int]string{30: "30days", 365: "year"}[days], func(b *testing.B) {
			for b.Loop() {
				if _, _, err := t.tally(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

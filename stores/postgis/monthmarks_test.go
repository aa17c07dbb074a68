package postgis_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/sourcetest"
)

// TestTruncateMarksEveryMonth: TRUNCATE empties the rollups without a row
// to mark, so it moves the epoch, and the marks no longer vouch for any
// month's table; a write after it marks its month as before.
func TestTruncateMarksEveryMonth(t *testing.T) {
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	l, _ := fengtai.Catalog().Get("incidents", layers.Admin)
	write := func() {
		t.Helper()
		if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: []*layers.Feature{sourcetest.Incident(1, orb.Point{116.285, 39.851}, "停电")}}); err != nil {
			t.Fatal(err)
		}
	}
	write()
	before, ok, err := st.MonthMarks(ctx)
	if err != nil || !ok || len(before.Months) != 1 {
		t.Fatalf("marks after one write: %+v %v %v", before, ok, err)
	}
	if _, err := st.Pool().Exec(ctx, "TRUNCATE incidents CASCADE"); err != nil {
		t.Fatal(err)
	}
	after, _, err := st.MonthMarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for m := range before.Months {
		if after.Same(before, m) {
			t.Errorf("month %s: the same after TRUNCATE (epoch %d → %d)", m, before.Epoch, after.Epoch)
		}
	}
	write()
	again, _, err := st.MonthMarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for m := range before.Months {
		if again.Same(after, m) {
			t.Errorf("month %s: not marked by the write after TRUNCATE", m)
		}
	}
}

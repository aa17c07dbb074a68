package importers_test

import (
	"bytes"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"minqing/importers"
	"minqing/layers"
	"minqing/layers/lifecycle"
	"minqing/stores/storetest"
)

// TestUpsertKeepsRecordedState: re-importing a work order whose incident has
// a record of steps updates its other fields but keeps the state the record
// replays to (status, unit, level, times), on both stores; an incident
// without a record takes the file's state.
func TestUpsertKeepsRecordedState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seedCommunities(t, src)
		utf8, _ := simplifiedchinese.GBK.NewDecoder().Bytes(readTestdata(t, "workorders_gbk.csv"))
		opts := importers.Options{Format: importers.CSV, Mode: layers.Upsert}
		// Work order 0002 comes in as received (no dispatch time yet), so
		// that its steps can be recorded here.
		received := bytes.Replace(utf8, []byte(",正阳北里社区,2026-03-05 15:40:00,,否,"), []byte(",,,,,"), 1)
		mustRun(t, src, "incidents", received, opts)
		before := all(t, src, "incidents", "external_id")
		recorded := before["GD202603050002"]
		if recorded == nil || before["GD202603060003"] == nil {
			t.Fatal("the fixture's work orders 0002 and 0003 are missing")
		}
		ls, ok := src.(lifecycle.Store)
		if !ok {
			t.Fatalf("%T keeps no record of steps", src)
		}
		at := recorded.Props["received_at"].(time.Time).Add(time.Hour)
		if _, _, err := ls.AppendEvent(testCtx(t), recorded.ID, lifecycle.Event{At: at, Who: "街道", Action: lifecycle.Dispatch, Unit: "街道城管科", Level: "街道"}, nil); err != nil {
			t.Fatal(err)
		}
		dispatched := all(t, src, "incidents", "external_id")["GD202603050002"].Props

		// The export now says 0002 was dispatched to another unit, with
		// another category; and names another unit for 0003.
		changed := bytes.Replace(utf8, []byte("停水"), []byte("停电"), 1)
		changed = bytes.Replace(changed, []byte("正阳北里社区"), []byte("区水务局"), 1)
		changed = bytes.Replace(changed, []byte("供电所"), []byte("区水务局"), 1)
		rep := mustRun(t, src, "incidents", changed, opts)
		if rep.Updated != 2 {
			t.Errorf("updated %d incidents, want 2", rep.Updated)
		}
		after := all(t, src, "incidents", "external_id")
		got := after["GD202603050002"].Props
		for _, f := range []string{"status", "unit", "level", "dispatched_at", "closed_at", "resolved_at", "received_at"} {
			if !sameValue(got[f], dispatched[f]) {
				t.Errorf("recorded incident: %s = %v after the upsert, want %v (its record's)", f, got[f], dispatched[f])
			}
		}
		if got["category"] != "停电" {
			t.Errorf("recorded incident: category = %v, want the file's 停电", got["category"])
		}
		if u := after["GD202603060003"].Props["unit"]; u != "区水务局" {
			t.Errorf("incident without a record: unit = %v, want the file's 区水务局", u)
		}
	})
}

func sameValue(a, b any) bool {
	ta, oka := a.(time.Time)
	tb, okb := b.(time.Time)
	if oka && okb {
		return ta.Equal(tb)
	}
	return a == b
}

package demo

import (
	"context"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/layers/lifecycle"
	"minqing/stores/storetest"
)

// TestRecordsLoaded: the demo's incidents get records with every kind of
// step, and each record replays to its incident's state (Check samples;
// here every incident).
func TestRecordsLoaded(t *testing.T) {
	ctx := context.Background()
	cat := fengtai.Catalog()
	st := storetest.GPKG(t)
	if _, err := Load(ctx, st, cat, Options{Incidents: 4000}, nil); err != nil {
		t.Fatal(err)
	}
	l, _ := cat.Lookup(lIncidents)
	kinds := map[lifecycle.Action]int{}
	n := 0
	err := st.Features(ctx, l, layers.Query{Role: layers.Admin}, func(f *layers.Feature) error {
		events, err := st.Events(ctx, f.ID)
		if err != nil {
			return err
		}
		s, err := lifecycle.Replay(f.Props["received_at"].(time.Time), events)
		if err != nil {
			t.Errorf("incident %d: %v", f.ID, err)
			return nil
		}
		if s.Status != f.Props["status"] || s.Unit != f.Props["unit"] && f.Props["dispatched_at"] != nil {
			t.Errorf("incident %d: record says %s/%s, stored %v/%v", f.ID, s.Status, s.Unit, f.Props["status"], f.Props["unit"])
		}
		for _, e := range events {
			kinds[e.Action]++
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []lifecycle.Action{lifecycle.Dispatch, lifecycle.Whistle, lifecycle.Report, lifecycle.Respond,
		lifecycle.Resolve, lifecycle.Visit, lifecycle.Close, lifecycle.Return} {
		if kinds[a] == 0 {
			t.Errorf("no %s step in the demo's records (%v)", a, kinds)
		}
	}
	if n != 4000 {
		t.Errorf("%d incidents read", n)
	}
	if err := Check(ctx, st, cat); err != nil {
		t.Error(err)
	}
}

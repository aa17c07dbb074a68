// Package lifecycletest is the contract suite for the record of steps (纪实)
// that both stores run: every step stored and refused alike, and the
// incident's state equal to the replay of its events, also under
// concurrent appends.
package lifecycletest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/layers/lifecycle"
	"minqing/stores/sourcetest"
)

// Store is a store with layers and the record of steps.
type Store interface {
	layers.Source
	lifecycle.Store
	lifecycle.Backfiller
}

// Open returns a fresh, migrated, empty store for one test.
type Open func(t *testing.T) Store

// Run runs the suite.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st Store)
	}{
		{"FullLifecycle", testFull},
		{"RefusedStepWritesNothing", testRefused},
		{"UnknownIncident", testUnknown},
		{"ImportedOutcomeRefused", testImported},
		{"ConcurrentAppends", testConcurrent},
		{"ConcurrentResolveOnlyOnce", testResolveOnce},
		{"PutRecords", testPutRecords},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var received = time.Date(2026, 6, 1, 9, 0, 0, 0, layers.Shanghai)

// NewIncident writes one received incident and returns its id.
func NewIncident(t *testing.T, st layers.Source, status string) int64 {
	t.Helper()
	l, _ := fengtai.Catalog().Lookup("incidents")
	f := sourcetest.Incident(1, orb.Point{116.285, 39.855}, "水管爆裂")
	for _, k := range []string{"closed_at", "satisfied", "level", "unit"} {
		delete(f.Props, k)
	}
	f.Props["status"] = status
	f.Props["received_at"] = received
	f.Props["external_id"] = fmt.Sprintf("T-%d", time.Now().UnixNano())
	res, err := st.Write(context.Background(), l, layers.WriteOptions{Mode: layers.Insert}, &sourcetest.Slice{Features: []*layers.Feature{f}})
	if err != nil {
		t.Fatal(err)
	}
	return res.IDs[0]
}

func at(m int) time.Time { return received.Add(time.Duration(m) * time.Minute) }

func b(v bool) *bool { return &v }

func ev(m int, a lifecycle.Action, unit, level string) lifecycle.Event {
	return lifecycle.Event{At: at(m), Who: "第一片区片长", Action: a, Unit: unit, Level: level}
}

// CheckConsistent asserts that the incident's stored state is the replay of
// its stored events, and returns that state.
func CheckConsistent(t *testing.T, st Store, id int64) lifecycle.State {
	t.Helper()
	ctx := context.Background()
	events, err := st.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range events {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: the record has a gap", i+1, e.Seq)
		}
	}
	want, err := lifecycle.Replay(received, events)
	if err != nil {
		t.Fatalf("stored events do not replay: %v", err)
	}
	l, _ := fengtai.Catalog().Lookup("incidents")
	f, err := st.Feature(ctx, l, id, layers.Admin)
	if err != nil {
		t.Fatal(err)
	}
	eqTime := func(name string, w *time.Time) {
		got, _ := f.Props[name].(time.Time)
		if (w == nil) != (f.Props[name] == nil) || (w != nil && !got.Equal(*w)) {
			t.Errorf("%s: stored %v, events say %v", name, f.Props[name], w)
		}
	}
	eqBool := func(name string, w *bool) {
		got, ok := f.Props[name].(bool)
		if (w == nil) != (f.Props[name] == nil) || (w != nil && (!ok || got != *w)) {
			t.Errorf("%s: stored %v, events say %v", name, f.Props[name], w)
		}
	}
	eqString := func(name, w string) {
		got, _ := f.Props[name].(string)
		if got != w {
			t.Errorf("%s: stored %q, events say %q", name, got, w)
		}
	}
	eqString("status", want.Status)
	eqString("unit", want.Unit)
	eqString("level", want.Level)
	eqTime("dispatched_at", want.DispatchedAt)
	eqTime("responded_at", want.RespondedAt)
	eqTime("resolved_at", want.ResolvedAt)
	eqTime("closed_at", want.ClosedAt)
	eqBool("satisfied", want.Satisfied)
	eqBool("visit_resolved", want.VisitResolved)
	return want
}

func testFull(t *testing.T, st Store) {
	ctx := context.Background()
	id := NewIncident(t, st, lifecycle.Received)
	visit := ev(60, lifecycle.Visit, "", "")
	visit.Resolved, visit.Satisfied = b(true), b(false)
	ret := ev(8, lifecycle.Return, "", "")
	ret.Reason = "属产权单位职责"
	steps := []struct {
		e      lifecycle.Event
		status string
	}{
		{ev(5, lifecycle.Dispatch, "城管科", "科室"), lifecycle.Dispatched},
		{ret, lifecycle.Received},
		{ev(10, lifecycle.Dispatch, "新华街北里社区", "社区"), lifecycle.Dispatched},
		{ev(12, lifecycle.Whistle, "城管执法队", "科室"), lifecycle.Dispatched},
		{ev(20, lifecycle.Report, "城管执法队", "科室"), lifecycle.InProgress},
		{ev(25, lifecycle.Respond, "", ""), lifecycle.InProgress},
		{ev(50, lifecycle.Resolve, "", ""), lifecycle.Resolved},
		{visit, lifecycle.Resolved},
		{ev(70, lifecycle.Reopen, "", ""), lifecycle.InProgress},
		{ev(90, lifecycle.Resolve, "", ""), lifecycle.Resolved},
		{ev(100, lifecycle.Close, "", ""), lifecycle.Closed},
	}
	for i, s := range steps {
		s.e.Note = fmt.Sprintf("第%d步", i+1)
		got, state, err := st.AppendEvent(ctx, id, s.e, nil)
		if err != nil {
			t.Fatalf("step %d %s: %v", i+1, s.e.Action, err)
		}
		if got.Seq != int64(i+1) || state.Status != s.status {
			t.Fatalf("step %d %s: seq %d status %s, want %d %s", i+1, s.e.Action, got.Seq, state.Status, i+1, s.status)
		}
		CheckConsistent(t, st, id)
	}
	events, err := st.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(steps) {
		t.Fatalf("%d events stored, want %d", len(events), len(steps))
	}
	e := events[1]
	if e.Reason != "属产权单位职责" || e.Who != "第一片区片长" || !e.At.Equal(at(8)) || e.Note != "第2步" {
		t.Errorf("return stored as %+v", e)
	}
	v := events[7]
	if v.Resolved == nil || !*v.Resolved || v.Satisfied == nil || *v.Satisfied {
		t.Errorf("visit answers stored as %+v", v)
	}
	// The due times, when given, are written with the step.
	due := at(24 * 60)
	if _, _, err := st.AppendEvent(ctx, id, ev(110, lifecycle.Reopen, "", ""), &lifecycle.Due{Resolution: &due}); err != nil {
		t.Fatal(err)
	}
	l, _ := fengtai.Catalog().Lookup("incidents")
	f, err := st.Feature(ctx, l, id, layers.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Props["resolution_due"].(time.Time); !got.Equal(due) || f.Props["response_due"] != nil {
		t.Errorf("due times stored as %v / %v, want nil / %v", f.Props["response_due"], f.Props["resolution_due"], due)
	}
}

func testRefused(t *testing.T, st Store) {
	ctx := context.Background()
	id := NewIncident(t, st, lifecycle.Received)
	if _, _, err := st.AppendEvent(ctx, id, ev(5, lifecycle.Dispatch, "城管科", "科室"), nil); err != nil {
		t.Fatal(err)
	}
	before := CheckConsistent(t, st, id)
	refused := []lifecycle.Event{
		ev(10, lifecycle.Close, "", ""),
		ev(10, lifecycle.Report, "园林科", "科室"),
		ev(1, lifecycle.Respond, "", ""),
		ev(10, lifecycle.Visit, "", ""),
	}
	for _, e := range refused {
		_, _, err := st.AppendEvent(ctx, id, e, nil)
		var ce *lifecycle.ConflictError
		var ie *lifecycle.InvalidError
		if !errors.As(err, &ce) && !errors.As(err, &ie) {
			t.Errorf("%s: want a refusal, got %v", e.Action, err)
		}
	}
	after := CheckConsistent(t, st, id)
	if after.Events != before.Events || after.Status != before.Status {
		t.Errorf("refused steps changed the record: %d events %s → %d events %s", before.Events, before.Status, after.Events, after.Status)
	}
}

func testUnknown(t *testing.T, st Store) {
	ctx := context.Background()
	if _, err := st.Events(ctx, 987654); !errors.Is(err, layers.ErrNotFound) {
		t.Errorf("events of a missing incident: %v, want not found", err)
	}
	if _, _, err := st.AppendEvent(ctx, 987654, ev(1, lifecycle.Dispatch, "城管科", "科室"), nil); !errors.Is(err, layers.ErrNotFound) {
		t.Errorf("append to a missing incident: %v, want not found", err)
	}
}

func testImported(t *testing.T, st Store) {
	id := NewIncident(t, st, lifecycle.Closed)
	_, _, err := st.AppendEvent(context.Background(), id, ev(1, lifecycle.Reopen, "", ""), nil)
	var ce *lifecycle.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("a step on an incident imported closed: %v, want a conflict", err)
	}
}

// testConcurrent: many goroutines append to one incident at once; every
// accepted step is in the record, without gaps, and the stored state is
// its replay.
func testConcurrent(t *testing.T, st Store) {
	ctx := context.Background()
	id := NewIncident(t, st, lifecycle.Received)
	if _, _, err := st.AppendEvent(ctx, id, ev(1, lifecycle.Dispatch, "城管科", "科室"), nil); err != nil {
		t.Fatal(err)
	}
	const workers = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 1
	// Each worker whistles its own unit, then has it report in, then
	// contacts the caller; all at times later than the dispatch (times may
	// interleave, so some steps are refused as going backwards: that is
	// fine, what matters is that the record stays whole).
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unit := fmt.Sprintf("单位%02d", w)
			for _, e := range []lifecycle.Event{
				ev(10, lifecycle.Whistle, unit, "科室"),
				ev(20, lifecycle.Report, unit, "科室"),
				ev(30, lifecycle.Respond, "", ""),
			} {
				_, _, err := st.AppendEvent(ctx, id, e, nil)
				var ce *lifecycle.ConflictError
				switch {
				case err == nil:
					mu.Lock()
					accepted++
					mu.Unlock()
				case errors.As(err, &ce):
				default:
					t.Errorf("worker %d %s: %v", w, e.Action, err)
				}
			}
		}()
	}
	wg.Wait()
	state := CheckConsistent(t, st, id)
	if state.Events != int64(accepted) {
		t.Errorf("%d steps accepted, %d in the record", accepted, state.Events)
	}
	// Whistles are all at minute 10 and come before any report or respond
	// at a later minute, so at least every worker's first whistle that ran
	// before the first later step is in; and each unit at most once.
	if len(state.Called) < 2 || len(state.Called) > workers+1 {
		t.Errorf("%d units called, want between 2 and %d", len(state.Called), workers+1)
	}
	if state.Status != lifecycle.InProgress && state.Status != lifecycle.Dispatched {
		t.Errorf("status %s", state.Status)
	}
}

// testResolveOnce: many goroutines try to resolve the same incident at the
// same time: exactly one succeeds, the others are told it is resolved.
func testResolveOnce(t *testing.T, st Store) {
	ctx := context.Background()
	id := NewIncident(t, st, lifecycle.Received)
	if _, _, err := st.AppendEvent(ctx, id, ev(1, lifecycle.Dispatch, "城管科", "科室"), nil); err != nil {
		t.Fatal(err)
	}
	const workers = 12
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[w] = st.AppendEvent(ctx, id, ev(30, lifecycle.Resolve, "", ""), nil)
		}()
	}
	wg.Wait()
	ok := 0
	for w, err := range errs {
		var ce *lifecycle.ConflictError
		switch {
		case err == nil:
			ok++
		case !errors.As(err, &ce):
			t.Errorf("worker %d: %v, want success or a conflict", w, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d resolves succeeded, want exactly 1", ok)
	}
	state := CheckConsistent(t, st, id)
	if state.Events != 2 || state.Status != lifecycle.Resolved {
		t.Errorf("record: %d events, %s; want 2, resolved", state.Events, state.Status)
	}
}

// testPutRecords: whole records in one go; one bad record writes nothing;
// an incident with a record cannot be given another.
func testPutRecords(t *testing.T, st Store) {
	ctx := context.Background()
	a, c := NewIncident(t, st, lifecycle.Received), NewIncident(t, st, lifecycle.Received)
	visit := ev(60, lifecycle.Visit, "", "")
	visit.Resolved, visit.Satisfied = b(true), b(true)
	good := []lifecycle.Event{ev(5, lifecycle.Dispatch, "城管科", "科室"), ev(20, lifecycle.Respond, "", ""),
		ev(50, lifecycle.Resolve, "", ""), visit, ev(70, lifecycle.Close, "", "")}
	bad := []lifecycle.Event{ev(5, lifecycle.Dispatch, "城管科", "科室"), ev(20, lifecycle.Close, "", "")}
	err := st.PutRecords(ctx, map[int64][]lifecycle.Event{a: good, c: bad})
	var ce *lifecycle.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("a record that does not replay: %v, want a conflict", err)
	}
	for _, id := range []int64{a, c} {
		if s := CheckConsistent(t, st, id); s.Events != 0 || s.Status != lifecycle.Received {
			t.Errorf("incident %d after a refused PutRecords: %d events, %s", id, s.Events, s.Status)
		}
	}
	if err := st.PutRecords(ctx, map[int64][]lifecycle.Event{a: good, c: good[:2]}); err != nil {
		t.Fatal(err)
	}
	if s := CheckConsistent(t, st, a); s.Status != lifecycle.Closed || s.Events != 5 || !*s.Satisfied {
		t.Errorf("a: %+v", s)
	}
	if s := CheckConsistent(t, st, c); s.Status != lifecycle.InProgress || s.Events != 2 {
		t.Errorf("c: %+v", s)
	}
	if err := st.PutRecords(ctx, map[int64][]lifecycle.Event{c: good}); err == nil {
		t.Error("a second record for the same incident was accepted")
	}
	if s := CheckConsistent(t, st, c); s.Events != 2 {
		t.Errorf("c after a refused second record: %d events", s.Events)
	}
}

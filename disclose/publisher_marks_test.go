package disclose

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"minqing/geo/hex"
	"minqing/layers"
)

// markedStore has n incidents in one cell in every month, month marks it
// can be told to change or to withhold, and counts how often a month is
// counted.
type markedStore struct {
	n       map[string]int64 // per month (first day); 7 when absent
	marks   layers.MonthMarks
	trusted bool
	counted atomic.Int64
}

func (s *markedStore) Count(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	return 7, nil // every month has incidents: the first month is 1990-01
}

func (s *markedStore) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	month := MonthOf(*q.Time.Start).first()
	if groupBy == "category" {
		s.counted.Add(1)
	}
	n, ok := s.n[month]
	if !ok {
		n = 7
	}
	return []layers.CellCount{{Cell: hex.Cell(0x8931aa4324bffff), Group: map[string]string{"category": "漏水", "source": "12345"}[groupBy], Count: n}}, nil
}

func (s *markedStore) MonthMarks(ctx context.Context) (layers.MonthMarks, bool, error) {
	m := layers.MonthMarks{Epoch: s.marks.Epoch, Months: map[string]int64{}}
	for k, v := range s.marks.Months {
		m.Months[k] = v
	}
	return m, s.trusted, nil
}

// TestTablesKeptWhileTheirMonthIsUnmarked: with month marks, a new version
// recounts only the months whose mark changed; a new epoch, or marks that
// cannot be trusted, recount every month; and a recount shows the new
// figures (never a stale table).
func TestTablesKeptWhileTheirMonthIsUnmarked(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 4, 10, 0, 0, 0, 0, layers.Shanghai) }
	jan, feb, mar := Month{2026, time.January}, Month{2026, time.February}, Month{2026, time.March}
	months := []Month{jan, feb, mar}
	st := &markedStore{n: map[string]int64{}, marks: layers.MonthMarks{Months: map[string]int64{}}, trusted: true}
	p := NewPublisher(st, &layers.Layer{Name: "incidents"}, 5, now)
	steps := []struct {
		name    string
		change  func()
		recount int64 // months counted again at the new version
		want    map[Month]int64
	}{
		{"first read counts every month", func() {}, 3, map[Month]int64{jan: 7, feb: 7, mar: 7}},
		{"a write in the month in progress (April)", func() { st.marks.Months["2026-04-01"] = 11 }, 0, nil},
		{"a write in February", func() { st.marks.Months["2026-02-01"] = 12; st.n["2026-02-01"] = 9 }, 1, map[Month]int64{feb: 9}},
		{"a write that changes no count (no new mark)", func() {}, 0, nil},
		{"a new epoch (TRUNCATE)", func() { st.marks.Epoch = 13; st.n["2026-01-01"] = 0 }, 3, map[Month]int64{jan: 0, feb: 9, mar: 7}},
		{"marks that cannot be trusted (a delta pending)", func() { st.trusted = false; st.n["2026-03-01"] = 8 }, 3, map[Month]int64{mar: 8}},
		{"untrusted again: keyed on the version", func() {}, 3, nil},
		{"trusted again", func() { st.trusted = true }, 3, nil},
		{"and kept", func() {}, 0, nil},
	}
	for i, s := range steps {
		s.change()
		version := int64(i + 1)
		before := st.counted.Load()
		ts, err := p.Tables(context.Background(), version, months)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := st.counted.Load() - before; got != s.recount {
			t.Errorf("%s: %d months counted, want %d", s.name, got, s.recount)
		}
		for j, m := range months {
			want, ok := s.want[m]
			if !ok {
				continue
			}
			got := int64(0)
			if f := ts[j].Cells[hex.Cell(0x8931aa4324bffff)]; f != nil {
				got = f.Total.Count
			}
			if got != want {
				t.Errorf("%s: %s shows %d, want %d", s.name, m, got, want)
			}
		}
	}
}

// slowMarks is a markedStore whose marks come only when released.
type slowMarks struct {
	*markedStore
	release chan struct{}
	reads   atomic.Int64
}

func (s *slowMarks) MonthMarks(ctx context.Context) (layers.MonthMarks, bool, error) {
	s.reads.Add(1)
	<-s.release
	return s.markedStore.MonthMarks(ctx)
}

// TestConcurrentCallersShareTheMarks: callers at a new version who arrive
// while the marks are read wait for that read and use its marks: none of
// them recounts a month whose mark stayed, and each gets a stamp from the
// marks (not the version, which would make what is cached under it again).
func TestConcurrentCallersShareTheMarks(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 4, 10, 0, 0, 0, 0, layers.Shanghai) }
	months := []Month{{2026, time.January}, {2026, time.February}, {2026, time.March}}
	inner := &markedStore{n: map[string]int64{}, marks: layers.MonthMarks{Months: map[string]int64{}}, trusted: true}
	st := &slowMarks{markedStore: inner, release: make(chan struct{})}
	close(st.release)
	p := NewPublisher(st, &layers.Layer{Name: "incidents"}, 5, now)
	if _, err := p.Tables(context.Background(), 1, months); err != nil {
		t.Fatal(err)
	}
	before := inner.counted.Load()
	st.release = make(chan struct{})
	reads := st.reads.Load()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	stamped := make([]bool, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				_, errs[i] = p.Tables(context.Background(), 2, months)
				stamped[i] = true
			} else {
				_, stamped[i], errs[i] = p.Stamp(context.Background(), 2, months)
			}
		}()
	}
	for st.reads.Load() == reads {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // the others arrive and wait
	close(st.release)
	wg.Wait()
	for i, err := range errs {
		if err != nil || !stamped[i] {
			t.Errorf("caller %d: %v; stamped by the marks: %v", i, err, stamped[i])
		}
	}
	if n := inner.counted.Load() - before; n != 0 {
		t.Errorf("%d months counted again at a version that changed no mark", n)
	}
	if n := st.reads.Load() - reads; n != 1 {
		t.Errorf("the marks were read %d times for one version, want 1", n)
	}
}

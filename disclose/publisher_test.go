package disclose

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"minqing/geo/hex"
	"minqing/layers"
)

// slowStore counts one cell's incidents slowly, and how often it is asked.
type slowStore struct {
	calls   atomic.Int64
	release chan struct{}
}

func (s *slowStore) Count(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	return 7, nil
}

func (s *slowStore) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	s.calls.Add(1)
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return []layers.CellCount{{Cell: hex.Cell(0x8931aa4324bffff), Group: map[string]string{"": "", "category": "漏水", "source": "12345"}[groupBy], Count: 7}}, nil
}

// TestTableCountsOnceForConcurrentCallers: callers asking for the same month
// and version while it is counted share one count, and one who leaves
// (its context canceled) does not cancel it for the others.
func TestTableCountsOnceForConcurrentCallers(t *testing.T) {
	st := &slowStore{release: make(chan struct{})}
	now := func() time.Time { return time.Date(2026, 3, 10, 0, 0, 0, 0, layers.Shanghai) }
	p := NewPublisher(st, &layers.Layer{Name: "incidents"}, 5, now)
	m := Month{2026, time.February}

	leaver, leave := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make([]error, 9)
	tables := make([]*Table, 9)
	for i := range 9 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if i == 0 {
				ctx = leaver
			}
			tables[i], errs[i] = p.Table(ctx, 3, m)
		}()
	}
	// Wait until the count has begun, let the first caller leave, then let
	// the count finish.
	for st.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	leave()
	time.Sleep(20 * time.Millisecond)
	close(st.release)
	wg.Wait()
	if !errors.Is(errs[0], context.Canceled) {
		t.Errorf("the caller who left: %v, want context.Canceled", errs[0])
	}
	for i := 1; i < 9; i++ {
		if errs[i] != nil || tables[i] == nil || tables[i].Cells[hex.Cell(0x8931aa4324bffff)].Total.Count != 7 {
			t.Errorf("caller %d: %v %+v", i, errs[i], tables[i])
		}
	}
	if n := st.calls.Load(); n != 2 {
		t.Errorf("the store was asked %d times, want 2 (one count: by category, with the totals, and by source)", n)
	}
	// Cached now: no more store calls.
	if _, err := p.Table(context.Background(), 3, m); err != nil || st.calls.Load() != 2 {
		t.Errorf("a later call: %v, %d store calls", err, st.calls.Load())
	}
}

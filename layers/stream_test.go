package layers_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// pagedSource is a fake store of ids 1…n honouring AfterID and Limit; it
// records whether a Features call is running and each call's deadline.
type pagedSource struct {
	layers.Source
	n         int64
	inStore   bool
	calls     int
	deadlines []time.Time
}

func (p *pagedSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	p.inStore = true
	defer func() { p.inStore = false }()
	p.calls++
	if d, ok := ctx.Deadline(); ok {
		p.deadlines = append(p.deadlines, d)
	}
	sent := 0
	for id := q.AfterID + 1; id <= p.n; id++ {
		if q.Limit > 0 && sent == q.Limit {
			break
		}
		sent++
		if err := fn(&layers.Feature{ID: id}); err != nil {
			return err
		}
	}
	return nil
}

// TestStreamOutsideTheStore: Stream never calls its callback while a store
// call is running (the page is read, then written), reads the expected
// number of pages, and honours the overall limit and start.
func TestStreamOutsideTheStore(t *testing.T) {
	cases := []struct {
		n, after    int64
		limit, size int
		want, pages int
	}{
		{n: 10, size: 3, want: 10, pages: 4},
		{n: 9, size: 3, want: 9, pages: 4}, // the last, empty page ends it
		{n: 10, size: 3, limit: 7, want: 7, pages: 3},
		{n: 10, size: 3, limit: 6, want: 6, pages: 2},
		{n: 10, size: 100, after: 4, want: 6, pages: 1},
		{n: 0, size: 3, want: 0, pages: 1},
	}
	l := fengtai.Catalog().All()[0]
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			src := &pagedSource{n: tc.n}
			var got []int64
			err := layers.Stream(context.Background(), src, l, layers.Query{Limit: tc.limit, AfterID: tc.after}, tc.size, func(f *layers.Feature) error {
				if src.inStore {
					return errors.New("callback called inside a store call")
				}
				got = append(got, f.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want || src.calls != tc.pages {
				t.Fatalf("%d features in %d store calls, want %d in %d", len(got), src.calls, tc.want, tc.pages)
			}
			for i, id := range got {
				if id != tc.after+int64(i)+1 {
					t.Fatalf("ids %v are not consecutive from %d", got, tc.after+1)
				}
			}
		})
	}
}

// TestStreamDeadlinePerPage: through WithDeadline every page gets its own
// deadline, so a long download is not cut by the store deadline.
func TestStreamDeadlinePerPage(t *testing.T) {
	src := &pagedSource{n: 5}
	l := fengtai.Catalog().All()[0]
	err := layers.Stream(context.Background(), layers.WithDeadline(src, time.Hour), l, layers.Query{}, 2, func(*layers.Feature) error {
		time.Sleep(time.Millisecond) // so that the pages' deadlines differ
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(src.deadlines) != 3 {
		t.Fatalf("%d store calls with a deadline, want 3", len(src.deadlines))
	}
	for i := 1; i < len(src.deadlines); i++ {
		if !src.deadlines[i].After(src.deadlines[i-1]) {
			t.Errorf("page %d has deadline %v, not after page %d's %v", i, src.deadlines[i], i-1, src.deadlines[i-1])
		}
	}
}

// TestDeadlineMessage: the error of a call past the store deadline says so
// in a sentence and is ErrUnavailable.
func TestDeadlineMessage(t *testing.T) {
	l := fengtai.Catalog().All()[0]
	err := layers.WithDeadline(&blockingSource{}, 10*time.Millisecond).Features(context.Background(), l, layers.Query{}, nil)
	if !errors.Is(err, layers.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) || err.Error() != "the data store did not answer within 10ms (features "+l.Name+")" {
		t.Errorf("err = %v", err)
	}
}

// blockingSource waits for its context.
type blockingSource struct{ layers.Source }

func (blockingSource) Features(ctx context.Context, _ *layers.Layer, _ layers.Query, _ func(*layers.Feature) error) error {
	<-ctx.Done()
	return ctx.Err()
}

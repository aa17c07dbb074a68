package tiles_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"minqing/tiles"
)

// TestVersionsNeverAnswersFromAnOlderRead: a caller that arrives while a
// read is under way waits for the next read, which sees the write that
// happened before it arrived.
func TestVersionsNeverAnswersFromAnOlderRead(t *testing.T) {
	var version atomic.Int64
	inRead := make(chan struct{}, 10)
	release := make(chan struct{})
	reads := atomic.Int64{}
	v := tiles.NewVersions(func(ctx context.Context) (map[string]int64, error) {
		snapshot := version.Load() // what the store's snapshot sees
		reads.Add(1)
		inRead <- struct{}{}
		<-release
		return map[string]int64{"incidents": snapshot}, nil
	}, time.Minute)
	first := make(chan int64)
	go func() {
		m, _ := v.Get(context.Background())
		first <- m["incidents"]
	}()
	<-inRead         // the first read has taken its snapshot
	version.Store(1) // a write commits
	second := make(chan int64)
	var wg sync.WaitGroup
	for range 5 { // callers after the write
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, _ := v.Get(context.Background())
			second <- m["incidents"]
		}()
	}
	time.Sleep(10 * time.Millisecond) // let them queue (the test holds either way)
	close(release)
	if got := <-first; got != 0 {
		t.Errorf("first caller got version %d, want 0", got)
	}
	for range 5 {
		if got := <-second; got != 1 {
			t.Fatalf("a caller after the write got version %d, want 1", got)
		}
	}
	wg.Wait()
	if n := reads.Load(); n > 6 {
		t.Errorf("%d reads for 6 callers", n)
	}
}

func TestVersionsCoalesces(t *testing.T) {
	reads := atomic.Int64{}
	v := tiles.NewVersions(func(ctx context.Context) (map[string]int64, error) {
		reads.Add(1)
		time.Sleep(5 * time.Millisecond)
		return map[string]int64{}, nil
	}, time.Minute)
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := v.Get(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := reads.Load(); n >= 200 {
		t.Errorf("%d reads for 200 concurrent callers: nothing coalesced", n)
	}
}

func TestVersionsErrorsAndCancel(t *testing.T) {
	boom := errors.New("store down")
	v := tiles.NewVersions(func(ctx context.Context) (map[string]int64, error) { return nil, boom }, time.Minute)
	if _, err := v.Get(context.Background()); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	block := tiles.NewVersions(func(ctx context.Context) (map[string]int64, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}, 50*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := block.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled caller: %v", err)
	}
	if _, err := block.Get(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("read past its timeout: %v", err)
	}
}

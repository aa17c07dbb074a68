package sourcetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"minqing/layers"
	"minqing/query/cql2"
)

// testUnknownMode: every store refuses a write mode it does not know, as an
// invalid "mode", and writes nothing.
func testUnknownMode(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	_, err := src.Write(ctx(t), l, layers.WriteOptions{Mode: "merge"}, &Slice{Features: grid(3)})
	var inv *layers.InvalidError
	if !errors.As(err, &inv) || inv.Param != "mode" || !strings.Contains(inv.Message, "merge") {
		t.Fatalf("write mode merge: err = %v, want an invalid mode naming it", err)
	}
	if n, _ := src.Count(ctx(t), l, layers.Query{}); n != 0 {
		t.Errorf("after a refused write: %d features, want 0", n)
	}
}

// testStream: layers.Stream returns exactly what one Features call does,
// whatever the page size, with or without an overall limit, a start and a
// filter evaluated in the store.
func testStream(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	mustWrite(t, src, l, layers.Insert, grid(23))
	filter, err := cql2.Parse("category LIKE '停%' OR satisfied = FALSE", l.CQLSchema(layers.Staff))
	if err != nil {
		t.Fatal(err)
	}
	all := ids(collect(t, src, l, layers.Query{Role: layers.Staff}))
	queries := []struct {
		name string
		q    layers.Query
	}{
		{"all", layers.Query{Role: layers.Staff}},
		{"limit", layers.Query{Role: layers.Staff, Limit: 10}},
		{"after", layers.Query{Role: layers.Staff, AfterID: all[4], Limit: 9}},
		{"filter", layers.Query{Role: layers.Staff, Filter: filter}},
		{"filter limit", layers.Query{Role: layers.Staff, Filter: filter, Limit: 4}},
	}
	for _, qc := range queries {
		want := ids(collect(t, src, l, qc.q))
		for _, size := range []int{1, 3, 7, 100} {
			t.Run(fmt.Sprintf("%s/page%d", qc.name, size), func(t *testing.T) {
				var got []int64
				err := layers.Stream(ctx(t), src, l, qc.q, size, func(f *layers.Feature) error {
					got = append(got, f.ID)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("stream ids = %v, want %v", got, want)
				}
			})
		}
	}
}

// testStreamReleases: while the callback of a stream blocks, the store
// answers other calls and takes writes — the page was read and its
// connection released before the callback ran.
func testStreamReleases(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	mustWrite(t, src, l, layers.Insert, grid(30))
	const streams = 40 // more than any pool
	release := make(chan struct{})
	blocked := make(chan struct{}, streams)
	done := make(chan error, streams)
	for range streams {
		go func() {
			first := true
			done <- layers.Stream(ctx(t), src, l, layers.Query{}, 5, func(*layers.Feature) error {
				if first {
					first = false
					blocked <- struct{}{}
					<-release
				}
				return nil
			})
		}()
	}
	for range streams {
		<-blocked
	}
	// Every stream is stuck in its callback: the store must still answer.
	if n, err := src.Count(ctx(t), l, layers.Query{}); err != nil || n != 30 {
		t.Errorf("count while %d streams block: %d, %v; want 30", streams, n, err)
	}
	mustWrite(t, src, l, layers.Insert, grid(32)[30:])
	close(release)
	for range streams {
		if err := <-done; err != nil {
			t.Errorf("stream: %v", err)
		}
	}
}

// testDeadline: a call that outlives the store deadline is ErrUnavailable,
// while one canceled by its caller stays a cancellation.
func testDeadline(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	mustWrite(t, src, l, layers.Insert, grid(5))
	slow := layers.WithDeadline(src, time.Nanosecond)
	err := slow.Features(ctx(t), l, layers.Query{}, func(*layers.Feature) error { return nil })
	if !errors.Is(err, layers.ErrUnavailable) || !strings.Contains(err.Error(), "did not answer within") {
		t.Errorf("features past the deadline: err = %v, want ErrUnavailable", err)
	}
	if _, err := slow.Count(ctx(t), l, layers.Query{}); !errors.Is(err, layers.ErrUnavailable) {
		t.Errorf("count past the deadline: err = %v, want ErrUnavailable", err)
	}
	c, cancel := context.WithCancel(context.Background())
	cancel()
	err = layers.WithDeadline(src, time.Minute).Features(c, l, layers.Query{}, func(*layers.Feature) error { return nil })
	if errors.Is(err, layers.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled by the caller: err = %v, want context.Canceled and not ErrUnavailable", err)
	}
	roomy := layers.WithDeadline(src, time.Minute)
	if n, err := roomy.Count(ctx(t), l, layers.Query{}); err != nil || n != 5 {
		t.Errorf("within the deadline: %d, %v; want 5", n, err)
	}
}

func ids(fs []*layers.Feature) []int64 {
	out := make([]int64, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

package export

import (
	"context"
	"runtime"
	"testing"

	"minqing/layers"
)

// countingWriter counts bytes and drops them.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// sampler wraps a source and samples the heap every `every` features.
type sampler struct {
	layers.Source
	every int
	peak  uint64
}

func (s *sampler) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	i := 0
	var ms runtime.MemStats
	return s.Source.Features(ctx, l, q, func(f *layers.Feature) error {
		i++
		if i%s.every == 0 {
			runtime.ReadMemStats(&ms)
			s.peak = max(s.peak, ms.HeapInuse)
		}
		return fn(f)
	})
}

// TestMemoryStaysFlat streams 200,000 staff incidents in every format and
// checks that the heap stays far below the size of the output: an encoder
// that kept the layer (or its output) in memory would fail.
func TestMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200,000 features per format")
	}
	const n = 200_000
	const bound = 24 << 20
	l := testLayer(t, "incidents")
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			runtime.GC()
			src := &sampler{Source: genSource{n: n}, every: 5000}
			var w countingWriter
			got, err := Write(context.Background(), src, l, layers.Query{Role: layers.Staff}, f, &w, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got != n {
				t.Fatalf("wrote %d features, want %d", got, n)
			}
			t.Logf("%s: %d MB written, peak heap in use %.1f MB", f, w.n>>20, float64(src.peak)/(1<<20))
			if w.n < bound*3/2 {
				t.Fatalf("only %d bytes written: the test needs an output well over the bound", w.n)
			}
			if src.peak > bound {
				t.Errorf("heap in use reached %.1f MB streaming %d features (%d MB out); want < %d MB", float64(src.peak)/(1<<20), n, w.n>>20, bound>>20)
			}
		})
	}
}

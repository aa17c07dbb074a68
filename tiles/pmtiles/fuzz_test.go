package pmtiles

import (
	"bytes"
	"testing"

	"github.com/paulmach/orb/maptile"
)

// FuzzOpen feeds damaged archives to the Reader: it may refuse them, never
// panic or allocate without bound.
func FuzzOpen(f *testing.F) {
	w, err := NewWriter(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	for _, tl := range []maptile.Tile{maptile.New(0, 0, 1), maptile.New(0, 1, 1), maptile.New(1, 1, 1)} {
		_ = w.Add(tl, []byte("tile"))
	}
	var buf bytes.Buffer
	if _, err := w.Finish(&buf, Meta{MinZoom: 1, MaxZoom: 1, Bounds: street}); err != nil {
		f.Fatal(err)
	}
	w.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PMTiles\x03"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		_, _ = r.Metadata()
		for _, tl := range []maptile.Tile{maptile.New(0, 0, 0), maptile.New(0, 0, 1), maptile.New(1, 1, 1), maptile.New(3, 3, 2)} {
			_, _ = r.Tile(tl)
		}
	})
}

package pmtiles_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	gopm "github.com/protomaps/go-pmtiles/pmtiles"

	"minqing/tiles/pmtiles"
)

// TestReferenceReader checks what the Writer writes with the reference
// implementation, github.com/protomaps/go-pmtiles: its Verify (header
// counts, clustering), its tile ids, and its server reading every tile back
// through the directories (root only, and with leaf directories).
func TestReferenceReader(t *testing.T) {
	for _, tc := range []struct {
		name string
		z    uint8
	}{{"root only", 4}, {"leaf directories", 8}} {
		t.Run(tc.name, func(t *testing.T) {
			var ts []maptile.Tile
			want := map[maptile.Tile][]byte{}
			n := uint32(1) << tc.z
			for x := range n {
				for y := range n {
					tl := maptile.New(x, y, maptile.Zoom(tc.z))
					ts = append(ts, tl)
					// Repeats (every third x alike) make runs and shared contents.
					if x%3 == 0 {
						want[tl] = []byte("sea")
					} else {
						want[tl] = []byte(fmt.Sprintf("tile %d/%d", x, y))
					}
					if id := pmtiles.ID(tl); id != gopm.ZxyToID(tc.z, x, y) {
						t.Fatalf("ID(%v) = %d, go-pmtiles says %d", tl, id, gopm.ZxyToID(tc.z, x, y))
					}
				}
			}
			pmtiles.Order(ts)
			dir := t.TempDir()
			w, err := pmtiles.NewWriter(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			for _, tl := range ts {
				if err := w.Add(tl, want[tl]); err != nil {
					t.Fatal(err)
				}
			}
			var buf bytes.Buffer
			st, err := w.Finish(&buf, pmtiles.Meta{MinZoom: int(tc.z), MaxZoom: int(tc.z),
				Bounds: orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}, Metadata: map[string]any{"name": "ref"}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.z == 8 && st.Leaves == 0 {
				t.Fatalf("expected leaf directories: %+v", st)
			}
			path := filepath.Join(dir, "ref.pmtiles")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := gopm.Verify(log.New(io.Discard, "", 0), path); err != nil {
				t.Fatalf("go-pmtiles Verify: %v", err)
			}
			srv, err := gopm.NewServer("file://"+dir, "", log.New(io.Discard, "", 0), 16, "")
			if err != nil {
				t.Fatal(err)
			}
			srv.Start() // its directory cache goroutine answers Get
			for _, tl := range ts {
				status, _, body := srv.Get(context.Background(), fmt.Sprintf("/ref/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y))
				if status != 200 {
					t.Fatalf("go-pmtiles server: %v is %d", tl, status)
				}
				// go-pmtiles serves the stored (gzipped) bytes.
				if got := gunzip(t, body); !bytes.Equal(got, want[tl]) {
					t.Fatalf("go-pmtiles server: %v is %q, want %q", tl, got, want[tl])
				}
			}
		})
	}
}

package pmtiles

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

var street = orb.Bound{Min: orb.Point{116.270, 39.845}, Max: orb.Point{116.305, 39.870}}

// archive writes tiles (in any order; they are sorted) and returns the
// archive's bytes and the writer's stats.
func archive(t *testing.T, tiles map[maptile.Tile][]byte, minZ, maxZ int) ([]byte, Stats) {
	t.Helper()
	var ts []maptile.Tile
	for tl := range tiles {
		ts = append(ts, tl)
	}
	Order(ts)
	w, err := NewWriter(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tl := range ts {
		if err := w.Add(tl, tiles[tl]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	st, err := w.Finish(&buf, Meta{MinZoom: minZ, MaxZoom: maxZ, Bounds: street, Metadata: map[string]any{"name": "test"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes != uint64(buf.Len()) {
		t.Errorf("stats say %d bytes, wrote %d", st.Bytes, buf.Len())
	}
	return buf.Bytes(), st
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRoundTrip writes tiles with repeats and gaps and reads every one back.
func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name      string
		tiles     map[maptile.Tile][]byte
		minZ      int
		maxZ      int
		contents  int
		entries   int
		addressed int
	}{
		{"one tile", map[maptile.Tile][]byte{maptile.New(0, 0, 0): []byte("a")}, 0, 0, 1, 1, 1},
		{"distinct", map[maptile.Tile][]byte{
			maptile.New(0, 0, 1): []byte("a"), maptile.New(1, 0, 1): []byte("b"), maptile.New(1, 1, 1): []byte("c"),
		}, 1, 1, 3, 3, 3},
		// z1 ids: (0,0)=1 (0,1)=2 (1,1)=3 (1,0)=4: 1–3 one run, 4 a repeat apart.
		{"runs and repeats", map[maptile.Tile][]byte{
			maptile.New(0, 0, 1): []byte("same"), maptile.New(0, 1, 1): []byte("same"),
			maptile.New(1, 1, 1): []byte("same"), maptile.New(1, 0, 1): []byte("other"),
			maptile.New(0, 0, 0): []byte("same"),
		}, 0, 1, 2, 2, 5},
		{"empty tiles are absent", map[maptile.Tile][]byte{
			maptile.New(0, 0, 1): nil, maptile.New(1, 0, 1): []byte("x"),
		}, 1, 1, 1, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, st := archive(t, tc.tiles, tc.minZ, tc.maxZ)
			if st.Contents != tc.contents || st.Entries != tc.entries || st.Addressed != tc.addressed {
				t.Errorf("stats %+v, want %d contents, %d entries, %d addressed", st, tc.contents, tc.entries, tc.addressed)
			}
			r, err := Open(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			h := r.Header()
			if h.MinZoom != tc.minZ || h.MaxZoom != tc.maxZ || h.TileType != "mvt" || !h.TileGzip || h.Tiles != uint64(tc.addressed) {
				t.Errorf("header %+v", h)
			}
			if d := h.Bounds.Min.X() - street.Min.X(); d > 1e-7 || d < -1e-7 {
				t.Errorf("bounds %v, want %v", h.Bounds, street)
			}
			for tl, want := range tc.tiles {
				got, err := r.Tile(tl)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 {
					if got != nil {
						t.Errorf("%v: an empty tile was stored", tl)
					}
					continue
				}
				if got == nil || !bytes.Equal(gunzip(t, got), want) {
					t.Errorf("%v: got %q, want %q", tl, got, want)
				}
			}
			if got, err := r.Tile(maptile.New(5, 5, 5)); err != nil || got != nil {
				t.Errorf("a tile outside the zooms: %q, %v", got, err)
			}
			meta, err := r.Metadata()
			if err != nil || !bytes.Contains(meta, []byte(`"name":"test"`)) {
				t.Errorf("metadata %s, %v", meta, err)
			}
		})
	}
}

// TestLeafDirectories writes enough distinct tiles that the root holds only
// leaf pointers, and reads a sample back through the leaves.
func TestLeafDirectories(t *testing.T) {
	tiles := map[maptile.Tile][]byte{}
	const z = 8 // 65,536 tiles
	for x := uint32(0); x < 1<<z; x++ {
		for y := uint32(0); y < 1<<z; y++ {
			tiles[maptile.New(x, y, z)] = []byte(fmt.Sprintf("tile %d/%d", x, y))
		}
	}
	b, st := archive(t, tiles, z, z)
	if st.Leaves == 0 {
		t.Fatalf("65,536 distinct tiles fitted in the root: %+v", st)
	}
	r, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range []maptile.Tile{maptile.New(0, 0, z), maptile.New(255, 255, z), maptile.New(17, 200, z), maptile.New(128, 3, z)} {
		got, err := r.Tile(tl)
		if err != nil {
			t.Fatal(err)
		}
		if want := tiles[tl]; got == nil || !bytes.Equal(gunzip(t, got), want) {
			t.Errorf("%v: got %q, want %q", tl, got, want)
		}
	}
}

func TestWriterRefusesOutOfOrder(t *testing.T) {
	w, err := NewWriter(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(maptile.New(1, 0, 1), []byte("a")); err != nil {
		t.Fatal(err)
	}
	for _, tl := range []maptile.Tile{maptile.New(0, 0, 1), maptile.New(1, 0, 1), maptile.New(0, 0, 0)} {
		if err := w.Add(tl, []byte("b")); !errors.Is(err, errOrder) {
			t.Errorf("Add(%v) after 1/1/0: %v, want an order error", tl, err)
		}
	}
	if _, err := w.Finish(io.Discard, Meta{MinZoom: 3, MaxZoom: 2}); err == nil {
		t.Error("Finish took min zoom 3 > max zoom 2")
	}
}

// TestOpenRefusesDamage: a file that is not an archive, or one whose
// sections point past its end, is ErrFormat, never a panic.
func TestOpenRefusesDamage(t *testing.T) {
	good, _ := archive(t, map[maptile.Tile][]byte{maptile.New(0, 0, 0): []byte("a")}, 0, 0)
	truncated := good[:len(good)-1]
	badRoot := bytes.Clone(good)
	badRoot[16] = 0xff // root length
	badVersion := bytes.Clone(good)
	badVersion[7] = 9
	for name, b := range map[string][]byte{
		"empty": nil, "short": []byte("PMTiles"), "png": []byte("\x89PNG\r\n\x1a\n" + string(make([]byte, 200))),
		"truncated": truncated, "root past the end": badRoot, "version 9": badVersion,
	} {
		if _, err := Open(bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
}

func TestUnmarshalDirRefusesLies(t *testing.T) {
	for name, b := range map[string][]byte{
		"count past the bytes": {0xff, 0xff, 0xff, 0x7f},
		"ends early":           {3, 1, 1},
		"no first offset":      {1, 0, 1, 1, 0},
	} {
		if _, err := unmarshalDir(b); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
}

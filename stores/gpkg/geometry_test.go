package gpkg

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

func TestEncodeDecode(t *testing.T) {
	tests := []struct {
		name string
		g    orb.Geometry
	}{
		{"point", orb.Point{116.28, 39.85}},
		{"line", orb.LineString{{116.27, 39.845}, {116.28, 39.85}, {116.29, 39.86}}},
		{"polygon", orb.Polygon{{{116.27, 39.845}, {116.28, 39.845}, {116.28, 39.85}, {116.27, 39.845}}}},
		{"multipolygon", orb.MultiPolygon{
			{{{116.27, 39.845}, {116.28, 39.845}, {116.28, 39.85}, {116.27, 39.845}}},
			{{{116.29, 39.86}, {116.30, 39.86}, {116.30, 39.87}, {116.29, 39.86}}},
		}},
		{"multilinestring", orb.MultiLineString{{{116.27, 39.845}, {116.28, 39.85}}, {{116.29, 39.86}, {116.30, 39.87}}}},
		{"multipoint", orb.MultiPoint{{116.27, 39.845}, {116.30, 39.87}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blob, err := Encode(tc.g)
			if err != nil {
				t.Fatal(err)
			}
			if string(blob[:3]) != "GP\x00" {
				t.Errorf("magic and version = %q, want GP\\x00", blob[:3])
			}
			if blob[3] != 0x03 {
				t.Errorf("flags = %#x, want 0x03 (little endian, [minx,maxx,miny,maxy] envelope)", blob[3])
			}
			if srs := binary.LittleEndian.Uint32(blob[4:]); srs != SRSID {
				t.Errorf("srs_id = %d, want %d", srs, SRSID)
			}
			b := tc.g.Bound()
			for i, want := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
				if got := math.Float64frombits(binary.LittleEndian.Uint64(blob[8+8*i:])); got != want {
					t.Errorf("envelope[%d] = %v, want %v", i, got, want)
				}
			}
			if blob[40] != 1 {
				t.Errorf("WKB byte order = %d, want 1 (little endian)", blob[40])
			}
			back, err := Decode(blob)
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(back, tc.g) {
				t.Errorf("decoded %v, want %v", back, tc.g)
			}
			env, ok, err := Envelope(blob)
			if err != nil || !ok || env != b {
				t.Errorf("envelope = %v, %v, %v; want %v", env, ok, err, b)
			}
		})
	}
}

// gdalPoint is a point as GDAL writes it: little endian, no envelope.
func gdalPoint() []byte {
	raw, _ := wkb.Marshal(orb.Point{116.28, 39.85}, binary.LittleEndian)
	return append([]byte{'G', 'P', 0, 0x01, 0xE6, 0x10, 0, 0}, raw...)
}

func TestDecodeOtherWriters(t *testing.T) {
	p, err := Decode(gdalPoint())
	if err != nil || p != (orb.Point{116.28, 39.85}) {
		t.Errorf("GDAL point = %v, %v", p, err)
	}
	b, ok, err := Envelope(gdalPoint())
	if err != nil || !ok || b != (orb.Point{116.28, 39.85}).Bound() {
		t.Errorf("GDAL point envelope = %v, %v, %v", b, ok, err)
	}
	// Big-endian header with an XYZ envelope.
	raw, _ := wkb.Marshal(orb.LineString{{1, 2}, {3, 4}}, binary.BigEndian)
	blob := []byte{'G', 'P', 0, 2 << 1, 0, 0, 0x10, 0xE6}
	for _, v := range []float64{1, 3, 2, 4, 0, 0} {
		blob = binary.BigEndian.AppendUint64(blob, math.Float64bits(v))
	}
	blob = append(blob, raw...)
	g, err := Decode(blob)
	if err != nil || !orb.Equal(g, orb.LineString{{1, 2}, {3, 4}}) {
		t.Errorf("big-endian line = %v, %v", g, err)
	}
	h, _ := parseHeader(blob)
	if h.srsID != 4326 || h.envelope != (orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}) {
		t.Errorf("header = %+v", h)
	}
	empty := []byte{'G', 'P', 0, 0x01 | flagEmpty, 0xE6, 0x10, 0, 0}
	empty = append(empty, raw...)
	if g, err := Decode(empty); g != nil || err != nil {
		t.Errorf("empty geometry = %v, %v; want nil, nil", g, err)
	}
	if n, _ := isEmpty(empty); n != int64(1) {
		t.Errorf("ST_IsEmpty(empty) = %v, want 1", n)
	}
}

func TestDecodeRejects(t *testing.T) {
	good, _ := Encode(orb.Point{1, 2})
	tests := map[string][]byte{
		"short":         []byte("GP"),
		"magic":         append([]byte("XX"), good[2:]...),
		"version":       append([]byte{'G', 'P', 1}, good[3:]...),
		"extended":      append([]byte{'G', 'P', 0, good[3] | flagExtended}, good[4:]...),
		"envelope code": append([]byte{'G', 'P', 0, 7 << 1}, good[4:]...),
		"truncated env": good[:20],
		"bad wkb":       append(append([]byte{}, good[:40]...), 1, 99, 0, 0, 0),
	}
	for name, blob := range tests {
		if _, err := Decode(blob); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, g := range []orb.Geometry{orb.Point{116.28, 39.85}, orb.LineString{{1, 2}, {3, 4}},
		orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}} {
		blob, _ := Encode(g)
		f.Add(blob)
	}
	f.Add(gdalPoint())
	f.Fuzz(func(t *testing.T, blob []byte) {
		g, err := Decode(blob)
		if err != nil || g == nil {
			return
		}
		// Envelope may succeed from the header alone, but never fails where
		// Decode succeeds.
		if _, _, err := Envelope(blob); err != nil {
			t.Fatalf("Decode ok but Envelope: %v", err)
		}
		again, err := Encode(g)
		if err != nil {
			return // e.g. a geometry collection orb decodes but we never write
		}
		back, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded %v does not decode: %v", g, err)
		}
		// Compare as WKB: NaN coordinates are not equal to themselves.
		if w1, w2 := wkb.MustMarshal(g), wkb.MustMarshal(back); string(w1) != string(w2) {
			t.Fatalf("re-encoded %v decodes to %v", g, back)
		}
	})
}

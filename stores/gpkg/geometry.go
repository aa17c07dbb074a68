package gpkg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// SRSID is the spatial reference system of every geometry the store writes
// (WGS 84, EPSG:4326).
const SRSID = 4326

// GeoPackage binary geometry header (GeoPackage 1.3, clause 2.1.3):
//
//	magic "GP", version 0, flags, srs_id (int32), envelope (0–8 doubles)
//
// flags: bit 0 byte order of the header (1: little endian), bits 1–3 the
// envelope contents indicator, bit 4 the empty-geometry flag, bit 5 the
// extended-geometry flag.
const (
	headerLen        = 8
	flagLittleEndian = 1 << 0
	flagEmpty        = 1 << 4
	flagExtended     = 1 << 5
	envelopeShift    = 1
	envelopeMask     = 0x7
	envelopeXY       = 1 // [minx, maxx, miny, maxy]
)

// envelopeLen is the byte length of each envelope contents indicator.
var envelopeLen = [...]int{0, 32, 48, 48, 64}

// Encode returns the GeoPackage binary form of g: a little-endian header
// with srs_id 4326 and the [minx, maxx, miny, maxy] envelope, followed by
// little-endian WKB.
func Encode(g orb.Geometry) ([]byte, error) {
	if g == nil {
		return nil, errors.New("gpkg: encode: no geometry")
	}
	b := g.Bound()
	var buf bytes.Buffer
	buf.Grow(headerLen + 32 + 9 + 16*pointCount(g))
	var hdr [headerLen + 32]byte
	hdr[0], hdr[1], hdr[2] = 'G', 'P', 0
	hdr[3] = flagLittleEndian | envelopeXY<<envelopeShift
	binary.LittleEndian.PutUint32(hdr[4:], uint32(SRSID))
	for i, v := range [4]float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		binary.LittleEndian.PutUint64(hdr[headerLen+8*i:], math.Float64bits(v))
	}
	buf.Write(hdr[:])
	if err := wkb.NewEncoder(&buf).SetByteOrder(binary.LittleEndian).Encode(g); err != nil {
		return nil, fmt.Errorf("gpkg: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// pointCount estimates the size of g, to size the buffer once.
func pointCount(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.MultiLineString:
		n := 0
		for _, l := range g {
			n += len(l) + 1
		}
		return n
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r) + 1
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += pointCount(p) + 1
		}
		return n
	}
	return 8
}

// header is the parsed header of a GeoPackage binary geometry.
type header struct {
	srsID    int32
	empty    bool
	envelope orb.Bound
	hasEnv   bool
	wkbStart int
}

// parseHeader reads the header of a GeoPackage binary geometry.
func parseHeader(blob []byte) (header, error) {
	var h header
	if len(blob) < headerLen {
		return h, fmt.Errorf("gpkg: geometry: %d bytes, shorter than a header", len(blob))
	}
	if blob[0] != 'G' || blob[1] != 'P' {
		return h, errors.New("gpkg: geometry: no GP magic")
	}
	if blob[2] != 0 {
		return h, fmt.Errorf("gpkg: geometry: unknown version %d", blob[2])
	}
	flags := blob[3]
	if flags&flagExtended != 0 {
		return h, errors.New("gpkg: geometry: extended geometries are not supported")
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&flagLittleEndian != 0 {
		order = binary.LittleEndian
	}
	h.srsID = int32(order.Uint32(blob[4:]))
	h.empty = flags&flagEmpty != 0
	env := int(flags>>envelopeShift) & envelopeMask
	if env >= len(envelopeLen) {
		return h, fmt.Errorf("gpkg: geometry: invalid envelope indicator %d", env)
	}
	h.wkbStart = headerLen + envelopeLen[env]
	if len(blob) < h.wkbStart {
		return h, errors.New("gpkg: geometry: truncated envelope")
	}
	if env > 0 {
		f := func(i int) float64 { return math.Float64frombits(order.Uint64(blob[headerLen+8*i:])) }
		minx, maxx, miny, maxy := f(0), f(1), f(2), f(3)
		// An empty geometry may carry an envelope of NaNs.
		if !math.IsNaN(minx) && !math.IsNaN(maxx) && !math.IsNaN(miny) && !math.IsNaN(maxy) {
			h.envelope = orb.Bound{Min: orb.Point{minx, miny}, Max: orb.Point{maxx, maxy}}
			h.hasEnv = true
		}
	}
	return h, nil
}

// Decode parses a GeoPackage binary geometry. An empty geometry decodes to
// nil with no error.
func Decode(blob []byte) (orb.Geometry, error) {
	h, err := parseHeader(blob)
	if err != nil {
		return nil, err
	}
	if h.empty {
		return nil, nil
	}
	g, err := wkb.Unmarshal(blob[h.wkbStart:])
	if err != nil {
		return nil, fmt.Errorf("gpkg: geometry: %w", err)
	}
	return g, nil
}

// Envelope returns the bounds of a GeoPackage binary geometry: the envelope
// of its header when it has one (this store always writes it), else the
// bound of the decoded WKB. ok is false for an empty geometry.
func Envelope(blob []byte) (b orb.Bound, ok bool, err error) {
	h, err := parseHeader(blob)
	if err != nil {
		return b, false, err
	}
	if h.empty {
		return b, false, nil
	}
	if h.hasEnv {
		return h.envelope, true, nil
	}
	g, err := wkb.Unmarshal(blob[h.wkbStart:])
	if err != nil {
		return b, false, fmt.Errorf("gpkg: geometry: %w", err)
	}
	return g.Bound(), true, nil
}

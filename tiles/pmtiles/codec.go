package pmtiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
)

// The binary encoding of PMTiles v3 (spec/v3/spec.md): a 127-byte
// little-endian header, directories of varint-encoded entries, Hilbert tile
// ids. It follows github.com/protomaps/go-pmtiles (which the tests use to
// read what this writes), but stands alone: importing that package links the
// AWS, Azure and Google Cloud SDKs (its bucket readers) into the binary.

// headerLen is the fixed size of the header.
const headerLen = 127

// Compression and tile type codes of the header.
const (
	compressUnknown = 0
	compressNone    = 1
	compressGzip    = 2

	typeUnknown = 0
	typeMVT     = 1
	typePNG     = 2
	typeJPEG    = 3
	typeWebP    = 4
	typeAVIF    = 5
)

// header is the archive's header.
type header struct {
	rootOffset, rootLength         uint64
	metadataOffset, metadataLength uint64
	leafOffset, leafLength         uint64
	dataOffset, dataLength         uint64
	addressed, entries, contents   uint64
	clustered                      bool
	internalCompression            uint8
	tileCompression                uint8
	tileType                       uint8
	minZoom, maxZoom               uint8
	minLonE7, minLatE7             int32
	maxLonE7, maxLatE7             int32
	centerZoom                     uint8
	centerLonE7, centerLatE7       int32
}

func (h header) marshal() []byte {
	b := make([]byte, headerLen)
	copy(b, "PMTiles")
	b[7] = 3
	le := binary.LittleEndian
	for i, v := range []uint64{h.rootOffset, h.rootLength, h.metadataOffset, h.metadataLength,
		h.leafOffset, h.leafLength, h.dataOffset, h.dataLength, h.addressed, h.entries, h.contents} {
		le.PutUint64(b[8+8*i:], v)
	}
	if h.clustered {
		b[96] = 1
	}
	b[97], b[98], b[99], b[100], b[101] = h.internalCompression, h.tileCompression, h.tileType, h.minZoom, h.maxZoom
	for i, v := range []int32{h.minLonE7, h.minLatE7, h.maxLonE7, h.maxLatE7} {
		le.PutUint32(b[102+4*i:], uint32(v))
	}
	b[118] = h.centerZoom
	le.PutUint32(b[119:], uint32(h.centerLonE7))
	le.PutUint32(b[123:], uint32(h.centerLatE7))
	return b
}

func unmarshalHeader(b []byte) (header, error) {
	var h header
	if len(b) < headerLen || string(b[:7]) != "PMTiles" {
		return h, fmt.Errorf("pmtiles: %w: no PMTiles magic number", ErrFormat)
	}
	if b[7] != 3 {
		return h, fmt.Errorf("pmtiles: %w: spec version %d (this reads 3)", ErrFormat, b[7])
	}
	le := binary.LittleEndian
	u := func(i int) uint64 { return le.Uint64(b[8+8*i:]) }
	h.rootOffset, h.rootLength, h.metadataOffset, h.metadataLength = u(0), u(1), u(2), u(3)
	h.leafOffset, h.leafLength, h.dataOffset, h.dataLength = u(4), u(5), u(6), u(7)
	h.addressed, h.entries, h.contents = u(8), u(9), u(10)
	h.clustered = b[96] == 1
	h.internalCompression, h.tileCompression, h.tileType, h.minZoom, h.maxZoom = b[97], b[98], b[99], b[100], b[101]
	i32 := func(at int) int32 { return int32(le.Uint32(b[at:])) }
	h.minLonE7, h.minLatE7, h.maxLonE7, h.maxLatE7 = i32(102), i32(106), i32(110), i32(114)
	h.centerZoom = b[118]
	h.centerLonE7, h.centerLatE7 = i32(119), i32(123)
	return h, nil
}

// entry is one directory entry: a run of RunLength tiles from TileID with
// the same bytes at Offset, or (RunLength 0) a leaf directory.
type entry struct {
	TileID    uint64
	Offset    uint64
	Length    uint32
	RunLength uint32
}

// marshalDir encodes entries (ascending ids): count, id deltas, run
// lengths, lengths, offsets (0: right after the previous entry, else
// offset+1), then gzips them.
func marshalDir(es []entry) []byte {
	var raw []byte
	raw = binary.AppendUvarint(raw, uint64(len(es)))
	last := uint64(0)
	for _, e := range es {
		raw = binary.AppendUvarint(raw, e.TileID-last)
		last = e.TileID
	}
	for _, e := range es {
		raw = binary.AppendUvarint(raw, uint64(e.RunLength))
	}
	for _, e := range es {
		raw = binary.AppendUvarint(raw, uint64(e.Length))
	}
	for i, e := range es {
		if i > 0 && e.Offset == es[i-1].Offset+uint64(es[i-1].Length) {
			raw = binary.AppendUvarint(raw, 0)
		} else {
			raw = binary.AppendUvarint(raw, e.Offset+1)
		}
	}
	return gzipBytes(raw)
}

// unmarshalDir decodes an uncompressed directory.
func unmarshalDir(b []byte) ([]entry, error) {
	r := bytes.NewReader(b)
	next := func() (uint64, error) {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return 0, fmt.Errorf("pmtiles: %w: a directory ends early", ErrFormat)
		}
		return v, nil
	}
	n, err := next()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(b)) { // each entry takes at least four bytes
		return nil, fmt.Errorf("pmtiles: %w: a directory claims %d entries in %d bytes", ErrFormat, n, len(b))
	}
	es := make([]entry, n)
	last := uint64(0)
	for i := range es {
		d, err := next()
		if err != nil {
			return nil, err
		}
		last += d
		es[i].TileID = last
	}
	for _, set := range []func(*entry, uint64) error{
		func(e *entry, v uint64) error { e.RunLength = uint32(v); return fit32(v) },
		func(e *entry, v uint64) error { e.Length = uint32(v); return fit32(v) },
	} {
		for i := range es {
			v, err := next()
			if err != nil {
				return nil, err
			}
			if err := set(&es[i], v); err != nil {
				return nil, err
			}
		}
	}
	for i := range es {
		v, err := next()
		if err != nil {
			return nil, err
		}
		switch {
		case v == 0 && i > 0:
			es[i].Offset = es[i-1].Offset + uint64(es[i-1].Length)
		case v == 0:
			return nil, fmt.Errorf("pmtiles: %w: the first entry of a directory has no offset", ErrFormat)
		default:
			es[i].Offset = v - 1
		}
	}
	return es, nil
}

func fit32(v uint64) error {
	if v > 1<<32-1 {
		return fmt.Errorf("pmtiles: %w: a directory value %d overflows", ErrFormat, v)
	}
	return nil
}

// find returns the entry of tile id: the run that holds it, or the leaf
// directory whose range it falls in.
func find(es []entry, id uint64) (entry, bool) {
	lo, hi := 0, len(es)-1
	for lo <= hi {
		k := (lo + hi) / 2
		switch {
		case id > es[k].TileID:
			lo = k + 1
		case id < es[k].TileID:
			hi = k - 1
		default:
			return es[k], true
		}
	}
	if hi >= 0 {
		e := es[hi]
		if e.RunLength == 0 || id-e.TileID < uint64(e.RunLength) {
			return e, true
		}
	}
	return entry{}, false
}

// buildDirs lays out the directories: the whole directory as the root when
// it fits in rootMax bytes, else a root of leaf pointers over leaves of
// equal entry counts, grown until the root fits.
func buildDirs(es []entry) (root, leaves []byte, nLeaves int) {
	if len(es) < 16384 {
		if b := marshalDir(es); len(b) <= rootMax {
			return b, nil, 0
		}
	}
	size := max(float64(len(es))/3500, 4096)
	for {
		root, leaves, nLeaves = buildLeaves(es, int(size))
		if len(root) <= rootMax {
			return root, leaves, nLeaves
		}
		size *= 1.2
	}
}

func buildLeaves(es []entry, size int) (root, leaves []byte, n int) {
	var ptrs []entry
	for i := 0; i < len(es); i += size {
		b := marshalDir(es[i:min(i+size, len(es))])
		ptrs = append(ptrs, entry{TileID: es[i].TileID, Offset: uint64(len(leaves)), Length: uint32(len(b))})
		leaves = append(leaves, b...)
		n++
	}
	return marshalDir(ptrs), leaves, n
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b) // a bytes.Buffer does not fail
	_ = zw.Close()
	return buf.Bytes()
}

// errOrder is returned when tiles do not come in ascending id order.
var errOrder = errors.New("tile ids must ascend; see Order")

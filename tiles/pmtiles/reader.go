package pmtiles

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Limits a Reader keeps to, so that a damaged file cannot make it allocate
// without bound.
const (
	maxDirBytes  = 32 << 20 // one directory, decompressed
	maxMetaBytes = 16 << 20 // the JSON metadata, decompressed
	maxTileBytes = 64 << 20 // one tile
	maxDepth     = 4        // root + three levels of leaves (the spec's most)
)

// ErrFormat wraps every complaint about a file that is not a valid PMTiles
// v3 archive.
var ErrFormat = errors.New("not a valid PMTiles v3 archive")

// Header is what an archive says of itself.
type Header struct {
	MinZoom, MaxZoom int
	Bounds           orb.Bound
	Center           orb.Point
	// TileType is "mvt", "png", "jpg", "webp", "avif" or "" (unknown).
	TileType string
	// TileGzip reports that tiles are stored gzipped (a client that does not
	// accept gzip needs them decompressed).
	TileGzip bool
	// Tiles is the number of addressed tiles, Contents the distinct ones.
	Tiles, Contents uint64
}

// Reader reads tiles from an archive; it is safe for concurrent use.
type Reader struct {
	ra   io.ReaderAt
	size int64
	h    header
	root []entry

	mu     sync.Mutex
	leaves map[uint64][]entry // by offset; a small cache
}

// Open reads and checks the header and root directory of the archive of
// size bytes in ra.
func Open(ra io.ReaderAt, size int64) (*Reader, error) {
	if size < headerLen {
		return nil, fmt.Errorf("pmtiles: %w: %d bytes is shorter than a header", ErrFormat, size)
	}
	b := make([]byte, headerLen)
	if _, err := ra.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("pmtiles: header: %w", err)
	}
	h, err := unmarshalHeader(b)
	if err != nil {
		return nil, err
	}
	if h.internalCompression != compressGzip && h.internalCompression != compressNone {
		return nil, fmt.Errorf("pmtiles: %w: directory compression %d is not supported (gzip or none)", ErrFormat, h.internalCompression)
	}
	if h.tileCompression != compressGzip && h.tileCompression != compressNone {
		return nil, fmt.Errorf("pmtiles: %w: tile compression %d is not supported (gzip or none)", ErrFormat, h.tileCompression)
	}
	for _, s := range []struct {
		name        string
		off, length uint64
	}{
		{"root directory", h.rootOffset, h.rootLength},
		{"metadata", h.metadataOffset, h.metadataLength},
		{"leaf directories", h.leafOffset, h.leafLength},
		{"tile data", h.dataOffset, h.dataLength},
	} {
		if s.off > uint64(size) || s.length > uint64(size)-s.off {
			return nil, fmt.Errorf("pmtiles: %w: the %s (%d+%d) lies past the end of the file (%d bytes)", ErrFormat, s.name, s.off, s.length, size)
		}
	}
	r := &Reader{ra: ra, size: size, h: h, leaves: map[uint64][]entry{}}
	if r.root, err = r.dir(h.rootOffset, h.rootLength); err != nil {
		return nil, err
	}
	return r, nil
}

// Header returns what the archive says of itself.
func (r *Reader) Header() Header {
	h := r.h
	deg := func(v int32) float64 { return float64(v) / 1e7 }
	return Header{
		MinZoom: int(h.minZoom), MaxZoom: int(h.maxZoom),
		Bounds:   orb.Bound{Min: orb.Point{deg(h.minLonE7), deg(h.minLatE7)}, Max: orb.Point{deg(h.maxLonE7), deg(h.maxLatE7)}},
		Center:   orb.Point{deg(h.centerLonE7), deg(h.centerLatE7)},
		TileType: tileType(h.tileType), TileGzip: h.tileCompression == compressGzip,
		Tiles: h.addressed, Contents: h.contents,
	}
}

func tileType(t uint8) string {
	switch t {
	case typeMVT:
		return "mvt"
	case typePNG:
		return "png"
	case typeJPEG:
		return "jpg"
	case typeWebP:
		return "webp"
	case typeAVIF:
		return "avif"
	}
	return ""
}

// Metadata returns the archive's JSON metadata, decompressed.
func (r *Reader) Metadata() (json.RawMessage, error) {
	b, err := r.section(r.h.metadataOffset, r.h.metadataLength, r.h.internalCompression, maxMetaBytes, "metadata")
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return json.RawMessage("{}"), nil
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("pmtiles: %w: the metadata is not JSON", ErrFormat)
	}
	return b, nil
}

// Tile returns tile t as stored (gzipped when Header().TileGzip), or nil
// when the archive has no such tile.
func (r *Reader) Tile(t maptile.Tile) ([]byte, error) {
	if int(t.Z) < int(r.h.minZoom) || int(t.Z) > int(r.h.maxZoom) || t.Z > 31 {
		return nil, nil
	}
	id := ID(t)
	dir := r.root
	for depth := 0; depth < maxDepth; depth++ {
		e, ok := find(dir, id)
		if !ok {
			return nil, nil
		}
		if e.RunLength > 0 {
			if e.Length > maxTileBytes {
				return nil, fmt.Errorf("pmtiles: %w: tile %d/%d/%d claims %d bytes", ErrFormat, t.Z, t.X, t.Y, e.Length)
			}
			return r.read(r.h.dataOffset, r.h.dataLength, e.Offset, uint64(e.Length), "tile")
		}
		leaf, err := r.leaf(e)
		if err != nil {
			return nil, err
		}
		dir = leaf
	}
	return nil, fmt.Errorf("pmtiles: %w: leaf directories nest deeper than %d", ErrFormat, maxDepth-1)
}

func (r *Reader) leaf(e entry) ([]entry, error) {
	r.mu.Lock()
	d, ok := r.leaves[e.Offset]
	r.mu.Unlock()
	if ok {
		return d, nil
	}
	if uint64(e.Length) > r.h.leafLength || e.Offset > r.h.leafLength-uint64(e.Length) {
		return nil, fmt.Errorf("pmtiles: %w: a leaf directory lies outside the leaf section", ErrFormat)
	}
	d, err := r.dir(r.h.leafOffset+e.Offset, uint64(e.Length))
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if len(r.leaves) >= 256 {
		clear(r.leaves)
	}
	r.leaves[e.Offset] = d
	r.mu.Unlock()
	return d, nil
}

// dir reads and decodes one directory.
func (r *Reader) dir(off, length uint64) ([]entry, error) {
	b, err := r.section(off, length, r.h.internalCompression, maxDirBytes, "directory")
	if err != nil {
		return nil, err
	}
	return unmarshalDir(b)
}

// section reads length bytes at off, decompressing them with c (to at most
// limit bytes).
func (r *Reader) section(off, length uint64, c uint8, limit int64, what string) ([]byte, error) {
	if length > uint64(limit) {
		return nil, fmt.Errorf("pmtiles: %w: the %s is %d bytes", ErrFormat, what, length)
	}
	raw, err := r.read(0, uint64(r.size), off, length, what)
	if err != nil || c == compressNone {
		return raw, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("pmtiles: %w: the %s: %v", ErrFormat, what, err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("pmtiles: %w: the %s: %v", ErrFormat, what, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("pmtiles: %w: the %s decompresses to more than %d bytes", ErrFormat, what, limit)
	}
	return b, nil
}

// read reads length bytes at off within the section [base, base+size).
func (r *Reader) read(base, size, off, length uint64, what string) ([]byte, error) {
	if off > size || length > size-off {
		return nil, fmt.Errorf("pmtiles: %w: a %s lies outside its section", ErrFormat, what)
	}
	b := make([]byte, length)
	if n, err := r.ra.ReadAt(b, int64(base+off)); n < len(b) {
		return nil, fmt.Errorf("pmtiles: read %s: %w", what, err)
	}
	return b, nil
}

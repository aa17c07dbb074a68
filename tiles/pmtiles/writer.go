package pmtiles

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// rootMax is the most bytes of root directory the first 16 KiB of an archive
// hold after the header (so one range request reads both).
const rootMax = 16384 - headerLen

// Meta is what the header and metadata of an archive say beyond its tiles.
type Meta struct {
	MinZoom, MaxZoom int
	Bounds           orb.Bound      // WGS 84; the centre is its centre
	Metadata         map[string]any // the JSON metadata (name, vector_layers, attribution…)
}

// Stats counts what a Writer stored.
type Stats struct {
	Addressed int    // tiles with content (runs counted tile by tile)
	Entries   int    // directory entries (a run of identical tiles is one)
	Contents  int    // distinct tile contents stored
	Leaves    int    // leaf directories
	Bytes     uint64 // the archive's size
}

// Writer builds an archive of gzipped MVT tiles. Add the tiles in ascending
// ID order, then Finish; Close removes the temporary file of tile data.
type Writer struct {
	tmp      *os.File
	buf      *bufio.Writer
	entries  []entry
	seen     map[[sha256.Size]byte]entry // content → where it is stored
	data     uint64                      // tile data written
	last     uint64
	started  bool
	finished bool
	stats    Stats
	zbuf     bytes.Buffer
	zw       *gzip.Writer
}

// NewWriter returns a Writer whose tile data waits in a temporary file in
// dir ("" for the system's).
func NewWriter(dir string) (*Writer, error) {
	f, err := os.CreateTemp(dir, "minqing-pmtiles-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("pmtiles: %w", err)
	}
	w := &Writer{tmp: f, buf: bufio.NewWriterSize(f, 1<<20), seen: map[[sha256.Size]byte]entry{}}
	w.zw, _ = gzip.NewWriterLevel(&w.zbuf, gzip.BestCompression)
	return w, nil
}

// Add stores the MVT bytes of tile t (uncompressed; the Writer gzips them).
// An empty tile is not stored: a reader finds no entry, which a client takes
// as an empty tile. Tiles must come in strictly ascending ID order.
func (w *Writer) Add(t maptile.Tile, mvt []byte) error {
	if w.finished {
		return errors.New("pmtiles: Add after Finish")
	}
	id := ID(t)
	if w.started && id <= w.last {
		return fmt.Errorf("pmtiles: tile %d/%d/%d added out of order: %w", t.Z, t.X, t.Y, errOrder)
	}
	w.started, w.last = true, id
	if len(mvt) == 0 {
		return nil
	}
	w.stats.Addressed++
	sum := sha256.Sum256(mvt)
	if at, ok := w.seen[sum]; ok {
		// A run: the previous entry holds the same bytes and ends just before.
		if n := len(w.entries); n > 0 {
			prev := &w.entries[n-1]
			if prev.Offset == at.Offset && prev.TileID+uint64(prev.RunLength) == id && prev.RunLength < math.MaxUint32 {
				prev.RunLength++
				return nil
			}
		}
		w.entries = append(w.entries, entry{TileID: id, Offset: at.Offset, Length: at.Length, RunLength: 1})
		return nil
	}
	z, err := w.gzip(mvt)
	if err != nil {
		return err
	}
	if len(z) > math.MaxUint32 {
		return fmt.Errorf("pmtiles: tile %d/%d/%d is %d bytes, too large for an archive", t.Z, t.X, t.Y, len(z))
	}
	if _, err := w.buf.Write(z); err != nil {
		return fmt.Errorf("pmtiles: tile data: %w", err)
	}
	e := entry{TileID: id, Offset: w.data, Length: uint32(len(z)), RunLength: 1}
	w.data += uint64(len(z))
	w.seen[sum] = e
	w.entries = append(w.entries, e)
	w.stats.Contents++
	return nil
}

func (w *Writer) gzip(b []byte) ([]byte, error) {
	w.zbuf.Reset()
	w.zw.Reset(&w.zbuf)
	if _, err := w.zw.Write(b); err != nil {
		return nil, err
	}
	if err := w.zw.Close(); err != nil {
		return nil, err
	}
	return w.zbuf.Bytes(), nil
}

// Finish writes the whole archive to out: header, root directory, metadata,
// leaf directories, tile data.
func (w *Writer) Finish(out io.Writer, m Meta) (Stats, error) {
	if w.finished {
		return w.stats, errors.New("pmtiles: Finish called twice")
	}
	w.finished = true
	if m.MinZoom < 0 || m.MaxZoom > 31 || m.MinZoom > m.MaxZoom {
		return w.stats, fmt.Errorf("pmtiles: zoom range %d–%d: want 0 ≤ min ≤ max ≤ 31", m.MinZoom, m.MaxZoom)
	}
	if err := w.buf.Flush(); err != nil {
		return w.stats, fmt.Errorf("pmtiles: tile data: %w", err)
	}
	root, leaves, nLeaves := buildDirs(w.entries)
	meta := m.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return w.stats, fmt.Errorf("pmtiles: metadata: %w", err)
	}
	metaBytes := gzipBytes(metaJSON)
	h := header{
		clustered:           true,
		internalCompression: compressGzip, tileCompression: compressGzip, tileType: typeMVT,
		rootOffset: headerLen, rootLength: uint64(len(root)),
		addressed: uint64(w.stats.Addressed), entries: uint64(len(w.entries)), contents: uint64(w.stats.Contents),
		minZoom: uint8(m.MinZoom), maxZoom: uint8(m.MaxZoom),
		minLonE7: e7(m.Bounds.Min.X()), minLatE7: e7(m.Bounds.Min.Y()),
		maxLonE7: e7(m.Bounds.Max.X()), maxLatE7: e7(m.Bounds.Max.Y()),
		centerZoom:  uint8(m.MinZoom),
		centerLonE7: e7(m.Bounds.Center().X()), centerLatE7: e7(m.Bounds.Center().Y()),
	}
	h.metadataOffset = h.rootOffset + h.rootLength
	h.metadataLength = uint64(len(metaBytes))
	h.leafOffset = h.metadataOffset + h.metadataLength
	h.leafLength = uint64(len(leaves))
	h.dataOffset = h.leafOffset + h.leafLength
	h.dataLength = w.data
	for _, b := range [][]byte{h.marshal(), root, metaBytes, leaves} {
		if _, err := out.Write(b); err != nil {
			return w.stats, fmt.Errorf("pmtiles: write: %w", err)
		}
	}
	if _, err := w.tmp.Seek(0, io.SeekStart); err != nil {
		return w.stats, fmt.Errorf("pmtiles: tile data: %w", err)
	}
	if _, err := io.CopyN(out, w.tmp, int64(w.data)); err != nil {
		return w.stats, fmt.Errorf("pmtiles: write tile data: %w", err)
	}
	w.stats.Entries = len(w.entries)
	w.stats.Leaves = nLeaves
	w.stats.Bytes = h.dataOffset + h.dataLength
	return w.stats, nil
}

// Close removes the temporary tile data; call it (deferred) after Finish or
// on giving up.
func (w *Writer) Close() error {
	name := w.tmp.Name()
	err := w.tmp.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}

// e7 is a degree in the header's fixed point (1e-7 degree).
func e7(deg float64) int32 { return int32(math.Round(deg * 1e7)) }

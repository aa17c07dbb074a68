// Package pmtiles writes and reads PMTiles v3 archives
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): one file
// of tiles that a CDN or object store serves as static bytes, read by a
// client with HTTP range requests.
//
// A Writer takes tiles in ascending Hilbert tile-id order (Order sorts a set
// of tiles so), stores each distinct tile content once (identical tiles —
// the empty sea, the same street at z16 — share one copy, and a run of
// consecutive identical tiles is one directory entry) and lays the archive
// out clustered: header, root directory, metadata, leaf directories, then
// the tile data in tile-id order. A Reader finds a tile through the root and
// leaf directories. The binary encoding (header, varint directories, Hilbert
// ids) is github.com/protomaps/go-pmtiles', the reference implementation.
package pmtiles

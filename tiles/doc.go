// Package tiles turns layers into Mapbox Vector Tiles and serves them fast.
//
// It holds what both stores and the server share about vector tiles:
//
//   - [Encode] and [Render]: the Go encoder (orb/encoding/mvt) the embedded
//     store uses. Features in WGS 84 are projected to the tile, clipped to the
//     tile plus a buffer, simplified, and written with extent 4096 (unless
//     set), their ids and their typed properties. PostGIS renders the same
//     tile with ST_AsMVT in package layers/postgis.
//   - The clustering rule ([Clustered], [ClusterRes], [ClusterMargin]): below
//     a layer's ClusterBelowZoom, a point layer with a stored H3 cell is served
//     as one point per H3 cell the points lie in (the store's exact cell at
//     [ClusterRes], see [CellSource]), at the mean position (in Web Mercator)
//     of the points it aggregates, with a "count" property and the cell index
//     as feature id. Each cell appears in exactly one tile: the one holding
//     its centroid.
//   - Property values: strings, numbers and booleans as they are; times as
//     Unix epoch seconds, which MapLibre filters compare as numbers
//     (["<", ["get", "received_at"], 1767196800]) and a popup formats with
//     new Date(v * 1000); dates as "2026-03-05" text (few distinct values,
//     so the MVT value table shares them; they sort as strings). Epoch
//     seconds keep a tile of 20,000 incidents half the size of RFC 3339 text,
//     since every timestamp is a distinct value.
//   - [Cache]: an in-memory LRU of rendered tiles bounded in bytes, whose
//     entries carry the versions of the layers they were rendered from, so a
//     write to a layer makes exactly that layer's tiles miss; entries keep a
//     strong ETag and their gzipped bytes.
//   - [TileJSON]: the TileJSON 3.0.0 document map clients load.
package tiles

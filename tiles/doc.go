// Package tiles turns layers into Mapbox Vector Tiles and serves them fast.
//
// It is the one place a tile is made ([Render]), for both stores, as
// tegola does it: a store offers its features (layers.Source.Features) or
// finished MVT of them (layers.Source.Tile: PostGIS's ST_AsMVT; the
// embedded store says layers.ErrNoMVT), and Render applies zoom ranges,
// caps and aggregation; the server's handler adds the [Cache]. The stores
// do not import this package.
//
//   - [Encode] and [Render]: features in WGS 84 are projected to the tile,
//     clipped to the tile plus a buffer, simplified, and written with
//     extent 4096 (unless set), their ids and their typed properties;
//     layers of points are written straight to protocol buffers, others by
//     orb/encoding/mvt.
//   - Aggregation ([Aggregable], [Clustered], [ClusterRes], [PointBudget],
//     [MaxTileBytes]): a point layer with stored H3 cells is served below
//     its ClusterBelowZoom, and at any zoom where a tile would hold more
//     than PointBudget points or MaxTileBytes, as one point per H3 cell of
//     [ClusterRes] (the cell each point lies in, counted by the store's
//     CellCounts; under a time window or a category, [ClusterResOf] keeps
//     z16 at the resolution the rollups count those by), at the cell's
//     centre, with a "count" property and the cell index as feature id.
//     Each cell appears in exactly one tile: the one holding its centre. Up
//     to [ClustersFirstMaxZoom], where the counts come from the stores'
//     rollups whole ([ClustersFirst]), a tile is decided by its clusters:
//     when they count more than PointBudget it is they, and its points are
//     never read. Under a time window and a category, whose partial months
//     the rollups do not count, the whole months around the window are
//     counted first: a tile they put under PointBudget is read as points
//     without counting the window's raw rows.
//   - [PointIndex]: such point layers (up to [IndexMaxFeatures]) kept in
//     memory at their layer version, so a tile of their points needs no
//     store round trip and is never cut from a stale copy.
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

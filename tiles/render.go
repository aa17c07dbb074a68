package tiles

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/layers"
)

// FeatureSource is what Render needs of a store at least: its feature
// stream. A store that also renders finished MVT ([MVTSource]) or counts
// points per H3 cell ([CountSource]) is asked that instead where it can.
type FeatureSource interface {
	Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error
}

// MVTSource is a store that renders finished MVT layers itself
// (layers.Source.Tile: PostGIS's ST_AsMVT), or says layers.ErrNoMVT.
type MVTSource interface {
	Tile(ctx context.Context, req layers.TileRequest) ([]byte, error)
}

// CountSource is a store that counts a point layer's features per H3 cell
// (layers.Source.CellCounts); clusters are made of its counts.
type CountSource interface {
	CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error)
}

// Render makes the tile req asks for from src: the one place that applies
// zoom ranges, caps and aggregation, for both stores. For each requested
// layer within its zoom range:
//
//   - a point layer that stores H3 cells ([Aggregable]) is served as
//     clusters below its ClusterBelowZoom, and from there on as its points
//     unless the tile would hold more than [PointBudget] of them (or
//     encode to more than [MaxTileBytes]), when it is served as clusters at
//     the zoom's finer cell ([ClusterRes]) instead; clusters count the
//     store's CellCounts (one point per cell whose centre lies in the tile,
//     at the centre, with a "count"); where src is a [PointIndex]'s view
//     holding the layer, points and counts come from its prepared copy;
//   - any other layer is the store's finished MVT (MVTSource) when it has
//     one, else its features encoded in Go; at most the layer's
//     MaxTileFeatures, lowest ids first.
//
// Layers outside their zoom range are left out; a tile with no feature is
// empty (nil).
func Render(ctx context.Context, src FeatureSource, req layers.TileRequest) ([]byte, error) {
	if err := CheckTile(req.Z, req.X, req.Y); err != nil {
		return nil, err
	}
	if req.Extent <= 0 {
		req.Extent = DefaultExtent
	}
	if req.Buffer == 0 {
		req.Buffer = DefaultBuffer
	}
	t := maptile.New(uint32(req.X), uint32(req.Y), maptile.Zoom(req.Z))
	tl := newTiler(t, Options{Extent: req.Extent, Buffer: req.Buffer})
	var body []byte                 // an MVT is a sequence of layers
	var storeLayers []*layers.Layer // the store's MVT, when it has one
	for _, l := range req.Layers {
		if req.Z < l.MinZoom || req.Z > l.MaxZoom {
			continue
		}
		if !Aggregable(l) {
			storeLayers = append(storeLayers, l)
			continue
		}
		q := req.Query[l.Name]
		q.Role = req.Role
		b, err := aggregable(ctx, src, l, tl, q)
		if err != nil {
			return nil, err
		}
		if body == nil {
			body = b // most tiles are one layer: not copied
		} else {
			body = append(body, b...)
		}
	}
	if len(storeLayers) > 0 {
		b, err := storeTile(ctx, src, tl, req, storeLayers)
		if err != nil {
			return nil, err
		}
		body = append(b, body...)
	}
	if len(body) == 0 {
		return nil, nil
	}
	return body, nil
}

// aggregable is the MVT layer of an Aggregable layer l: its points, or its
// clusters below ClusterBelowZoom and where the points are over budget.
// Where the tile's clusters are cheap to count ([ClustersFirst]), they are
// counted first: when they hold more points than the budget, the tile is
// those clusters and its points are never read (unless the whole months
// around its window already hold fewer: fewInMonths). Elsewhere, where a store
// counts cells from its rollups (no point index holds l), the finest stored
// cells wholly inside the tile are counted first (overByCounts), to the
// same end.
func aggregable(ctx context.Context, src FeatureSource, l *layers.Layer, tl *tiler, q layers.Query) ([]byte, error) {
	var feats []*layers.Feature // the tile's clusters, once counted
	var err error
	if !Clustered(l, int(tl.tile.Z)) {
		over := false
		if ClustersFirst(l, int(tl.tile.Z), q) && !fewAround(src, l, tl.tile, q) {
			few, err := fewInMonths(ctx, src, l, tl.tile, q)
			if err != nil {
				return nil, err
			}
			if !few {
				if feats, err = clusters(ctx, src, l, tl.tile, q); err != nil {
					return nil, err
				}
				over = clusteredCount(feats) > int64(pointBudget(l))
			}
		} else if over, err = overByCounts(ctx, src, l, tl.tile, q); err != nil {
			return nil, err
		}
		if !over {
			b, over, err := pointLayer(ctx, src, l, tl, q)
			// The byte budget: a tile of few but large points is clustered too.
			if err != nil || (!over && len(b) <= MaxTileBytes) {
				return b, err
			}
		}
	}
	if feats == nil {
		if feats, err = clusters(ctx, src, l, tl.tile, q); err != nil {
			return nil, err
		}
	}
	return tl.marshal([]Layer{{Name: l.Name, Fields: []layers.Field{CountField()}, Features: capped(tl.project(feats), l.MaxTileFeatures)}})
}

// ClustersFirstMaxZoom is the deepest zoom at which [ClustersFirst] may
// decide a tile by its clusters: the last at which a cluster cell
// ([ClusterRes], resolution 11 from z16 on) is at most about a quarter of
// the tile across (and six zooms past a cell's resolution, for coarser
// clusters: [ClusterResOf]). Deeper, a cell's centre would decide for
// tiles the cell mostly lies outside of, and the points under a dense cell
// could never be reached by zooming in.
const ClustersFirstMaxZoom = 17

// quarterTileZooms is how many zooms past its resolution a cluster cell
// stays at most about a quarter of the tile across: ClustersFirstMaxZoom
// for the finest stored cells, and as far past a coarser resolution
// ([ClusterResOf]).
const quarterTileZooms = ClustersFirstMaxZoom - hex.MaxExactRes

// ClustersFirst reports whether a tile of Aggregable layer l at zoom z
// (from its ClusterBelowZoom on) with q is decided by its clusters: it is
// served as clusters when the points in the [ClusterResOf] cells whose
// centre lies in it are more than [PointBudget], whatever the tile itself
// holds (the cells at its edges lie partly outside it, and points of cells
// centred outside lie in it: the count is close to the tile's, not exact).
//
// That holds where a store reads those counts from its rollups alone and
// the cells are at most about a quarter of the tile across (z17 at
// resolution 11, z16 at 10: ClustersFirstMaxZoom): no CQL2 filter, and a
// time window or an equality (a category) only where the clusters'
// resolution has days and categories (layers.RollupDaysMaxRes,
// RollupDimsMaxRes: z15, and z16 clustered at 10), never under an
// equality of another field (a status); and not for a layer whose own
// smaller cap truncates its points instead. Every source applies it alike
// (the point index and a source without counts count the same cells from
// the points), so a tile is the same from each.
func ClustersFirst(l *layers.Layer, z int, q layers.Query) bool {
	if q.Filter != nil || (l.MaxTileFeatures > 0 && l.MaxTileFeatures <= PointBudget) {
		return false
	}
	res := ClusterResOf(z, q)
	return z-res <= quarterTileZooms && res <= rollupRes(q)
}

// ClusterResOf is the resolution of the clusters of a tile at zoom z with
// q: [ClusterRes], except under a time window or an equality (a category)
// at a zoom whose ClusterRes is finer than the rollups keep days and
// categories at (layers.RollupDaysMaxRes, RollupDimsMaxRes): there the
// clusters are that coarser resolution, as long as its cells stay at most
// about a quarter of the tile across (z16: resolution 10 instead of 11).
// Such a tile is then counted from the rollups whole, not from the raw
// rows of its window. A CQL2 filter, which the rollups never answer, keeps
// ClusterRes.
func ClusterResOf(z int, q layers.Query) int {
	res, coarse := ClusterRes(z), rollupRes(q)
	if q.Filter == nil && res > coarse && z-coarse <= quarterTileZooms {
		return coarse
	}
	return res
}

// rollupRes is the finest resolution at which the rollups count what q
// selects (CQL2 aside): hex.MaxExactRes, or the finest with days under a
// time window, with categories under an equality of their dimensions
// (layers.RollupDims); 0 under an equality of any other field (a status),
// which the rollups do not count at all.
func rollupRes(q layers.Query) int {
	res := hex.MaxExactRes
	if q.Time != nil {
		res = min(res, layers.RollupDaysMaxRes)
	}
	for k := range q.Equal {
		if !layers.RollupDims[k] {
			return 0
		}
		res = min(res, layers.RollupDimsMaxRes)
	}
	return res
}

// fewAround reports whether the point index holding l knows, without
// looking at a point, that the box the clusters of tile t are counted over
// holds at most the budget: then so do its clusters, and they need not be
// counted (most tiles of a layer small enough to be indexed).
func fewAround(src FeatureSource, l *layers.Layer, t maptile.Tile, q layers.Query) bool {
	set := preparedSet(src, l, q)
	return set != nil && set.prep.atMost(Window(t, ClusterMargin(t, ClusterResOf(int(t.Z), q))), pointBudget(l))
}

// fewInMonths reports whether the whole months around q's time window
// (layers.MonthsAround) hold at most the budget in the cluster cells of
// tile t, counted from the rollups alone: then so does the window, and the
// tile is read as points without counting the window first. It asks only
// where the window's own count would read raw rows — its partial months,
// where the rollups keep the clusters' resolution by month alone (a
// category under a window: layers.RollupDays) — and the store counts (no
// point index holds l). A tile over that bound is counted as before: the
// bound costs one read of the rollups, the count it spares reads every row
// of the window's partial months in the tile's cells.
func fewInMonths(ctx context.Context, src FeatureSource, l *layers.Layer, t maptile.Tile, q layers.Query) (bool, error) {
	if _, ok := src.(CountSource); !ok || q.Time == nil || preparedSet(src, l, q) != nil {
		return false, nil
	}
	res := ClusterResOf(int(t.Z), q)
	if layers.RollupDays(res, q, "") {
		return false, nil // the rollups count the window whole
	}
	if _, edges := layers.RollupWindow(q.Time, false); len(edges) == 0 {
		return false, nil // the window is whole months: its count is the bound
	}
	wide := q
	wide.Time = layers.MonthsAround(q.Time)
	feats, err := clusters(ctx, src, l, t, wide)
	if err != nil {
		return false, err
	}
	return clusteredCount(feats) <= int64(pointBudget(l)), nil
}

// clusteredCount is how many points clusters stand for.
func clusteredCount(feats []*layers.Feature) int64 {
	var n int64
	for _, f := range feats {
		n += f.Props["count"].(int64)
	}
	return n
}

// overByCounts reports whether the store's counts of l by its finest
// stored cells (hex.MaxExactRes) put more points than the budget in the
// cells wholly inside tile t, so that its points would be clusters. It
// asks only where that count comes from the rollups: no point index holds
// l, no CQL2 filter, and no smaller cap truncates the points instead.
func overByCounts(ctx context.Context, src FeatureSource, l *layers.Layer, t maptile.Tile, q layers.Query) (bool, error) {
	cs, ok := src.(CountSource)
	if !ok || preparedSet(src, l, q) != nil || q.Filter != nil || (l.MaxTileFeatures > 0 && l.MaxTileFeatures <= PointBudget) {
		return false, nil
	}
	res := hex.MaxExactRes
	cells, ok := innerCells(t, res)
	if !ok || len(cells) == 0 {
		return false, nil
	}
	q.BBox, q.Limit, q.AfterID = nil, 0, 0
	q.Cells = &layers.CellSet{Res: res, Cells: cells}
	if !layers.RollupUsable(l, res, q, "") {
		return false, nil
	}
	cc, err := cs.CellCounts(ctx, l, res, q, "")
	if err != nil {
		return false, fmt.Errorf("tiles: counts of %s %d/%d/%d: %w", l.Name, t.Z, t.X, t.Y, err)
	}
	var n int64
	for _, c := range cc {
		n += c.Count
	}
	return n > int64(pointBudget(l)), nil
}

// PointBudget is how many points of an [Aggregable] layer a tile holds at
// most before it is served as clusters. It is sized by [MaxTileBytes]: a
// staff incident of the demo takes 146–165 bytes (a 12345 work order,
// with fewer fields filled, about 90), so 3,072 of them take about
// 450–500 KB. The byte budget is only known once the points are read and
// encoded; a point budget under it lets the counts decide (ClustersFirst)
// before anything is read, where a larger one had a tile of 3,300–4,096
// points read and encoded only to be thrown away for its clusters.
const PointBudget = 3072

// MaxTileBytes is the most an [Aggregable] layer's points may take in a
// tile (uncompressed) before the tile is served as clusters.
const MaxTileBytes = 512 << 10

// Aggregable reports whether tiles may serve point layer l as clusters: it
// clusters (ClusterBelowZoom set) and the stores keep its H3 cells.
func Aggregable(l *layers.Layer) bool {
	return l.ClusterBelowZoom > 0 && layers.StoresCells(l)
}

// storeTile is the layers ls of req as the store renders them (its MVT), or
// else as Render encodes the store's features.
func storeTile(ctx context.Context, src FeatureSource, tl *tiler, req layers.TileRequest, ls []*layers.Layer) ([]byte, error) {
	if ms, ok := src.(MVTSource); ok {
		sreq := req
		sreq.Layers = ls
		sreq.Query = make(map[string]layers.Query, len(ls))
		for _, l := range ls {
			q := req.Query[l.Name]
			q.Limit, q.AfterID = l.MaxTileFeatures, 0
			sreq.Query[l.Name] = q
		}
		b, err := ms.Tile(ctx, sreq)
		if !errors.Is(err, layers.ErrNoMVT) {
			return b, err
		}
	}
	out := make([]Layer, 0, len(ls))
	for _, l := range ls {
		q := req.Query[l.Name]
		q.Role = req.Role
		feats, _, err := read(ctx, src, l, tl, q, l.MaxTileFeatures, false)
		if err != nil {
			return nil, err
		}
		out = append(out, Layer{Name: l.Name, Fields: q.Columns(l), Features: feats})
	}
	return tl.marshal(out)
}

// pointLayer is the MVT layer of l's points in the tile (nil when there
// are none), or over when there are more than the budget: cut from the
// point index where it holds l (PointIndex.At), else read from src.
func pointLayer(ctx context.Context, src FeatureSource, l *layers.Layer, tl *tiler, q layers.Query) (b []byte, over bool, err error) {
	if set := preparedSet(src, l, q); set != nil {
		pos, pts, full, err := set.cut(ctx, l, tl, q, pointBudget(l)+1)
		if err != nil {
			return nil, false, err
		}
		if full {
			if l.MaxTileFeatures <= 0 || l.MaxTileFeatures > PointBudget {
				return nil, true, nil
			}
			pos, pts = pos[:l.MaxTileFeatures], pts[:l.MaxTileFeatures]
		}
		if len(pos) == 0 {
			return nil, false, nil
		}
		if b, ok := set.appendPoints(nil, l.Name, tl.extent, q.Columns(l), pos, pts); ok {
			return b, false, nil
		}
	}
	feats, over, err := points(ctx, src, l, tl, q)
	if err != nil || over {
		return nil, over, err
	}
	b, err = tl.marshal([]Layer{{Name: l.Name, Fields: q.Columns(l), Features: feats}})
	return b, false, err
}

// pointBudget is how many points of l a tile holds at most before it is
// clustered (or, under a smaller MaxTileFeatures, truncated).
func pointBudget(l *layers.Layer) int {
	if l.MaxTileFeatures > 0 {
		return min(PointBudget, l.MaxTileFeatures)
	}
	return PointBudget
}

// points reads the points of l in the tile, or reports that there are more
// than the budget.
func points(ctx context.Context, src FeatureSource, l *layers.Layer, tl *tiler, q layers.Query) ([]*layers.Feature, bool, error) {
	truncates := l.MaxTileFeatures > 0 && l.MaxTileFeatures <= PointBudget
	// Where more than the budget make clusters, which points are read
	// first does not matter: the store may take any budget+1 of them.
	feats, full, err := read(ctx, src, l, tl, q, pointBudget(l)+1, !truncates)
	if err != nil {
		return nil, false, err
	}
	if full && truncates {
		// The layer's own cap is the smaller: it truncates, as it always has.
		return feats[:l.MaxTileFeatures], false, nil
	}
	return feats, full, nil
}

// read reads l's features in the tile and its buffer, in tile units, lowest
// ids first, until limit features that show in the tile (0: no limit); full
// reports that the limit was reached. With anyOrder (and a limit), the
// features of a full read are any limit of them, not the lowest ids: the
// store is asked for a few more than limit, in any order, and stops there
// instead of reading and sorting every feature in the tile. A read that is not
// full holds every feature either way, sorted by id here.
func read(ctx context.Context, src FeatureSource, l *layers.Layer, tl *tiler, q layers.Query, limit int, anyOrder bool) ([]*layers.Feature, bool, error) {
	w := Window(tl.tile, tl.margin())
	q.BBox = &w
	q.Limit, q.AfterID, q.Unordered = 0, 0, false
	bounded := q
	if anyOrder && limit > 0 {
		// A few more than limit: the search box is a unit wider than the
		// tile and its buffer (margin), and what lies in that unit is read
		// but does not show.
		bounded.Limit, bounded.Unordered = limit+limit/16+16, true
	}
	var feats []*layers.Feature
	got := 0
	err := src.Features(ctx, l, bounded, func(f *layers.Feature) error {
		got++
		if f.Geometry = tl.geometry(f.Geometry); f.Geometry == nil {
			return nil
		}
		feats = append(feats, f)
		if limit > 0 && len(feats) >= limit {
			return errFull
		}
		return nil
	})
	full := errors.Is(err, errFull)
	if err != nil && !full {
		return nil, false, fmt.Errorf("tiles: %s %d/%d/%d: %w", l.Name, tl.tile.Z, tl.tile.X, tl.tile.Y, err)
	}
	if bounded.Unordered {
		if !full && got == bounded.Limit {
			// The store stopped at its limit, but more of what it gave
			// clips to nothing: whether limit features would show is
			// unknown, so every feature is read, in order.
			return read(ctx, src, l, tl, q, limit, false)
		}
		slices.SortFunc(feats, func(a, b *layers.Feature) int { return cmp.Compare(a.ID, b.ID) })
	}
	return feats, full, nil
}

func capped(fs []*layers.Feature, n int) []*layers.Feature {
	if n > 0 && len(fs) > n {
		return fs[:n]
	}
	return fs
}

// CountField is the one property of a cluster: how many points it stands for.
func CountField() layers.Field {
	return layers.Field{Name: "count", Type: layers.Int, TitleZH: "数量", TitleEN: "Count", Access: layers.Public}
}

// clusters returns one feature (in WGS 84) per H3 cell at ClusterResOf(z, q)
// holding points of l that q selects, whose centre lies in tile t, at that
// centre, with the cell as id and its count, ordered by cell. The counts
// (cellCounts: the point index's, the store's or computed here) are of
// whole cells: a store is asked for the cells whose centre is in the tile
// (a CellSet, which its rollups answer without reading a point), the index
// and Features read over the tile grown by ClusterMargin.
func clusters(ctx context.Context, src FeatureSource, l *layers.Layer, t maptile.Tile, q layers.Query) ([]*layers.Feature, error) {
	res := ClusterResOf(int(t.Z), q)
	w := Window(t, ClusterMargin(t, res))
	q.Limit, q.AfterID, q.Cells = 0, 0, nil
	q.BBox = &w
	if _, ok := src.(CountSource); ok && preparedSet(src, l, q) == nil {
		if cells, ok := TileCells(t, res); ok {
			if len(cells) == 0 {
				return nil, nil
			}
			q.BBox, q.Cells = nil, &layers.CellSet{Res: res, Cells: cells}
		} else if whole := withoutBBox(q); layers.RollupUsable(l, res, whole, "") {
			// A tile too large to list its cells (zooms below 5): every
			// cell's count, from the rollups, is less than its points.
			q = whole
		}
	}
	counts, err := cellCounts(ctx, src, l, res, q)
	if err != nil {
		return nil, fmt.Errorf("tiles: clusters of %s %d/%d/%d: %w", l.Name, t.Z, t.X, t.Y, err)
	}
	keys := make([]int64, 0, len(counts))
	for c := range counts {
		if maptile.At(hex.Center(c), t.Z) == t {
			keys = append(keys, c)
		}
	}
	slices.Sort(keys)
	out := make([]*layers.Feature, 0, len(keys))
	for _, c := range keys {
		out = append(out, &layers.Feature{ID: c, Geometry: hex.Center(c), Props: map[string]any{"count": counts[c]}})
	}
	return out, nil
}

// withoutBBox is q with no bbox.
func withoutBBox(q layers.Query) layers.Query {
	q.BBox = nil
	return q
}

// preparedSet returns the point index's prepared copy of l that answers q,
// when src is an index's view holding it (PointIndex.At), else nil.
func preparedSet(src FeatureSource, l *layers.Layer, q layers.Query) *pointSet {
	is, ok := src.(*indexedSource)
	if !ok {
		return nil
	}
	if set := is.set(l, q); set != nil && set.prep != nil {
		return set
	}
	return nil
}

// cellCounts counts l's points that q selects by their cell at res: from
// the point index where it holds l, else the store's CellCounts
// (CountSource), else each point's cell computed here.
func cellCounts(ctx context.Context, src FeatureSource, l *layers.Layer, res int, q layers.Query) (map[int64]int64, error) {
	if set := preparedSet(src, l, q); set != nil {
		if counts, ok, err := set.cellCounts(ctx, l, res, q, *q.BBox); ok {
			return counts, err
		}
	}
	counts := map[int64]int64{}
	if cs, ok := src.(CountSource); ok {
		cc, err := cs.CellCounts(ctx, l, res, q, "")
		for _, c := range cc {
			counts[c.Cell] += c.Count
		}
		return counts, err
	}
	q.Properties = []string{}
	err := src.Features(ctx, l, q, func(f *layers.Feature) error {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			return nil
		}
		c, err := hex.FromPoint(p, res)
		if err != nil {
			return err
		}
		counts[c]++
		return nil
	})
	return counts, err
}

// CheckTile reports whether z/x/y names a tile: z within 0–22 and x, y
// within 0–2^z−1.
func CheckTile(z, x, y int) error {
	if z < 0 || z > MaxZoom {
		return layers.Invalid("z", fmt.Sprintf("zoom %d is outside 0–%d", z, MaxZoom))
	}
	n := 1 << z
	if x < 0 || x >= n {
		return layers.Invalid("x", fmt.Sprintf("x %d is outside 0–%d at zoom %d", x, n-1, z))
	}
	if y < 0 || y >= n {
		return layers.Invalid("y", fmt.Sprintf("y %d is outside 0–%d at zoom %d", y, n-1, z))
	}
	return nil
}

// MaxZoom is the deepest zoom served.
const MaxZoom = 22

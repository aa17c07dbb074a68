package tiles

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/layers"
)

// FeatureSource is what Render needs of a store: its feature stream.
type FeatureSource interface {
	Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error
}

// Render builds the tile req asks for from src's features, in Go: the
// embedded store's Tile. For each requested layer within its zoom range it
// reads the features in the tile plus the buffer (at most the layer's
// MaxTileFeatures, lowest ids first) with the properties req.Role may see
// and req's filters, or, where [Clustered], the layer's clusters; then it
// calls Encode. Layers outside their zoom range are left out.
func Render(ctx context.Context, src FeatureSource, req layers.TileRequest) ([]byte, error) {
	if err := CheckTile(req.Z, req.X, req.Y); err != nil {
		return nil, err
	}
	t := maptile.New(uint32(req.X), uint32(req.Y), maptile.Zoom(req.Z))
	tl := newTiler(t, Options{Extent: req.Extent, Buffer: req.Buffer})
	out := make([]Layer, 0, len(req.Layers))
	for _, l := range req.Layers {
		if req.Z < l.MinZoom || req.Z > l.MaxZoom {
			continue
		}
		q := req.Query[l.Name]
		q.Role = req.Role
		var feats []*layers.Feature
		var err error
		fields := q.Columns(l)
		if Clustered(l, req.Z) {
			feats, err = clusters(ctx, src, l, tl, q)
			fields = []layers.Field{CountField()}
		} else {
			feats, err = plain(ctx, src, l, tl, q)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Layer{Name: l.Name, Fields: fields, Features: feats})
	}
	return tl.marshal(out)
}

// plain reads l's features in the tile and its buffer, in tile units, lowest
// ids first, until the layer's cap of features that show in the tile.
func plain(ctx context.Context, src FeatureSource, l *layers.Layer, tl *tiler, q layers.Query) ([]*layers.Feature, error) {
	w := Window(tl.tile, tl.margin())
	q.BBox = &w
	q.Limit, q.AfterID = 0, 0
	var feats []*layers.Feature
	err := src.Features(ctx, l, q, func(f *layers.Feature) error {
		if f.Geometry = tl.geometry(f.Geometry); f.Geometry == nil {
			return nil
		}
		feats = append(feats, f)
		if l.MaxTileFeatures > 0 && len(feats) >= l.MaxTileFeatures {
			return errFull
		}
		return nil
	})
	if err != nil && !errors.Is(err, errFull) {
		return nil, fmt.Errorf("tiles: %s %d/%d/%d: %w", l.Name, tl.tile.Z, tl.tile.X, tl.tile.Y, err)
	}
	return feats, nil
}

// CountField is the one property of a cluster: how many points it stands for.
func CountField() layers.Field {
	return layers.Field{Name: "count", Type: layers.Int, TitleZH: "数量", TitleEN: "Count", Access: layers.Public}
}

// CellSource is a FeatureSource that keeps each point's own H3 cell at the
// cluster resolutions (layers.StoresCells): PointCells calls fn for each
// point q selects with its stored cell at res. Render clusters with it when
// the store has it, else it asks H3 for each point's cell.
type CellSource interface {
	FeatureSource
	PointCells(ctx context.Context, l *layers.Layer, res int, q layers.Query, fn func(p orb.Point, cell int64) error) error
}

// clusters reads the points of l around tile t and returns one feature per
// H3 cell at ClusterRes(z) — the cell each point lies in, the hexagon a map
// draws — whose centroid lies in the tile, ordered by cell, at most
// l.MaxTileFeatures.
func clusters(ctx context.Context, src FeatureSource, l *layers.Layer, tl *tiler, q layers.Query) ([]*layers.Feature, error) {
	t := tl.tile
	res := ClusterRes(int(t.Z))
	w := Window(t, ClusterMargin(t, res))
	q.BBox = &w
	q.Limit, q.AfterID = 0, 0
	type acc struct {
		n      int64
		sx, sy float64
	}
	cells := map[int64]*acc{}
	add := func(p orb.Point, c int64) error {
		a := cells[c]
		if a == nil {
			a = &acc{}
			cells[c] = a
		}
		m := Mercator(p)
		a.n++
		a.sx += m[0]
		a.sy += m[1]
		return nil
	}
	var err error
	if cs, ok := src.(CellSource); ok {
		err = cs.PointCells(ctx, l, res, q, add)
	} else {
		// Without stored cells, H3 is asked for each point's cell.
		q.Properties = []string{}
		err = src.Features(ctx, l, q, func(f *layers.Feature) error {
			p, ok := f.Geometry.(orb.Point)
			if !ok {
				return nil
			}
			c, err := hex.FromPoint(p, res)
			if err != nil {
				return err
			}
			return add(p, c)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("tiles: clusters of %s %d/%d/%d: %w", l.Name, t.Z, t.X, t.Y, err)
	}
	keys := make([]int64, 0, len(cells))
	for c := range cells {
		keys = append(keys, c)
	}
	slices.Sort(keys)
	tb := MercatorBound(t)
	var out []*layers.Feature
	for _, c := range keys {
		a := cells[c]
		m := orb.Point{a.sx / float64(a.n), a.sy / float64(a.n)}
		if !InTile(tb, m) {
			continue
		}
		if l.MaxTileFeatures > 0 && len(out) >= l.MaxTileFeatures {
			break
		}
		g := tl.geometry(FromMercator(m))
		if g == nil {
			continue
		}
		out = append(out, &layers.Feature{ID: c, Geometry: g, Props: map[string]any{"count": a.n}})
	}
	return out, nil
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

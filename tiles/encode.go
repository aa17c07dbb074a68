package tiles

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"
	"github.com/paulmach/orb/simplify"

	"minqing/layers"
)

// Defaults of a tile.
const (
	DefaultExtent = 4096 // tile units across a tile
	DefaultBuffer = 64   // tile units drawn beyond each edge
)

// Layer is one MVT layer to encode.
type Layer struct {
	Name string
	// Fields are the properties written, with their types; a property of a
	// feature that is not among them is left out.
	Fields []layers.Field
	// Features are in WGS 84 (lon, lat).
	Features []*layers.Feature
}

// Options tune Encode; zero values take the defaults.
type Options struct {
	Extent int // DefaultExtent unless set
	Buffer int // DefaultBuffer unless set; negative means none
}

func (o Options) extent() int {
	if o.Extent <= 0 {
		return DefaultExtent
	}
	return o.Extent
}

func (o Options) buffer() int {
	switch {
	case o.Buffer < 0:
		return 0
	case o.Buffer == 0:
		return DefaultBuffer
	}
	return o.Buffer
}

// Encode renders tile t with one MVT layer per layer given, in order: each
// feature is projected to the tile (rounded to whole tile units, as
// ST_AsMVTGeom does), clipped to the tile plus the buffer, simplified
// (Douglas–Peucker, one tile unit), dropped when nothing of it is left, and
// written with its id and properties. Layers left with no feature are
// omitted; a tile with no feature at all is empty (nil, no error).
func Encode(t maptile.Tile, ls []Layer, o Options) ([]byte, error) {
	tl := newTiler(t, o)
	projected := make([]Layer, len(ls))
	for i, l := range ls {
		projected[i] = Layer{Name: l.Name, Fields: l.Fields, Features: make([]*layers.Feature, 0, len(l.Features))}
		for _, f := range l.Features {
			if g := tl.geometry(f.Geometry); g != nil {
				projected[i].Features = append(projected[i].Features, &layers.Feature{ID: f.ID, Geometry: g, Props: f.Props})
			}
		}
	}
	return tl.marshal(projected)
}

// tiler turns WGS 84 geometries into the geometries of one tile.
type tiler struct {
	tile   maptile.Tile
	extent int
	proj   orb.Projection
	box    orb.Bound // the tile plus its buffer, in tile units
	minX   float64   // the tile's west edge, Web Mercator metres
	maxY   float64   // its north edge
	k      float64   // tile units per metre
}

func newTiler(t maptile.Tile, o Options) *tiler {
	extent, buf := o.extent(), float64(o.buffer())
	b := MercatorBound(t)
	tl := &tiler{
		tile:   t,
		extent: extent,
		box:    orb.Bound{Min: orb.Point{-buf, -buf}, Max: orb.Point{float64(extent) + buf, float64(extent) + buf}},
		minX:   b.Min[0],
		maxY:   b.Max[1],
		k:      float64(extent) / (b.Max[0] - b.Min[0]),
	}
	tl.proj = func(p orb.Point) orb.Point { return tl.fromMercator(Mercator(p)) }
	return tl
}

// fromMercator places a Web Mercator point in the tile: x right, y down, 0
// to extent across the tile, rounded to whole units as ST_AsMVTGeom rounds
// them (orb's own projection floors, which moves points by up to a unit
// and disagrees with PostGIS at the buffer's edge).
func (tl *tiler) fromMercator(m orb.Point) orb.Point {
	return orb.Point{math.Round((m[0] - tl.minX) * tl.k), math.Round((tl.maxY - m[1]) * tl.k)}
}

// margin is how far beyond the tile, as a fraction of its width, features
// must be read: the buffer and one unit for rounding.
func (tl *tiler) margin() float64 {
	return (tl.box.Max[0] - float64(tl.extent) + 1) / float64(tl.extent)
}

// geometry projects, clips, simplifies and orients g; nil when nothing of it
// is left in the tile.
func (tl *tiler) geometry(g orb.Geometry) orb.Geometry {
	if p, ok := g.(orb.Point); ok {
		// A point needs no clipping, simplifying or orienting: in or out.
		if p = tl.proj(p); !tl.box.Contains(p) {
			return nil
		}
		return p
	}
	if g == nil {
		return nil
	}
	g = clip.Geometry(tl.box, project.Geometry(orb.Clone(g), tl.proj))
	if g == nil {
		return nil
	}
	switch g.Dimensions() {
	case 1:
		g = simplify.DouglasPeucker(1.0).Simplify(g)
		if g == nil || planar.Length(g) < 1 {
			return nil
		}
	case 2:
		g = simplify.DouglasPeucker(1.0).Simplify(g)
		if g == nil || planar.Area(g) < 1 {
			return nil
		}
		g = orient(g)
	}
	return g
}

// project projects features in WGS 84 to the tile in place (see geometry),
// dropping those left with nothing.
func (tl *tiler) project(fs []*layers.Feature) []*layers.Feature {
	out := fs[:0]
	for _, f := range fs {
		if g := tl.geometry(f.Geometry); g != nil {
			f.Geometry = g
			out = append(out, f)
		}
	}
	return out
}

// marshal writes layers whose features are already in tile units: layers
// of points by appendPointLayer, the others by orb's encoder.
func (tl *tiler) marshal(ls []Layer) ([]byte, error) {
	out := make(mvt.Layers, 0, len(ls))
	var points []byte
	for _, l := range ls {
		if len(l.Features) == 0 {
			continue
		}
		if allPoints(l.Features) {
			var err error
			if points, err = appendPointLayer(points, l.Name, tl.extent, l.Fields, l.Features); err != nil {
				return nil, err
			}
			continue
		}
		ml := &mvt.Layer{Name: l.Name, Version: 2, Extent: uint32(tl.extent), Features: make([]*geojson.Feature, 0, len(l.Features))}
		for _, f := range l.Features {
			gf := geojson.NewFeature(f.Geometry)
			gf.ID = uint64(f.ID)
			gf.Properties = Properties(l.Fields, f.Props)
			ml.Features = append(ml.Features, gf)
		}
		out = append(out, ml)
	}
	if len(out) == 0 {
		return points, nil
	}
	b, err := mvt.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("tiles: encode %d/%d/%d: %w", tl.tile.Z, tl.tile.X, tl.tile.Y, err)
	}
	return append(b, points...), nil
}

// errFull stops a feature stream once a layer has its cap of features.
var errFull = errors.New("tiles: layer full")

// orient winds polygon rings as the MVT specification wants them in tile
// coordinates (y down): exterior rings with positive area by the surveyor's
// formula, holes negative. Rings that lost their area are dropped.
func orient(g orb.Geometry) orb.Geometry {
	switch v := g.(type) {
	case orb.Polygon:
		if p := orientPolygon(v); p != nil {
			return p
		}
		return nil
	case orb.MultiPolygon:
		out := v[:0]
		for _, p := range v {
			if p = orientPolygon(p); p != nil {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return g
}

func orientPolygon(p orb.Polygon) orb.Polygon {
	out := p[:0]
	for i, r := range p {
		o := r.Orientation()
		if o == 0 {
			if i == 0 {
				return nil // no exterior: no polygon
			}
			continue
		}
		if (i == 0) != (o == orb.CCW) {
			r.Reverse()
		}
		out = append(out, r)
	}
	return out
}

package export

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
)

// toGeom converts an orb geometry to go-geom (2D), rounding coordinates to
// prec decimals. It is the only place orb meets go-geom.
func toGeom(g orb.Geometry, prec int) (geom.T, error) {
	switch v := g.(type) {
	case orb.Point:
		return geom.NewPointFlat(geom.XY, []float64{round(v[0], prec), round(v[1], prec)}), nil
	case orb.MultiPoint:
		return geom.NewMultiPointFlat(geom.XY, flat(nil, v, prec)), nil
	case orb.LineString:
		return geom.NewLineStringFlat(geom.XY, flat(nil, v, prec)), nil
	case orb.MultiLineString:
		var coords []float64
		ends := make([]int, 0, len(v))
		for _, ls := range v {
			coords = flat(coords, ls, prec)
			ends = append(ends, len(coords))
		}
		return geom.NewMultiLineStringFlat(geom.XY, coords, ends), nil
	case orb.Ring:
		return toGeom(orb.Polygon{v}, prec)
	case orb.Bound:
		return toGeom(v.ToPolygon(), prec)
	case orb.Polygon:
		coords, ends := polygonFlat(nil, v, prec)
		return geom.NewPolygonFlat(geom.XY, coords, ends), nil
	case orb.MultiPolygon:
		var coords []float64
		endss := make([][]int, 0, len(v))
		for _, p := range v {
			var ends []int
			coords, ends = polygonFlat(coords, p, prec)
			endss = append(endss, ends)
		}
		return geom.NewMultiPolygonFlat(geom.XY, coords, endss), nil
	case orb.Collection:
		gc := geom.NewGeometryCollection()
		for _, m := range v {
			t, err := toGeom(m, prec)
			if err != nil {
				return nil, err
			}
			if err := gc.Push(t); err != nil {
				return nil, err
			}
		}
		return gc, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("export: cannot write a %T as KML", g)
}

func flat[T ~[]orb.Point](dst []float64, ps T, prec int) []float64 {
	for _, p := range ps {
		dst = append(dst, round(p[0], prec), round(p[1], prec))
	}
	return dst
}

func polygonFlat(dst []float64, p orb.Polygon, prec int) ([]float64, []int) {
	ends := make([]int, 0, len(p))
	for _, r := range p {
		dst = flat(dst, r, prec)
		ends = append(ends, len(dst))
	}
	return dst, ends
}

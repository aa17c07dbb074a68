package export

import (
	"github.com/paulmach/orb"

	"minqing/geo"
)

// AppendWKT appends g as compact 2D WKT with coordinates rounded to prec
// decimals ("" for a nil geometry), with geo.WKT.
func AppendWKT(b []byte, g orb.Geometry, prec int) []byte {
	return geo.WKT{Prec: prec}.Append(b, g)
}

// round is geo.Round, under the name the encoders use.
func round(x float64, prec int) float64 { return geo.Round(x, prec) }

// Package hex indexes locations with Uber's H3 hexagonal grid.
//
// It is the only package of the project that imports the H3 bindings
// (github.com/uber/h3-go/v4, which uses cgo). H3 orders coordinates
// (lat, lng); this package speaks [github.com/paulmach/orb] (lon, lat) everywhere and converts at
// the boundary.
//
// Every incident stores its cell at resolution [StoreRes] (under 1 m² per
// cell) as a signed 64-bit integer, and its own cell at each resolution from
// [MinExactRes] to [MaxExactRes] ([ExactCells], in the columns named by
// [ExactColumn]): counts and map clusters group by those. H3 is not a strict
// hierarchy, so the [Parent] of the fine cell (also available in SQL as
// [ParentSQLExpr] and [ParentSQLiteExpr], integer arithmetic on the bit
// layout documented on [Parent]) is not always the hexagon a point lies in:
// about one point in fifteen near an edge falls in a neighbour.
//
// Functions that cannot report an error return the zero value (0, nil, an
// empty point) for invalid cells; check [Valid] on untrusted input.
package hex

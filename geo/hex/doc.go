// Package hex indexes locations with Uber's H3 hexagonal grid.
//
// It is the only package of the project that imports the H3 bindings
// (github.com/uber/h3-go/v4, which uses cgo). H3 orders coordinates
// (lat, lng); this package speaks [github.com/paulmach/orb] (lon, lat) everywhere and converts at
// the boundary.
//
// Every incident stores its cell at resolution [StoreRes] (under 1 m² per
// cell) as a signed 64-bit integer. Coarser cells for aggregation are derived
// from the stored one with [Parent] in Go, or directly in the database with
// the expressions built by [ParentSQLExpr] (PostgreSQL) and
// [ParentSQLiteExpr] (SQLite), which are pure integer arithmetic on the bit
// layout of the index documented on [Parent].
//
// Functions that cannot report an error return the zero value (0, nil, an
// empty point) for invalid cells; check [Valid] on untrusted input.
package hex

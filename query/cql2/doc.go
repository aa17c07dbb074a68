// Package cql2 parses, evaluates and compiles a safe subset of OGC CQL2-text
// (OGC API – Features Part 3: Filtering), the filter language of the
// minqing feature endpoints.
//
// # Language
//
// The accepted subset is:
//
//	comparison   prop = | <> | < | > | <= | >= literal
//	logic        a AND b, a OR b, NOT a, ( a )
//	list         prop [NOT] IN (literal, ...)
//	pattern      prop [NOT] LIKE 'pat%'       % any run, _ one character, \ escapes
//	range        prop [NOT] BETWEEN low AND high
//	null test    prop IS [NOT] NULL
//	spatial      S_INTERSECTS(geomprop, BBOX(x1, y1, x2, y2))
//	             S_INTERSECTS(geomprop, POINT(x y))   also LINESTRING, POLYGON,
//	                                                  MULTIPOINT, MULTILINESTRING,
//	                                                  MULTIPOLYGON (2D WKT)
//	temporal     T_INTERSECTS(prop, INTERVAL('2026-01-01T00:00:00Z', '..'))
//	             T_AFTER(prop, TIMESTAMP('2026-01-01T00:00:00Z'))
//	             T_BEFORE(prop, DATE('2026-01-01'))
//	literals     'text' ('' is a quote), 42, -1.5, 2e3, TRUE, FALSE,
//	             TIMESTAMP('RFC 3339'), DATE('YYYY-MM-DD')
//
// Keywords are case-insensitive. Property names are identifiers made of
// letters (any script, so 名称 works), digits and underscores, or
// "double-quoted" names ("" is a quote inside). AND, OR, NOT, IN, LIKE,
// BETWEEN, IS, NULL, TRUE, FALSE and the function names must be quoted when
// used as property names. AND binds tighter than OR; NOT applies to the
// predicate or parenthesised group that follows it.
//
// # Types
//
// [Parse] checks every property against a [Schema]: an unknown (or, for the
// caller, invisible) property is an error naming it, and so is a literal of
// the wrong type (a string property compared with a number, LIKE on a
// number, S_INTERSECTS on a non-geometry property, a temporal operator on a
// non-time property). Integer and float literals mix freely. Booleans allow
// only = and <>, geometries only S_INTERSECTS and IS [NOT] NULL.
//
// # Semantics
//
// [Eval] and [ToSQL] agree on every filter (a test checks this against a
// real PostGIS): Eval implements SQL's three-valued logic. A comparison with a NULL (nil or missing) property is
// unknown, NOT unknown is unknown, false AND unknown is false, true OR
// unknown is true, and a filter matches only when it is true. So neither
// "pop > 5" nor "NOT pop > 5" matches a feature without pop, exactly as in a
// PostgreSQL WHERE clause. Strings compare by bytes (code points), which ToSQL
// reproduces with COLLATE "C"; numbers compare numerically across int64 and
// float64; times compare as instants. Timestamps are truncated to
// microseconds, the precision of PostgreSQL's timestamptz. A DATE is
// midnight of that day in Beijing (Asia/Shanghai), so it prints back as a
// TIMESTAMP.
//
// Query geometries must be valid: a BBOX needs min <= max (one with no
// width or height stands for the point or line it collapses to), polygon
// rings must be closed, enclose an area and neither cross nor touch
// themselves or each other, holes must lie inside the exterior ring and not
// inside each other, and the polygons of a MULTIPOLYGON must not touch.
// That is slightly stricter than OGC validity, and it keeps PostGIS from
// failing the query (GEOS throws on some invalid polygons).
//
// S_INTERSECTS is planar: longitude/latitude are treated as x/y on a plane,
// like PostGIS geometry (not geography) in SRID 4326. Boundaries count, so
// touching geometries intersect. Eval uses plain float64 arithmetic, so it
// may disagree with PostGIS's robust predicates for points within rounding
// error of a boundary.
//
// # Limits
//
// Filters come from untrusted clients, so Parse refuses input longer than
// [MaxLength] bytes, nesting deeper than [MaxDepth], more than [MaxInItems]
// items in one IN list and more than [MaxCoordinates] coordinates in all
// geometry literals together. Each refusal is an [*Error] saying which limit
// was hit and where.
//
// # SQL
//
// ToSQL never writes anything from the filter into the SQL text: every
// literal becomes a bound parameter ($n) with a cast chosen from its Go
// type, and property names become whatever SQL the caller's column function
// returns for them.
package cql2

// Limits on untrusted input, enforced by Parse.
const (
	// MaxLength is the longest filter Parse accepts, in bytes.
	MaxLength = 8 << 10
	// MaxDepth is the deepest nesting of parentheses and NOTs.
	MaxDepth = 32
	// MaxInItems is the most items one IN list may hold.
	MaxInItems = 1000
	// MaxCoordinates is the most coordinate pairs all geometry literals of
	// one filter may hold together (a BBOX counts two).
	MaxCoordinates = 10000
)

package layers

import (
	"time"

	"github.com/paulmach/orb"

	"minqing/query/cql2"
)

// Query selects features of one layer. The zero Query selects every feature a
// public caller may see.
type Query struct {
	Role   Role             // who asks: decides the properties returned
	BBox   *orb.Bound       // WGS 84; features intersecting it
	Time   *TimeRange       // on the layer's TimeField
	Equal  map[string][]any // property → accepted values (typed as Field.Parse returns)
	Filter cql2.Expr        // a parsed CQL2 filter, or nil
	Cells  *CellSet         // only points in these cells (layers that StoresCells)
	// Properties limits the returned properties (nil: all the role may see).
	Properties []string
	Limit      int   // 0: no limit
	AfterID    int64 // keyset paging: only ids greater than this, ordered by id
	// Unordered lets the store return the features in any order (without
	// AfterID): with a Limit, any Limit of them, not the lowest ids. A
	// store may ignore it.
	Unordered bool
}

// TimeRange is a closed, half-open or open interval; nil ends are open.
type TimeRange struct {
	Start, End *time.Time
}

// Contains reports whether t is inside the range (both ends inclusive).
func (r *TimeRange) Contains(t time.Time) bool {
	if r == nil {
		return true
	}
	if r.Start != nil && t.Before(*r.Start) {
		return false
	}
	if r.End != nil && t.After(*r.End) {
		return false
	}
	return true
}

// Columns returns the fields a query returns for layer l: the visible fields,
// narrowed to q.Properties when given.
func (q Query) Columns(l *Layer) []Field {
	vis := l.VisibleFields(q.Role)
	if q.Properties == nil {
		return vis
	}
	want := make(map[string]bool, len(q.Properties))
	for _, p := range q.Properties {
		want[p] = true
	}
	out := vis[:0:0]
	for _, f := range vis {
		if want[f.Name] {
			out = append(out, f)
		}
	}
	return out
}

// CQLSchema is the CQL2 schema of the layer for role: the properties the
// caller may see, with their types, and "geometry". A property the caller may
// not see is unknown to a filter, so a filter cannot be used as an oracle.
func (l *Layer) CQLSchema(role Role) cql2.SchemaMap {
	m := cql2.SchemaMap{"geometry": cql2.TGeometry}
	for _, f := range l.VisibleFields(role) {
		m[f.Name] = cqlType(f.Type)
	}
	return m
}

func cqlType(t FieldType) cql2.Type {
	switch t {
	case Int:
		return cql2.TInt
	case Float:
		return cql2.TFloat
	case Bool:
		return cql2.TBool
	case Time, Date:
		return cql2.TTime
	}
	return cql2.TString // String, and Cell: a filter names a cell as H3 writes it
}

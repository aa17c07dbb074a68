package importers

import "github.com/paulmach/orb"

// record is one row, feature or placemark as a format reader decoded it,
// before it is mapped onto a layer.
type record struct {
	n    int64        // row (CSV: line in the file) or feature number
	geom orb.Geometry // the decoded geometry (GeoJSON, KML); nil for CSV
	// hasGeom is true when the format carries a geometry member, even a null one.
	hasGeom bool
	vals    []keyVal  // source key → value, in source order
	errs    []Problem // problems found while decoding
	raw     any       // what a rejects writer needs: []string (CSV), []byte (GeoJSON), *placemark (KML)
}

// keyVal is one value of a record under its source name. val is a string,
// json.Number, bool, nil, or (GeoJSON) a nested map or slice.
type keyVal struct {
	key string
	val any
	// s is the value when val is nil: a text cell (CSV, Excel, KML) is kept
	// unboxed, where boxing it cost an allocation a cell.
	s string
}

// text is kv's value as text.
func (kv keyVal) text() string {
	if kv.val == nil {
		return kv.s
	}
	return textOf(kv.val)
}

// recordReader is a format reader. next returns io.EOF at the end; any other
// error means the file cannot be read further (a syntax error, a record too
// large) and ends the import.
type recordReader interface {
	next() (*record, error)
}

package layers

import "time"

// Layer describes one map layer: its table, fields, zooms and who may see it.
type Layer struct {
	Name       string // table and URL name
	TitleZH    string
	TitleEN    string
	Geometry   string // Point, LineString, Polygon or MultiPolygon
	Fields     []Field
	TimeField  string // the field datetime filters apply to ("" if none)
	Key        string // the field that identifies a row across imports (upsert)
	LabelField string // the field a map labels features with

	MinZoom, MaxZoom int
	Access           Role          // least role that may see the layer
	MaxTileFeatures  int           // cap on features in one tile (a URL cannot raise it)
	ClusterBelowZoom int           // below this zoom, tiles aggregate points (0: never)
	CacheMaxAge      time.Duration // Cache-Control max-age for tiles and exports
}

// Field returns the named field.
func (l *Layer) Field(name string) (Field, bool) {
	for _, f := range l.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// VisibleFields returns the fields role may see, in catalog order.
func (l *Layer) VisibleFields(role Role) []Field {
	out := make([]Field, 0, len(l.Fields))
	for _, f := range l.Fields {
		if role.Can(f.Access) {
			out = append(out, f)
		}
	}
	return out
}

// VisibleField returns the named field if role may see it.
func (l *Layer) VisibleField(name string, role Role) (Field, bool) {
	f, ok := l.Field(name)
	if !ok || !role.Can(f.Access) {
		return Field{}, false
	}
	return f, true
}

package tiles

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// TileJSON is a TileJSON 3.0.0 document.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name,omitempty"`
	Description  string        `json:"description,omitempty"`
	Version      string        `json:"version,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes one layer of the tiles.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// TileJSONOptions are the parts of a TileJSON document that come from the
// request rather than the catalog.
type TileJSONOptions struct {
	// TileURL is the tile URL template, with {z}, {x} and {y}.
	TileURL string
	Role    layers.Role
	// Bounds of the data (WGS 84); an empty bound means the whole world.
	Bounds orb.Bound
	// Attribution, if any.
	Attribution string
}

// NewTileJSON describes the tiles of ls for role: zoom range, the fields
// role may see (by MVT type: String, Number or Boolean; times and dates are
// strings), and for a layer served aggregated at low zooms, how.
func NewTileJSON(ls []*layers.Layer, o TileJSONOptions) TileJSON {
	names := make([]string, len(ls))
	titles := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.Name
		titles[i] = l.TitleZH
	}
	tj := TileJSON{
		TileJSON:    "3.0.0",
		Name:        strings.Join(names, ","),
		Description: "民情图 · 丰台街道: " + strings.Join(titles, "、"),
		Version:     "1.0.0",
		Attribution: o.Attribution,
		Scheme:      "xyz",
		Tiles:       []string{o.TileURL},
		MinZoom:     MaxZoom,
		MaxZoom:     0,
	}
	for _, l := range ls {
		tj.MinZoom = min(tj.MinZoom, l.MinZoom)
		tj.MaxZoom = max(tj.MaxZoom, l.MaxZoom)
		tj.VectorLayers = append(tj.VectorLayers, vectorLayer(l, o.Role))
	}
	if len(ls) == 0 {
		tj.MinZoom = 0
	}
	b := o.Bounds
	if b == (orb.Bound{}) || b.IsEmpty() {
		b = orb.Bound{Min: orb.Point{-180, -85.051129}, Max: orb.Point{180, 85.051129}}
	}
	tj.Bounds = [4]float64{round6(b.Min[0]), round6(b.Min[1]), round6(b.Max[0]), round6(b.Max[1])}
	c := b.Center()
	tj.Center = [3]float64{round6(c[0]), round6(c[1]), float64(min(max(14, tj.MinZoom), tj.MaxZoom))}
	return tj
}

func vectorLayer(l *layers.Layer, role layers.Role) VectorLayer {
	v := VectorLayer{ID: l.Name, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: map[string]string{}}
	v.Description = fmt.Sprintf("%s %s (%s)", l.TitleZH, l.TitleEN, strings.ToLower(l.Geometry))
	for _, f := range l.VisibleFields(role) {
		v.Fields[f.Name] = mvtType(f.Type)
	}
	for _, f := range l.VisibleFields(role) {
		if f.Type == layers.Time || f.Type == layers.Date {
			v.Description += ". Times are Unix epoch seconds; dates are YYYY-MM-DD text"
			break
		}
	}
	if Clustered(l, l.ClusterBelowZoom-1) {
		v.Fields["count"] = "Number"
		coarse := min(layers.RollupDaysMaxRes, layers.RollupDimsMaxRes) // ClusterResOf under a filter
		v.Description += fmt.Sprintf(". Below zoom %d each feature is a cluster: one point per H3 cell "+
			"of resolution zoom−5 (9 at z14, at most 11), at the cell's centre, "+
			"with the cell index as feature id and one property, count; from zoom %d on, one feature "+
			"per %s with the fields listed (count is then absent), unless the tile would hold more than %d "+
			"of them or %d KB, when it is clusters too (of resolution %d at most up to zoom %d under a "+
			"time window or a category): zoom in for the points",
			l.ClusterBelowZoom, l.ClusterBelowZoom, strings.ToLower(l.Geometry), PointBudget, MaxTileBytes>>10,
			coarse, coarse+quarterTileZooms)
	}
	if l.MaxTileFeatures > 0 {
		v.Description += fmt.Sprintf(". At most %d features per tile", l.MaxTileFeatures)
	}
	return v
}

// mvtType names the type a field takes in a tile, as TileJSON fields do.
func mvtType(t layers.FieldType) string {
	switch t {
	case layers.Int, layers.Float, layers.Time:
		return "Number"
	case layers.Bool:
		return "Boolean"
	}
	return "String"
}

func round6(f float64) float64 {
	const k = 1e6
	if f < 0 {
		return -float64(int64(-f*k+0.5)) / k
	}
	return float64(int64(f*k+0.5)) / k
}

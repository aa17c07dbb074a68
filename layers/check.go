package layers

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// Check validates a feature against the layer before a write: the geometry
// type, required fields, vocabularies and value types. It returns every
// problem found, joined, or nil.
func (l *Layer) Check(f *Feature) error {
	var errs []error
	if f.Geometry == nil {
		errs = append(errs, errors.New("geometry is missing"))
	} else if !GeometryFits(l.Geometry, f.Geometry) {
		errs = append(errs, fmt.Errorf("geometry is a %s, layer %s takes %s", f.Geometry.GeoJSONType(), l.Name, l.Geometry))
	}
	known := 0 // how many of f's keys are fields
	for _, fd := range l.Fields {
		v, ok := f.Props[fd.Name]
		if ok {
			known++
		}
		if !ok || v == nil {
			if fd.Required {
				errs = append(errs, fmt.Errorf("%s is required", fd.Name))
			}
			continue
		}
		if err := checkType(fd, v); err != nil {
			errs = append(errs, err)
		}
	}
	if known < len(f.Props) { // some key is not a field
		for k := range f.Props {
			if _, ok := l.Field(k); !ok {
				errs = append(errs, fmt.Errorf("%s is not a field of %s", k, l.Name))
			}
		}
	}
	return errors.Join(errs...)
}

func checkType(fd Field, v any) error {
	ok := false
	switch fd.Type {
	case String:
		s, isStr := v.(string)
		ok = isStr
		if ok && strings.ContainsRune(s, 0) {
			return fmt.Errorf("%s contains a NUL character, which text cannot hold", fd.Name)
		}
		if ok && !utf8.ValidString(s) {
			return fmt.Errorf("%s is not valid UTF-8 text (was the file's encoding given right?)", fd.Name)
		}
		if ok && !fd.InEnum(s) {
			return fmt.Errorf("%s %q is not one of %s", fd.Name, s, strings.Join(fd.Enum, ", "))
		}
	case Int, Cell:
		_, ok = v.(int64)
	case Float:
		_, ok = v.(float64)
	case Bool:
		_, ok = v.(bool)
	case Time, Date:
		_, ok = v.(time.Time)
	}
	if !ok {
		return fmt.Errorf("%s must be of type %s, got %T", fd.Name, fd.Type, v)
	}
	return nil
}

// GeometryFits reports whether g may be stored in a layer of geometry type
// want. A Polygon fits a MultiPolygon layer (stores promote it).
func GeometryFits(want string, g orb.Geometry) bool {
	got := g.GeoJSONType()
	return got == want || (want == "MultiPolygon" && got == "Polygon") ||
		(want == "MultiLineString" && got == "LineString")
}

// Promote turns a Polygon into a MultiPolygon (and a LineString into a
// MultiLineString) when the layer takes the multi type.
func Promote(want string, g orb.Geometry) orb.Geometry {
	switch v := g.(type) {
	case orb.Polygon:
		if want == "MultiPolygon" {
			return orb.MultiPolygon{v}
		}
	case orb.LineString:
		if want == "MultiLineString" {
			return orb.MultiLineString{v}
		}
	}
	return g
}

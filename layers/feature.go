package layers

import "github.com/paulmach/orb"

// Feature is one row of a layer.
type Feature struct {
	ID       int64
	Geometry orb.Geometry   // WGS 84, lon/lat
	Props    map[string]any // string, int64, float64, bool, time.Time or nil
	// Contact is the caller behind an incident. Stores write it to
	// incident_contacts and never read it back into a Feature.
	Contact *Contact
}

// Contact is a caller's personal data (PIPL): kept apart from the map.
type Contact struct {
	Name  string
	Phone string
}

package server

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"minqing/geo"
	"minqing/layers"
)

// newIncident is one incident taken in by staff or through Open311.
type newIncident struct {
	Lon, Lat    float64
	CRS         string // wgs84 (default), gcj02 or bd09
	Address     string
	Category    string
	Subcategory string
	Source      string
	Description string
	ExternalID  string // the work-order number (工单编号)
	ReceivedAt  time.Time
	Urgent      bool
	Contact     layers.Contact // the caller: stored in incident_contacts only
}

// createdIncident is what intake answers: never the caller's contact.
type createdIncident struct {
	ID            int64     `json:"id"`
	ExternalID    string    `json:"external_id,omitempty"`
	Status        string    `json:"status"`
	Community     string    `json:"community"`
	Patch         string    `json:"patch"`
	ReceivedAt    time.Time `json:"received_at"`
	ResponseDue   time.Time `json:"response_due"`
	ResolutionDue time.Time `json:"resolution_due"`
	Urgency       string    `json:"urgency"`
	// Route is the routing table's suggestion for the dispatch (派单).
	Route struct {
		Unit  string `json:"unit"`
		Level string `json:"level"`
	} `json:"route"`
}

// text limits of intake, in characters.
const (
	maxDescription = 2000
	maxShortText   = 200
)

// errDuplicate is a work-order number already taken in (HTTP 409).
type errDuplicate struct{ msg string }

func (e *errDuplicate) Error() string { return e.msg }

// createIncident checks in, places it (community, patch, H3 cell by the
// store), computes its due times and writes it with its contact.
func (s *Server) createIncident(ctx context.Context, in newIncident) (createdIncident, error) {
	var out createdIncident
	l, ok := s.catalog.Lookup("incidents")
	if !ok {
		return out, fmt.Errorf("server: the catalog has no incidents layer")
	}
	if math.IsNaN(in.Lon) || math.IsInf(in.Lon, 0) || in.Lon < -180 || in.Lon > 180 {
		return out, badRequest("lon", "lon must be a longitude between -180 and 180 (e.g. 116.2875)")
	}
	if math.IsNaN(in.Lat) || math.IsInf(in.Lat, 0) || in.Lat < -90 || in.Lat > 90 {
		return out, badRequest("lat", "lat must be a latitude between -90 and 90 (e.g. 39.8575)")
	}
	crs := geo.WGS84
	if in.CRS != "" {
		c, err := geo.ParseCRS(in.CRS)
		if err != nil {
			return out, badRequest("crs", err.Error())
		}
		crs = c
	}
	p := geo.ToWGS84(crs, orb.Point{in.Lon, in.Lat})
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"address", in.Address, maxShortText}, {"subcategory", in.Subcategory, maxShortText},
		{"external_id", in.ExternalID, maxShortText}, {"description", in.Description, maxDescription},
		{"name", in.Contact.Name, maxShortText}, {"phone", in.Contact.Phone, 40},
	} {
		if !validText(f.v, 1<<30) {
			return out, badRequest(f.name, f.name+" is not valid UTF-8 text")
		}
		if n := utf8.RuneCountInString(f.v); n > f.max {
			return out, badRequest(f.name, fmt.Sprintf("%s has %d characters; at most %d are taken", f.name, n, f.max))
		}
	}
	for _, f := range []struct{ name, v string }{{"category", in.Category}, {"source", in.Source}} {
		fd, _ := l.Field(f.name)
		if f.v == "" {
			return out, badRequest(f.name, fmt.Sprintf("%s is required (one of %s)", f.name, strings.Join(fd.Enum, "、")))
		}
		if !fd.InEnum(f.v) {
			return out, badRequest(f.name, fmt.Sprintf("%q is not a known %s (one of %s)", f.v, f.name, strings.Join(fd.Enum, "、")))
		}
	}
	loc, err := s.locator(ctx)
	if err != nil {
		return out, err
	}
	community, patch := loc.Locate(p)
	if community == "" && !loc.Empty() {
		return out, badRequest("lon", fmt.Sprintf("the point (%.6f, %.6f) is in none of the street's communities: "+
			"only incidents inside 丰台街道 are taken (check lon/lat order and the crs)", p[0], p[1]))
	}
	if in.ExternalID != "" {
		n, err := s.src.Count(ctx, l, layers.Query{Role: layers.Admin, Equal: map[string][]any{"external_id": {in.ExternalID}}})
		if err != nil {
			return out, err
		}
		if n > 0 {
			return out, &errDuplicate{msg: fmt.Sprintf("work order %s is already registered", in.ExternalID)}
		}
	}
	received := in.ReceivedAt
	if received.IsZero() {
		received = time.Now()
	}
	received = received.Round(0).Truncate(time.Second).In(layers.Shanghai)
	r := s.ext.intake.routing
	due := r.DueFor(in.Category, in.Urgent, received)
	props := map[string]any{
		"source": in.Source, "category": in.Category, "status": "received", "received_at": received,
		"response_due": *due.Response, "resolution_due": *due.Resolution,
	}
	for k, v := range map[string]string{"subcategory": in.Subcategory, "description": in.Description, "address": in.Address,
		"community": community, "patch": patch, "external_id": in.ExternalID} {
		if v != "" {
			props[k] = v
		}
	}
	f := &layers.Feature{Geometry: p, Props: props}
	if in.Contact.Name != "" || in.Contact.Phone != "" {
		c := in.Contact
		f.Contact = &c
	}
	res, err := s.src.Write(ctx, l, layers.WriteOptions{Mode: layers.Insert}, &oneFeature{f: f})
	if err != nil {
		return out, err
	}
	if len(res.IDs) != 1 {
		return out, fmt.Errorf("server: intake wrote %d incidents, want 1", len(res.IDs))
	}
	out = createdIncident{ID: res.IDs[0], ExternalID: in.ExternalID, Status: "received", Community: community, Patch: patch,
		ReceivedAt: received, ResponseDue: *due.Response, ResolutionDue: *due.Resolution, Urgency: r.UrgencyOf(in.Category, in.Urgent)}
	out.Route.Unit, out.Route.Level = r.RouteFor(in.Category, community)
	return out, nil
}

// oneFeature is a FeatureReader of one feature.
type oneFeature struct {
	f    *layers.Feature
	done bool
}

func (o *oneFeature) Next() (*layers.Feature, error) {
	if o.done {
		return nil, io.EOF
	}
	o.done = true
	return o.f, nil
}

// validText reports whether s is valid UTF-8 without NUL, of at most max characters.
func validText(s string, max int) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0) && utf8.RuneCountInString(s) <= max
}

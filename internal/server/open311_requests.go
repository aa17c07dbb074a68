package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"minqing/internal/auth"
	"minqing/layers"
	"minqing/query/selection"
)

// Open311 limits.
const (
	open311MaxBody  = 16 << 10 // a submission's form
	open311MaxList  = 1000     // requests.json answers at most this many
	open311MaxIDs   = 100      // service_request_id lists at most this many
	open311Defaults = 90 * 24 * time.Hour
)

// open311Request is one service request. Public callers get only the id,
// service, status and the day it was requested (no point, address,
// description, unit or minute: see README "Open311"); staff (api_key or a
// bearer token) get the rest.
type open311Request struct {
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"` // open or closed
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime,omitempty" xml:"updated_datetime,omitempty"`
	ExpectedDatetime  string   `json:"expected_datetime,omitempty" xml:"expected_datetime,omitempty"`
	Description       string   `json:"description,omitempty" xml:"description,omitempty"`
	AgencyResponsible string   `json:"agency_responsible,omitempty" xml:"agency_responsible,omitempty"`
	StatusNotes       string   `json:"status_notes,omitempty" xml:"status_notes,omitempty"`
	AddressString     string   `json:"address,omitempty" xml:"address,omitempty"`
	Lat               *float64 `json:"lat,omitempty" xml:"lat,omitempty"`
	Long              *float64 `json:"long,omitempty" xml:"long,omitempty"`
	// Extensions, staff only.
	WorkOrder string `json:"work_order,omitempty" xml:"work_order,omitempty"`
	Source    string `json:"source,omitempty" xml:"source,omitempty"`
	Community string `json:"community,omitempty" xml:"community,omitempty"`
}

// open311Role is the caller's role for Open311: the bearer token's, or the
// api_key's (an unknown api_key is a 401, never silently public).
func (s *Server) open311Role(c echo.Context, apiKey string) (layers.Role, string, error) {
	role := roleOf(c)
	if apiKey == "" {
		name, err := s.callerName(c)
		return role, name, err
	}
	t, err := s.src.TokenByHash(c.Request().Context(), auth.Hash(apiKey))
	if errors.Is(err, layers.ErrNotFound) {
		return layers.Public, "", open311Fail(http.StatusUnauthorized, "api_key is unknown or revoked")
	}
	if err != nil {
		return layers.Public, "", err
	}
	return max(role, t.Role), t.Name, nil
}

// iso writes a time as ISO 8601 with the +08:00 offset.
func iso(t time.Time) string { return t.In(layers.Shanghai).Format(time.RFC3339) }

// day is the coarse public form of a time: its Beijing day, at midnight.
func day(t time.Time) string {
	y, m, d := t.In(layers.Shanghai).Date()
	return iso(time.Date(y, m, d, 0, 0, 0, 0, layers.Shanghai))
}

// open311Status maps the incident status to Open311's open/closed.
func open311Status(status string) string {
	if status == "resolved" || status == "closed" {
		return "closed"
	}
	return "open"
}

// toOpen311 turns an incident into a request as role may see it.
func toOpen311(f *layers.Feature, role layers.Role) open311Request {
	str := func(k string) string { v, _ := f.Props[k].(string); return v }
	tm := func(k string) (time.Time, bool) { v, ok := f.Props[k].(time.Time); return v, ok }
	cat := str("category")
	r := open311Request{ServiceRequestID: strconv.FormatInt(f.ID, 10), Status: open311Status(str("status")),
		ServiceCode: codeOfCategory(cat), ServiceName: cat}
	received, _ := tm("received_at")
	if role < layers.Staff {
		r.RequestedDatetime = day(received)
		return r
	}
	r.RequestedDatetime = iso(received)
	updated := received
	for _, k := range []string{"dispatched_at", "responded_at", "resolved_at", "closed_at"} {
		if t, ok := tm(k); ok && t.After(updated) {
			updated = t
		}
	}
	r.UpdatedDatetime = iso(updated)
	if t, ok := tm("resolution_due"); ok {
		r.ExpectedDatetime = iso(t)
	}
	r.Description, r.AddressString, r.AgencyResponsible = str("description"), str("address"), str("unit")
	r.WorkOrder, r.Source, r.Community = str("external_id"), str("source"), str("community")
	r.StatusNotes = str("status")
	if p, ok := f.Geometry.(orb.Point); ok {
		lon, lat := p.Lon(), p.Lat()
		r.Long, r.Lat = &lon, &lat
	}
	return r
}

// open311MayRead refuses public lookups of requests under the default
// disclosure policy: a request, however coarse (its category, status and
// day), is one incident, and the public sees incidents only as the
// published table (docs/privacy.md). Ids are sequential, so even a lookup
// by id would list them all. Submitting stays public.
func (s *Server) open311MayRead(role layers.Role) error {
	if !s.incidentsHidden(role) {
		return nil
	}
	return open311Fail(http.StatusForbidden, "looking up service requests needs an api_key: this office publishes incidents only as monthly counts per grid cell (keep your service_request_id and quote it when you call 12345)")
}

// open311Request answers requests/{id}.json: a list of one request.
func (s *Server) open311Request(c echo.Context) error {
	name, err := open311File(c)
	if err != nil {
		return err
	}
	role, _, err := s.open311Role(c, c.QueryParam("api_key"))
	if err != nil {
		return err
	}
	if err := s.open311MayRead(role); err != nil {
		return err
	}
	id, err := strconv.ParseInt(name, 10, 64)
	if err != nil || id <= 0 {
		return open311Fail(http.StatusNotFound, "no service request "+quote(name))
	}
	l, _ := s.catalog.Lookup("incidents")
	f, err := s.src.Feature(c.Request().Context(), l, id, max(role, layers.Public))
	if errors.Is(err, layers.ErrNotFound) {
		return open311Fail(http.StatusNotFound, "no service request "+quote(name))
	}
	if err != nil {
		return err
	}
	return open311Send(c, http.StatusOK, []open311Request{toOpen311(f, role)})
}

// open311Requests answers GET requests.json with the standard filters:
// service_request_id (comma-separated; the others are then ignored, as the
// specification says), service_code, start_date, end_date (on the requested
// time; the last 90 days by default) and status (open, closed).
func (s *Server) open311Requests(c echo.Context) error {
	q := c.QueryParams()
	if err := selection.Check(q, nil, layers.Public, "service_request_id", "service_code", "start_date", "end_date",
		"status", "api_key", "jurisdiction_id"); err != nil {
		return err
	}
	role, _, err := s.open311Role(c, q.Get("api_key"))
	if err != nil {
		return err
	}
	if err := s.open311MayRead(role); err != nil {
		return err
	}
	ctx := c.Request().Context()
	l, _ := s.catalog.Lookup("incidents")
	out := []open311Request{}
	if ids := q.Get("service_request_id"); ids != "" {
		parts := strings.Split(ids, ",")
		if len(parts) > open311MaxIDs {
			return badRequest("service_request_id", fmt.Sprintf("at most %d ids at a time", open311MaxIDs))
		}
		for _, p := range parts {
			id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
			if err != nil || id <= 0 {
				return badRequest("service_request_id", fmt.Sprintf("%q is not a service request id", p))
			}
			f, err := s.src.Feature(ctx, l, id, role)
			if errors.Is(err, layers.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, toOpen311(f, role))
		}
		return open311Send(c, http.StatusOK, out)
	}
	query := layers.Query{Role: role, Limit: open311MaxList}
	if !(role >= layers.Staff) {
		query.Properties = []string{"category", "status", "received_at"}
	}
	end := time.Now()
	if v := q.Get("end_date"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return badRequest("end_date", "end_date must be ISO 8601 with an offset, e.g. 2026-07-31T23:59:59+08:00")
		}
		end = t
	}
	start := end.Add(-open311Defaults)
	if v := q.Get("start_date"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return badRequest("start_date", "start_date must be ISO 8601 with an offset, e.g. 2026-07-01T00:00:00+08:00")
		}
		start = t
	}
	if end.Before(start) {
		return badRequest("end_date", "end_date is before start_date")
	}
	query.Time = &layers.TimeRange{Start: &start, End: &end}
	query.Equal = map[string][]any{}
	if v := q.Get("service_code"); v != "" {
		for _, code := range strings.Split(v, ",") {
			cat, ok := s.categoryOfCode(strings.TrimSpace(code))
			if !ok {
				return badRequest("service_code", fmt.Sprintf("no service %q: see services.json", code))
			}
			query.Equal["category"] = append(query.Equal["category"], cat)
		}
	}
	switch v := q.Get("status"); v {
	case "":
	case "open":
		query.Equal["status"] = []any{"received", "dispatched", "in_progress"}
	case "closed":
		query.Equal["status"] = []any{"resolved", "closed"}
	default:
		return badRequest("status", "status must be open or closed")
	}
	err = s.src.Features(ctx, l, query, func(f *layers.Feature) error {
		out = append(out, toOpen311(f, role))
		return nil
	})
	if err != nil {
		return err
	}
	return open311Send(c, http.StatusOK, out)
}

// open311Submit answers POST requests.json (form-encoded, GeoReport v2):
// a new incident with the configured source; only a trusted submitter
// (api_key of a staff token) may set source and work_order, and is not rate
// limited. The caller's name and phone go to incident_contacts only.
func (s *Server) open311Submit(c echo.Context) error {
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, open311MaxBody)
	if err := req.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return open311Fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("the submission is larger than %d bytes", open311MaxBody))
		}
		return badRequest("", "the submission is not a form (application/x-www-form-urlencoded): "+err.Error())
	}
	form := req.Form
	role, who, err := s.open311Role(c, form.Get("api_key"))
	if err != nil {
		return err
	}
	trusted := role >= layers.Staff
	if !trusted {
		host, _, err := net.SplitHostPort(req.RemoteAddr)
		if err != nil {
			host = req.RemoteAddr
		}
		if ok, wait := s.ext.intake.limiter.allow(host); !ok {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			return open311Fail(http.StatusTooManyRequests, "too many submissions from this address; try again in a minute")
		}
		for _, k := range []string{"source", "work_order"} {
			if form.Get(k) != "" {
				return open311Fail(http.StatusForbidden, k+" may only be set by a trusted submitter (api_key)")
			}
		}
	}
	code := form.Get("service_code")
	if code == "" {
		return badRequest("service_code", "service_code is required: see services.json")
	}
	cat, ok := s.categoryOfCode(code)
	if !ok {
		return badRequest("service_code", fmt.Sprintf("no service %q: see services.json", code))
	}
	if form.Get("lat") == "" || form.Get("long") == "" {
		return badRequest("lat", "lat and long are required (WGS 84); an address alone cannot be placed")
	}
	lat, err1 := strconv.ParseFloat(form.Get("lat"), 64)
	lon, err2 := strconv.ParseFloat(form.Get("long"), 64)
	if err1 != nil {
		return badRequest("lat", "lat must be a number")
	}
	if err2 != nil {
		return badRequest("long", "long must be a number")
	}
	name := strings.TrimSpace(form.Get("last_name") + form.Get("first_name"))
	in := newIncident{Lon: lon, Lat: lat, Category: cat, Address: form.Get("address_string"),
		Description: form.Get("description"), Source: s.cfg.Intake.Open311Source}
	in.Contact.Name, in.Contact.Phone = name, form.Get("phone")
	if trusted {
		if v := form.Get("source"); v != "" {
			in.Source = v
		}
		in.ExternalID = form.Get("work_order")
	}
	out, err := s.createIncident(req.Context(), in)
	var dup *errDuplicate
	if errors.As(err, &dup) {
		return open311Fail(http.StatusConflict, dup.msg)
	}
	if err != nil {
		if param := paramOf(err); param == "lon" {
			return badRequest("long", strings.ReplaceAll(err.Error(), "lon/lat", "lat/long"))
		}
		return err
	}
	s.log.Info("open311 submission", "id", out.ID, "service", code, "trusted", trusted, "by", who)
	return open311Send(c, http.StatusCreated, []open311Created{{
		ServiceRequestID: strconv.FormatInt(out.ID, 10),
		ServiceNotice:    fmt.Sprintf("已受理。%s前联系您，%s前办结。", out.ResponseDue.Format("1月2日 15:04"), out.ResolutionDue.Format("1月2日 15:04")),
	}})
}

// paramOf is the parameter an InvalidError names ("" otherwise).
func paramOf(err error) string {
	var inv *layers.InvalidError
	if errors.As(err, &inv) {
		return inv.Param
	}
	return ""
}

package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// maxIntakeBody bounds the JSON body of staff intake and of a recorded step.
const maxIntakeBody = 64 << 10

// intakeRequest is the JSON body of POST /incidents.
type intakeRequest struct {
	Lon         *float64 `json:"lon"`
	Lat         *float64 `json:"lat"`
	CRS         string   `json:"crs"`
	Address     string   `json:"address"`
	Category    string   `json:"category"`
	Subcategory string   `json:"subcategory"`
	Source      string   `json:"source"`
	Description string   `json:"description"`
	ExternalID  string   `json:"external_id"`
	ReceivedAt  string   `json:"received_at"`
	Urgent      bool     `json:"urgent"`
	Contact     struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"contact"`
}

// intakeRoutes registers staff intake and the record of steps.
func (s *Server) intakeRoutes(e *echo.Echo) {
	e.POST("/incidents", s.postIncident)
	e.GET("/incidents/:id/events", s.getIncidentEvents)
	e.POST("/incidents/:id/events", s.postIncidentEvent)
	e.GET("/routing", s.getRouting)
}

// postIncident takes in one incident from staff (the web map's form, a
// hotline operator's tool).
func (s *Server) postIncident(c echo.Context) error {
	if err := requireStaff(c, "incident intake"); err != nil {
		return err
	}
	var req intakeRequest
	if err := decodeJSONBody(c, &req); err != nil {
		return err
	}
	if req.Lon == nil || req.Lat == nil {
		return badRequest("lon", "lon and lat are required (WGS 84, or give crs: gcj02 / bd09)")
	}
	in := newIncident{Lon: *req.Lon, Lat: *req.Lat, CRS: req.CRS, Address: req.Address, Category: req.Category,
		Subcategory: req.Subcategory, Source: req.Source, Description: req.Description, ExternalID: req.ExternalID,
		Urgent: req.Urgent}
	in.Contact.Name, in.Contact.Phone = req.Contact.Name, req.Contact.Phone
	if in.Source == "" {
		in.Source = "街道热线"
	}
	if req.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339, req.ReceivedAt)
		if err != nil {
			return badRequest("received_at", "received_at must be RFC 3339 with an offset, e.g. 2026-07-01T09:30:00+08:00")
		}
		if t.After(time.Now().Add(time.Minute)) {
			return badRequest("received_at", "received_at is in the future")
		}
		in.ReceivedAt = t
	}
	out, err := s.createIncident(c.Request().Context(), in)
	var dup *errDuplicate
	if errors.As(err, &dup) {
		return conflictJSON(c, dup.msg)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", fmt.Sprintf("/ogc/collections/incidents/items/%d", out.ID))
	return c.JSON(http.StatusCreated, out)
}

// decodeJSONBody reads a bounded JSON object, refusing unknown fields.
func decodeJSONBody(c echo.Context, v any) error {
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxIntakeBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var ute *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", maxIntakeBody))
		case errors.As(err, &ute):
			return badRequest(ute.Field, fmt.Sprintf("%s must be a %s", ute.Field, ute.Type))
		case errors.Is(err, io.EOF):
			return badRequest("", "the body is empty: send a JSON object")
		}
		return badRequest("", "the body is not the JSON object expected: "+err.Error())
	}
	if dec.More() {
		return badRequest("", "the body has more than one JSON value")
	}
	return nil
}

// incidentID parses the :id path parameter.
func incidentID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("no incident " + quote(c.Param("id")))
	}
	return id, nil
}

// getRouting shows staff the routing table and deadline rules in force.
func (s *Server) getRouting(c echo.Context) error {
	if err := requireStaff(c, "routing table"); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.ext.intake.routing)
}

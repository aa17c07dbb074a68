package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/layers"
	"minqing/layers/lifecycle"
)

// eventRequest is the JSON body of POST /incidents/{id}/events.
type eventRequest struct {
	Action    string `json:"action"`
	Unit      string `json:"unit"`
	Level     string `json:"level"`
	Note      string `json:"note"`
	Resolved  *bool  `json:"resolved"`
	Satisfied *bool  `json:"satisfied"`
	Reason    string `json:"reason"`
	// At backdates a step recorded after the fact (RFC 3339); default now.
	At string `json:"at"`
}

// eventResponse is the stored step and the incident's state after it.
type eventResponse struct {
	Event lifecycle.Event `json:"event"`
	State stateJSON       `json:"state"`
}

// stateJSON is an incident's state as JSON.
type stateJSON struct {
	Status        string     `json:"status"`
	Unit          string     `json:"unit,omitempty"`
	Level         string     `json:"level,omitempty"`
	DispatchedAt  *time.Time `json:"dispatched_at"`
	RespondedAt   *time.Time `json:"responded_at"`
	ResolvedAt    *time.Time `json:"resolved_at"`
	ClosedAt      *time.Time `json:"closed_at"`
	VisitResolved *bool      `json:"visit_resolved"`
	Satisfied     *bool      `json:"satisfied"`
	Called        []string   `json:"called,omitempty"`
	Events        int64      `json:"events"`
}

func toStateJSON(s lifecycle.State) stateJSON {
	return stateJSON{Status: s.Status, Unit: s.Unit, Level: s.Level, DispatchedAt: s.DispatchedAt, RespondedAt: s.RespondedAt,
		ResolvedAt: s.ResolvedAt, ClosedAt: s.ClosedAt, VisitResolved: s.VisitResolved, Satisfied: s.Satisfied,
		Called: s.Called, Events: s.Events}
}

// getIncidentEvents lists an incident's record of steps (staff only; a
// public caller gets a 404).
func (s *Server) getIncidentEvents(c echo.Context) error {
	if err := requireStaff(c, "incident record"); err != nil {
		return err
	}
	id, err := incidentID(c)
	if err != nil {
		return err
	}
	es, err := s.events()
	if err != nil {
		return err
	}
	events, err := es.Events(c.Request().Context(), id)
	if errors.Is(err, layers.ErrNotFound) {
		return notFound("no incident " + c.Param("id"))
	}
	if err != nil {
		return err
	}
	if events == nil {
		events = []lifecycle.Event{}
	}
	return c.JSON(http.StatusOK, map[string]any{"incident_id": id, "events": events})
}

// postIncidentEvent records one step. A dispatch without a unit goes where
// the routing table says; the first dispatch of an incident without due
// times gives it its due times.
func (s *Server) postIncidentEvent(c echo.Context) error {
	if err := requireStaff(c, "incident record"); err != nil {
		return err
	}
	id, err := incidentID(c)
	if err != nil {
		return err
	}
	var req eventRequest
	if err := decodeJSONBody(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	who, err := s.callerName(c)
	if err != nil {
		return err
	}
	e := lifecycle.Event{Who: who, Action: lifecycle.Action(req.Action), Unit: req.Unit, Level: req.Level, Note: req.Note,
		Resolved: req.Resolved, Satisfied: req.Satisfied, Reason: req.Reason, At: time.Now()}
	if req.At != "" {
		t, err := time.Parse(time.RFC3339, req.At)
		if err != nil {
			return badRequest("at", "at must be RFC 3339 with an offset, e.g. 2026-07-01T09:30:00+08:00")
		}
		if t.After(time.Now().Add(time.Minute)) {
			return badRequest("at", "at is in the future: a step is recorded when it happened")
		}
		e.At = t
	}
	if utf8Bad(e.Note, e.Reason, e.Unit) {
		return badRequest("note", "note, reason and unit must be valid UTF-8 text of at most 2000 characters")
	}
	var due *lifecycle.Due
	if e.Action == lifecycle.Dispatch {
		l, _ := s.catalog.Lookup("incidents")
		f, err := s.src.Feature(ctx, l, id, layers.Admin)
		if errors.Is(err, layers.ErrNotFound) {
			return notFound("no incident " + c.Param("id"))
		}
		if err != nil {
			return err
		}
		category, _ := f.Props["category"].(string)
		community, _ := f.Props["community"].(string)
		if e.Unit == "" && e.Level == "" {
			e.Unit, e.Level = s.ext.intake.routing.RouteFor(category, community)
		}
		if received, ok := f.Props["received_at"].(time.Time); ok && f.Props["response_due"] == nil {
			d := s.ext.intake.routing.DueFor(category, false, received)
			due = &d
		}
	}
	es, err := s.events()
	if err != nil {
		return err
	}
	stored, state, err := es.AppendEvent(ctx, id, e, due)
	var ce *lifecycle.ConflictError
	var ie *lifecycle.InvalidError
	switch {
	case errors.As(err, &ce):
		return conflictJSON(c, ce.Message)
	case errors.As(err, &ie):
		return badRequest(ie.Param, ie.Message)
	case errors.Is(err, layers.ErrNotFound):
		return notFound("no incident " + c.Param("id"))
	case err != nil:
		return err
	}
	return c.JSON(http.StatusCreated, eventResponse{Event: stored, State: toStateJSON(state)})
}

// utf8Bad reports whether any text is invalid UTF-8, holds NUL or is too long.
func utf8Bad(texts ...string) bool {
	for _, t := range texts {
		if !validText(t, maxDescription) {
			return true
		}
	}
	return false
}

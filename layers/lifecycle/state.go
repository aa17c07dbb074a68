package lifecycle

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// State is what an incident's events say about it now: the incidents
// layer's status, unit, level and timestamps. A nil time or bool is unset.
type State struct {
	Status       string
	ReceivedAt   time.Time
	DispatchedAt *time.Time // the first dispatch
	RespondedAt  *time.Time // the first contact with the caller
	ResolvedAt   *time.Time // the last resolve (cleared by reopen)
	ClosedAt     *time.Time // cleared by reopen
	Unit         string     // the unit the incident is dispatched to ("" when returned)
	Level        string
	// VisitResolved and Satisfied are the answers of the last 回访 since the
	// last resolve (cleared by reopen).
	VisitResolved *bool
	Satisfied     *bool
	// Called are the units that may report in: the dispatched unit and every
	// unit whistled since the last dispatch.
	Called []string
	// Last is the time of the last event (ReceivedAt before any).
	Last time.Time
	// Events counts the events applied.
	Events int64
}

// New is the state of an incident received at t with no events.
func New(receivedAt time.Time) State {
	return State{Status: Received, ReceivedAt: receivedAt, Last: receivedAt}
}

// ConflictError is a step the incident's state does not allow (HTTP 409).
type ConflictError struct{ Message string }

func (e *ConflictError) Error() string { return e.Message }

// InvalidError is an event that is malformed whatever the state (HTTP 400).
type InvalidError struct{ Param, Message string }

func (e *InvalidError) Error() string { return e.Message }

func conflict(format string, a ...any) error {
	return &ConflictError{Message: fmt.Sprintf(format, a...)}
}

func invalid(param, format string, a ...any) error {
	return &InvalidError{Param: param, Message: fmt.Sprintf(format, a...)}
}

// statusZH names a status for people.
var statusZH = map[string]string{
	Received: "已受理 (received)", Dispatched: "已派单 (dispatched)", InProgress: "办理中 (in_progress)",
	Resolved: "已办结 (resolved)", Closed: "已关闭 (closed)",
}

// rule says from which statuses an action may be taken and to which status
// it leads ("" keeps the status).
type rule struct {
	from []string
	to   string
	why  string // the sentence when refused
}

var rules = map[Action]rule{
	Dispatch: {from: []string{Received}, to: Dispatched,
		why: "only a received (or returned) incident can be dispatched; re-dispatching needs a return (退单) first"},
	Whistle: {from: []string{Dispatched, InProgress}, to: "",
		why: "only a dispatched incident being handled can whistle other units in"},
	Report: {from: []string{Dispatched, InProgress}, to: InProgress,
		why: "a unit can only report in (报到) on a dispatched incident being handled"},
	Respond: {from: []string{Dispatched, InProgress}, to: InProgress,
		why: "the caller is contacted by the unit handling the incident: dispatch it first"},
	Resolve: {from: []string{Dispatched, InProgress}, to: Resolved,
		why: "only a dispatched incident being handled can be resolved"},
	Visit: {from: []string{Resolved}, to: "",
		why: "a return visit (回访) asks the caller about a resolved incident; resolve it first"},
	Close: {from: []string{Resolved}, to: Closed,
		why: "only a resolved incident can be closed"},
	Reopen: {from: []string{Resolved, Closed}, to: InProgress,
		why: "only a resolved or closed incident can be reopened"},
	Return: {from: []string{Dispatched, InProgress}, to: Received,
		why: "only a dispatched incident not yet resolved can be returned (退单)"},
}

// Check validates an event's fields, whatever the state.
func Check(e Event) error {
	if !e.Action.Valid() {
		names := make([]string, len(Actions))
		for i, a := range Actions {
			names[i] = string(a)
		}
		return invalid("action", "action must be one of %s, not %q", strings.Join(names, ", "), e.Action)
	}
	if e.At.IsZero() {
		return invalid("at", "the event has no time")
	}
	if e.Level != "" && !slices.Contains(Levels, e.Level) {
		return invalid("level", "level must be one of 街道, 片区, 科室, 社区, not %q", e.Level)
	}
	switch e.Action {
	case Dispatch:
		if e.Unit == "" || e.Level == "" {
			return invalid("unit", "a dispatch (派单) names the unit and its level (街道, 片区, 科室 or 社区)")
		}
	case Whistle, Report:
		if e.Unit == "" {
			return invalid("unit", "a %s names the unit", e.Action)
		}
	case Visit:
		if e.Resolved == nil || e.Satisfied == nil {
			return invalid("resolved", "a return visit (回访) records both answers: resolved (true/false) and satisfied (true/false)")
		}
	case Return:
		if strings.TrimSpace(e.Reason) == "" {
			return invalid("reason", "a return (退单) gives the reason")
		}
	}
	if e.Action != Visit && (e.Resolved != nil || e.Satisfied != nil) {
		return invalid("resolved", "only a return visit (回访) records resolved and satisfied")
	}
	if e.Action != Return && e.Reason != "" {
		return invalid("reason", "only a return (退单) has a reason; use note")
	}
	return nil
}

// Apply returns the state after e, or a *ConflictError saying why the step is
// impossible now, or an *InvalidError for a malformed event. s is unchanged.
func Apply(s State, e Event) (State, error) {
	if err := Check(e); err != nil {
		return s, err
	}
	if e.At.Before(s.Last) {
		return s, conflict("the event's time %s is before the incident's last step at %s: the record only grows forward",
			e.At.Format(time.RFC3339), s.Last.Format(time.RFC3339))
	}
	r := rules[e.Action]
	if !slices.Contains(r.from, s.Status) {
		return s, conflict("cannot %s an incident that is %s: %s", e.Action, statusZH[s.Status], r.why)
	}
	n := s
	n.Called = slices.Clone(s.Called)
	at := e.At
	switch e.Action {
	case Dispatch:
		if n.DispatchedAt == nil {
			n.DispatchedAt = &at
		}
		n.Unit, n.Level = e.Unit, e.Level
		n.Called = []string{e.Unit}
	case Whistle:
		if slices.Contains(n.Called, e.Unit) {
			return s, conflict("%s has already been called in on this incident", e.Unit)
		}
		n.Called = append(n.Called, e.Unit)
	case Report:
		if !slices.Contains(n.Called, e.Unit) {
			return s, conflict("%s was neither dispatched nor whistled (吹哨) on this incident, so it cannot report in (报到)", e.Unit)
		}
	case Respond:
		if n.RespondedAt == nil {
			n.RespondedAt = &at
		}
	case Resolve:
		n.ResolvedAt = &at
		n.VisitResolved, n.Satisfied = nil, nil
	case Visit:
		res, sat := *e.Resolved, *e.Satisfied
		n.VisitResolved, n.Satisfied = &res, &sat
	case Close:
		n.ClosedAt = &at
	case Reopen:
		n.ResolvedAt, n.ClosedAt, n.VisitResolved, n.Satisfied = nil, nil, nil, nil
	case Return:
		n.Unit, n.Level, n.Called = "", "", nil
	}
	if r.to != "" {
		n.Status = r.to
	}
	n.Last = at
	n.Events++
	return n, nil
}

// Replay applies events in order to the state of an incident received at
// receivedAt.
func Replay(receivedAt time.Time, events []Event) (State, error) {
	s := New(receivedAt)
	for i, e := range events {
		var err error
		if s, err = Apply(s, e); err != nil {
			return s, fmt.Errorf("lifecycle: event %d (%s): %w", i+1, e.Action, err)
		}
	}
	return s, nil
}

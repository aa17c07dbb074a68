package lifecycle

import (
	"slices"
	"time"
)

// Action is one step of an incident's handling.
type Action string

// The actions, in the order they usually happen.
const (
	Dispatch Action = "dispatch" // 派单: assign the incident to a unit at one of the four levels
	Whistle  Action = "whistle"  // 吹哨: call another unit in
	Report   Action = "report"   // 报到: a dispatched or whistled unit reports in
	Respond  Action = "respond"  // the caller was contacted
	Resolve  Action = "resolve"  // 办结: the unit says the problem is solved
	Visit    Action = "visit"    // 回访: the caller says whether it is resolved and whether they are satisfied
	Close    Action = "close"    // 关闭
	Reopen   Action = "reopen"   // 重启: a resolved or closed incident is handled again
	Return   Action = "return"   // 退单: the unit hands the incident back, with a reason
)

// Actions lists every action.
var Actions = []Action{Dispatch, Whistle, Report, Respond, Resolve, Visit, Close, Reopen, Return}

// Levels are the four response levels (街道、片区、科室、社区).
var Levels = []string{"街道", "片区", "科室", "社区"}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return slices.Contains(Actions, a) }

// Event is one recorded step. Who is the name of the token that recorded it.
type Event struct {
	Seq        int64     `json:"seq"` // 1, 2, … per incident
	IncidentID int64     `json:"incident_id"`
	At         time.Time `json:"at"`
	Who        string    `json:"who"`
	Action     Action    `json:"action"`
	Unit       string    `json:"unit,omitempty"`
	Level      string    `json:"level,omitempty"`
	Note       string    `json:"note,omitempty"`
	// Resolved and Satisfied are the caller's answers at a visit (回访).
	Resolved  *bool `json:"resolved,omitempty"`
	Satisfied *bool `json:"satisfied,omitempty"`
	// Reason is why a unit returned the incident (退单).
	Reason string `json:"reason,omitempty"`
}

// Statuses of an incident (the incidents layer's status vocabulary).
const (
	Received   = "received"
	Dispatched = "dispatched"
	InProgress = "in_progress"
	Resolved   = "resolved"
	Closed     = "closed"
)

// Package lifecycle is the 接诉即办 life of an incident as a record of every
// step (纪实): an append-only list of events — dispatch (派单), whistle (吹哨),
// report (报到), respond, resolve, visit (回访), close, reopen, return (退单) —
// and the state machine that says which step may follow which. The state of
// an incident (its status, unit, level and timestamps) is always the replay
// of its events; the stores append an event and write the replayed state in
// one transaction, serialized per incident.
//
// The package is pure Go: no store, no HTTP.
package lifecycle

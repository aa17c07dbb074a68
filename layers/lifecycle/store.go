package lifecycle

import (
	"context"
	"slices"
	"time"
)

// Due are the deadlines an incident carries; nil leaves a stored one as it is.
type Due struct {
	Response   *time.Time
	Resolution *time.Time
}

// Store is what a store offers for the record of steps. Both stores/postgis
// and stores/gpkg implement it.
type Store interface {
	// AppendEvent checks e against the incident's replayed events and, if
	// the step is possible, appends it and writes the new state (and due,
	// if not nil) to the incident, in one transaction serialized per
	// incident. It returns the event as stored (with its Seq) and the new
	// state; a *ConflictError or *InvalidError if the step is refused;
	// layers.ErrNotFound if there is no such incident.
	AppendEvent(ctx context.Context, incidentID int64, e Event, due *Due) (Event, State, error)
	// Events returns an incident's events in order, or layers.ErrNotFound.
	Events(ctx context.Context, incidentID int64) ([]Event, error)
}

// Precision is the resolution of stored event times: GeoPackage keeps
// milliseconds, so both stores do.
const Precision = time.Millisecond

// Prepare readies an event for storing: its time at the stored precision.
func Prepare(e Event) Event {
	e.At = e.At.Round(0).Truncate(Precision)
	return e
}

// Begin is the state to replay an incident's stored events from. An
// incident imported with its outcome (a status other than received) and
// no recorded step has no record to continue from: Begin refuses it.
func Begin(status string, receivedAt time.Time, events int) (State, error) {
	if events == 0 && status != "" && status != Received {
		return State{}, conflict("this incident was imported already %s, with no record of its steps to continue from; "+
			"record steps only on incidents received through minqing or imported as received", statusZH[status])
	}
	return New(receivedAt), nil
}

// Backfiller stores whole records at once: the demo data, and records
// reconstructed from another system. Both stores implement it.
type Backfiller interface {
	// PutRecords stores each incident's events (by incident id; the
	// incidents must have no record yet) and sets each incident's state to
	// their replay, all in one transaction: if any record does not replay
	// (a *ConflictError or *InvalidError, wrapped), nothing is written.
	PutRecords(ctx context.Context, records map[int64][]Event) error
}

// RecordIDs returns the incident ids of records in ascending order: the
// order PutRecords locks and writes them in, on both stores.
func RecordIDs(records map[int64][]Event) []int64 {
	ids := make([]int64, 0, len(records))
	for id := range records {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// PrepareRecord readies a whole record for storing (each event through
// Prepare, in place) and returns the state its replay from receivedAt gives:
// what PutRecords writes to the incident.
func PrepareRecord(receivedAt time.Time, events []Event) (State, error) {
	for i := range events {
		events[i] = Prepare(events[i])
	}
	return Replay(receivedAt, events)
}

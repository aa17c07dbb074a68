package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"minqing/layers"
	"minqing/layers/lifecycle"
)

// AppendEvent appends one step to an incident's record (纪实) and writes the
// replayed state to the incident in one transaction. SELECT … FOR UPDATE on
// the incident's row serializes appends to one incident: the second waits
// for the first to commit and then replays its event too.
func (s *Store) AppendEvent(ctx context.Context, id int64, e lifecycle.Event, due *lifecycle.Due) (lifecycle.Event, lifecycle.State, error) {
	e = lifecycle.Prepare(e)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return e, lifecycle.State{}, wrap("append event", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	var status string
	var received time.Time
	err = tx.QueryRow(ctx, "SELECT status, received_at FROM incidents WHERE id = $1 FOR UPDATE", id).Scan(&status, &received)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, lifecycle.State{}, fmt.Errorf("postgis: incident %d: %w", id, layers.ErrNotFound)
	}
	if err != nil {
		return e, lifecycle.State{}, wrap("append event", err)
	}
	events, err := queryEvents(ctx, tx, id)
	if err != nil {
		return e, lifecycle.State{}, err
	}
	st, err := lifecycle.Begin(status, received, len(events))
	if err != nil {
		return e, st, err
	}
	if st, err = lifecycle.Replay(received, events); err != nil {
		return e, st, fmt.Errorf("postgis: incident %d: stored record does not replay: %w", id, err)
	}
	if st, err = lifecycle.Apply(st, e); err != nil {
		return e, st, err
	}
	e.IncidentID, e.Seq = id, int64(len(events))+1
	if _, err := tx.Exec(ctx, "INSERT INTO incident_events (incident_id, seq, at, who, action, unit, level, note, resolved, satisfied, reason) "+
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
		id, e.Seq, e.At, e.Who, string(e.Action), nullable(e.Unit), nullable(e.Level), nullable(e.Note),
		e.Resolved, e.Satisfied, nullable(e.Reason)); err != nil {
		return e, st, wrap("append event", err)
	}
	var resp, res *time.Time
	if due != nil {
		resp, res = due.Response, due.Resolution
	}
	if _, err := tx.Exec(ctx, "UPDATE incidents SET status = $2, dispatched_at = $3, responded_at = $4, resolved_at = $5, closed_at = $6, "+
		"satisfied = $7, visit_resolved = $8, unit = $9, level = $10, "+
		"response_due = coalesce($11, response_due), resolution_due = coalesce($12, resolution_due) WHERE id = $1",
		id, st.Status, st.DispatchedAt, st.RespondedAt, st.ResolvedAt, st.ClosedAt,
		st.Satisfied, st.VisitResolved, nullable(st.Unit), nullable(st.Level), resp, res); err != nil {
		return e, st, wrap("append event: update incident", err)
	}
	return e, st, wrap("append event: commit", tx.Commit(ctx))
}

// Events returns an incident's record in order.
func (s *Store) Events(ctx context.Context, id int64) ([]lifecycle.Event, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, wrap("events", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	var one int
	err = tx.QueryRow(ctx, "SELECT 1 FROM incidents WHERE id = $1", id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgis: incident %d: %w", id, layers.ErrNotFound)
	}
	if err != nil {
		return nil, wrap("events", err)
	}
	return queryEvents(ctx, tx, id)
}

func queryEvents(ctx context.Context, tx pgx.Tx, id int64) ([]lifecycle.Event, error) {
	rows, err := tx.Query(ctx, "SELECT seq, at, who, action, coalesce(unit, ''), coalesce(level, ''), coalesce(note, ''), "+
		"resolved, satisfied, coalesce(reason, '') FROM incident_events WHERE incident_id = $1 ORDER BY seq", id)
	if err != nil {
		return nil, wrap("events", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (lifecycle.Event, error) {
		e := lifecycle.Event{IncidentID: id}
		var action string
		err := r.Scan(&e.Seq, &e.At, &e.Who, &action, &e.Unit, &e.Level, &e.Note, &e.Resolved, &e.Satisfied, &e.Reason)
		e.Action = lifecycle.Action(action)
		e.At = e.At.In(layers.Shanghai)
		return e, err
	})
	return out, wrap("events", err)
}

var _ lifecycle.Store = (*Store)(nil)

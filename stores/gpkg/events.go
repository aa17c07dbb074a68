package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"minqing/layers"
	"minqing/layers/lifecycle"
)

// AppendEvent appends one step to an incident's record (纪实) and writes the
// replayed state to the incident, in one transaction on the single write
// connection, so appends to one incident are serialized.
func (s *Store) AppendEvent(ctx context.Context, id int64, e lifecycle.Event, due *lifecycle.Due) (lifecycle.Event, lifecycle.State, error) {
	e = lifecycle.Prepare(e)
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return e, lifecycle.State{}, wrap("append event", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var status string
	var received any
	err = tx.QueryRowContext(ctx, "SELECT status, received_at FROM incidents WHERE id = ?1", id).Scan(&status, &received)
	if errors.Is(err, sql.ErrNoRows) {
		return e, lifecycle.State{}, fmt.Errorf("gpkg: incident %d: %w", id, layers.ErrNotFound)
	}
	if err != nil {
		return e, lifecycle.State{}, wrap("append event", err)
	}
	rt, err := readValue(layers.Field{Name: "received_at", Type: layers.Time}, received)
	if err != nil {
		return e, lifecycle.State{}, wrap("append event", err)
	}
	events, err := queryEvents(ctx, tx, id)
	if err != nil {
		return e, lifecycle.State{}, err
	}
	st, err := lifecycle.Begin(status, rt.(time.Time), len(events))
	if err != nil {
		return e, st, err
	}
	if st, err = lifecycle.Replay(st.ReceivedAt, events); err != nil {
		return e, st, fmt.Errorf("gpkg: incident %d: stored record does not replay: %w", id, err)
	}
	if st, err = lifecycle.Apply(st, e); err != nil {
		return e, st, err
	}
	e.IncidentID, e.Seq = id, int64(len(events))+1
	if _, err := tx.ExecContext(ctx, "INSERT INTO incident_events (incident_id, seq, at, who, action, unit, level, note, resolved, satisfied, reason) "+
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		id, e.Seq, formatDatetime(e.At), e.Who, string(e.Action), nullable(e.Unit), nullable(e.Level), nullable(e.Note),
		nullBool(e.Resolved), nullBool(e.Satisfied), nullable(e.Reason)); err != nil {
		return e, st, wrap("append event", err)
	}
	q := "UPDATE incidents SET status = ?2, dispatched_at = ?3, responded_at = ?4, resolved_at = ?5, closed_at = ?6, " +
		"satisfied = ?7, visit_resolved = ?8, unit = ?9, level = ?10"
	args := []any{id, st.Status, nullTime(st.DispatchedAt), nullTime(st.RespondedAt), nullTime(st.ResolvedAt), nullTime(st.ClosedAt),
		nullBool(st.Satisfied), nullBool(st.VisitResolved), nullable(st.Unit), nullable(st.Level)}
	if due != nil && due.Response != nil {
		args = append(args, formatDatetime(*due.Response))
		q += fmt.Sprintf(", response_due = ?%d", len(args))
	}
	if due != nil && due.Resolution != nil {
		args = append(args, formatDatetime(*due.Resolution))
		q += fmt.Sprintf(", resolution_due = ?%d", len(args))
	}
	if _, err := tx.ExecContext(ctx, q+" WHERE id = ?1", args...); err != nil {
		return e, st, wrap("append event: update incident", err)
	}
	return e, st, wrap("append event: commit", tx.Commit())
}

// Events returns an incident's record in order.
func (s *Store) Events(ctx context.Context, id int64) ([]lifecycle.Event, error) {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, wrap("events", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var one int
	err = tx.QueryRowContext(ctx, "SELECT 1 FROM incidents WHERE id = ?1", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("gpkg: incident %d: %w", id, layers.ErrNotFound)
	}
	if err != nil {
		return nil, wrap("events", err)
	}
	return queryEvents(ctx, tx, id)
}

func queryEvents(ctx context.Context, tx *sql.Tx, id int64) ([]lifecycle.Event, error) {
	rows, err := tx.QueryContext(ctx, "SELECT seq, at, who, action, unit, level, note, resolved, satisfied, reason "+
		"FROM incident_events WHERE incident_id = ?1 ORDER BY seq", id)
	if err != nil {
		return nil, wrap("events", err)
	}
	defer rows.Close()
	var out []lifecycle.Event
	for rows.Next() {
		e := lifecycle.Event{IncidentID: id}
		var at any
		var action string
		var unit, level, note, reason sql.NullString
		var resolved, satisfied sql.NullBool
		if err := rows.Scan(&e.Seq, &at, &e.Who, &action, &unit, &level, &note, &resolved, &satisfied, &reason); err != nil {
			return nil, wrap("events", err)
		}
		t, err := readValue(layers.Field{Name: "at", Type: layers.Time}, at)
		if err != nil {
			return nil, wrap("events", err)
		}
		e.At, e.Action = t.(time.Time), lifecycle.Action(action)
		e.Unit, e.Level, e.Note, e.Reason = unit.String, level.String, note.String, reason.String
		if resolved.Valid {
			e.Resolved = &resolved.Bool
		}
		if satisfied.Valid {
			e.Satisfied = &satisfied.Bool
		}
		out = append(out, e)
	}
	return out, wrap("events", rows.Err())
}

func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	if *b {
		return int64(1)
	}
	return int64(0)
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatDatetime(*t)
}

var _ lifecycle.Store = (*Store)(nil)

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

// PutRecords stores whole records in one transaction on the write
// connection, each incident's state set to the replay of its events.
func (s *Store) PutRecords(ctx context.Context, records map[int64][]lifecycle.Event) error {
	if len(records) == 0 {
		return nil
	}
	ids := lifecycle.RecordIDs(records)
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return wrap("put records", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	sel, err := tx.PrepareContext(ctx, "SELECT received_at FROM incidents WHERE id = ?1")
	if err != nil {
		return wrap("put records", err)
	}
	defer sel.Close()
	ins, err := tx.PrepareContext(ctx, "INSERT INTO incident_events (incident_id, seq, at, who, action, unit, level, note, resolved, satisfied, reason) "+
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
	if err != nil {
		return wrap("put records", err)
	}
	defer ins.Close()
	upd, err := tx.PrepareContext(ctx, "UPDATE incidents SET status = ?2, dispatched_at = ?3, responded_at = ?4, resolved_at = ?5, "+
		"closed_at = ?6, satisfied = ?7, visit_resolved = ?8, unit = ?9, level = ?10 WHERE id = ?1")
	if err != nil {
		return wrap("put records", err)
	}
	defer upd.Close()
	for _, id := range ids {
		var raw any
		if err := sel.QueryRowContext(ctx, id).Scan(&raw); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("gpkg: put records: no incident %d", id)
		} else if err != nil {
			return wrap("put records", err)
		}
		rt, err := readValue(layers.Field{Name: "received_at", Type: layers.Time}, raw)
		if err != nil {
			return wrap("put records", err)
		}
		events := records[id]
		st, err := lifecycle.PrepareRecord(rt.(time.Time), events)
		if err != nil {
			return fmt.Errorf("gpkg: put records: incident %d: %w", id, err)
		}
		for i, e := range events {
			if _, err := ins.ExecContext(ctx, id, int64(i+1), formatDatetime(e.At), e.Who, string(e.Action), nullable(e.Unit),
				nullable(e.Level), nullable(e.Note), nullBool(e.Resolved), nullBool(e.Satisfied), nullable(e.Reason)); err != nil {
				return wrap(fmt.Sprintf("put records: incident %d (an incident that already has a record cannot be given another)", id), err)
			}
		}
		if _, err := upd.ExecContext(ctx, id, st.Status, nullTime(st.DispatchedAt), nullTime(st.RespondedAt), nullTime(st.ResolvedAt),
			nullTime(st.ClosedAt), nullBool(st.Satisfied), nullBool(st.VisitResolved), nullable(st.Unit), nullable(st.Level)); err != nil {
			return wrap("put records: incidents", err)
		}
	}
	return wrap("put records: commit", tx.Commit())
}

var _ lifecycle.Backfiller = (*Store)(nil)

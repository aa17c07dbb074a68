package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"minqing/layers/lifecycle"
)

// PutRecords stores whole records in one transaction: events by COPY, each
// incident's state set to the replay of its events.
func (s *Store) PutRecords(ctx context.Context, records map[int64][]lifecycle.Event) error {
	if len(records) == 0 {
		return nil
	}
	ids := lifecycle.RecordIDs(records)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap("put records", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	rows, err := tx.Query(ctx, "SELECT id, received_at FROM incidents WHERE id = ANY($1) ORDER BY id FOR UPDATE", ids)
	if err != nil {
		return wrap("put records", err)
	}
	received := make(map[int64]time.Time, len(ids))
	var id int64
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&id, &at}, func() error { received[id] = at; return nil }); err != nil {
		return wrap("put records", err)
	}
	var b pgx.Batch
	var copyRows [][]any
	for _, id := range ids {
		rt, ok := received[id]
		if !ok {
			return fmt.Errorf("postgis: put records: no incident %d", id)
		}
		events := records[id]
		st, err := lifecycle.PrepareRecord(rt, events)
		if err != nil {
			return fmt.Errorf("postgis: put records: incident %d: %w", id, err)
		}
		for i, e := range events {
			copyRows = append(copyRows, []any{id, int64(i + 1), e.At, e.Who, string(e.Action), nullable(e.Unit), nullable(e.Level),
				nullable(e.Note), e.Resolved, e.Satisfied, nullable(e.Reason)})
		}
		b.Queue("UPDATE incidents SET status = $2, dispatched_at = $3, responded_at = $4, resolved_at = $5, closed_at = $6, "+
			"satisfied = $7, visit_resolved = $8, unit = $9, level = $10 WHERE id = $1",
			id, st.Status, st.DispatchedAt, st.RespondedAt, st.ResolvedAt, st.ClosedAt, st.Satisfied, st.VisitResolved,
			nullable(st.Unit), nullable(st.Level))
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"incident_events"},
		[]string{"incident_id", "seq", "at", "who", "action", "unit", "level", "note", "resolved", "satisfied", "reason"},
		pgx.CopyFromRows(copyRows)); err != nil {
		return wrap("put records: events (an incident that already has a record cannot be given another)", err)
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return wrap("put records: incidents", err)
	}
	return wrap("put records: commit", tx.Commit(ctx))
}

var _ lifecycle.Backfiller = (*Store)(nil)

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
	// The states go in one UPDATE … FROM unnest(…): one statement, so the
	// incidents' statement triggers (rollups, change log) run once, not
	// once per incident (a million single-row UPDATEs took most of an
	// hour of a 1M demo load).
	n := len(ids)
	var (
		status                             = make([]string, 0, n)
		dispatched, responded, res, closed = make([]*time.Time, 0, n), make([]*time.Time, 0, n), make([]*time.Time, 0, n), make([]*time.Time, 0, n)
		satisfied, visit                   = make([]*bool, 0, n), make([]*bool, 0, n)
		unit, level                        = make([]*string, 0, n), make([]*string, 0, n)
	)
	text := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
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
		status = append(status, st.Status)
		dispatched, responded, res, closed = append(dispatched, st.DispatchedAt), append(responded, st.RespondedAt),
			append(res, st.ResolvedAt), append(closed, st.ClosedAt)
		satisfied, visit = append(satisfied, st.Satisfied), append(visit, st.VisitResolved)
		unit, level = append(unit, text(st.Unit)), append(level, text(st.Level))
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"incident_events"},
		[]string{"incident_id", "seq", "at", "who", "action", "unit", "level", "note", "resolved", "satisfied", "reason"},
		pgx.CopyFromRows(copyRows)); err != nil {
		return wrap("put records: events (an incident that already has a record cannot be given another)", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE incidents i SET status = u.status, dispatched_at = u.dispatched_at, responded_at = u.responded_at,
		resolved_at = u.resolved_at, closed_at = u.closed_at, satisfied = u.satisfied, visit_resolved = u.visit_resolved,
		unit = u.unit, level = u.level
		FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[],
		            $7::boolean[], $8::boolean[], $9::text[], $10::text[])
		     AS u (id, status, dispatched_at, responded_at, resolved_at, closed_at, satisfied, visit_resolved, unit, level)
		WHERE i.id = u.id`,
		ids, status, dispatched, responded, res, closed, satisfied, visit, unit, level); err != nil {
		return wrap("put records: incidents", err)
	}
	return wrap("put records: commit", tx.Commit(ctx))
}

var _ lifecycle.Backfiller = (*Store)(nil)

package gpkg

import (
	"context"
	"database/sql"
	"time"

	"minqing/layers"
)

// RateTallies tallies the three rates (see layers.RateTallier) from one
// narrow scan of the window's rows through the received_at index: the
// columns the rates count, as text (no geometry, no feature maps), tallied
// in Go by layers.RateCounter. SQLite runs in this process, and its SQL
// (julianday on every timestamp, window functions for the medians) was
// slower than reading the rows.
func (s *Store) RateTallies(ctx context.Context, l *layers.Layer, q layers.RateQuery) (groups []layers.RateTally, total layers.RateTally, err error) {
	if err := layers.CheckRateQuery(l, q, time.Millisecond); err != nil {
		return nil, total, err
	}
	lq := q.Rows()
	p, err := buildPlan(l, lq, false)
	if err != nil {
		return nil, total, err
	}
	text := func(col string) string { return "CAST(" + ident(col) + " AS TEXT)" }
	query := "SELECT " + text(q.GroupBy) + ", category, status, " + text("received_at") + ", dispatched_at IS NOT NULL, " +
		text("responded_at") + ", " + text("resolved_at") + ", " + text("response_due") + ", " + text("resolution_due") +
		", visit_resolved, satisfied FROM " + ident(l.Name) + " WHERE " + p.where()
	rows, err := s.rdb.QueryContext(ctx, query, p.args...)
	if err != nil {
		return nil, total, wrap("rates", err)
	}
	defer rows.Close()
	c := layers.NewRateCounter(q)
	var (
		grp, category, status                 sql.NullString
		received, responded, resolved         sql.NullString
		responseDue, resolutionDue            sql.NullString
		dispatched                            bool
		visitResolved, satisfied              sql.NullBool
		f                                     layers.RateFacts
		tResp, tRes, tRespDue, tResDue, tRecv time.Time
	)
	at := func(s sql.NullString, t *time.Time) (*time.Time, error) {
		if !s.Valid {
			return nil, nil
		}
		v, err := parseRateTime(s.String)
		*t = v
		return t, err
	}
	seen := 0
	for rows.Next() {
		if seen++; seen%(16*ctxCheckRows) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, total, wrap("rates", err)
			}
		}
		if err := rows.Scan(&grp, &category, &status, &received, &dispatched, &responded, &resolved,
			&responseDue, &resolutionDue, &visitResolved, &satisfied); err != nil {
			return nil, total, wrap("rates", err)
		}
		f = layers.RateFacts{Group: grp.String, Category: category.String, Status: status.String, Dispatched: dispatched}
		var errs [5]error
		var r *time.Time
		r, errs[0] = at(received, &tRecv)
		if r != nil {
			f.Received = *r
		}
		f.Responded, errs[1] = at(responded, &tResp)
		f.Resolved, errs[2] = at(resolved, &tRes)
		f.ResponseDue, errs[3] = at(responseDue, &tRespDue)
		f.ResolutionDue, errs[4] = at(resolutionDue, &tResDue)
		for _, err := range errs {
			if err != nil {
				return nil, total, wrap("rates", err)
			}
		}
		if visitResolved.Valid {
			v := visitResolved.Bool
			f.VisitResolved = &v
		}
		if satisfied.Valid {
			v := satisfied.Bool
			f.Satisfied = &v
		}
		c.Add(&f)
	}
	if err := rows.Err(); err != nil {
		return nil, total, wrap("rates", err)
	}
	groups, total = c.Tallies()
	return groups, total, nil
}

// parseRateTime reads stored DATETIME text: the store's fixed-width form
// first (the fast path), else any form parseStoredTime reads.
func parseRateTime(s string) (time.Time, error) {
	if t, err := time.Parse(datetimeLayout, s); err == nil {
		return t, nil
	}
	return parseStoredTime(s)
}

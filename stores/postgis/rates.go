package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"minqing/layers"
)

// rateTallySQL tallies the incidents of the window as casework/rates.Compute
// does, per group and in total (GROUPING SETS): durations are exact
// intervals (timestamptz keeps microseconds); an incident stored without
// both due times takes received_at plus its category's deadline (the joined
// deadlines, else the default's). The moment is rounded up to a
// microsecond: a stored instant u is before the moment exactly when u is
// before the rounded one.
// percentile_disc at 0.5 is the lower middle value (row ceil(n/2)), and
// just above 0.5 the upper one (row n/2+1 for an even n, the same row for
// an odd n), so the medians are made in Go from the exact middle values.
const rateTallySQL = `WITH dl (dcat, resp, res) AS (SELECT * FROM unnest(%[1]s::text[], %[2]s::interval[], %[3]s::interval[])),
x AS (
    SELECT coalesce(nullif(i.%[4]s::text, ''), %[10]s) AS grp,
           coalesce(i.status, '') NOT IN ('resolved', 'closed') AS open,
           i.dispatched_at IS NOT NULL AS dispatched, i.responded_at IS NOT NULL AS responded,
           i.resolved_at IS NOT NULL AS resolved, i.visit_resolved, i.satisfied,
           CASE WHEN i.response_due IS NULL OR i.resolution_due IS NULL
                THEN i.received_at + coalesce(dl.resp, %[5]s) ELSE i.response_due END AS rdue,
           CASE WHEN i.response_due IS NULL OR i.resolution_due IS NULL
                THEN i.received_at + coalesce(dl.res, %[6]s) ELSE i.resolution_due END AS sdue,
           i.responded_at,
           i.responded_at - i.received_at AS resp_iv, i.resolved_at - i.received_at AS res_iv
    FROM %[9]s i LEFT JOIN dl ON dl.dcat = i.category
    WHERE %[7]s
)
SELECT GROUPING(grp) = 1, coalesce(grp, ''), count(*), count(*) FILTER (WHERE dispatched),
       count(*) FILTER (WHERE responded OR rdue < %[8]s),
       count(*) FILTER (WHERE responded AND responded_at <= rdue),
       count(*) FILTER (WHERE resolved),
       count(*) FILTER (WHERE visit_resolved IS NOT NULL OR satisfied IS NOT NULL),
       count(*) FILTER (WHERE visit_resolved), count(*) FILTER (WHERE satisfied),
       count(*) FILTER (WHERE resolved AND visit_resolved IS NULL AND satisfied IS NULL),
       count(*) FILTER (WHERE open AND NOT responded AND rdue < %[8]s),
       count(*) FILTER (WHERE open AND sdue < %[8]s),
       percentile_disc(ARRAY[0.5, 0.5000000001]) WITHIN GROUP (ORDER BY resp_iv),
       percentile_disc(ARRAY[0.5, 0.5000000001]) WITHIN GROUP (ORDER BY res_iv)
FROM x GROUP BY GROUPING SETS ((grp), ())`

// RateTallies tallies the three rates (see layers.RateTallier) from the
// rate facts this process keeps (ratefacts.go), or, while they are being
// read or with the rollups off, in one grouped query: only a row per group
// leaves the database.
func (s *Store) RateTallies(ctx context.Context, l *layers.Layer, q layers.RateQuery) (groups []layers.RateTally, total layers.RateTally, err error) {
	if err := layers.CheckRateQuery(l, q, time.Microsecond); err != nil {
		return nil, total, err
	}
	if !s.noRollups.Load() {
		groups, total, ok, err := s.tallyFromFacts(ctx, l, q)
		if err != nil || ok {
			return groups, total, err
		}
	}
	return s.tallyInSQL(ctx, l, q)
}

// tallyInSQL tallies q in one grouped query (rateTallySQL).
func (s *Store) tallyInSQL(ctx context.Context, l *layers.Layer, q layers.RateQuery) (groups []layers.RateTally, total layers.RateTally, err error) {
	lq := q.Rows()
	w, err := buildWhere(l, lq, false)
	if err != nil {
		return nil, total, err
	}
	var cats []string
	var resp, res []time.Duration
	for c, d := range q.Deadlines {
		cats = append(cats, c)
		resp = append(resp, d.Response)
		res = append(res, d.Resolution)
	}
	where := w.sql()
	sql := fmt.Sprintf(rateTallySQL, w.arg(cats), w.arg(resp), w.arg(res), ident(q.GroupBy),
		w.arg(q.Default.Response)+"::interval", w.arg(q.Default.Resolution)+"::interval", where,
		w.arg(layers.CeilTo(q.Now, time.Microsecond))+"::timestamptz", ident(l.Name), w.arg(q.EmptyGroup)+"::text")
	rows, err := s.reader().Query(ctx, sql, w.args...)
	if err != nil {
		return nil, total, wrap("rates", err)
	}
	var t layers.RateTally
	var isTotal bool
	var respMid, resMid []pgtype.Interval
	_, err = pgx.ForEachRow(rows, []any{&isTotal, &t.Group, &t.Count, &t.Dispatched, &t.ResponseBase, &t.RespondedInTime,
		&t.Resolved, &t.Visited, &t.VisitResolved, &t.Satisfied, &t.VisitsMissing, &t.OverdueResponse, &t.OverdueResolution,
		&respMid, &resMid}, func() error {
		r := t
		r.ResponseMiddle, r.ResolutionMiddle = middles(respMid), middles(resMid)
		if isTotal {
			total = r
		} else {
			groups = append(groups, r)
		}
		return nil
	})
	return groups, total, wrap("rates", err)
}

// middles turns percentile_disc's pair of intervals into durations (nil
// for no values). The difference of two timestamptz has days of 24 hours
// and no months.
func middles(ivs []pgtype.Interval) []time.Duration {
	var out []time.Duration
	for _, iv := range ivs {
		if iv.Valid {
			out = append(out, time.Duration(iv.Microseconds+int64(iv.Days)*86_400_000_000+int64(iv.Months)*30*86_400_000_000)*time.Microsecond)
		}
	}
	return out
}

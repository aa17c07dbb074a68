package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"minqing/layers"
)

// rateRowsSQL selects the window's incidents as casework/rates.Compute
// reads them, instants in julianday milliseconds (GeoPackage keeps
// milliseconds; julianday holds them exactly enough that rounding restores
// them): the group, whether open, the counted facts, and the due times —
// received_at plus the category's deadline (the JSON object ?1 of
// category → [response, resolution] ms, else the default's) for an
// incident stored without both.
const rateRowsSQL = `WITH dl AS (SELECT key AS dcat, json_extract(value, '$[0]') AS resp, json_extract(value, '$[1]') AS res FROM json_each(?1)),
t AS (
    SELECT coalesce(nullif(CAST(i.%[1]s AS TEXT), ''), ?2) AS grp,
           coalesce(i.status, '') NOT IN ('resolved', 'closed') AS open,
           i.dispatched_at IS NOT NULL AS dispatched, i.visit_resolved AS vr, i.satisfied AS sat,
           CAST(round(julianday(i.received_at) * 86400000.0) AS INTEGER) AS rec,
           CAST(round(julianday(i.responded_at) * 86400000.0) AS INTEGER) AS resp,
           CAST(round(julianday(i.resolved_at) * 86400000.0) AS INTEGER) AS res,
           CASE WHEN i.response_due IS NULL OR i.resolution_due IS NULL THEN NULL
                ELSE CAST(round(julianday(i.response_due) * 86400000.0) AS INTEGER) END AS rdue,
           CASE WHEN i.response_due IS NULL OR i.resolution_due IS NULL THEN NULL
                ELSE CAST(round(julianday(i.resolution_due) * 86400000.0) AS INTEGER) END AS sdue,
           coalesce(dl.resp, ?3) AS dresp, coalesce(dl.res, ?4) AS dres
    FROM %[2]s i LEFT JOIN dl ON dl.dcat = i.category
    WHERE %[3]s
),
x AS (
    SELECT grp, open, dispatched, vr, sat, resp IS NOT NULL AS responded, res IS NOT NULL AS resolved,
           coalesce(rdue, rec + dresp) AS rdue, coalesce(sdue, rec + dres) AS sdue,
           resp, resp - rec AS resp_ms, res - rec AS res_ms
    FROM t
)`

// julianEpochMs is the Unix epoch in julianday milliseconds (the instants
// of rateRowsSQL): 2440587.5 days.
const julianEpochMs = 210_866_760_000_000

// rateCountsSQL counts per group and in total, now = ?5 (the moment
// rounded up to a millisecond, in julianday milliseconds: a stored instant
// u is before the moment exactly when u < ?5).
const rateCountsSQL = `,
c AS (
    SELECT grp, count(*) AS n, sum(dispatched) AS d,
           sum(responded OR rdue < ?5) AS base, sum(responded AND resp <= rdue) AS in_time,
           sum(resolved) AS resolved, sum(vr IS NOT NULL OR sat IS NOT NULL) AS visited,
           sum(coalesce(vr, 0) <> 0) AS vres, sum(coalesce(sat, 0) <> 0) AS sat,
           sum(resolved AND vr IS NULL AND sat IS NULL) AS missing,
           sum(open AND NOT responded AND rdue < ?5) AS over_resp, sum(open AND sdue < ?5) AS over_res
    FROM x GROUP BY grp
)
SELECT 0, grp, n, d, base, in_time, resolved, visited, vres, sat, missing, over_resp, over_res FROM c
UNION ALL
SELECT 1, '', coalesce(sum(n), 0), coalesce(sum(d), 0), coalesce(sum(base), 0), coalesce(sum(in_time), 0),
       coalesce(sum(resolved), 0), coalesce(sum(visited), 0), coalesce(sum(vres), 0), coalesce(sum(sat), 0),
       coalesce(sum(missing), 0), coalesce(sum(over_resp), 0), coalesce(sum(over_res), 0) FROM c`

// rateMiddlesSQL picks the middle durations (kind 1 response, 2
// resolution) per group and in total (all = 1): rows ceil(n/2) and n/2+1
// of each ordered list, one row for an odd n.
const rateMiddlesSQL = `,
v AS (
    SELECT 0 AS all_, grp, 1 AS kind, resp_ms AS ms FROM x WHERE resp_ms IS NOT NULL
    UNION ALL SELECT 0, grp, 2, res_ms FROM x WHERE res_ms IS NOT NULL
    UNION ALL SELECT 1, '', 1, resp_ms FROM x WHERE resp_ms IS NOT NULL
    UNION ALL SELECT 1, '', 2, res_ms FROM x WHERE res_ms IS NOT NULL
),
o AS (
    SELECT all_, grp, kind, ms, row_number() OVER w AS rn, count(*) OVER (PARTITION BY all_, grp, kind) AS n
    FROM v WINDOW w AS (PARTITION BY all_, grp, kind ORDER BY ms)
)
SELECT all_, grp, kind, ms FROM o WHERE rn = (n + 1) / 2 OR rn = n / 2 + 1 ORDER BY all_, grp, kind, rn`

// RateTallies tallies the three rates in SQL (see layers.RateTallier): one
// statement for the counts, one for the middle durations of the medians.
func (s *Store) RateTallies(ctx context.Context, l *layers.Layer, q layers.RateQuery) (groups []layers.RateTally, total layers.RateTally, err error) {
	if err := layers.CheckRateQuery(l, q, time.Millisecond); err != nil {
		return nil, total, err
	}
	lq := layers.Query{Role: layers.Admin, Time: q.Time}
	if q.Categories != nil {
		vals := make([]any, len(q.Categories))
		for i, c := range q.Categories {
			vals[i] = c
		}
		lq.Equal = map[string][]any{"category": vals}
	}
	dl := map[string][2]int64{}
	for c, d := range q.Deadlines {
		dl[c] = [2]int64{d.Response.Milliseconds(), d.Resolution.Milliseconds()}
	}
	js, err := json.Marshal(dl)
	if err != nil {
		return nil, total, err
	}
	// The window's conditions first, then the query's own arguments.
	w, err := buildPlan(l, lq, false)
	if err != nil {
		return nil, total, err
	}
	where := w.where()
	base := strings.NewReplacer("%[1]s", ident(q.GroupBy), "%[2]s", ident(l.Name), "%[3]s", where,
		"?1", w.arg(string(js)), "?2", w.arg(q.EmptyGroup), "?3", w.arg(q.Default.Response.Milliseconds()),
		"?4", w.arg(q.Default.Resolution.Milliseconds())).Replace(rateRowsSQL)
	now := w.arg(layers.CeilTo(q.Now, time.Millisecond).UnixMilli() + julianEpochMs)
	counts := strings.ReplaceAll(rateCountsSQL, "?5", now)
	args := w.args

	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // both statements see one snapshot
	if err != nil {
		return nil, total, wrap("rates", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	byGroup := map[string]int{}
	rows, err := tx.QueryContext(ctx, base+counts, args...)
	if err != nil {
		return nil, total, wrap("rates", err)
	}
	for rows.Next() {
		var t layers.RateTally
		var all bool
		if err := rows.Scan(&all, &t.Group, &t.Count, &t.Dispatched, &t.ResponseBase, &t.RespondedInTime, &t.Resolved,
			&t.Visited, &t.VisitResolved, &t.Satisfied, &t.VisitsMissing, &t.OverdueResponse, &t.OverdueResolution); err != nil {
			rows.Close()
			return nil, total, wrap("rates", err)
		}
		if all {
			total = t
		} else {
			byGroup[t.Group] = len(groups)
			groups = append(groups, t)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, total, wrap("rates", err)
	}
	if err := rows.Err(); err != nil {
		return nil, total, wrap("rates", err)
	}
	rows, err = tx.QueryContext(ctx, base+rateMiddlesSQL, args...)
	if err != nil {
		return nil, total, wrap("rates", err)
	}
	defer rows.Close()
	for rows.Next() {
		var all bool
		var grp string
		var kind int
		var ms int64
		if err := rows.Scan(&all, &grp, &kind, &ms); err != nil {
			return nil, total, wrap("rates", err)
		}
		t := &total
		if !all {
			i, ok := byGroup[grp]
			if !ok {
				continue
			}
			t = &groups[i]
		}
		d := time.Duration(ms) * time.Millisecond
		if kind == 1 {
			t.ResponseMiddle = append(t.ResponseMiddle, d)
		} else {
			t.ResolutionMiddle = append(t.ResolutionMiddle, d)
		}
	}
	return groups, total, wrap("rates", rows.Err())
}

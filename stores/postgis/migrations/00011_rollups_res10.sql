-- +goose Up
-- Days and categories at resolution 10 (layers.RollupDaysMaxRes and
-- RollupDimsMaxRes). Resolution 10 holds the clusters of a z15 tile, the
-- first zoom at which the incidents show as points; with days and
-- categories only up to resolution 9 (migration 00004), a z15 tile of
-- today, a week or a category counted its clusters, and whether it was
-- over the point budget, from the raw rows of the window: 123–296 ms a
-- tile at a million incidents. A day at resolution 10 (about 0.015 km²)
-- still groups the incidents of a busy street; at resolution 11 it would
-- hold about one row per incident. The month marks stay at resolution 9.
--
-- And both rollup tables get an index by cell before period: a tile asks
-- for a few dozen cells over a range of periods (a category's whole
-- history: every year), which the primary key, period before cell, could
-- only answer by reading every row of the range (129,000 rows at
-- resolution 10 for a million incidents, 90–127 ms; 7.5 ms by cell).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION incident_rollups_sql(src text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
SELECT format($q$
WITH src AS (%s),
per AS (
    SELECT s.sign, (s.received_at AT TIME ZONE 'Asia/Shanghai')::date AS day, s.category, s.source, c.res, c.cell
    FROM src s CROSS JOIN LATERAL (VALUES (5, s.h3_5), (6, s.h3_6), (7, s.h3_7), (8, s.h3_8),
                                          (9, s.h3_9), (10, s.h3_10), (11, s.h3_11)) AS c (res, cell)
    WHERE c.cell IS NOT NULL
),
tot AS (  -- days at 5–10, months at 11
    SELECT res, CASE WHEN res <= 10 THEN day ELSE date_trunc('month', day)::date END AS day, cell, sum(sign) AS n
    FROM per GROUP BY 1, 2, 3 HAVING sum(sign) <> 0
),
cat AS (  -- months at 5–10
    SELECT res, date_trunc('month', day)::date AS month, cell, category, source, sum(sign) AS n
    FROM per WHERE res <= 10 GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
),
marks AS (  -- the months whose counts at res 9 changed get a new mark
    INSERT INTO incident_month_marks AS m (month, mark)
    SELECT month, nextval('incident_month_mark_seq')
    FROM (SELECT DISTINCT month FROM cat WHERE res = 9 ORDER BY month) x
    ON CONFLICT (month) DO UPDATE SET mark = EXCLUDED.mark
),
ins_cat AS (
    INSERT INTO incident_cell_categories AS r (res, grain, period, cell, category, source, n)
    SELECT res, g.grain, g.period, cell, category, source, sum(n)
    FROM cat CROSS JOIN LATERAL (VALUES (2, month), (3, date_trunc('year', month)::date)) AS g (grain, period)
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (res, grain, period, cell, category, source) DO UPDATE SET n = r.n + EXCLUDED.n
)
INSERT INTO incident_cell_totals AS r (res, grain, period, cell, n)
SELECT res, g.grain, g.period, cell, sum(n)
FROM tot CROSS JOIN LATERAL (VALUES (1, day), (2, date_trunc('month', day)::date),
                                    (3, date_trunc('year', day)::date)) AS g (grain, period)
WHERE g.grain > 1 OR res <= 10
GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
ON CONFLICT (res, grain, period, cell) DO UPDATE SET n = r.n + EXCLUDED.n
$q$, src)
$f$;
-- +goose StatementEnd

CREATE INDEX incident_cell_totals_cell_idx ON incident_cell_totals (res, grain, cell, period);
CREATE INDEX incident_cell_categories_cell_idx ON incident_cell_categories (res, grain, cell, period);

-- The rows already there, once.
INSERT INTO incident_cell_totals (res, grain, period, cell, n)
SELECT 10, 1, (received_at AT TIME ZONE 'Asia/Shanghai')::date, h3_10, count(*)
FROM incidents WHERE h3_10 IS NOT NULL
GROUP BY 3, 4 ORDER BY 3, 4;
INSERT INTO incident_cell_categories (res, grain, period, cell, category, source, n)
SELECT 10, g.grain, g.period, x.h3_10, x.category, x.source, sum(x.n)
FROM (SELECT date_trunc('month', received_at AT TIME ZONE 'Asia/Shanghai')::date AS month, h3_10, category, source, count(*) AS n
      FROM incidents WHERE h3_10 IS NOT NULL GROUP BY 1, 2, 3, 4) x
CROSS JOIN LATERAL (VALUES (2, x.month), (3, date_trunc('year', x.month)::date)) AS g (grain, period)
GROUP BY 2, 3, 4, 5, 6 ORDER BY 2, 3, 4, 5, 6;

-- +goose Down
DROP INDEX incident_cell_totals_cell_idx;
DROP INDEX incident_cell_categories_cell_idx;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION incident_rollups_sql(src text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
SELECT format($q$
WITH src AS (%s),
per AS (
    SELECT s.sign, (s.received_at AT TIME ZONE 'Asia/Shanghai')::date AS day, s.category, s.source, c.res, c.cell
    FROM src s CROSS JOIN LATERAL (VALUES (5, s.h3_5), (6, s.h3_6), (7, s.h3_7), (8, s.h3_8),
                                          (9, s.h3_9), (10, s.h3_10), (11, s.h3_11)) AS c (res, cell)
    WHERE c.cell IS NOT NULL
),
tot AS (  -- days at 5–9, months at 10–11
    SELECT res, CASE WHEN res <= 9 THEN day ELSE date_trunc('month', day)::date END AS day, cell, sum(sign) AS n
    FROM per GROUP BY 1, 2, 3 HAVING sum(sign) <> 0
),
cat AS (  -- months at 5–9
    SELECT res, date_trunc('month', day)::date AS month, cell, category, source, sum(sign) AS n
    FROM per WHERE res <= 9 GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
),
marks AS (  -- the months whose counts at res 9 changed get a new mark
    INSERT INTO incident_month_marks AS m (month, mark)
    SELECT month, nextval('incident_month_mark_seq')
    FROM (SELECT DISTINCT month FROM cat WHERE res = 9 ORDER BY month) x
    ON CONFLICT (month) DO UPDATE SET mark = EXCLUDED.mark
),
ins_cat AS (
    INSERT INTO incident_cell_categories AS r (res, grain, period, cell, category, source, n)
    SELECT res, g.grain, g.period, cell, category, source, sum(n)
    FROM cat CROSS JOIN LATERAL (VALUES (2, month), (3, date_trunc('year', month)::date)) AS g (grain, period)
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (res, grain, period, cell, category, source) DO UPDATE SET n = r.n + EXCLUDED.n
)
INSERT INTO incident_cell_totals AS r (res, grain, period, cell, n)
SELECT res, g.grain, g.period, cell, sum(n)
FROM tot CROSS JOIN LATERAL (VALUES (1, day), (2, date_trunc('month', day)::date),
                                    (3, date_trunc('year', day)::date)) AS g (grain, period)
WHERE g.grain > 1 OR res <= 9
GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
ON CONFLICT (res, grain, period, cell) DO UPDATE SET n = r.n + EXCLUDED.n
$q$, src)
$f$;
-- +goose StatementEnd

DELETE FROM incident_cell_totals WHERE res = 10 AND grain = 1;
DELETE FROM incident_cell_categories WHERE res = 10;

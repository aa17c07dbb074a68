-- +goose Up
-- Month marks: the rollup maintenance gives each Beijing month whose
-- counts by resolution-9 cell, category and source a statement changes a
-- new mark (a value of one sequence, so never the same twice), in the same
-- transaction as the rollups. The published table of a month (package
-- disclose) is kept for as long as its mark stays; a new incident today
-- no longer makes every closed month be counted again. A TRUNCATE marks
-- the row '-infinity', the epoch: every month may have changed.
CREATE SEQUENCE incident_month_mark_seq;
CREATE TABLE incident_month_marks (
    month date   PRIMARY KEY,
    mark  bigint NOT NULL
);

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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION incident_rollups_trigger() RETURNS trigger LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
    cols constant text := 'received_at, category, source, h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11';
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE incident_rollups_sql(format('SELECT %s, 1 AS sign FROM new_rows', cols));
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE incident_rollups_sql(format('SELECT %s, -1 AS sign FROM old_rows', cols));
        DELETE FROM incident_cell_categories WHERE n = 0;
        DELETE FROM incident_cell_totals WHERE n = 0;
    ELSIF TG_OP = 'UPDATE' THEN
        EXECUTE incident_rollups_sql(format('SELECT %s, 1 AS sign FROM new_rows UNION ALL SELECT %s, -1 FROM old_rows', cols, cols));
        DELETE FROM incident_cell_categories WHERE n = 0;
        DELETE FROM incident_cell_totals WHERE n = 0;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM incident_cell_categories;
        DELETE FROM incident_cell_totals;
        INSERT INTO incident_month_marks (month, mark) VALUES ('-infinity', nextval('incident_month_mark_seq'))
        ON CONFLICT (month) DO UPDATE SET mark = EXCLUDED.mark;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION incident_rollups_trigger() RETURNS trigger LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
    cols constant text := 'received_at, category, source, h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11';
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE incident_rollups_sql(format('SELECT %s, 1 AS sign FROM new_rows', cols));
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE incident_rollups_sql(format('SELECT %s, -1 AS sign FROM old_rows', cols));
        DELETE FROM incident_cell_categories WHERE n = 0;
        DELETE FROM incident_cell_totals WHERE n = 0;
    ELSIF TG_OP = 'UPDATE' THEN
        EXECUTE incident_rollups_sql(format('SELECT %s, 1 AS sign FROM new_rows UNION ALL SELECT %s, -1 FROM old_rows', cols, cols));
        DELETE FROM incident_cell_categories WHERE n = 0;
        DELETE FROM incident_cell_totals WHERE n = 0;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM incident_cell_categories;
        DELETE FROM incident_cell_totals;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

DROP TABLE incident_month_marks;
DROP SEQUENCE incident_month_mark_seq;

-- +goose Up
-- Month marks: the rollup maintenance gives each Beijing month whose
-- counts by resolution-9 cell, category and source a statement changes a
-- new mark (a value of one sequence, so never the same twice), in the same
-- transaction as the rollups. The published table of a month (package
-- disclose) is kept for as long as its mark stays; a new incident today
-- no longer makes every closed month be counted again. A TRUNCATE marks
-- the row '-infinity', the epoch: every month may have changed.
--
-- And a bulk write no longer turns the insert trigger off with ALTER TABLE
-- (a SHARE ROW EXCLUSIVE lock that made every intake wait for a whole
-- import): it sets minqing.rollups_deferred for its own transaction, and
-- the trigger skips that transaction's inserts. The same way, its COPY
-- statements no longer each bump the layer's version (a row lock on
-- layer_versions until commit, which made every other write of the layer
-- wait): minqing.versions_deferred skips them, and the write bumps the
-- version once before it commits (log_layer_write).
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
    IF TG_OP = 'INSERT' AND current_setting('minqing.rollups_deferred', true) = 'on' THEN
        -- A bulk write adds the rollups of its rows up itself and applies
        -- them before it commits (stores/postgis/rollupdelta.go); the
        -- setting is local to its transaction, so nobody else's insert
        -- is skipped and nobody waits for a lock.
        RETURN NULL;
    END IF;
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION log_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
    b box2d;
BEGIN
    IF TG_OP = 'INSERT' AND current_setting('minqing.versions_deferred', true) = 'on' THEN
        -- A bulk write bumps the version once, just before it commits
        -- (log_layer_write): the row lock on layer_versions is then held
        -- for an instant, not for the whole import.
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT ST_Extent(geom) INTO b FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT ST_Extent(geom) INTO b FROM old_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT ST_Extent(g) INTO b FROM (SELECT geom AS g FROM old_rows UNION ALL SELECT geom FROM new_rows) x;
    END IF;
    INSERT INTO layer_versions (layer, version) VALUES (TG_TABLE_NAME, 1)
    ON CONFLICT (layer) DO UPDATE SET version = layer_versions.version + 1
    RETURNING version INTO v;
    IF TG_OP <> 'TRUNCATE' THEN
        -- An empty extent (no row touched) is logged with NULL bounds: a
        -- change that reaches no tile.
        INSERT INTO layer_changes VALUES (TG_TABLE_NAME, v - 1, v, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b));
        -- Keep the last 1000 changes of the layer; a reader further behind
        -- drops its tiles of the layer.
        IF v % 100 = 0 THEN
            DELETE FROM layer_changes WHERE layer = TG_TABLE_NAME AND to_version <= v - 1000;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- log_layer_write bumps layer's version once for a bulk write and logs
-- where it fell, as log_layer_change does per statement.
CREATE FUNCTION log_layer_write(layer_name text, minx double precision, miny double precision,
                                maxx double precision, maxy double precision) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    INSERT INTO layer_versions (layer, version) VALUES (layer_name, 1)
    ON CONFLICT (layer) DO UPDATE SET version = layer_versions.version + 1
    RETURNING version INTO v;
    INSERT INTO layer_changes VALUES (layer_name, v - 1, v, minx, miny, maxx, maxy);
    IF v % 100 = 0 THEN
        DELETE FROM layer_changes WHERE layer = layer_name AND to_version <= v - 1000;
    END IF;
    RETURN v;
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION log_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
    b box2d;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT ST_Extent(geom) INTO b FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT ST_Extent(geom) INTO b FROM old_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT ST_Extent(g) INTO b FROM (SELECT geom AS g FROM old_rows UNION ALL SELECT geom FROM new_rows) x;
    END IF;
    INSERT INTO layer_versions (layer, version) VALUES (TG_TABLE_NAME, 1)
    ON CONFLICT (layer) DO UPDATE SET version = layer_versions.version + 1
    RETURNING version INTO v;
    IF TG_OP <> 'TRUNCATE' THEN
        -- An empty extent (no row touched) is logged with NULL bounds: a
        -- change that reaches no tile.
        INSERT INTO layer_changes VALUES (TG_TABLE_NAME, v - 1, v, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b));
        -- Keep the last 1000 changes of the layer; a reader further behind
        -- drops its tiles of the layer.
        IF v % 100 = 0 THEN
            DELETE FROM layer_changes WHERE layer = TG_TABLE_NAME AND to_version <= v - 1000;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP FUNCTION log_layer_write(text, double precision, double precision, double precision, double precision);
DROP TABLE incident_month_marks;
DROP SEQUENCE incident_month_mark_seq;

-- +goose Up
-- Rollups of the incidents, maintained on write so that hot spots, the
-- published table and counts read a few thousand rows instead of scanning
-- the incidents (see README "Hot spots"). An incident is counted once per
-- stored resolution (h3_5 … h3_11) in its own cell, under its Beijing day
-- (grain 1, period = the day), month (grain 2, period = the 1st) and year
-- (grain 3, period = 1 January):
--   incident_cell_totals      (res, grain, period, cell) → n
--       days at resolutions 5–9, months and years at 5–11;
--   incident_cell_categories  (res, grain, period, cell, category, source) → n
--       months and years at resolutions 5–9.
-- Finer keys (a day at res 10–11, a day by category) would hold about one
-- row per incident: they would cost every import as much as a second copy
-- of the table and save no reading. A window is read as whole years, months
-- (and days) from the rollups plus the raw rows of what is left at its
-- ends (the received_at index).
--
-- Kept exact by statement-level AFTER triggers with transition tables: a
-- bulk INSERT … SELECT or a COPY pays one grouped upsert per statement, an
-- UPDATE adds its new rows and subtracts its old ones (nothing when no
-- counted column changed), a DELETE subtracts, a TRUNCATE empties them.
-- Rows whose cells are not filled yet (before Store.Migrate's backfill) are
-- left out; the backfill's UPDATE then adds them.
CREATE TABLE incident_cell_totals (
    res    smallint NOT NULL,
    grain  smallint NOT NULL,
    period date     NOT NULL,
    cell   bigint   NOT NULL,
    n      bigint   NOT NULL,
    PRIMARY KEY (res, grain, period, cell)
);
CREATE TABLE incident_cell_categories (
    res      smallint NOT NULL,
    grain    smallint NOT NULL,
    period   date     NOT NULL,
    cell     bigint   NOT NULL,
    category text     NOT NULL,
    source   text     NOT NULL,
    n        bigint   NOT NULL,
    PRIMARY KEY (res, grain, period, cell, category, source)
);
CREATE INDEX incident_cell_totals_zero_idx ON incident_cell_totals (res) WHERE n = 0;
CREATE INDEX incident_cell_categories_zero_idx ON incident_cell_categories (res) WHERE n = 0;

-- incident_rollups_sql(src) is the statement that applies the rows src
-- selects (the incidents' columns plus a sign, +1 or -1) to the rollups.
-- Deltas are grouped first (an UPDATE that changes no counted column nets to
-- nothing) and applied in key order (concurrent writers lock rollup rows in
-- the same order); the trigger then deletes the rows that dropped to zero
-- (found through partial indexes, empty between statements).
-- +goose StatementBegin
CREATE FUNCTION incident_rollups_sql(src text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
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
CREATE FUNCTION incident_rollups_trigger() RETURNS trigger LANGUAGE plpgsql SET work_mem = '64MB' AS $$
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

CREATE TRIGGER incidents_rollups_insert AFTER INSERT ON incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollups_trigger();
CREATE TRIGGER incidents_rollups_update AFTER UPDATE ON incidents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollups_trigger();
CREATE TRIGGER incidents_rollups_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollups_trigger();
CREATE TRIGGER incidents_rollups_truncate AFTER TRUNCATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION incident_rollups_trigger();

-- Backfill: the rows already there, once.
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE incident_rollups_sql('SELECT received_at, category, source, h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11, 1 AS sign FROM incidents');
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER incidents_rollups_insert ON incidents;
DROP TRIGGER incidents_rollups_update ON incidents;
DROP TRIGGER incidents_rollups_delete ON incidents;
DROP TRIGGER incidents_rollups_truncate ON incidents;
DROP FUNCTION incident_rollups_trigger();
DROP FUNCTION incident_rollups_sql(text);
DROP TABLE incident_cell_categories, incident_cell_totals;

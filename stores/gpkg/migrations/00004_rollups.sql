-- +goose Up
-- Rollups of the incidents, as in the PostGIS store (its migration 00004
-- explains the keys): internal tables, not registered in gpkg_contents.
--   incident_cell_totals      (res, grain, period, cell) → n
--       days at resolutions 5–9, months and years at 5–11;
--   incident_cell_categories  (res, grain, period, cell, category, source) → n
--       months and years at resolutions 5–9.
-- Periods are Beijing dates as text (YYYY-MM-DD).
--
-- SQLite has no statement-level triggers: row triggers append each changed
-- incident's counted columns with a sign to incident_rollup_delta (an
-- UPDATE only when a counted column changes), and the store applies the
-- delta grouped, once per write transaction, before it commits
-- (flushRollups). A reader that finds a delta pending (a write path that
-- did not flush) counts the raw rows instead, so a count is exact whichever
-- way a row was written.
CREATE TABLE incident_cell_totals (
    res    INTEGER NOT NULL,
    grain  INTEGER NOT NULL,
    period TEXT    NOT NULL,
    cell   INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (res, grain, period, cell)
) WITHOUT ROWID;
CREATE TABLE incident_cell_categories (
    res      INTEGER NOT NULL,
    grain    INTEGER NOT NULL,
    period   TEXT    NOT NULL,
    cell     INTEGER NOT NULL,
    category TEXT    NOT NULL,
    source   TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (res, grain, period, cell, category, source)
) WITHOUT ROWID;
CREATE INDEX incident_cell_totals_zero_idx ON incident_cell_totals (res) WHERE n = 0;
CREATE INDEX incident_cell_categories_zero_idx ON incident_cell_categories (res) WHERE n = 0;
CREATE TABLE incident_rollup_delta (
    received_at DATETIME,
    category    TEXT,
    source      TEXT,
    h3_5 INTEGER, h3_6 INTEGER, h3_7 INTEGER, h3_8 INTEGER, h3_9 INTEGER, h3_10 INTEGER, h3_11 INTEGER,
    sign        INTEGER NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER incidents_rollups_insert AFTER INSERT ON incidents
BEGIN
    INSERT INTO incident_rollup_delta VALUES (NEW.received_at, NEW.category, NEW.source,
        NEW.h3_5, NEW.h3_6, NEW.h3_7, NEW.h3_8, NEW.h3_9, NEW.h3_10, NEW.h3_11, 1);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incidents_rollups_delete AFTER DELETE ON incidents
BEGIN
    INSERT INTO incident_rollup_delta VALUES (OLD.received_at, OLD.category, OLD.source,
        OLD.h3_5, OLD.h3_6, OLD.h3_7, OLD.h3_8, OLD.h3_9, OLD.h3_10, OLD.h3_11, -1);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incidents_rollups_update AFTER UPDATE OF received_at, category, source, h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11 ON incidents
BEGIN
    INSERT INTO incident_rollup_delta VALUES (OLD.received_at, OLD.category, OLD.source,
        OLD.h3_5, OLD.h3_6, OLD.h3_7, OLD.h3_8, OLD.h3_9, OLD.h3_10, OLD.h3_11, -1);
    INSERT INTO incident_rollup_delta VALUES (NEW.received_at, NEW.category, NEW.source,
        NEW.h3_5, NEW.h3_6, NEW.h3_7, NEW.h3_8, NEW.h3_9, NEW.h3_10, NEW.h3_11, 1);
END;
-- +goose StatementEnd

-- Backfill: the rows already there (Store.Migrate applies the delta).
INSERT INTO incident_rollup_delta SELECT received_at, category, source, h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11, 1 FROM incidents;

-- +goose Down
DROP TRIGGER incidents_rollups_insert;
DROP TRIGGER incidents_rollups_delete;
DROP TRIGGER incidents_rollups_update;
DROP TABLE incident_rollup_delta;
DROP TABLE incident_cell_categories;
DROP TABLE incident_cell_totals;

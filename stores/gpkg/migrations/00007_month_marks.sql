-- +goose Up
-- Month marks: when the store folds a write's rollup delta in
-- (flushRollups, or a bulk write's delta added up in Go), each Beijing
-- month whose counts by resolution-9 cell, category and source changed
-- gets a new mark, above every mark given before (rows are never deleted,
-- so a mark is never given twice). The published table of a month
-- (package disclose) is kept for as long as its mark stays. A delta left
-- pending by another program means the marks cannot be trusted until the
-- next flush; readers count afresh meanwhile.
CREATE TABLE incident_month_marks (
    month TEXT    PRIMARY KEY,
    mark  INTEGER NOT NULL
);

-- +goose Down
DROP TABLE incident_month_marks;

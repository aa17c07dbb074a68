-- +goose Up
-- Each incident's own H3 cell at every resolution the product counts or
-- clusters by (5–11), computed in Go on write (hex.ExactCells): H3 is not a
-- strict hierarchy, so the bit-mask parent of the resolution-15 cell is not
-- always the hexagon the point lies in. Rows written before this migration
-- are filled in by Store.Migrate after it (PostGIS has no H3 functions here);
-- the partial index finds the rows still to fill and is empty afterwards.
ALTER TABLE incidents
    ADD COLUMN IF NOT EXISTS h3_5  bigint,
    ADD COLUMN IF NOT EXISTS h3_6  bigint,
    ADD COLUMN IF NOT EXISTS h3_7  bigint,
    ADD COLUMN IF NOT EXISTS h3_8  bigint,
    ADD COLUMN IF NOT EXISTS h3_9  bigint,
    ADD COLUMN IF NOT EXISTS h3_10 bigint,
    ADD COLUMN IF NOT EXISTS h3_11 bigint;
CREATE INDEX IF NOT EXISTS incidents_cells_missing_idx ON incidents (id)
    WHERE h3_5 IS NULL OR h3_6 IS NULL OR h3_7 IS NULL OR h3_8 IS NULL
       OR h3_9 IS NULL OR h3_10 IS NULL OR h3_11 IS NULL;

-- +goose Down
DROP INDEX IF EXISTS incidents_cells_missing_idx;
ALTER TABLE incidents
    DROP COLUMN IF EXISTS h3_5, DROP COLUMN IF EXISTS h3_6, DROP COLUMN IF EXISTS h3_7,
    DROP COLUMN IF EXISTS h3_8, DROP COLUMN IF EXISTS h3_9, DROP COLUMN IF EXISTS h3_10,
    DROP COLUMN IF EXISTS h3_11;

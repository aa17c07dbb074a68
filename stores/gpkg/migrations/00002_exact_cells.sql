-- +goose Up
-- Each incident's own H3 cell at every resolution the product counts or
-- clusters by (5–11), computed in Go on write (hex.ExactCells): H3 is not a
-- strict hierarchy, so the bit-mask parent of the resolution-15 cell is not
-- always the hexagon the point lies in. These are internal columns, not
-- fields (no gpkg_data_columns or layer_fields entry). Rows of files written
-- before this migration are filled in by Store.Migrate after it.
ALTER TABLE incidents ADD COLUMN h3_5 INTEGER;
ALTER TABLE incidents ADD COLUMN h3_6 INTEGER;
ALTER TABLE incidents ADD COLUMN h3_7 INTEGER;
ALTER TABLE incidents ADD COLUMN h3_8 INTEGER;
ALTER TABLE incidents ADD COLUMN h3_9 INTEGER;
ALTER TABLE incidents ADD COLUMN h3_10 INTEGER;
ALTER TABLE incidents ADD COLUMN h3_11 INTEGER;
CREATE INDEX incidents_cells_missing_idx ON incidents (id)
    WHERE h3_5 IS NULL OR h3_6 IS NULL OR h3_7 IS NULL OR h3_8 IS NULL
       OR h3_9 IS NULL OR h3_10 IS NULL OR h3_11 IS NULL;
-- Counting by a cell column reads this index instead of the table (whose
-- rows carry the incidents' text): without it, GROUP BY h3_9 over 200,000
-- incidents took twice as long as the old GROUP BY of the res-15 cell's
-- parent, which read incidents_h3_idx. It holds the hot-spot resolutions
-- (7–11; clusters at 5–6 read the rows of a tile through the R-tree anyway),
-- led by h3_9, the default, whose groups it then reads in order.
CREATE INDEX incidents_cells_idx ON incidents (h3_9, h3_7, h3_8, h3_10, h3_11);
-- The H3 field is written as H3 writes a cell, in hexadecimal text.
UPDATE layer_fields SET type = 'cell' WHERE layer = 'incidents' AND field = 'h3';

-- +goose Down
UPDATE layer_fields SET type = 'int' WHERE layer = 'incidents' AND field = 'h3';
DROP INDEX incidents_cells_idx;
DROP INDEX incidents_cells_missing_idx;
ALTER TABLE incidents DROP COLUMN h3_5;
ALTER TABLE incidents DROP COLUMN h3_6;
ALTER TABLE incidents DROP COLUMN h3_7;
ALTER TABLE incidents DROP COLUMN h3_8;
ALTER TABLE incidents DROP COLUMN h3_9;
ALTER TABLE incidents DROP COLUMN h3_10;
ALTER TABLE incidents DROP COLUMN h3_11;

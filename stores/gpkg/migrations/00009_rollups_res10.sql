-- +goose Up
-- Days and categories at resolution 10, as in the PostGIS store (its
-- migration 00011 explains why): incident_cell_totals gains the days at
-- resolution 10 (its months and years were there), incident_cell_categories
-- the months and years at resolution 10. The flush (stores/gpkg/rollups.go)
-- keeps them from now on. These are the rows already counted: the incidents
-- less the delta still pending (a file migrated from before 00004 holds
-- every incident there), which Store.Migrate flushes after the migrations.
-- And both rollup tables get an index by cell before period, for a tile's
-- few dozen cells over a range of periods (PostGIS migration 00011).
CREATE INDEX incident_cell_totals_cell_idx ON incident_cell_totals (res, grain, cell, period);
CREATE INDEX incident_cell_categories_cell_idx ON incident_cell_categories (res, grain, cell, period);
CREATE TEMP TABLE rollups_res10 AS
SELECT date(received_at, '+8 hours') AS day, h3_10 AS cell, category, source, sum(sign) AS n
FROM (SELECT received_at, h3_10, category, source, 1 AS sign FROM incidents
      UNION ALL
      SELECT received_at, h3_10, category, source, -sign FROM incident_rollup_delta)
WHERE h3_10 IS NOT NULL
GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0;
INSERT INTO incident_cell_totals (res, grain, period, cell, n)
SELECT 10, 1, day, cell, sum(n) FROM rollups_res10
GROUP BY 3, 4 HAVING sum(n) <> 0;
INSERT INTO incident_cell_categories (res, grain, period, cell, category, source, n)
SELECT 10, g.grain, CASE g.grain WHEN 2 THEN substr(day, 1, 8) || '01' ELSE substr(day, 1, 5) || '01-01' END,
       cell, category, source, sum(n)
FROM rollups_res10, (SELECT 2 AS grain UNION ALL SELECT 3) g
GROUP BY 2, 3, 4, 5, 6 HAVING sum(n) <> 0;
DROP TABLE rollups_res10;

-- +goose Down
DROP INDEX incident_cell_totals_cell_idx;
DROP INDEX incident_cell_categories_cell_idx;
DELETE FROM incident_cell_totals WHERE res = 10 AND grain = 1;
DELETE FROM incident_cell_categories WHERE res = 10;

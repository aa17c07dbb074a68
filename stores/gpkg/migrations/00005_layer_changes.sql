-- +goose Up
-- Where each write of this program fell, for tile caches that keep the
-- tiles a write does not reach: versions from_version to to_version of the
-- layer changed only features inside the box (old and new geometries).
-- Writes by other programs (QGIS editing the file) bump the versions
-- without a row here, and so invalidate every tile of the layer.
CREATE TABLE layer_changes (
    layer        TEXT NOT NULL,
    from_version INTEGER NOT NULL,
    to_version   INTEGER NOT NULL,
    minx REAL, miny REAL, maxx REAL, maxy REAL,
    PRIMARY KEY (layer, to_version)
);

-- +goose Down
DROP TABLE layer_changes;

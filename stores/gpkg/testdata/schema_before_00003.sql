-- +goose Up
-- The 民情图 schema as an OGC GeoPackage 1.3 file. GENERATED from the catalog
-- (layers.Fengtai) by TestMigrationMatchesCatalog: do not edit by hand; run
--   go test ./stores/gpkg -run TestMigrationMatchesCatalog -update
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;

-- GeoPackage core (clauses 1.1.2, 1.1.3, 2.1.5, 2.1.6 and the extension
-- mechanism of 2.3).
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
    srs_name                 TEXT NOT NULL,
    srs_id                   INTEGER NOT NULL PRIMARY KEY,
    organization             TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL,
    definition               TEXT NOT NULL,
    description              TEXT
);
INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES
    ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
    ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
    ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');

CREATE TABLE IF NOT EXISTS gpkg_contents (
    table_name  TEXT NOT NULL PRIMARY KEY,
    data_type   TEXT NOT NULL,
    identifier  TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x       DOUBLE,
    min_y       DOUBLE,
    max_x       DOUBLE,
    max_y       DOUBLE,
    srs_id      INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
    table_name         TEXT NOT NULL,
    column_name        TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL,
    srs_id             INTEGER NOT NULL,
    z                  TINYINT NOT NULL,
    m                  TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT uk_gc_table_name UNIQUE (table_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents (table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

CREATE TABLE IF NOT EXISTS gpkg_extensions (
    table_name     TEXT,
    column_name    TEXT,
    extension_name TEXT NOT NULL,
    definition     TEXT NOT NULL,
    scope          TEXT NOT NULL,
    CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);

-- The GeoPackage schema extension (annex F.9): each field's Chinese name
-- and English title, which GDAL and QGIS show as field aliases.
CREATE TABLE IF NOT EXISTS gpkg_data_columns (
    table_name      TEXT NOT NULL,
    column_name     TEXT NOT NULL,
    name            TEXT,
    title           TEXT,
    description     TEXT,
    mime_type       TEXT,
    constraint_name TEXT,
    CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
    CONSTRAINT gdc_tn UNIQUE (table_name, name)
);
CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
    constraint_name  TEXT NOT NULL,
    constraint_type  TEXT NOT NULL,
    value            TEXT,
    min              NUMERIC,
    min_is_inclusive BOOLEAN,
    max              NUMERIC,
    max_is_inclusive BOOLEAN,
    description      TEXT,
    CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value)
);
INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES
    ('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write'),
    ('gpkg_data_column_constraints', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write');

-- The field dictionary: every field of every layer, with its titles, type,
-- who may see it and its vocabulary. It is registered as an attributes
-- table, which also tells GDAL (LIST_ALL_TABLES=AUTO) and so QGIS to list
-- only registered tables: the internal tables below stay out of their
-- layer lists.
CREATE TABLE layer_fields (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    layer      TEXT NOT NULL,
    field      TEXT NOT NULL,
    title_zh   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    type       TEXT NOT NULL,
    access     TEXT NOT NULL,
    required   BOOLEAN NOT NULL,
    vocabulary TEXT,
    CONSTRAINT uk_layer_fields UNIQUE (layer, field)
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES ('layer_fields', 'attributes', '字段说明 Field dictionary', 'The fields of every layer of 丰台街道: titles, types, access and vocabularies');

-- Every committed write to a layer, by this program or any other (QGIS
-- editing the file), bumps its version; tile caches key on it.
CREATE TABLE layer_versions (
    layer   TEXT NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0
);

-- 片区 Patches (patches)
CREATE TABLE patches (
    id           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    geom         MULTIPOLYGON NOT NULL,
    name         TEXT NOT NULL UNIQUE,
    leader       TEXT,
    communities  INTEGER
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('patches', 'features', '片区 Patches', 'Patches of 丰台街道 (Fengtai Subdistrict, Beijing)', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('patches', 'geom', 'MULTIPOLYGON', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES ('patches', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE rtree_patches_geom USING rtree(id, minx, maxx, miny, maxy);
-- +goose StatementBegin
CREATE TRIGGER rtree_patches_geom_insert AFTER INSERT ON patches
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_patches_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_patches_geom_update1 AFTER UPDATE OF geom ON patches
WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_patches_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_patches_geom_update2 AFTER UPDATE OF geom ON patches
WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_patches_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_patches_geom_update3 AFTER UPDATE ON patches
WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_patches_geom WHERE id = OLD.id;
    INSERT OR REPLACE INTO rtree_patches_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_patches_geom_update4 AFTER UPDATE ON patches
WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_patches_geom WHERE id IN (OLD.id, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_patches_geom_delete AFTER DELETE ON patches
WHEN old.geom NOT NULL
BEGIN
    DELETE FROM rtree_patches_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER patches_version_insert AFTER INSERT ON patches
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'patches';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER patches_version_update AFTER UPDATE ON patches
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'patches';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER patches_version_delete AFTER DELETE ON patches
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'patches';
END;
-- +goose StatementEnd
INSERT INTO layer_versions (layer, version) VALUES ('patches', 0);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('patches', 'name', '片区', 'Patch');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('patches', 'name', '片区', 'Patch', 'string', 'public', 1, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('patches', 'leader', '片长', 'Patch leader');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('patches', 'leader', '片长', 'Patch leader', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('patches', 'communities', '社区数', 'Communities');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('patches', 'communities', '社区数', 'Communities', 'int', 'public', 0, NULL);

-- 社区 Communities (communities)
CREATE TABLE communities (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    geom                     MULTIPOLYGON NOT NULL,
    code                     TEXT NOT NULL UNIQUE,
    name                     TEXT NOT NULL,
    patch                    TEXT,
    secretary                TEXT,
    households               INTEGER,
    population               INTEGER,
    built_year               INTEGER,
    has_property_management  BOOLEAN,
    area_m2                  DOUBLE
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('communities', 'features', '社区 Communities', 'Communities of 丰台街道 (Fengtai Subdistrict, Beijing)', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('communities', 'geom', 'MULTIPOLYGON', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES ('communities', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE rtree_communities_geom USING rtree(id, minx, maxx, miny, maxy);
-- +goose StatementBegin
CREATE TRIGGER rtree_communities_geom_insert AFTER INSERT ON communities
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_communities_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_communities_geom_update1 AFTER UPDATE OF geom ON communities
WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_communities_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_communities_geom_update2 AFTER UPDATE OF geom ON communities
WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_communities_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_communities_geom_update3 AFTER UPDATE ON communities
WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_communities_geom WHERE id = OLD.id;
    INSERT OR REPLACE INTO rtree_communities_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_communities_geom_update4 AFTER UPDATE ON communities
WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_communities_geom WHERE id IN (OLD.id, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_communities_geom_delete AFTER DELETE ON communities
WHEN old.geom NOT NULL
BEGIN
    DELETE FROM rtree_communities_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER communities_version_insert AFTER INSERT ON communities
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'communities';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER communities_version_update AFTER UPDATE ON communities
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'communities';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER communities_version_delete AFTER DELETE ON communities
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'communities';
END;
-- +goose StatementEnd
INSERT INTO layer_versions (layer, version) VALUES ('communities', 0);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('communities', 'code', '社区代码', 'Code');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('communities', 'code', '社区代码', 'Code', 'string', 'public', 1, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('communities', 'name', '社区', 'Community');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('communities', 'name', '社区', 'Community', 'string', 'public', 1, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('communities', 'patch', '片区', 'Patch');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('communities', 'patch', '片区', 'Patch', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('communities', 'secretary', '书记', 'Party secretary');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('communities', 'secretary', '书记', 'Party secretary', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('communities', 'households', '户数', 'Households');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('communities', 'households', '户数', 'Households', 'int', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('communities', 'population', '人口', 'Population');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('communities', 'population', '人口', 'Population', 'int', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('communities', 'built_year', '建成年份', 'Built');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('communities', 'built_year', '建成年份', 'Built', 'int', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('communities', 'has_property_management', '有物业', 'Property management');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('communities', 'has_property_management', '有物业', 'Property management', 'bool', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('communities', 'area_m2', '面积(平方米)', 'Area (m²)');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('communities', 'area_m2', '面积(平方米)', 'Area (m²)', 'float', 'public', 0, NULL);

-- 街巷 Streets and lanes (streets)
CREATE TABLE streets (
    id               INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    geom             LINESTRING NOT NULL,
    name             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    community        TEXT,
    street_chief     TEXT,
    lane_chief       TEXT,
    steward          TEXT,
    length_m         DOUBLE,
    patrols          INTEGER,
    problems_found   INTEGER,
    problems_solved  INTEGER,
    upgraded         BOOLEAN,
    shop_pledges     INTEGER
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('streets', 'features', '街巷 Streets and lanes', 'Streets and lanes of 丰台街道 (Fengtai Subdistrict, Beijing)', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('streets', 'geom', 'LINESTRING', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES ('streets', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE rtree_streets_geom USING rtree(id, minx, maxx, miny, maxy);
-- +goose StatementBegin
CREATE TRIGGER rtree_streets_geom_insert AFTER INSERT ON streets
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_streets_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_streets_geom_update1 AFTER UPDATE OF geom ON streets
WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_streets_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_streets_geom_update2 AFTER UPDATE OF geom ON streets
WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_streets_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_streets_geom_update3 AFTER UPDATE ON streets
WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_streets_geom WHERE id = OLD.id;
    INSERT OR REPLACE INTO rtree_streets_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_streets_geom_update4 AFTER UPDATE ON streets
WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_streets_geom WHERE id IN (OLD.id, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_streets_geom_delete AFTER DELETE ON streets
WHEN old.geom NOT NULL
BEGIN
    DELETE FROM rtree_streets_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER streets_version_insert AFTER INSERT ON streets
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'streets';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER streets_version_update AFTER UPDATE ON streets
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'streets';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER streets_version_delete AFTER DELETE ON streets
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'streets';
END;
-- +goose StatementEnd
INSERT INTO layer_versions (layer, version) VALUES ('streets', 0);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'name', '街巷', 'Street');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'name', '街巷', 'Street', 'string', 'public', 1, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'kind', '类型', 'Kind');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'kind', '类型', 'Kind', 'string', 'public', 1, '街|巷');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'community', '社区', 'Community');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'community', '社区', 'Community', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'street_chief', '街长', 'Street chief');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'street_chief', '街长', 'Street chief', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'lane_chief', '巷长', 'Lane chief');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'lane_chief', '巷长', 'Lane chief', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'steward', '小巷管家', 'Lane steward');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'steward', '小巷管家', 'Lane steward', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'length_m', '长度(米)', 'Length (m)');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'length_m', '长度(米)', 'Length (m)', 'float', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'patrols', '巡查次数', 'Patrols');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'patrols', '巡查次数', 'Patrols', 'int', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'problems_found', '发现问题', 'Problems found');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'problems_found', '发现问题', 'Problems found', 'int', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'problems_solved', '解决问题', 'Problems solved');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'problems_solved', '解决问题', 'Problems solved', 'int', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'upgraded', '背街小巷提升', 'Back lane upgraded');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'upgraded', '背街小巷提升', 'Back lane upgraded', 'bool', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('streets', 'shop_pledges', '门前三包', 'Shop pledges');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('streets', 'shop_pledges', '门前三包', 'Shop pledges', 'int', 'public', 0, NULL);

-- 疏整促 Clearance and renovation (demolitions)
CREATE TABLE demolitions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    geom       POINT NOT NULL,
    code       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    area_m2    DOUBLE,
    address    TEXT,
    community  TEXT,
    status     TEXT,
    date       DATE
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('demolitions', 'features', '疏整促 Clearance and renovation', 'Clearance and renovation of 丰台街道 (Fengtai Subdistrict, Beijing)', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('demolitions', 'geom', 'POINT', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES ('demolitions', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE rtree_demolitions_geom USING rtree(id, minx, maxx, miny, maxy);
-- +goose StatementBegin
CREATE TRIGGER rtree_demolitions_geom_insert AFTER INSERT ON demolitions
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_demolitions_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_demolitions_geom_update1 AFTER UPDATE OF geom ON demolitions
WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_demolitions_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_demolitions_geom_update2 AFTER UPDATE OF geom ON demolitions
WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_demolitions_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_demolitions_geom_update3 AFTER UPDATE ON demolitions
WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_demolitions_geom WHERE id = OLD.id;
    INSERT OR REPLACE INTO rtree_demolitions_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_demolitions_geom_update4 AFTER UPDATE ON demolitions
WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_demolitions_geom WHERE id IN (OLD.id, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_demolitions_geom_delete AFTER DELETE ON demolitions
WHEN old.geom NOT NULL
BEGIN
    DELETE FROM rtree_demolitions_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demolitions_version_insert AFTER INSERT ON demolitions
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'demolitions';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demolitions_version_update AFTER UPDATE ON demolitions
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'demolitions';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demolitions_version_delete AFTER DELETE ON demolitions
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'demolitions';
END;
-- +goose StatementEnd
INSERT INTO layer_versions (layer, version) VALUES ('demolitions', 0);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('demolitions', 'code', '编号', 'Code');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('demolitions', 'code', '编号', 'Code', 'string', 'public', 1, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('demolitions', 'kind', '类型', 'Kind');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('demolitions', 'kind', '类型', 'Kind', 'string', 'public', 1, '违法建设|开墙打洞|占道经营|群租房|普通地下室|人防工程|无证无照校外培训机构');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('demolitions', 'area_m2', '面积(平方米)', 'Area (m²)');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('demolitions', 'area_m2', '面积(平方米)', 'Area (m²)', 'float', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('demolitions', 'address', '地址', 'Address');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('demolitions', 'address', '地址', 'Address', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('demolitions', 'community', '社区', 'Community');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('demolitions', 'community', '社区', 'Community', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('demolitions', 'status', '状态', 'Status');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('demolitions', 'status', '状态', 'Status', 'string', 'public', 0, '完成|整治中');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('demolitions', 'date', '日期', 'Date');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('demolitions', 'date', '日期', 'Date', 'date', 'public', 0, NULL);

-- 绿化 Greening (greening)
CREATE TABLE greening (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    geom       MULTIPOLYGON NOT NULL,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT,
    area_m2    DOUBLE,
    community  TEXT,
    completed  DATE
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('greening', 'features', '绿化 Greening', 'Greening of 丰台街道 (Fengtai Subdistrict, Beijing)', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('greening', 'geom', 'MULTIPOLYGON', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES ('greening', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE rtree_greening_geom USING rtree(id, minx, maxx, miny, maxy);
-- +goose StatementBegin
CREATE TRIGGER rtree_greening_geom_insert AFTER INSERT ON greening
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_greening_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_greening_geom_update1 AFTER UPDATE OF geom ON greening
WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_greening_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_greening_geom_update2 AFTER UPDATE OF geom ON greening
WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_greening_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_greening_geom_update3 AFTER UPDATE ON greening
WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_greening_geom WHERE id = OLD.id;
    INSERT OR REPLACE INTO rtree_greening_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_greening_geom_update4 AFTER UPDATE ON greening
WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_greening_geom WHERE id IN (OLD.id, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_greening_geom_delete AFTER DELETE ON greening
WHEN old.geom NOT NULL
BEGIN
    DELETE FROM rtree_greening_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER greening_version_insert AFTER INSERT ON greening
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'greening';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER greening_version_update AFTER UPDATE ON greening
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'greening';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER greening_version_delete AFTER DELETE ON greening
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'greening';
END;
-- +goose StatementEnd
INSERT INTO layer_versions (layer, version) VALUES ('greening', 0);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('greening', 'name', '名称', 'Name');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('greening', 'name', '名称', 'Name', 'string', 'public', 1, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('greening', 'kind', '类型', 'Kind');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('greening', 'kind', '类型', 'Kind', 'string', 'public', 0, '街心花园|口袋公园|绿地');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('greening', 'area_m2', '面积(平方米)', 'Area (m²)');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('greening', 'area_m2', '面积(平方米)', 'Area (m²)', 'float', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('greening', 'community', '社区', 'Community');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('greening', 'community', '社区', 'Community', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('greening', 'completed', '完成日期', 'Completed');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('greening', 'completed', '完成日期', 'Completed', 'date', 'public', 0, NULL);

-- 便民服务 Service points (service_points)
CREATE TABLE service_points (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    geom       POINT NOT NULL,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT,
    address    TEXT,
    community  TEXT,
    hours      TEXT
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('service_points', 'features', '便民服务 Service points', 'Service points of 丰台街道 (Fengtai Subdistrict, Beijing)', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('service_points', 'geom', 'POINT', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES ('service_points', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE rtree_service_points_geom USING rtree(id, minx, maxx, miny, maxy);
-- +goose StatementBegin
CREATE TRIGGER rtree_service_points_geom_insert AFTER INSERT ON service_points
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_service_points_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_service_points_geom_update1 AFTER UPDATE OF geom ON service_points
WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_service_points_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_service_points_geom_update2 AFTER UPDATE OF geom ON service_points
WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_service_points_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_service_points_geom_update3 AFTER UPDATE ON service_points
WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_service_points_geom WHERE id = OLD.id;
    INSERT OR REPLACE INTO rtree_service_points_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_service_points_geom_update4 AFTER UPDATE ON service_points
WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_service_points_geom WHERE id IN (OLD.id, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_service_points_geom_delete AFTER DELETE ON service_points
WHEN old.geom NOT NULL
BEGIN
    DELETE FROM rtree_service_points_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER service_points_version_insert AFTER INSERT ON service_points
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'service_points';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER service_points_version_update AFTER UPDATE ON service_points
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'service_points';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER service_points_version_delete AFTER DELETE ON service_points
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'service_points';
END;
-- +goose StatementEnd
INSERT INTO layer_versions (layer, version) VALUES ('service_points', 0);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('service_points', 'name', '名称', 'Name');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('service_points', 'name', '名称', 'Name', 'string', 'public', 1, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('service_points', 'kind', '类型', 'Kind');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('service_points', 'kind', '类型', 'Kind', 'string', 'public', 0, '便民服务中心|菜市场|社区服务站|养老驿站');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('service_points', 'address', '地址', 'Address');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('service_points', 'address', '地址', 'Address', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('service_points', 'community', '社区', 'Community');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('service_points', 'community', '社区', 'Community', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('service_points', 'hours', '开放时间', 'Opening hours');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('service_points', 'hours', '开放时间', 'Opening hours', 'string', 'public', 0, NULL);

-- 诉求 Incidents (incidents)
CREATE TABLE incidents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    geom           POINT NOT NULL,
    external_id    TEXT UNIQUE,
    source         TEXT NOT NULL,
    category       TEXT NOT NULL,
    subcategory    TEXT,
    description    TEXT,
    address        TEXT,
    community      TEXT,
    patch          TEXT,
    status         TEXT NOT NULL,
    received_at    DATETIME NOT NULL,
    dispatched_at  DATETIME,
    responded_at   DATETIME,
    resolved_at    DATETIME,
    closed_at      DATETIME,
    satisfied      BOOLEAN,
    unit           TEXT,
    level          TEXT,
    h3             INTEGER NOT NULL
);
CREATE INDEX incidents_received_at_idx ON incidents (received_at);
CREATE INDEX incidents_category_idx ON incidents (category);
-- H3 cell at resolution 15, computed on write; any coarser cell is a
-- bit-mask parent of it.
CREATE INDEX incidents_h3_idx ON incidents (h3);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('incidents', 'features', '诉求 Incidents', 'Incidents of 丰台街道 (Fengtai Subdistrict, Beijing)', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('incidents', 'geom', 'POINT', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES ('incidents', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE rtree_incidents_geom USING rtree(id, minx, maxx, miny, maxy);
-- +goose StatementBegin
CREATE TRIGGER rtree_incidents_geom_insert AFTER INSERT ON incidents
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_incidents_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_incidents_geom_update1 AFTER UPDATE OF geom ON incidents
WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_incidents_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_incidents_geom_update2 AFTER UPDATE OF geom ON incidents
WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_incidents_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_incidents_geom_update3 AFTER UPDATE ON incidents
WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_incidents_geom WHERE id = OLD.id;
    INSERT OR REPLACE INTO rtree_incidents_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_incidents_geom_update4 AFTER UPDATE ON incidents
WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_incidents_geom WHERE id IN (OLD.id, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_incidents_geom_delete AFTER DELETE ON incidents
WHEN old.geom NOT NULL
BEGIN
    DELETE FROM rtree_incidents_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incidents_version_insert AFTER INSERT ON incidents
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'incidents';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incidents_version_update AFTER UPDATE ON incidents
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'incidents';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incidents_version_delete AFTER DELETE ON incidents
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'incidents';
END;
-- +goose StatementEnd
INSERT INTO layer_versions (layer, version) VALUES ('incidents', 0);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'external_id', '工单编号', 'Work order');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'external_id', '工单编号', 'Work order', 'string', 'staff', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'source', '来源', 'Source');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'source', '来源', 'Source', 'string', 'public', 1, '12345|街道热线|网格|微信|走访');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'category', '问题分类', 'Category');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'category', '问题分类', 'Category', 'string', 'public', 1, '水管爆裂|漏水|停电|雨箅子破损|地面塌陷|污水井冒污水|疑似煤气异味|施工扰民|邻里装修扰民|违法建设|老旧小区环境治理|水电气暖|上门医疗|供暖|停车管理|垃圾清运|占道经营');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'subcategory', '子类', 'Subcategory');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'subcategory', '子类', 'Subcategory', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'description', '诉求内容', 'Description');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'description', '诉求内容', 'Description', 'string', 'staff', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'address', '地址', 'Address');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'address', '地址', 'Address', 'string', 'staff', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'community', '社区', 'Community');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'community', '社区', 'Community', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'patch', '片区', 'Patch');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'patch', '片区', 'Patch', 'string', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'status', '状态', 'Status');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'status', '状态', 'Status', 'string', 'public', 1, 'received|dispatched|in_progress|resolved|closed');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'received_at', '受理时间', 'Received');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'received_at', '受理时间', 'Received', 'time', 'public', 1, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'dispatched_at', '派单时间', 'Dispatched');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'dispatched_at', '派单时间', 'Dispatched', 'time', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'responded_at', '响应时间', 'Responded');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'responded_at', '响应时间', 'Responded', 'time', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'resolved_at', '办结时间', 'Resolved');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'resolved_at', '办结时间', 'Resolved', 'time', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'closed_at', '关闭时间', 'Closed');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'closed_at', '关闭时间', 'Closed', 'time', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'satisfied', '是否满意', 'Satisfied');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'satisfied', '是否满意', 'Satisfied', 'bool', 'public', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'unit', '承办单位', 'Responsible unit');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'unit', '承办单位', 'Responsible unit', 'string', 'staff', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'level', '响应层级', 'Level');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'level', '响应层级', 'Level', 'string', 'public', 0, '街道|片区|科室|社区');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'h3', 'H3单元', 'H3 cell (res 15)');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'h3', 'H3单元', 'H3 cell (res 15)', 'int', 'staff', 0, NULL);

-- 精准帮扶 Targeted care (care_targets)
CREATE TABLE care_targets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    geom        POINT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    community   TEXT,
    visits      INTEGER,
    last_visit  DATE,
    alarm       BOOLEAN
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('care_targets', 'features', '精准帮扶 Targeted care', 'Targeted care of 丰台街道 (Fengtai Subdistrict, Beijing)', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('care_targets', 'geom', 'POINT', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES ('care_targets', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE rtree_care_targets_geom USING rtree(id, minx, maxx, miny, maxy);
-- +goose StatementBegin
CREATE TRIGGER rtree_care_targets_geom_insert AFTER INSERT ON care_targets
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_care_targets_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_care_targets_geom_update1 AFTER UPDATE OF geom ON care_targets
WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_care_targets_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_care_targets_geom_update2 AFTER UPDATE OF geom ON care_targets
WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_care_targets_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_care_targets_geom_update3 AFTER UPDATE ON care_targets
WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_care_targets_geom WHERE id = OLD.id;
    INSERT OR REPLACE INTO rtree_care_targets_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_care_targets_geom_update4 AFTER UPDATE ON care_targets
WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_care_targets_geom WHERE id IN (OLD.id, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_care_targets_geom_delete AFTER DELETE ON care_targets
WHEN old.geom NOT NULL
BEGIN
    DELETE FROM rtree_care_targets_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER care_targets_version_insert AFTER INSERT ON care_targets
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'care_targets';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER care_targets_version_update AFTER UPDATE ON care_targets
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'care_targets';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER care_targets_version_delete AFTER DELETE ON care_targets
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'care_targets';
END;
-- +goose StatementEnd
INSERT INTO layer_versions (layer, version) VALUES ('care_targets', 0);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('care_targets', 'code', '台账编号', 'Ledger code');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('care_targets', 'code', '台账编号', 'Ledger code', 'string', 'staff', 1, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('care_targets', 'kind', '帮扶类型', 'Kind');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('care_targets', 'kind', '帮扶类型', 'Kind', 'string', 'staff', 1, '独居老人|困难居民|特困党员|残疾人|上门医疗');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('care_targets', 'community', '社区', 'Community');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('care_targets', 'community', '社区', 'Community', 'string', 'staff', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('care_targets', 'visits', '走访次数', 'Visits');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('care_targets', 'visits', '走访次数', 'Visits', 'int', 'staff', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('care_targets', 'last_visit', '最近走访', 'Last visit');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('care_targets', 'last_visit', '最近走访', 'Last visit', 'date', 'staff', 0, NULL);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('care_targets', 'alarm', '进出异常提示', 'Movement alarm');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('care_targets', 'alarm', '进出异常提示', 'Movement alarm', 'bool', 'staff', 0, NULL);

-- Callers' personal data. No layer, tile, export or aggregate reads it; it
-- is not registered in gpkg_contents.
CREATE TABLE incident_contacts (
    incident_id INTEGER NOT NULL PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    name        TEXT,
    phone       TEXT
);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('public', 'staff', 'admin')),
    hash       TEXT NOT NULL UNIQUE,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- +goose Down
DROP TABLE tokens;
DROP TABLE incident_contacts;
DROP TABLE rtree_care_targets_geom;
DROP TABLE care_targets;
DELETE FROM gpkg_data_columns WHERE table_name = 'care_targets';
DELETE FROM gpkg_extensions WHERE table_name = 'care_targets';
DELETE FROM gpkg_geometry_columns WHERE table_name = 'care_targets';
DELETE FROM gpkg_contents WHERE table_name = 'care_targets';
DROP TABLE rtree_incidents_geom;
DROP TABLE incidents;
DELETE FROM gpkg_data_columns WHERE table_name = 'incidents';
DELETE FROM gpkg_extensions WHERE table_name = 'incidents';
DELETE FROM gpkg_geometry_columns WHERE table_name = 'incidents';
DELETE FROM gpkg_contents WHERE table_name = 'incidents';
DROP TABLE rtree_service_points_geom;
DROP TABLE service_points;
DELETE FROM gpkg_data_columns WHERE table_name = 'service_points';
DELETE FROM gpkg_extensions WHERE table_name = 'service_points';
DELETE FROM gpkg_geometry_columns WHERE table_name = 'service_points';
DELETE FROM gpkg_contents WHERE table_name = 'service_points';
DROP TABLE rtree_greening_geom;
DROP TABLE greening;
DELETE FROM gpkg_data_columns WHERE table_name = 'greening';
DELETE FROM gpkg_extensions WHERE table_name = 'greening';
DELETE FROM gpkg_geometry_columns WHERE table_name = 'greening';
DELETE FROM gpkg_contents WHERE table_name = 'greening';
DROP TABLE rtree_demolitions_geom;
DROP TABLE demolitions;
DELETE FROM gpkg_data_columns WHERE table_name = 'demolitions';
DELETE FROM gpkg_extensions WHERE table_name = 'demolitions';
DELETE FROM gpkg_geometry_columns WHERE table_name = 'demolitions';
DELETE FROM gpkg_contents WHERE table_name = 'demolitions';
DROP TABLE rtree_streets_geom;
DROP TABLE streets;
DELETE FROM gpkg_data_columns WHERE table_name = 'streets';
DELETE FROM gpkg_extensions WHERE table_name = 'streets';
DELETE FROM gpkg_geometry_columns WHERE table_name = 'streets';
DELETE FROM gpkg_contents WHERE table_name = 'streets';
DROP TABLE rtree_communities_geom;
DROP TABLE communities;
DELETE FROM gpkg_data_columns WHERE table_name = 'communities';
DELETE FROM gpkg_extensions WHERE table_name = 'communities';
DELETE FROM gpkg_geometry_columns WHERE table_name = 'communities';
DELETE FROM gpkg_contents WHERE table_name = 'communities';
DROP TABLE rtree_patches_geom;
DROP TABLE patches;
DELETE FROM gpkg_data_columns WHERE table_name = 'patches';
DELETE FROM gpkg_extensions WHERE table_name = 'patches';
DELETE FROM gpkg_geometry_columns WHERE table_name = 'patches';
DELETE FROM gpkg_contents WHERE table_name = 'patches';
DROP TABLE layer_versions;
DROP TABLE layer_fields;
DELETE FROM gpkg_contents WHERE table_name = 'layer_fields';

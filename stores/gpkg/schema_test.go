package gpkg

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

var update = flag.Bool("update", false, "rewrite migrations/00001_schema.sql from the catalog")

const schemaFile = "migrations/00001_schema.sql"

// TestMigrationMatchesCatalog keeps the embedded migration in step with the
// catalog: the SQL is generated from fengtai.Catalog() (go test -update
// rewrites it) so that the tables, the GeoPackage registrations and the
// R-tree triggers cannot drift from the layers.
func TestMigrationMatchesCatalog(t *testing.T) {
	want := renderSchema(fengtai.Catalog())
	if *update {
		if err := os.WriteFile(schemaFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date with the catalog: run go test ./stores/gpkg -run TestMigrationMatchesCatalog -update", schemaFile)
	}
}

// gpkgType is the GeoPackage column type of a field.
func gpkgType(t layers.FieldType) string {
	switch t {
	case layers.Int, layers.Cell:
		return "INTEGER"
	case layers.Float:
		return "DOUBLE"
	case layers.Bool:
		return "BOOLEAN"
	case layers.Time:
		return "DATETIME"
	case layers.Date:
		return "DATE"
	}
	return "TEXT"
}

// sqlString quotes a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// wgs84 is the definition of EPSG:4326 from GeoPackage 1.3, table 2.1.2.1.
const wgs84 = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]`

// renderSchema writes the first migration: the GeoPackage core tables, one
// feature table per layer with its registrations, R-tree index, triggers and
// version counter, and the internal tables.
func renderSchema(cat *layers.Catalog) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`-- +goose Up
-- The 民情图 schema as an OGC GeoPackage 1.3 file. GENERATED from the catalog
-- (layers.Fengtai) by TestMigrationMatchesCatalog: do not edit by hand; run
--   go test ./stores/gpkg -run TestMigrationMatchesCatalog -update
PRAGMA application_id = %d;
PRAGMA user_version = %d;

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
    ('WGS 84 geodetic', 4326, 'EPSG', 4326, %s, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');

CREATE TABLE IF NOT EXISTS gpkg_contents (
    table_name  TEXT NOT NULL PRIMARY KEY,
    data_type   TEXT NOT NULL,
    identifier  TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now')),
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
`, ApplicationID, UserVersion, sqlString(wgs84))

	for _, l := range cat.All() {
		t := l.Name
		geomType := strings.ToUpper(l.Geometry)
		p("\n-- %s %s (%s)\n", l.TitleZH, l.TitleEN, t)
		p("CREATE TABLE %s (\n", t)
		p("    id %s INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n", pad("id", l))
		p("    geom %s %s NOT NULL", pad("geom", l), geomType)
		for _, f := range l.Fields {
			if addedLater(t, f.Name) {
				continue
			}
			p(",\n    %s %s %s", f.Name, pad(f.Name, l), gpkgType(f.Type))
			if f.Required || f.Name == "h3" {
				p(" NOT NULL")
			}
			if f.Name == l.Key {
				p(" UNIQUE")
			}
		}
		p("\n);\n")
		if t == "incidents" {
			p("CREATE INDEX incidents_received_at_idx ON incidents (received_at);\n")
			p("CREATE INDEX incidents_category_idx ON incidents (category);\n")
			p("-- H3 cell at resolution 15, computed on write; any coarser cell is a\n-- bit-mask parent of it.\n")
			p("CREATE INDEX incidents_h3_idx ON incidents (h3);\n")
		}
		p("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (%s, 'features', %s, %s, %d);\n",
			sqlString(t), sqlString(l.TitleZH+" "+l.TitleEN), sqlString(l.TitleEN+" of 丰台街道 (Fengtai Subdistrict, Beijing)"), SRSID)
		p("INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (%s, 'geom', %s, %d, 0, 0);\n",
			sqlString(t), sqlString(geomType), SRSID)
		p("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (%s, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');\n",
			sqlString(t))
		p("CREATE VIRTUAL TABLE rtree_%s_geom USING rtree(id, minx, maxx, miny, maxy);\n", t)
		b.WriteString(strings.ReplaceAll(rtreeTriggers, "<t>", t))
		b.WriteString(strings.ReplaceAll(versionTriggers, "<t>", t))
		p("INSERT INTO layer_versions (layer, version) VALUES (%s, 0);\n", sqlString(t))
		for _, f := range l.Fields {
			if addedLater(t, f.Name) {
				continue
			}
			p("INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES (%s, %s, %s, %s);\n",
				sqlString(t), sqlString(f.Name), sqlString(f.TitleZH), sqlString(f.TitleEN))
			vocab := "NULL"
			if len(f.Enum) > 0 {
				vocab = sqlString(strings.Join(f.Enum, "|"))
			}
			req := 0
			if f.Required {
				req = 1
			}
			p("INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES (%s, %s, %s, %s, %s, %s, %d, %s);\n",
				sqlString(t), sqlString(f.Name), sqlString(f.TitleZH), sqlString(f.TitleEN), sqlString(string(f.Type)), sqlString(f.Access.String()), req, vocab)
		}
	}

	p(`
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
    created_at DATETIME NOT NULL DEFAULT (strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now'))
);

-- +goose Down
DROP TABLE tokens;
DROP TABLE incident_contacts;
`)
	all := cat.All()
	for i := len(all) - 1; i >= 0; i-- {
		t := all[i].Name
		p("DROP TABLE rtree_%s_geom;\nDROP TABLE %s;\n", t, t)
		p("DELETE FROM gpkg_data_columns WHERE table_name = %s;\n", sqlString(t))
		p("DELETE FROM gpkg_extensions WHERE table_name = %s;\n", sqlString(t))
		p("DELETE FROM gpkg_geometry_columns WHERE table_name = %s;\n", sqlString(t))
		p("DELETE FROM gpkg_contents WHERE table_name = %s;\n", sqlString(t))
	}
	p("DROP TABLE layer_versions;\nDROP TABLE layer_fields;\nDELETE FROM gpkg_contents WHERE table_name = 'layer_fields';\n")
	return b.String()
}

// addedLater reports whether a later migration adds the column (ALTER
// TABLE), so that files made before it upgrade: the first migration leaves
// it out. 00003_incident_events.sql adds the incidents' 回访 answer and due
// times.
func addedLater(table, column string) bool {
	return table == "incidents" && (column == "visit_resolved" || column == "response_due" || column == "resolution_due")
}

// pad aligns column types.
func pad(name string, l *layers.Layer) string {
	w := len("geom")
	for _, f := range l.Fields {
		if !addedLater(l.Name, f.Name) {
			w = max(w, len(f.Name))
		}
	}
	return strings.Repeat(" ", w-len(name))
}

// rtreeTriggers are the R-tree triggers of GeoPackage 1.3, annex F.3, with
// <t> the table, geom the geometry column and id the primary key.
const rtreeTriggers = `-- +goose StatementBegin
CREATE TRIGGER rtree_<t>_geom_insert AFTER INSERT ON <t>
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_<t>_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_<t>_geom_update1 AFTER UPDATE OF geom ON <t>
WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    INSERT OR REPLACE INTO rtree_<t>_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_<t>_geom_update2 AFTER UPDATE OF geom ON <t>
WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_<t>_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_<t>_geom_update3 AFTER UPDATE ON <t>
WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_<t>_geom WHERE id = OLD.id;
    INSERT OR REPLACE INTO rtree_<t>_geom VALUES (
        NEW.id,
        ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
        ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
    );
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_<t>_geom_update4 AFTER UPDATE ON <t>
WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
    DELETE FROM rtree_<t>_geom WHERE id IN (OLD.id, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_<t>_geom_delete AFTER DELETE ON <t>
WHEN old.geom NOT NULL
BEGIN
    DELETE FROM rtree_<t>_geom WHERE id = OLD.id;
END;
-- +goose StatementEnd
`

// versionTriggers bump the layer's version on every row written.
const versionTriggers = `-- +goose StatementBegin
CREATE TRIGGER <t>_version_insert AFTER INSERT ON <t>
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = '<t>';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER <t>_version_update AFTER UPDATE ON <t>
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = '<t>';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER <t>_version_delete AFTER DELETE ON <t>
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = '<t>';
END;
-- +goose StatementEnd
`

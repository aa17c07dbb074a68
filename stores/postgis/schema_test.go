package postgis_test

import (
	"context"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/postgis"
)

// pgType is the PostgreSQL column type (information_schema.columns
// data_type) a field of type t is stored in.
func pgType(t layers.FieldType) string {
	switch t {
	case layers.Int, layers.Cell:
		return "bigint"
	case layers.Float:
		return "double precision"
	case layers.Bool:
		return "boolean"
	case layers.Time:
		return "timestamp with time zone"
	case layers.Date:
		return "date"
	}
	return "text"
}

// TestMigrationMatchesCatalog: the PostGIS migrations are written by hand, so
// this reads the schema a fresh database gets from them and compares it with
// fengtai.Catalog(), as the GeoPackage store's test of the same name does for
// its generated migration. Every field of every layer must be a column of
// the field's type (NOT NULL when the field is required), and every layer has its geometry column in WGS 84 and the
// generated Web Mercator copy, of the layer's geometry type. A field added to
// the catalog but not to a migration fails here.
func TestMigrationMatchesCatalog(t *testing.T) {
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	for _, l := range fengtai.Catalog().All() {
		cols := map[string][2]string{} // name → data_type, is_nullable
		rows, err := st.Pool().Query(ctx, `SELECT column_name, data_type, is_nullable FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1`, l.Name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name, typ, null string
			if err := rows.Scan(&name, &typ, &null); err != nil {
				t.Fatal(err)
			}
			cols[name] = [2]string{typ, null}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(cols) == 0 {
			t.Errorf("layer %s has no table", l.Name)
			continue
		}
		for _, f := range l.Fields {
			c, ok := cols[f.Name]
			if !ok {
				t.Errorf("%s.%s is in the catalog but no migration adds the column", l.Name, f.Name)
				continue
			}
			if want := pgType(f.Type); c[0] != want {
				t.Errorf("%s.%s is %s in PostGIS, want %s for a %s field", l.Name, f.Name, c[0], want, f.Type)
			}
			if f.Required && c[1] != "NO" {
				t.Errorf("%s.%s is required in the catalog but nullable in PostGIS", l.Name, f.Name)
			}
		}
		if c, ok := cols["id"]; !ok || c[0] != "bigint" {
			t.Errorf("%s.id is %v, want a bigint", l.Name, c)
		}
		for _, g := range []struct {
			column string
			srid   int
		}{{"geom", 4326}, {"geom_3857", 3857}} {
			var typ string
			var srid int
			err := st.Pool().QueryRow(ctx, `SELECT type, srid FROM geometry_columns
				WHERE f_table_schema = current_schema() AND f_table_name = $1 AND f_geometry_column = $2`, l.Name, g.column).Scan(&typ, &srid)
			if err != nil {
				t.Errorf("%s.%s is not a registered geometry column: %v", l.Name, g.column, err)
				continue
			}
			if !strings.EqualFold(typ, l.Geometry) || srid != g.srid {
				t.Errorf("%s.%s is %s in SRID %d, want %s in SRID %d", l.Name, g.column, typ, srid, l.Geometry, g.srid)
			}
		}
	}
}

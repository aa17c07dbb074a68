package importers

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the GeoPackage is an SQLite file

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"minqing/stores/gpkg"
)

// gpkgReader streams the rows of one feature table of a GeoPackage.
type gpkgReader struct {
	rows    *sql.Rows
	cols    []string
	geomCol int
	srs     *srs
	n       int64
	vals    []any
}

// openGeoPackage opens the GeoPackage at path read-only and picks its feature
// table (Options.Table, else the only one), honouring the table's SRS.
func openGeoPackage(in *binaryInput, path string, opts *Options) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("the GeoPackage cannot be opened: %w", err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "mode=ro&immutable=1"} // escaped: SQLite decodes %XX
	db, err := sql.Open("sqlite3", u.String())
	if err != nil {
		return fmt.Errorf("the GeoPackage cannot be opened: %w", err)
	}
	in.closers = append(in.closers, func() { db.Close() })
	db.SetMaxOpenConns(1)
	tables, err := gpkgFeatureTables(db)
	if err != nil {
		return err
	}
	var t gpkgTable
	switch {
	case opts.Table != "":
		found := false
		for _, x := range tables {
			if strings.EqualFold(x.name, opts.Table) {
				t, found = x, true
			}
		}
		if !found {
			return fmt.Errorf("the GeoPackage has no feature table %q (it has %s)", opts.Table, tableNames(tables))
		}
	case len(tables) == 1:
		t = tables[0]
	case len(tables) == 0:
		return errors.New("the GeoPackage has no feature table (gpkg_contents lists none with data_type 'features')")
	default:
		return fmt.Errorf("the GeoPackage has %d feature tables (%s): choose one with --table (or the table parameter)", len(tables), tableNames(tables))
	}
	r := &gpkgReader{geomCol: -1}
	if r.srs, err = gpkgSRS(db, t.srsID, opts); err != nil {
		return fmt.Errorf("table %s: %w", t.name, err)
	}
	if r.srs != nil {
		in.crs = r.srs.geog
	}
	list, err := gpkgSelectList(db, t.name)
	if err != nil {
		return err
	}
	rows, err := db.Query(`SELECT ` + list + ` FROM ` + quoteIdent(t.name))
	if err != nil {
		return fmt.Errorf("table %s cannot be read: %w", t.name, err)
	}
	in.closers = append(in.closers, func() { rows.Close() })
	r.rows = rows
	if r.cols, err = rows.Columns(); err != nil {
		return fmt.Errorf("table %s: %w", t.name, err)
	}
	for i, c := range r.cols {
		if strings.EqualFold(c, t.geomColumn) {
			r.geomCol = i
		}
	}
	if r.geomCol < 0 {
		return fmt.Errorf("table %s has no column %q, which gpkg_geometry_columns names as its geometry", t.name, t.geomColumn)
	}
	r.vals = make([]any, len(r.cols))
	for _, c := range r.cols {
		if !strings.EqualFold(c, t.geomColumn) {
			in.header = append(in.header, c)
		}
	}
	in.header = append(in.header, "wkt")
	in.rr, in.table, in.encoding = r, t.name, "utf-8"
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// gpkgSelectList names the table's columns, reading DATE and DATETIME ones as
// the text stored (the driver would turn it into a time in UTC, losing
// whether the file gave an offset).
func gpkgSelectList(db *sql.DB, table string) (string, error) {
	rows, err := db.Query(`SELECT name, type FROM pragma_table_info(?)`, table)
	if err != nil {
		return "", fmt.Errorf("table %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return "", fmt.Errorf("table %s: %w", table, err)
		}
		switch t := strings.ToUpper(typ); {
		case strings.HasPrefix(t, "DATE"), strings.HasPrefix(t, "TIME"):
			cols = append(cols, "CAST("+quoteIdent(name)+" AS TEXT) AS "+quoteIdent(name))
		default:
			cols = append(cols, quoteIdent(name))
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("table %s: %w", table, err)
	}
	if len(cols) == 0 {
		return "", fmt.Errorf("table %s has no columns", table)
	}
	return strings.Join(cols, ", "), nil
}

type gpkgTable struct {
	name, geomColumn string
	srsID            int64
}

func tableNames(ts []gpkgTable) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.name
	}
	return strings.Join(names, ", ")
}

func gpkgFeatureTables(db *sql.DB) ([]gpkgTable, error) {
	rows, err := db.Query(`SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c
		JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
		WHERE c.data_type = 'features' ORDER BY c.table_name`)
	if err != nil {
		return nil, fmt.Errorf("the file is not a GeoPackage (no gpkg_contents or gpkg_geometry_columns): %w", err)
	}
	defer rows.Close()
	var out []gpkgTable
	for rows.Next() {
		var t gpkgTable
		if err := rows.Scan(&t.name, &t.geomColumn, &t.srsID); err != nil {
			return nil, fmt.Errorf("gpkg_geometry_columns: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// gpkgSRS reads a table's spatial reference system: by its EPSG code when the
// organization is EPSG and the code known, else from its WKT definition.
// srs_id 0 ("undefined geographic") keeps Options.CRS; nil is returned then.
func gpkgSRS(db *sql.DB, id int64, opts *Options) (*srs, error) {
	if id == 0 {
		return nil, nil
	}
	var org string
	var code int64
	var def string
	err := db.QueryRow(`SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, id).Scan(&org, &code, &def)
	if err != nil {
		return nil, fmt.Errorf("its srs_id %d is not in gpkg_spatial_ref_sys: %w", id, err)
	}
	if id == -1 {
		return nil, errors.New("its coordinate system is \"undefined Cartesian\" (srs_id -1): set the layer's CRS in QGIS and save again")
	}
	if strings.EqualFold(org, "EPSG") {
		if s, err := srsFromEPSG(int(code)); err == nil {
			return s, nil
		}
	}
	s, err := parsePRJ(def)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %w", org, code, err)
	}
	return s, nil
}

func (g *gpkgReader) next() (*record, error) {
	if !g.rows.Next() {
		if err := g.rows.Err(); err != nil {
			return nil, fmt.Errorf("the GeoPackage cannot be read after feature %d: %w", g.n, err)
		}
		return nil, io.EOF
	}
	ptrs := make([]any, len(g.vals))
	for i := range g.vals {
		ptrs[i] = &g.vals[i]
	}
	if err := g.rows.Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("feature %d cannot be read: %w", g.n+1, err)
	}
	g.n++
	rec := &record{n: g.n, hasGeom: true, vals: make([]keyVal, 0, len(g.cols))}
	raw := make([]string, 0, len(g.cols))
	for i, c := range g.cols {
		if i == g.geomCol {
			blob, _ := g.vals[i].([]byte)
			if blob == nil {
				continue
			}
			geom, err := gpkg.Decode(blob)
			if err != nil {
				rec.errs = append(rec.errs, Problem{Row: g.n, Field: "geometry", Reason: strings.TrimPrefix(err.Error(), "gpkg: ")})
				continue
			}
			if geom != nil && g.srs != nil {
				geom = g.srs.toGeographic(geom)
			}
			rec.geom = stripEmpty(geom)
			continue
		}
		var v any
		switch x := g.vals[i].(type) {
		case nil:
		case int64:
			v = json.Number(strconv.FormatInt(x, 10))
		case float64:
			v = json.Number(strconv.FormatFloat(x, 'f', -1, 64))
		case bool:
			v = x
		case []byte:
			v = string(x)
		case string:
			v = x
		default:
			v = fmt.Sprint(x)
		}
		rec.vals = append(rec.vals, keyVal{key: c, val: v})
		raw = append(raw, textOf(v))
	}
	w := ""
	if rec.geom != nil {
		w = wkt.MarshalString(rec.geom)
	}
	rec.raw = append(raw, w)
	return rec, nil
}

// stripEmpty turns an empty collection into no geometry.
func stripEmpty(g orb.Geometry) orb.Geometry {
	if c, ok := g.(orb.Collection); ok && len(c) == 0 {
		return nil
	}
	return g
}

// Package gpkg is the embedded store: a layers.Source backed by one OGC
// GeoPackage 1.3 file (SQLite, through github.com/mattn/go-sqlite3).
//
// The file is a real GeoPackage that GDAL and QGIS open: every layer of the
// catalog is a feature table registered in gpkg_contents and
// gpkg_geometry_columns, its geometries are GeoPackage binary geometries
// (a "GP" header with the envelope, then little-endian WKB) in EPSG:4326, and
// each has the gpkg_rtree_index extension: an R-tree virtual table
// rtree_<table>_geom kept up to date by the standard triggers. The SQL
// functions those triggers call (ST_MinX, ST_MaxX, ST_MinY, ST_MaxY,
// ST_IsEmpty) are registered on every connection the store opens. Internal
// tables (tokens, incident_contacts, layer_versions and goose's version
// table) are not registered as contents.
//
// The schema comes from goose migrations embedded in the binary
// (migrations/*.sql). The first is generated from the catalog by the
// package's tests, which fail when the two disagree: before the first
// release, go test ./stores/gpkg -run TestMigrationMatchesCatalog -update
// rewrites it; once files exist in the field, a catalog change needs a new
// migration instead.
//
// What PostGIS computes in SQL this store computes in Go: a bounding-box
// query reads candidates from the R-tree and tests the exact intersection
// with the geometry in Go (planar, like PostGIS geometry), and CQL2 filters
// are evaluated in Go with cql2.Eval. Attribute, time and keyset conditions
// stay in SQL.
//
// Values are stored as GeoPackage defines them: DATETIME as UTC text with
// milliseconds (2026-03-05T06:03:00.000Z, finer digits are dropped, as GDAL
// does; PostGIS keeps microseconds), DATE as YYYY-MM-DD, BOOLEAN as 0 or 1.
//
// Durability: the file is in WAL mode; every Write is one transaction on the
// store's single write connection (BEGIN IMMEDIATE, so one writer at a time,
// also across processes, waiting up to the busy timeout), acknowledged only
// after it commits. Readers use their own connections and read the last
// committed state while a write is in progress. A process killed mid-write
// leaves the file as it was before that write.
package gpkg

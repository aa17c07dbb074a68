// Package postgis is the production store: a layers.Source over PostgreSQL
// with PostGIS, through a pgx connection pool.
//
// The schema comes from goose migrations embedded in the binary
// (migrations/*.sql). Every value from a request is a bound parameter and every
// identifier is quoted with pgx.Identifier; nothing is formatted into SQL.
package postgis

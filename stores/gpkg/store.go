package gpkg

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"

	"minqing/layers"
)

// ApplicationID is the SQLite application_id of a GeoPackage: "GPKG".
const ApplicationID = 0x47504B47

// UserVersion is the SQLite user_version of a GeoPackage 1.3 file.
const UserVersion = 10300

// BusyTimeoutMS is how long a connection waits for another writer (another
// process, such as "minqing import" while "minqing serve" runs) before it
// gives up, in milliseconds.
const BusyTimeoutMS = 30000

// writeCacheKiB is the page cache of the write connection.
const writeCacheKiB = 64 << 10

// Store is a layers.Source backed by one GeoPackage file.
type Store struct {
	path    string
	catalog *layers.Catalog
	created bool
	// wdb is the single write connection: every Write and Delete runs on it,
	// one at a time, in a BEGIN IMMEDIATE transaction.
	wdb *sql.DB
	// rdb holds the read connections; in WAL mode they read the last
	// committed state while a write is in progress.
	rdb *sql.DB
	// noRollups: counts scan the raw rows (see SetRollups).
	noRollups atomic.Bool

	// probe is the read connection that asks PRAGMA data_version.
	probeMu     sync.Mutex
	probe       *sql.Conn
	probed      bool
	dataVersion int64
}

// Open opens the GeoPackage at path, creating the file if it does not exist,
// and brings its schema up to date with the migrations embedded in the
// binary. An existing file that is not a GeoPackage (nor an empty SQLite
// file) is refused.
func Open(ctx context.Context, path string, catalog *layers.Catalog) (*Store, error) {
	created := false
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		created = true
	} else if err != nil {
		return nil, fmt.Errorf("gpkg: open %s: %w", path, err)
	}
	s := &Store{path: path, catalog: catalog, created: created}
	if err := s.open(ctx); err != nil {
		if created {
			// Leave no half-made file behind to be taken for a store next time.
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		return nil, err
	}
	return s, nil
}

// open opens the write pool, checks and migrates the file, then opens the
// read pool.
func (s *Store) open(ctx context.Context) error {
	var err error
	if s.wdb, err = openDB(s.path, true); err != nil {
		return err
	}
	if err := s.checkApplicationID(ctx); err != nil {
		s.wdb.Close()
		return err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.wdb.Close()
		return err
	}
	if s.rdb, err = openDB(s.path, false); err != nil {
		s.wdb.Close()
		return err
	}
	return nil
}

// openDB returns a pool over the file: the write pool has one connection,
// the read pool several, each query-only.
func openDB(path string, write bool) (*sql.DB, error) {
	params := []string{
		"_busy_timeout=" + fmt.Sprint(BusyTimeoutMS),
		"_foreign_keys=1",
	}
	if write {
		// WAL lets readers read while the writer writes; synchronous=FULL
		// makes a commit durable before Write returns; IMMEDIATE takes the
		// write lock when the transaction begins, so two writers queue
		// instead of failing halfway.
		params = append(params, "_journal_mode=WAL", "_synchronous=FULL", "_txlock=immediate",
			// A large import modifies pages of the table, its indexes and
			// its R-tree all over the file: with SQLite's default 2 MiB
			// cache they spill to the log again and again.
			"_cache_size=-"+fmt.Sprint(writeCacheKiB))
	} else {
		params = append(params, "_query_only=1")
	}
	dsn := "file:" + escapePath(path) + "?" + strings.Join(params, "&")
	db := sql.OpenDB(&connector{dsn: dsn, drv: &sqlite3.SQLiteDriver{ConnectHook: registerFuncs}})
	if write {
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
	} else {
		n := max(4, runtime.NumCPU())
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("gpkg: open %s: %w: %w", path, layers.ErrUnavailable, err)
	}
	return db, nil
}

// escapePath makes a file path safe inside a SQLite URI.
func escapePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// connector opens connections of one DSN with the store's SQL functions, so
// that no driver has to be registered globally.
type connector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

func (c *connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c *connector) Driver() driver.Driver                        { return c.drv }

// checkApplicationID refuses an existing SQLite file that is something other
// than a GeoPackage.
func (s *Store) checkApplicationID(ctx context.Context) error {
	var id int64
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id); err != nil {
		return wrap("open "+s.path, err)
	}
	if id == ApplicationID {
		return nil
	}
	var tables int
	if err := s.wdb.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
		return wrap("open "+s.path, err)
	}
	if id != 0 || tables > 0 {
		return fmt.Errorf("gpkg: %s is a SQLite file but not a GeoPackage (application_id %#x)", s.path, id)
	}
	return nil
}

// Created reports whether Open created the file.
func (s *Store) Created() bool { return s.created }

// Path returns the file's path.
func (s *Store) Path() string { return s.path }

// Kind returns "gpkg".
func (s *Store) Kind() string { return "gpkg" }

// Ping checks that the file can be read.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.PingContext(ctx); err != nil {
		return fmt.Errorf("gpkg: ping: %w: %w", layers.ErrUnavailable, err)
	}
	var n int
	if err := s.rdb.QueryRowContext(ctx, "SELECT count(*) FROM gpkg_contents").Scan(&n); err != nil {
		return fmt.Errorf("gpkg: ping: %w: %w", layers.ErrUnavailable, err)
	}
	return nil
}

// Close closes the read connections, then the write connection, which as
// the last one checkpoints the write-ahead log into the file.
func (s *Store) Close() error {
	s.probeMu.Lock()
	if s.probe != nil {
		s.probe.Close()
		s.probe = nil
	}
	s.probeMu.Unlock()
	return errors.Join(s.rdb.Close(), s.wdb.Close())
}

// wrap adds the operation to an error and marks a file that cannot be
// opened, or stays locked past the busy timeout, as layers.ErrUnavailable.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrCantOpen, sqlite3.ErrIoErr, sqlite3.ErrNotADB:
			return fmt.Errorf("gpkg: %s: %w: %w", op, layers.ErrUnavailable, err)
		}
	}
	return fmt.Errorf("gpkg: %s: %w", op, err)
}

// PoolStats returns the read pool's connections in use and idle (for
// /metrics). database/sql counts waits only cumulatively (DBStats.WaitCount),
// not the callers waiting now, so waiting is always 0 here.
func (s *Store) PoolStats() (inUse, idle, waiting int64) {
	st := s.rdb.Stats()
	return int64(st.InUse), int64(st.Idle), 0
}

var _ layers.Source = (*Store)(nil)

// IntegrityCheck runs SQLite's integrity check and foreign-key check over
// the whole file and returns an error listing what they found, if anything.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.rdb.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return wrap("integrity check", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return wrap("integrity check", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wrap("integrity check", err)
	}
	fk, err := s.rdb.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return wrap("foreign key check", err)
	}
	defer fk.Close()
	for fk.Next() {
		var table, parent string
		var rowid, n any
		if err := fk.Scan(&table, &rowid, &parent, &n); err != nil {
			return wrap("foreign key check", err)
		}
		problems = append(problems, fmt.Sprintf("%s row %v refers to a missing %s", table, rowid, parent))
	}
	if err := fk.Err(); err != nil {
		return wrap("foreign key check", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("gpkg: %s is damaged: %s", s.path, strings.Join(problems, "; "))
	}
	return nil
}

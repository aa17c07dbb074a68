package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"minqing/layers"
)

// Store is a layers.Source backed by PostGIS.
type Store struct {
	pool     *pgxpool.Pool
	catalog  *layers.Catalog
	waits    *acquireCounter
	closed   chan struct{} // closed by Close: the version listener ends
	replicas *replicaSet   // the read replicas (nil: read from the primary)
	// noRollups: counts scan the raw rows, rates are tallied in SQL (see
	// SetRollups).
	noRollups atomic.Bool
	rates     rateFacts // the incidents' rate facts in memory (ratefacts.go)
}

// DefaultMaxConns is the pool size when the URL sets no pool_max_conns:
// max(8, 4 × cores). Streams read in short pages, so a connection is held
// only for the duration of a query, but a server runs many at once.
func DefaultMaxConns() int32 { return int32(max(8, 4*runtime.NumCPU())) }

// defaultConnectTimeout bounds a new connection when the URL sets no
// connect_timeout, so that a dead host is an ErrUnavailable, not a hang.
const defaultConnectTimeout = 5 * time.Second

// Open connects to the database at url (a postgres:// URL or DSN). It does not
// migrate; call Migrate. The URL may set the pool with pgx's parameters
// (pool_max_conns, pool_min_conns, …); without pool_max_conns the pool holds
// DefaultMaxConns connections. Waiting for a pooled connection is bounded
// only by the caller's context (the server's store deadline).
func Open(ctx context.Context, url string, catalog *layers.Catalog) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgis: database url: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns()
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	waits := &acquireCounter{}
	if cfg.ConnConfig.Tracer == nil {
		cfg.ConnConfig.Tracer = waits
	}
	// Dates are Beijing days: comparing a date column with a timestamptz
	// (a datetime filter, a CQL2 DATE) must read the date in Asia/Shanghai,
	// as the GeoPackage store does.
	cfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Shanghai"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgis: connect: %w", err)
	}
	return &Store{pool: pool, catalog: catalog, waits: waits, closed: make(chan struct{})}, nil
}

// Pool exposes the connection pool (for tests and tools).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Kind returns "postgis".
func (s *Store) Kind() string { return "postgis" }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgis: ping: %w: %w", layers.ErrUnavailable, err)
	}
	return nil
}

// Close closes the pools and ends the version listener.
func (s *Store) Close() error {
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.replicas.close()
	s.pool.Close()
	return nil
}

// wrap adds the operation to an error, and marks a failure to reach the
// database, or the loss of it mid-query, as layers.ErrUnavailable.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if unavailable(err) {
		return fmt.Errorf("postgis: %s: %w: %w", op, layers.ErrUnavailable, err)
	}
	return fmt.Errorf("postgis: %s: %w", op, err)
}

// unavailable reports whether err means the database cannot serve now,
// rather than that the query or the data is wrong: it could not be reached,
// the connection was lost or killed, the server is shutting down, read-only
// or out of connections, no pooled connection came in time, or the write
// lost a deadlock or a lock wait to other writes of the moment.
func unavailable(err error) bool {
	if errors.Is(err, layers.ErrUnavailable) {
		return false // already marked
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"): // connection exception
			return true
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin/crash shutdown, cannot connect now
			return true
		case pe.Code == "25006": // read-only transaction: a replica, or a primary being demoted
			return true
		case pe.Code == "53300": // too many connections
			return true
		case pe.Code == "40P01", pe.Code == "40001", pe.Code == "55P03":
			// A deadlock, a serialization failure, a lock not granted in
			// time: a conflict with other writes of the moment, not a bad
			// request; the same request may well succeed if tried again.
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	if pgconn.Timeout(err) && !errors.Is(err, context.Canceled) {
		// A deadline, a pool acquire that timed out: the store did not answer.
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// PoolStats returns the pool's connections in use, idle, and the callers
// waiting for one (for /metrics).
func (s *Store) PoolStats() (inUse, idle, waiting int64) {
	st := s.pool.Stat()
	return int64(st.AcquiredConns()), int64(st.IdleConns()), s.waits.n.Load()
}

// acquireCounter counts the callers inside pgxpool's Acquire: those waiting
// for a connection (pgxpool.Stat has no such gauge).
// It also counts the statements other than SELECT that completed (writes,
// commits), for the read replicas' read-your-writes.
type acquireCounter struct {
	n      atomic.Int64
	writes atomic.Int64
}

func (a *acquireCounter) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	a.n.Add(1)
	return ctx
}

func (a *acquireCounter) TraceAcquireEnd(context.Context, *pgxpool.Pool, pgxpool.TraceAcquireEndData) {
	a.n.Add(-1)
}

func (a *acquireCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (a *acquireCounter) TraceQueryEnd(_ context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	if !d.CommandTag.Select() {
		a.writes.Add(1) // failed ones too: an error may follow a commit
	}
}

var _ layers.Source = (*Store)(nil)

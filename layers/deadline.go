package layers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// WithDeadline returns src with every call bounded by d: each method runs
// under context.WithTimeout(ctx, d). A call that runs out of that time while
// the caller's own context is still alive returns an error wrapping
// ErrUnavailable ("the data store did not answer within 10s"), which the
// server answers with 503. Features is bounded per call, so a stream read
// with Stream gets d per page, not for the whole download.
//
// Write is not bounded: an import's duration depends on its size (already
// capped), and its body is spooled before the write begins, so a slow client
// never holds the write. d <= 0 returns src unchanged. The store under the
// deadline is reachable through Unwrap (for its pool statistics).
func WithDeadline(src Source, d time.Duration) Source {
	if d <= 0 {
		return src
	}
	return &deadlineSource{src: src, d: d}
}

// deadlineSource is the decorator WithDeadline returns.
type deadlineSource struct {
	src Source
	d   time.Duration
}

// Unwrap returns the store under the deadline.
func (s *deadlineSource) Unwrap() Source { return s.src }

// call runs fn under the deadline and turns a deadline of ours into
// ErrUnavailable.
func (s *deadlineSource) call(ctx context.Context, op string, fn func(context.Context) error) error {
	dctx, cancel := context.WithTimeout(ctx, s.d)
	defer cancel()
	err := fn(dctx)
	if err != nil && ctx.Err() == nil && errors.Is(dctx.Err(), context.DeadlineExceeded) {
		return &deadlineError{op: op, d: s.d, err: err}
	}
	return err
}

// deadlineError is a store call stopped by the store deadline.
type deadlineError struct {
	op  string
	d   time.Duration
	err error
}

func (e *deadlineError) Error() string {
	return fmt.Sprintf("the data store did not answer within %s (%s)", e.d, e.op)
}

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *deadlineError) Is(target error) bool { return target == ErrUnavailable }

// Unwrap returns the store's own error.
func (e *deadlineError) Unwrap() error { return e.err }

func (s *deadlineSource) Kind() string { return s.src.Kind() }
func (s *deadlineSource) Close() error { return s.src.Close() }

func (s *deadlineSource) Ping(ctx context.Context) error {
	return s.call(ctx, "ping", s.src.Ping)
}

func (s *deadlineSource) Features(ctx context.Context, l *Layer, q Query, fn func(*Feature) error) error {
	return s.call(ctx, "features "+l.Name, func(ctx context.Context) error { return s.src.Features(ctx, l, q, fn) })
}

func (s *deadlineSource) Count(ctx context.Context, l *Layer, q Query) (n int64, err error) {
	err = s.call(ctx, "count "+l.Name, func(ctx context.Context) (err error) { n, err = s.src.Count(ctx, l, q); return err })
	return n, err
}

func (s *deadlineSource) Feature(ctx context.Context, l *Layer, id int64, role Role) (f *Feature, err error) {
	err = s.call(ctx, "feature "+l.Name, func(ctx context.Context) (err error) { f, err = s.src.Feature(ctx, l, id, role); return err })
	return f, err
}

func (s *deadlineSource) Extent(ctx context.Context, l *Layer) (b orb.Bound, err error) {
	err = s.call(ctx, "extent "+l.Name, func(ctx context.Context) (err error) { b, err = s.src.Extent(ctx, l); return err })
	return b, err
}

func (s *deadlineSource) Write(ctx context.Context, l *Layer, opts WriteOptions, r FeatureReader) (WriteResult, error) {
	return s.src.Write(ctx, l, opts, r)
}

func (s *deadlineSource) Versions(ctx context.Context) (v map[string]int64, err error) {
	err = s.call(ctx, "versions", func(ctx context.Context) (err error) { v, err = s.src.Versions(ctx); return err })
	return v, err
}

func (s *deadlineSource) Tile(ctx context.Context, req TileRequest) (b []byte, err error) {
	err = s.call(ctx, "tile", func(ctx context.Context) (err error) { b, err = s.src.Tile(ctx, req); return err })
	return b, err
}

func (s *deadlineSource) CellCounts(ctx context.Context, l *Layer, res int, q Query, groupBy string) (c []CellCount, err error) {
	err = s.call(ctx, "cell counts "+l.Name, func(ctx context.Context) (err error) {
		c, err = s.src.CellCounts(ctx, l, res, q, groupBy)
		return err
	})
	return c, err
}

func (s *deadlineSource) AddToken(ctx context.Context, t Token) error {
	return s.call(ctx, "add token", func(ctx context.Context) error { return s.src.AddToken(ctx, t) })
}

func (s *deadlineSource) TokenByHash(ctx context.Context, hash string) (t Token, err error) {
	err = s.call(ctx, "token", func(ctx context.Context) (err error) { t, err = s.src.TokenByHash(ctx, hash); return err })
	return t, err
}

func (s *deadlineSource) Tokens(ctx context.Context) (ts []Token, err error) {
	err = s.call(ctx, "tokens", func(ctx context.Context) (err error) { ts, err = s.src.Tokens(ctx); return err })
	return ts, err
}

func (s *deadlineSource) RevokeToken(ctx context.Context, id int64) error {
	return s.call(ctx, "revoke token", func(ctx context.Context) error { return s.src.RevokeToken(ctx, id) })
}

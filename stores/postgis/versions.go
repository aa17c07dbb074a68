package postgis

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"

	"minqing/layers"
)

// versionsChannel is the channel a trigger on layer_versions notifies, with
// the layer's name, at the commit of every write.
const versionsChannel = "minqing_layer_versions"

// listenerHeartbeat is how long the listener waits for a notification
// before it checks that its connection still answers: a connection lost
// without a word (a host gone) is found within this and pingTimeout.
const (
	listenerHeartbeat = 2 * time.Second
	pingTimeout       = 2 * time.Second
)

// Versions returns every layer's write counter, from the primary.
func (s *Store) Versions(ctx context.Context) (map[string]int64, error) {
	rows, err := s.pool.Query(ctx, "SELECT layer, version, pg_current_wal_lsn()::text FROM layer_versions")
	if err != nil {
		return nil, wrap("versions", err)
	}
	out := map[string]int64{}
	var name, lsn string
	var v int64
	_, err = pgx.ForEachRow(rows, []any{&name, &v, &lsn}, func() error { out[name] = v; return nil })
	if err == nil {
		s.replicas.needAtLeast(lsn)
	}
	return out, wrap("versions", err)
}

// Changes returns every layer's version and the changes logged since the
// versions in since, in one round trip.
func (s *Store) Changes(ctx context.Context, since map[string]int64) (map[string]int64, []layers.LayerChange, error) {
	names := make([]string, 0, len(since))
	froms := make([]int64, 0, len(since))
	for n, v := range since {
		names = append(names, n)
		froms = append(froms, v)
	}
	batch := &pgx.Batch{}
	batch.Queue("SELECT layer, version, pg_current_wal_lsn()::text FROM layer_versions")
	batch.Queue(`SELECT c.layer, c.from_version, c.to_version, c.minx, c.miny, c.maxx, c.maxy
		FROM layer_changes c JOIN unnest($1::text[], $2::bigint[]) AS s(layer, since) ON c.layer = s.layer AND c.to_version > s.since
		ORDER BY c.layer, c.to_version`, names, froms)
	br := s.pool.SendBatch(ctx, batch)
	defer br.Close()
	out := map[string]int64{}
	var name, lsn string
	var v int64
	rows, err := br.Query()
	if err != nil {
		return nil, nil, wrap("versions", err)
	}
	if _, err := pgx.ForEachRow(rows, []any{&name, &v, &lsn}, func() error { out[name] = v; return nil }); err != nil {
		return nil, nil, wrap("versions", err)
	}
	var changes []layers.LayerChange
	var c layers.LayerChange
	var minx, miny, maxx, maxy *float64
	rows, err = br.Query()
	if err != nil {
		return nil, nil, wrap("layer changes", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&c.Layer, &c.From, &c.To, &minx, &miny, &maxx, &maxy}, func() error {
		c.Bound = EmptyBound
		if minx != nil && miny != nil && maxx != nil && maxy != nil {
			c.Bound = orb.Bound{Min: orb.Point{*minx, *miny}, Max: orb.Point{*maxx, *maxy}}
		}
		changes = append(changes, c)
		return nil
	})
	if err != nil {
		return nil, nil, wrap("layer changes", err)
	}
	s.replicas.needAtLeast(lsn)
	return out, changes, nil
}

// EmptyBound is the bound of a write that touched no row: it intersects
// nothing.
var EmptyBound = orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}

// WatchVersions listens, on a connection of its own, for the notification
// every committed write sends, and tells ev: Up(true) once listening,
// Changed at each notification, Up(false) when the connection is lost
// (then it reconnects, with backoff, until ctx ends or the store is
// closed). A connection that stops answering is found by a ping after
// listenerHeartbeat of silence.
func (s *Store) WatchVersions(ctx context.Context, ev layers.VersionEvents) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		listened := s.listen(ctx, ev)
		ev.Up(false)
		if listened {
			backoff = 50 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// LocalWrites counts the statements other than SELECT run on the primary
// pool (layers.VersionWatcher).
func (s *Store) LocalWrites() int64 { return s.waits.writes.Load() }

// listen runs one listener connection until it fails; it reports whether
// it got as far as listening.
func (s *Store) listen(ctx context.Context, ev layers.VersionEvents) bool {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.Tracer = nil
	cfg.RuntimeParams["application_name"] = "minqing version listener"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+versionsChannel); err != nil {
		return false
	}
	// Every commit from now on is notified; the versions read after this
	// (the next Get reads, since Up marks them not fresh) see the rest.
	ev.Up(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, listenerHeartbeat)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			ev.Changed()
		case ctx.Err() != nil:
			return true
		case pgconn.Timeout(err):
			pctx, cancel := context.WithTimeout(ctx, pingTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return true
			}
		default:
			return true
		}
	}
}

package postgis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// replicaPoll is how often the store reads the replicas' replay positions.
const replicaPoll = 50 * time.Millisecond

// replicaSet spreads reads over streaming replicas without ever reading
// older data than the caller could know of. need is the WAL position a
// replica must have replayed to serve a read: the primary's position after
// this process's last write, and after the last read of the layer versions
// (a tile rendered for versions must show at least those versions). Until
// the poller has read the primary's position after a write, every read goes
// to the primary: a client reads its own writes at once.
type replicaSet struct {
	nodes []*replica
	need  atomic.Uint64
	// writes counts the statements other than SELECT the primary has
	// completed (the pool's tracer); sampled is its value when need was
	// last read from the primary.
	writes  *atomic.Int64
	sampled atomic.Int64
	next    atomic.Uint64
	kickc   chan struct{}
	stop    chan struct{}
	done    sync.WaitGroup
}

// replica is one read pool and the position it has replayed.
type replica struct {
	url      string
	pool     *pgxpool.Pool
	replayed atomic.Uint64
	reads    atomic.Int64
}

// OpenReplicas adds read replicas (postgres:// URLs of hot standbys) to
// the store: from then on reads (features, counts, tiles, cells, extents)
// go to a replica that has replayed every write this process made or saw,
// and to the primary otherwise. Writes and versions stay on the primary.
func (s *Store) OpenReplicas(ctx context.Context, urls []string) error {
	if len(urls) == 0 {
		return nil
	}
	r := &replicaSet{writes: &s.waits.writes, kickc: make(chan struct{}, 1), stop: make(chan struct{})}
	r.sampled.Store(-1) // nothing sampled yet: read from the primary
	for _, u := range urls {
		cfg, err := pgxpool.ParseConfig(u)
		if err != nil {
			r.close()
			return fmt.Errorf("postgis: database read url: %w", err)
		}
		if !strings.Contains(u, "pool_max_conns") {
			cfg.MaxConns = DefaultMaxConns()
		}
		if cfg.ConnConfig.ConnectTimeout == 0 {
			cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
		}
		cfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Shanghai"
		p, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			r.close()
			return fmt.Errorf("postgis: connect to read replica: %w", err)
		}
		r.nodes = append(r.nodes, &replica{url: u, pool: p})
	}
	s.replicas = r
	r.done.Add(1)
	go r.poll(s.pool)
	return nil
}

// reader returns the pool a read goes to.
func (s *Store) reader() *pgxpool.Pool {
	r := s.replicas
	if r == nil {
		return s.pool
	}
	if r.writes.Load() != r.sampled.Load() {
		r.kick()
		return s.pool
	}
	need := r.need.Load()
	start := r.next.Add(1)
	for i := range r.nodes {
		n := r.nodes[(start+uint64(i))%uint64(len(r.nodes))]
		if got := n.replayed.Load(); got != 0 && got >= need {
			n.reads.Add(1)
			return n.pool
		}
	}
	r.kick()
	return s.pool
}

// ReplicaReads returns how many reads each replica served, in the order
// of the URLs (for tests and metrics).
func (s *Store) ReplicaReads() []int64 {
	if s.replicas == nil {
		return nil
	}
	out := make([]int64, len(s.replicas.nodes))
	for i, n := range s.replicas.nodes {
		out[i] = n.reads.Load()
	}
	return out
}

func (r *replicaSet) kick() {
	select {
	case r.kickc <- struct{}{}:
	default:
	}
}

// needAtLeast raises need to the WAL position lsn ("16/B374D848").
func (r *replicaSet) needAtLeast(lsn string) {
	if r == nil {
		return
	}
	v, ok := parseLSN(lsn)
	if !ok {
		return
	}
	for {
		cur := r.need.Load()
		if v <= cur || r.need.CompareAndSwap(cur, v) {
			return
		}
	}
}

// poll reads the primary's position after a write, and the replicas'
// replay positions, every replicaPoll or when a read found none ready.
func (r *replicaSet) poll(primary *pgxpool.Pool) {
	defer r.done.Done()
	t := time.NewTicker(replicaPoll)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
		case <-r.kickc:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if seq := r.writes.Load(); seq != r.sampled.Load() {
			var lsn string
			if err := primary.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err == nil {
				r.needAtLeast(lsn)
				r.sampled.Store(seq)
			}
		}
		for _, n := range r.nodes {
			var lsn *string
			if err := n.pool.QueryRow(ctx, "SELECT pg_last_wal_replay_lsn()::text").Scan(&lsn); err != nil || lsn == nil {
				n.replayed.Store(0) // down, or not a standby: not used
				continue
			}
			if v, ok := parseLSN(*lsn); ok {
				n.replayed.Store(v)
			}
		}
		cancel()
	}
}

func (r *replicaSet) close() {
	if r == nil {
		return
	}
	select {
	case <-r.stop:
		return
	default:
	}
	close(r.stop)
	r.done.Wait()
	for _, n := range r.nodes {
		n.pool.Close()
	}
}

// parseLSN reads a PostgreSQL WAL position, "hi/lo" in hexadecimal.
func parseLSN(s string) (uint64, bool) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, false
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return h<<32 | l, true
}

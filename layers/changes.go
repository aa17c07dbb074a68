package layers

import (
	"context"

	"github.com/paulmach/orb"
)

// LayerChange says that the committed writes which took a layer from
// version From to version To touched only features inside Bound (their old
// and their new geometries, in longitude/latitude). A tile cache keeps the
// tiles a change does not reach. A version range no change covers was
// written somewhere unknown (by another program, or before the log was
// kept): a cache must drop every tile of the layer rendered before it.
type LayerChange struct {
	Layer    string
	From, To int64
	Bound    orb.Bound
}

// ChangeLogger is a Source that logs where its writes fell.
type ChangeLogger interface {
	// Changes returns every layer's version, like Versions, and the logged
	// changes of the layers in since whose To is above since[layer],
	// ordered by layer and To.
	Changes(ctx context.Context, since map[string]int64) (map[string]int64, []LayerChange, error)
}

// VersionEvents receives what a VersionWatcher learns.
type VersionEvents interface {
	// Up(true): from now on every committed write is told through
	// Changed. Up(false): the watcher can no longer tell (its connection
	// was lost); the cache must ask the store again per request.
	Up(bool)
	// Changed: a write may have been committed since the last call.
	Changed()
}

// VersionWatcher is a Source that tells of committed writes, by any
// process, without being asked per request (PostgreSQL's LISTEN/NOTIFY).
type VersionWatcher interface {
	// WatchVersions runs until ctx ends, reconnecting as needed.
	WatchVersions(ctx context.Context, ev VersionEvents)
	// LocalWrites counts the statements this process ran through the
	// store that may have written: a cache reads the versions again when
	// it grew, so a client sees its own write at once, without waiting
	// for the notification.
	LocalWrites() int64
}

// VersionProbe is a Source that can tell, more cheaply than reading the
// versions, whether any write may have been committed since it was last
// asked (SQLite's PRAGMA data_version).
type VersionProbe interface {
	// VersionsMayHaveChanged is true after any commit, by any connection
	// or process, since the previous call; the first call returns true.
	VersionsMayHaveChanged(ctx context.Context) (bool, error)
}

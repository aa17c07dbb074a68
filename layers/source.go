package layers

import (
	"context"
	"time"

	"github.com/paulmach/orb"
)

// The capabilities of a store, one small interface each, so that a user
// asks for what it uses (Go's "accept interfaces"): tiles.Render and Stream
// need a FeatureStreamer, the importers a FeatureStreamer and a Writer, the
// published table a Counter and a CellCounter. Packages compose their own
// from these where they use them (hotspot.Store, importers.Store, ...);
// Source composes them all for what needs a whole store: the server, the
// command line, the contract suite and the decorators.

// FeatureStreamer streams features.
type FeatureStreamer interface {
	// Features streams the features q selects, ordered by id, calling fn for
	// each; an error from fn stops the stream and is returned.
	Features(ctx context.Context, l *Layer, q Query, fn func(*Feature) error) error
}

// Counter counts features.
type Counter interface {
	// Count returns how many features q selects (ignoring Limit and AfterID).
	Count(ctx context.Context, l *Layer, q Query) (int64, error)
}

// Reader reads features: streams, counts, one by id, the extent.
type Reader interface {
	FeatureStreamer
	Counter
	// Feature returns one feature with the properties role may see, or ErrNotFound.
	Feature(ctx context.Context, l *Layer, id int64, role Role) (*Feature, error)
	// Extent returns the bounds of a layer's features (empty bound if none).
	Extent(ctx context.Context, l *Layer) (orb.Bound, error)
}

// Writer writes features.
type Writer interface {
	// Write stores the features r yields, in one transaction: if r returns
	// an error other than io.EOF, or any feature is rejected, nothing is
	// written. Every store begins with CheckWrite and Prepare.
	Write(ctx context.Context, l *Layer, opts WriteOptions, r FeatureReader) (WriteResult, error)
}

// Versioner tells the write counters of the layers.
type Versioner interface {
	// Versions returns each layer's write counter; it grows with every
	// committed write to the layer, by any process (for tile caches).
	Versions(ctx context.Context) (map[string]int64, error)
}

// Tiler renders vector tiles.
type Tiler interface {
	// Tile renders one Mapbox Vector Tile of finished features, one MVT
	// layer per requested layer, each capped at its Query's Limit: no zoom
	// range, no clustering (package tiles decides those), or ErrNoMVT when
	// the store only offers its Features.
	Tile(ctx context.Context, req TileRequest) ([]byte, error)
}

// CellCounter counts points per H3 cell.
type CellCounter interface {
	// CellCounts counts features of a point layer per H3 cell at resolution
	// res — the cell each point lies in, stored on write (see StoresCells) —
	// optionally grouped by a property. Only resolutions hex.MinExactRes to
	// hex.MaxExactRes are counted; others are an *InvalidError on "res".
	// Every store begins with CheckCellCounts.
	CellCounts(ctx context.Context, l *Layer, res int, q Query, groupBy string) ([]CellCount, error)
}

// TokenStore keeps access tokens.
type TokenStore interface {
	// AddToken stores a token (only its hash).
	AddToken(ctx context.Context, t Token) error
	// TokenByHash finds a live token by its hash, or ErrNotFound.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	// Tokens lists every token (hashes included; never the secret).
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken deletes a token by id, or returns ErrNotFound.
	RevokeToken(ctx context.Context, id int64) error
}

// Source is one whole store of layers: every capability above, plus its
// name, a ping and Close. Every method takes the request's context so that
// a client that goes away cancels its query.
type Source interface {
	// Kind names the store: "postgis" or "gpkg".
	Kind() string
	// Ping reports whether the store is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error

	Reader
	Writer
	Versioner
	Tiler
	CellCounter
	TokenStore
}

// FeatureReader yields features to Write: io.EOF ends the stream normally;
// any other error aborts the write and rolls it back.
type FeatureReader interface {
	Next() (*Feature, error)
}

// WriteMode says what Write does with existing rows.
type WriteMode string

// Write modes.
const (
	Insert  WriteMode = "insert"  // add every feature as a new row
	Upsert  WriteMode = "upsert"  // match on the layer's Key; update or add
	Replace WriteMode = "replace" // delete every row, then insert
)

// WriteOptions tune a Write.
type WriteOptions struct {
	Mode WriteMode
	// Progress, if set, is called now and then with the rows written so far.
	Progress func(rows int64)
	// Checked says that every feature already passed the layer's Check as
	// it will be written (the importer checks each row, to name a bad one
	// by its row number), so the store does not check it again. What the
	// store computes on write (the h3 field, the cells) is not part of it.
	Checked bool
}

// WriteResult reports a committed write.
type WriteResult struct {
	Inserted, Updated, Deleted int64
	IDs                        []int64   // ids written, in input order (up to 10,000)
	Bounds                     orb.Bound // the bounds of what was written or deleted
}

// TileRequest asks for one tile of one or more layers.
type TileRequest struct {
	Layers  []*Layer
	Z, X, Y int
	Role    Role
	Query   map[string]Query // per layer name: filters (time, equal) and, for Source.Tile, the cap (Limit)
	Extent  int              // 4096 unless set
	Buffer  int              // in tile units; 64 unless set
}

// CellCount is the number of features in one H3 cell (and group).
type CellCount struct {
	Cell  int64
	Group string
	Count int64
}

// TokensVersion is the key under which a Source's Versions counts the
// writes to its tokens (an add, a revoke): a server may keep the tokens it
// resolved while that count stays.
const TokensVersion = "tokens"

// Token is an access token as stored: the hash of the secret, never the secret.
type Token struct {
	ID        int64
	Name      string
	Role      Role
	Hash      string
	CreatedAt time.Time
}

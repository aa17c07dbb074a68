package cli

import (
	"flag"
	"strconv"

	"minqing/internal/server"
)

// storeSettings are the flags that choose a store (every command has them).
func storeSettings(s *storeFlags) []setting {
	return []setting{
		{name: "database-url", env: "MINQING_DATABASE_URL", alt: "DATABASE_URL",
			help: "PostgreSQL+PostGIS URL; empty: the embedded GeoPackage store",
			val:  func() flag.Value { return stringVal{&s.databaseURL} }},
		{name: "data", env: "MINQING_DATA", def: "minqing.gpkg",
			help: "the embedded store's GeoPackage file",
			val:  func() flag.Value { return stringVal{&s.data} }},
	}
}

// serveSettings is the configuration table of "minqing serve". Defaults the
// server also applies come from server.DefaultConfig, so they are written
// once.
func serveSettings(o *serveOptions) []setting {
	d := server.DefaultConfig()
	c := &o.cfg
	return append(storeSettings(&o.store), []setting{
		{name: "addr", env: "MINQING_ADDR", def: d.Addr, help: "listen address HOST:PORT",
			val: func() flag.Value { return stringVal{&c.Addr} }},
		{name: "no-demo", env: "MINQING_NO_DEMO", def: "false", help: "start a new embedded store empty instead of loading the demo data",
			val: func() flag.Value { return boolVal{&o.noDemo} }},
		{name: "cors", env: "MINQING_CORS", def: "*", help: "comma-separated origins allowed to GET from other sites (\"*\": any)",
			val: func() flag.Value { return stringVal{&o.cors} }},
		{name: "base-url", env: "MINQING_BASE_URL", help: "external URL of the server for links (default: from each request)",
			val: func() flag.Value { return stringVal{&c.BaseURL} }},
		{name: "basemap", env: "MINQING_BASEMAP", help: "optional basemap for the web map: a raster URL template, a style URL, or a local `.pmtiles` file the server serves (ranges and z/x/y)",
			val: func() flag.Value { return stringVal{&c.Basemap} }},
		{name: "tiles-base-url", env: "MINQING_TILES_BASE_URL", help: "where the public's unfiltered tiles are static files (an archive of `minqing pmtiles` behind a CDN): a {z}/{x}/{y} template or a prefix",
			val: func() flag.Value { return stringVal{&c.TilesBaseURL} }},
		{name: "tile-cache-mb", env: "MINQING_TILE_CACHE_MB", def: itoa(d.TileCacheMB), help: "tile cache size in MiB (negative: no cache)",
			val: func() flag.Value { return intVal{&c.TileCacheMB} }},
		{name: "tile-buffer", env: "MINQING_TILE_BUFFER", def: itoa(d.TileBuffer), help: "MVT buffer around each tile, in tile units (extent 4096)",
			val: func() flag.Value { return intVal{&c.TileBuffer} }},
		{name: "max-limit", env: "MINQING_MAX_LIMIT", def: itoa(d.MaxLimit), help: "the most features one OGC API page returns; a larger ?limit= is lowered to it",
			val: func() flag.Value { return intVal{&c.MaxLimit} }},
		{name: "default-limit", env: "MINQING_DEFAULT_LIMIT", def: itoa(d.DefaultLimit), help: "the OGC API page size when ?limit= is not given",
			val: func() flag.Value { return intVal{&c.DefaultLimit} }},
		{name: "min-count", env: "MINQING_MIN_COUNT", def: itoa(d.MinCount), help: "the publication threshold k: a public count (cell, month, category or source) below it is suppressed",
			val: func() flag.Value { return intVal{&c.MinCount} }},
		{name: "public-incidents", env: "MINQING_PUBLIC_INCIDENTS", def: server.PublicAggregates, help: "what public callers get of incidents: `aggregates` (monthly counts per H3 cell, small counts suppressed) or `points` (see Privacy)",
			val: func() flag.Value { return stringVal{&c.PublicIncidents} }},
		{name: "import-max-mb", env: "MINQING_IMPORT_MAX_MB", def: strconv.FormatInt(d.ImportMaxBytes>>20, 10), help: "the largest file POST /import/{layer} accepts, in MiB",
			val: func() flag.Value { return intVal{&o.importMaxMB} }},
		{name: "store-timeout", env: "MINQING_STORE_TIMEOUT", def: d.StoreTimeout.String(), help: "the longest a request's store work may take before a 503",
			val: func() flag.Value { return durationVal{&c.StoreTimeout} }},
		{name: "read-header-timeout", env: "MINQING_READ_HEADER_TIMEOUT", def: d.ReadHeaderTimeout.String(), help: "the longest a client may take to send a request's headers",
			val: func() flag.Value { return durationVal{&c.ReadHeaderTimeout} }},
		{name: "idle-timeout", env: "MINQING_IDLE_TIMEOUT", def: d.IdleTimeout.String(), help: "an idle keep-alive connection is closed after this",
			val: func() flag.Value { return durationVal{&c.IdleTimeout} }},
		{name: "write-stall", env: "MINQING_WRITE_STALL", def: d.WriteStall.String(), help: "a client that reads no byte of a response for this long is dropped",
			val: func() flag.Value { return durationVal{&c.WriteStall} }},
		{name: "read-stall", env: "MINQING_READ_STALL", def: d.ReadStall.String(), help: "a client that sends no byte of a request body for this long is dropped",
			val: func() flag.Value { return durationVal{&c.ReadStall} }},
		{name: "shutdown-grace", env: "MINQING_SHUTDOWN_GRACE", def: d.ShutdownGrace.String(), help: "on SIGTERM/SIGINT, how long in-flight requests may finish",
			val: func() flag.Value { return durationVal{&c.ShutdownGrace} }},
		{name: "max-query-bytes", env: "MINQING_MAX_QUERY_BYTES", def: itoa(d.MaxQueryBytes), help: "a longer query string is a 400",
			val: func() flag.Value { return intVal{&c.MaxQueryBytes} }},
		{name: "max-query-params", env: "MINQING_MAX_QUERY_PARAMS", def: itoa(d.MaxQueryParams), help: "a query string with more parameters is a 400",
			val: func() flag.Value { return intVal{&c.MaxQueryParams} }},
		{name: "max-streams", env: "MINQING_MAX_STREAMS", def: itoa(d.MaxStreams), help: "concurrent streams (GeoJSON layers, OGC items, exports); more are a 503",
			val: func() flag.Value { return intVal{&c.MaxStreams} }},
		{name: "max-heavy", env: "MINQING_MAX_HEAVY", def: itoa(d.MaxHeavy), help: "concurrent hot spot analyses and imports; more are a 503",
			val: func() flag.Value { return intVal{&c.MaxHeavy} }},
		{name: "metrics", env: "MINQING_METRICS", def: "true", help: "serve Prometheus metrics at GET /metrics",
			val: func() flag.Value { return boolVal{&o.metrics} }},
		{name: "routing", env: "MINQING_ROUTING", help: "JSON file of the 接诉即办 routing table and deadline rules (default: the built-in ones, see README)",
			val: func() flag.Value { return stringVal{&o.routing} }},
		{name: "open311-source", env: "MINQING_OPEN311_SOURCE", def: "网站", help: "the source recorded for public Open311 submissions (网站 or 微信)",
			val: func() flag.Value { return stringVal{&c.Intake.Open311Source} }},
		{name: "rate-weights", env: "MINQING_RATE_WEIGHTS", def: "0.2,0.4,0.4", help: "weights of 响应率,解决率,满意率 in the composite score",
			val: func() flag.Value { return stringVal{&o.weights} }},
		{name: "log-level", env: "MINQING_LOG_LEVEL", def: "info", help: "debug, info, warn or error",
			val: func() flag.Value { return stringVal{&o.logLevel} }},
		{name: "database-read-url", env: "MINQING_DATABASE_READ_URL", help: "a PostgreSQL streaming replica for reads (repeatable; the env holds space-separated URLs); writes and layer versions stay on --database-url, and a read goes to the primary until a replica has replayed this server's last write (see Scale-out)",
			val: func() flag.Value { return listVal{&o.readURLs} }},
	}...)
}

package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/internal/server"
	"minqing/layers"
	"minqing/tiles"
	"minqing/tiles/pmtiles"
)

// pmtilesOptions are the flags of "minqing pmtiles".
type pmtilesOptions struct {
	store           storeFlags
	out             string
	minZoom         int
	maxZoom         int
	layers          string
	minCount        int
	publicIncidents string
	maxTiles        int
}

// hotspotsLayer is the public hot spot layer (its tiles have their own route).
const hotspotsLayer = "hotspots"

func runPMTiles(ctx context.Context, env Env, args []string) error {
	var o pmtilesOptions
	fs := newFlags("pmtiles", env)
	o.store.register(fs, env)
	d := server.DefaultConfig()
	// The publication settings are serve's (same flags, same variables), so
	// the archive holds what this deployment's public server would serve.
	if err := registerSettings(fs, env, []setting{
		{name: "min-count", env: "MINQING_MIN_COUNT", def: itoa(d.MinCount), help: "the publication threshold k, as for serve",
			val: func() flag.Value { return intVal{&o.minCount} }},
		{name: "public-incidents", env: "MINQING_PUBLIC_INCIDENTS", def: server.PublicAggregates, help: "what the public gets of incidents, as for serve: aggregates or points",
			val: func() flag.Value { return stringVal{&o.publicIncidents} }},
	}); err != nil {
		return err
	}
	fs.StringVar(&o.out, "o", "", "the archive to write (required), e.g. minqing.pmtiles; written whole or not at all")
	fs.IntVar(&o.minZoom, "min-zoom", 10, "the lowest zoom written")
	fs.IntVar(&o.maxZoom, "max-zoom", 16, "the highest zoom written (the web map overzooms past it)")
	fs.StringVar(&o.layers, "layers", "", "comma-separated public layers (default: every public layer and hotspots)")
	fs.IntVar(&o.maxTiles, "max-tiles", 2_000_000, "refuse a zoom range and extent that cover more tiles than this")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: minqing pmtiles -o FILE.pmtiles [--min-zoom 10] [--max-zoom 16] [--layers a,b,…]\n\nWrites the public layers (public incidents as the published cells, hot spots as the public\nsees them) to a PMTiles v3 archive, each tile rendered by the server's public tile renderer:\nthe bytes an anonymous client of GET /tiles/… gets. A CDN or object store serves the file;\npoint serve --tiles-base-url at it.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if o.out == "" {
		return usageError{"-o is required (e.g. -o minqing.pmtiles)"}
	}
	if o.minZoom < 0 || o.maxZoom > tiles.MaxZoom || o.minZoom > o.maxZoom {
		return usageError{fmt.Sprintf("--min-zoom %d --max-zoom %d: want 0 ≤ min ≤ max ≤ %d", o.minZoom, o.maxZoom, tiles.MaxZoom)}
	}
	if err := server.CheckPublicIncidents(o.publicIncidents); err != nil {
		return usageError{err.Error()}
	}
	cat := fengtai.Catalog()
	names, hot, err := pmtilesLayers(cat, o.layers)
	if err != nil {
		return err
	}
	src, _, err := openStore(ctx, o.store, cat)
	if err != nil {
		return err
	}
	defer src.Close()
	r := publicRenderer{h: server.New(server.Config{MinCount: o.minCount, PublicIncidents: o.publicIncidents, TileCacheMB: -1},
		src, cat, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler(), names: names, hot: hot}
	stats, err := writePMTiles(ctx, r, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote %s: %d tiles (%d distinct, %d directory entries, %d leaf directories), %d bytes, zoom %d–%d\n",
		o.out, stats.Addressed, stats.Contents, stats.Entries, stats.Leaves, stats.Bytes, o.minZoom, o.maxZoom)
	return nil
}

// pmtilesLayers resolves --layers to public layer names and whether the hot
// spots are wanted; a staff-only or unknown name is refused.
func pmtilesLayers(cat *layers.Catalog, list string) (names []string, hot bool, err error) {
	public := cat.Names(layers.Public)
	if strings.TrimSpace(list) == "" {
		return public, true, nil
	}
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
		case n == hotspotsLayer:
			hot = true
		case slices.Contains(public, n):
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		default:
			return nil, false, usageError{fmt.Sprintf("--layers: %q is not a public layer (public layers: %s, %s)", n, strings.Join(public, ", "), hotspotsLayer)}
		}
	}
	if len(names) == 0 && !hot {
		return nil, false, usageError{"--layers names no layer"}
	}
	return names, hot, nil
}

// publicRenderer asks the server's own handler for tiles as an anonymous
// client: the archive holds exactly the public bytes.
type publicRenderer struct {
	h     http.Handler
	names []string // at most 8 per request (the server's limit), so chunked
	hot   bool
}

// maxTileLayers is the server's limit of layers in one tile request.
const maxTileLayers = 8

func (r publicRenderer) get(ctx context.Context, path string) (int, []byte, error) {
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, req)
	switch rec.Code {
	case http.StatusOK, http.StatusNoContent:
		return rec.Code, rec.Body.Bytes(), nil
	}
	return rec.Code, nil, fmt.Errorf("pmtiles: GET %s: %d %s", path, rec.Code, strings.TrimSpace(rec.Body.String()))
}

// tile is the composite public tile: the layers' MVT layers, then the hot
// spots' (an MVT is a list of layers, so bodies concatenate).
func (r publicRenderer) tile(ctx context.Context, t maptile.Tile) ([]byte, error) {
	var out []byte
	for chunk := range slices.Chunk(r.names, maxTileLayers) {
		_, b, err := r.get(ctx, fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", strings.Join(chunk, ","), t.Z, t.X, t.Y))
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	if r.hot {
		_, b, err := r.get(ctx, fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", hotspotsLayer, t.Z, t.X, t.Y))
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}

// describe returns the union of the TileJSON bounds and vector layers.
func (r publicRenderer) describe(ctx context.Context) (orb.Bound, []tiles.VectorLayer, error) {
	var paths []string
	for chunk := range slices.Chunk(r.names, maxTileLayers) {
		paths = append(paths, "/tiles/"+strings.Join(chunk, ",")+".json")
	}
	if r.hot {
		paths = append(paths, "/tiles/"+hotspotsLayer+".json")
	}
	var b orb.Bound
	have := false
	var vls []tiles.VectorLayer
	for _, p := range paths {
		_, body, err := r.get(ctx, p)
		if err != nil {
			return b, nil, err
		}
		var tj tiles.TileJSON
		if err := json.Unmarshal(body, &tj); err != nil {
			return b, nil, fmt.Errorf("pmtiles: %s: %w", p, err)
		}
		vls = append(vls, tj.VectorLayers...)
		tb := orb.Bound{Min: orb.Point{tj.Bounds[0], tj.Bounds[1]}, Max: orb.Point{tj.Bounds[2], tj.Bounds[3]}}
		if tb.Max.X() <= tb.Min.X() || tb.Max.Y() <= tb.Min.Y() || tb.Min.X() <= -180 && tb.Max.X() >= 180 {
			continue // empty, or the whole world: no data
		}
		if have {
			b = b.Union(tb)
		} else {
			b, have = tb, true
		}
	}
	if !have {
		return b, nil, fmt.Errorf("pmtiles: the public layers have no features: nothing to write")
	}
	return b, vls, nil
}

// coveringTiles lists the tiles of zooms min..max that cover b.
func coveringTiles(b orb.Bound, minZ, maxZ, limit int) ([]maptile.Tile, error) {
	var out []maptile.Tile
	for z := minZ; z <= maxZ; z++ {
		lo := maptile.At(orb.Point{b.Min.X(), b.Max.Y()}, maptile.Zoom(z)) // north-west
		hi := maptile.At(orb.Point{b.Max.X(), b.Min.Y()}, maptile.Zoom(z)) // south-east
		n := (int(hi.X) - int(lo.X) + 1) * (int(hi.Y) - int(lo.Y) + 1)
		if len(out)+n > limit {
			return nil, usageError{fmt.Sprintf("zooms %d–%d over the data's extent cover more than --max-tiles %d tiles: lower --max-zoom or raise --max-tiles", minZ, maxZ, limit)}
		}
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				out = append(out, maptile.New(x, y, maptile.Zoom(z)))
			}
		}
	}
	return out, nil
}

// writePMTiles renders every tile (in parallel, written in tile-id order)
// and writes the archive atomically.
func writePMTiles(ctx context.Context, r publicRenderer, o pmtilesOptions) (pmtiles.Stats, error) {
	var stats pmtiles.Stats
	bound, vls, err := r.describe(ctx)
	if err != nil {
		return stats, err
	}
	ts, err := coveringTiles(bound, o.minZoom, o.maxZoom, o.maxTiles)
	if err != nil {
		return stats, err
	}
	pmtiles.Order(ts)
	w, err := pmtiles.NewWriter(filepath.Dir(o.out))
	if err != nil {
		return stats, err
	}
	defer w.Close()
	const batch = 256
	bodies := make([][]byte, batch)
	errs := make([]error, batch)
	workers := max(1, runtime.GOMAXPROCS(0))
	for start := 0; start < len(ts); start += batch {
		part := ts[start:min(start+batch, len(ts))]
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Go(func() {
				for i := range next {
					bodies[i], errs[i] = r.tile(ctx, part[i])
				}
			})
		}
		for i := range part {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, t := range part {
			if errs[i] != nil {
				return stats, errs[i]
			}
			if err := w.Add(t, bodies[i]); err != nil {
				return stats, err
			}
		}
		if err := ctx.Err(); err != nil {
			return stats, err
		}
	}
	meta := map[string]any{
		"name":          "minqing",
		"description":   "民情图 · 丰台街道: the public layers, public incident figures and hot spots",
		"attribution":   "丰台街道 民情图 (demo data are synthetic)",
		"type":          "overlay",
		"format":        "pbf",
		"generator":     "minqing pmtiles",
		"vector_layers": vls,
	}
	_, err = writeFileAtomic(o.out, func(out io.Writer) (int64, error) {
		s, err := w.Finish(out, pmtiles.Meta{MinZoom: o.minZoom, MaxZoom: o.maxZoom, Bounds: bound, Metadata: meta})
		stats = s
		return int64(s.Bytes), err
	})
	return stats, err
}

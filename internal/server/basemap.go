package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/maptile"

	"minqing/tiles"
	"minqing/tiles/pmtiles"
)

// Basemap is a PMTiles archive the server serves (serve --basemap
// FILE.pmtiles): the file itself at GET /basemap.pmtiles with HTTP range
// requests, for a PMTiles client, and its tiles at
// GET /basemap/{z}/{x}/{y}.{ext}, for any map. The web map draws it under
// the layers. The file is read, never written, and must not change while
// the server runs.
type Basemap struct {
	f    *os.File
	r    *pmtiles.Reader
	size int64
	mod  time.Time
	etag string
}

// OpenBasemap opens and checks a PMTiles archive.
func OpenBasemap(path string) (*Basemap, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("basemap: %w", err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("basemap: %s is not a regular file", path)
	}
	r, err := pmtiles.Open(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("basemap %s: %w", path, err)
	}
	// The ETag names this version of the file: its size, time and header.
	h := sha256.New()
	fmt.Fprintf(h, "%d|%d|", fi.Size(), fi.ModTime().UnixNano())
	head := make([]byte, 127)
	_, _ = f.ReadAt(head, 0)
	h.Write(head)
	return &Basemap{f: f, r: r, size: fi.Size(), mod: fi.ModTime(),
		etag: `"pm-` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`}, nil
}

// Close closes the file.
func (b *Basemap) Close() error { return b.f.Close() }

// Header is what the archive says of itself.
func (b *Basemap) Header() pmtiles.Header { return b.r.Header() }

// maxRanges is the most byte ranges one request may ask of the archive (a
// PMTiles client asks one at a time); more is a 416.
const maxRanges = 8

// basemapRoutes registers the archive's routes when one is configured.
func (s *Server) basemapRoutes(e *echo.Echo) {
	if s.cfg.BasemapArchive == nil {
		return
	}
	e.GET("/basemap.pmtiles", s.basemapFile)
	e.GET("/basemap/:z/:x/:y", s.basemapTile)
	e.GET("/basemap.json", s.basemapTileJSON)
}

// basemapFile answers GET /basemap.pmtiles: the archive, whole or by byte
// ranges (206, 416, If-Range, ETag, HEAD: http.ServeContent). At most
// maxRanges ranges; a range past the end is clamped to it.
func (s *Server) basemapFile(c echo.Context) error {
	b := s.cfg.BasemapArchive
	req := c.Request()
	h := c.Response().Header()
	if msg := refuseRange(req.Header.Get("Range")); msg != "" {
		h.Set("Content-Range", "bytes */"+strconv.FormatInt(b.size, 10))
		return echo.NewHTTPError(http.StatusRequestedRangeNotSatisfiable, msg)
	}
	h.Set("ETag", b.etag)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Content-Type", "application/vnd.pmtiles")
	h.Set("Accept-Ranges", "bytes")
	http.ServeContent(c.Response(), req, "", b.mod, io.NewSectionReader(b.f, 0, b.size))
	return nil
}

// refuseRange says why a Range header is refused before net/http parses
// it: more than maxRanges ranges, or a zero-length suffix ("-0", which
// RFC 9110 §14.1.1 calls unsatisfiable and net/http answers with an empty
// 206); "" lets it through.
func refuseRange(rg string) string {
	spec, ok := strings.CutPrefix(rg, "bytes=")
	if !ok {
		return ""
	}
	parts := strings.Split(spec, ",")
	if len(parts) > maxRanges {
		return fmt.Sprintf("%d byte ranges asked; at most %d per request", len(parts), maxRanges)
	}
	for _, p := range parts {
		if n, ok := strings.CutPrefix(strings.TrimSpace(p), "-"); ok && strings.Trim(n, "0") == "" && n != "" {
			return "a suffix range of zero bytes selects nothing"
		}
	}
	return ""
}

// basemapTile answers GET /basemap/{z}/{x}/{y}.{ext}: one tile of the
// archive, 204 when it has none there. Vector tiles stored gzipped go out
// gzipped to a client that accepts it, else decompressed.
func (s *Server) basemapTile(c echo.Context) error {
	b := s.cfg.BasemapArchive
	hd := b.r.Header()
	ys, ext, _ := strings.Cut(c.Param("y"), ".")
	if want := basemapExt(hd.TileType); ext != "" && ext != want && !(want == "mvt" && ext == "pbf") {
		return notFound(fmt.Sprintf("the basemap's tiles are .%s", want))
	}
	z, x, y, err := parseZXY(c.Param("z"), c.Param("x"), ys)
	if err != nil {
		return err
	}
	body, err := b.r.Tile(maptile.New(uint32(x), uint32(y), maptile.Zoom(z)))
	if err != nil {
		return fmt.Errorf("basemap tile %d/%d/%d: %w", z, x, y, err)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=3600")
	h.Add("Vary", "Accept-Encoding")
	if body == nil {
		return c.NoContent(http.StatusNoContent)
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h.Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if hd.TileGzip {
		if hd.TileType == "mvt" && acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
		} else if body, err = gunzipTile(body); err != nil {
			return fmt.Errorf("basemap tile %d/%d/%d: %w", z, x, y, err)
		}
	}
	return c.Blob(http.StatusOK, basemapMedia(hd.TileType), body)
}

// maxBasemapTile bounds a decompressed basemap tile.
const maxBasemapTile = 64 << 20

func gunzipTile(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxBasemapTile+1))
	if err == nil && len(out) > maxBasemapTile {
		err = errors.New("tile decompresses past 64 MiB")
	}
	return out, err
}

func basemapExt(tileType string) string {
	if tileType == "" {
		return "bin"
	}
	return tileType
}

func basemapMedia(tileType string) string {
	switch tileType {
	case "mvt":
		return mediaMVT
	case "png", "webp", "avif":
		return "image/" + tileType
	case "jpg":
		return "image/jpeg"
	}
	return "application/octet-stream"
}

// basemapTileJSON answers GET /basemap.json: the archive's TileJSON, its
// tiles at /basemap/{z}/{x}/{y}.{ext}, its vector_layers from the metadata.
func (s *Server) basemapTileJSON(c echo.Context) error {
	b := s.cfg.BasemapArchive
	hd := b.r.Header()
	tj := tiles.TileJSON{
		TileJSON: "3.0.0", Name: "basemap", Scheme: "xyz",
		Tiles:   []string{s.tileBase(c) + "/basemap/{z}/{x}/{y}." + basemapExt(hd.TileType)},
		MinZoom: hd.MinZoom, MaxZoom: hd.MaxZoom,
		Bounds: [4]float64{hd.Bounds.Min.X(), hd.Bounds.Min.Y(), hd.Bounds.Max.X(), hd.Bounds.Max.Y()},
		Center: [3]float64{hd.Center.X(), hd.Center.Y(), float64(hd.MinZoom)},
	}
	if meta, err := b.r.Metadata(); err == nil {
		var m struct {
			Attribution  string              `json:"attribution"`
			VectorLayers []tiles.VectorLayer `json:"vector_layers"`
		}
		if json.Unmarshal(meta, &m) == nil {
			tj.Attribution, tj.VectorLayers = m.Attribution, m.VectorLayers
		}
	}
	if tj.VectorLayers == nil {
		tj.VectorLayers = []tiles.VectorLayer{}
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, tj)
}

// vectorLayerIDs returns the ids of the metadata's vector_layers.
func vectorLayerIDs(meta []byte) []string {
	var m struct {
		VectorLayers []struct {
			ID string `json:"id"`
		} `json:"vector_layers"`
	}
	if json.Unmarshal(meta, &m) != nil {
		return nil
	}
	ids := make([]string, 0, len(m.VectorLayers))
	for _, l := range m.VectorLayers {
		if l.ID != "" {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

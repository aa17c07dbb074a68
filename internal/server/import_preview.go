package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"minqing/importers"
	"minqing/layers"
	"minqing/query/selection"
)

// The import page's helpers, next to POST /import/{layer}:
//
//	POST /import/{layer}/preview  the first rows and the column mapping (JSON)
//	POST /import/{layer}/rejects  a dry run's rejected rows as a file to download
//
// Both take the file as POST /import/{layer} does (multipart "file", or the
// raw body) with its parameters (sheet picks an XLSX worksheet, table a
// GeoPackage table or the .shp of a zip holding several); preview also takes
// rows (1–100, default 20). Only admins may call them.

// previewParams are the query parameters of the two helpers.
func previewParams() []string {
	return append(importParams(), "rows")
}

// importPreviewRoutes registers the helpers.
func (s *Server) importPreviewRoutes(e *echo.Echo) {
	e.POST("/import/:layer/preview", s.importPreview)
	e.POST("/import/:layer/rejects", s.importRejects)
}

// importAdmin checks the layer and the caller's role, and opens the file.
func (s *Server) importAdmin(c echo.Context) (*layers.Layer, io.Reader, importers.Options, string, error) {
	var opts importers.Options
	l, err := s.layerFor(c, c.Param("layer"))
	if err != nil {
		return nil, nil, opts, "", err
	}
	switch roleOf(c) {
	case layers.Admin:
	case layers.Public:
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="minqing"`)
		return nil, nil, opts, "", echo.NewHTTPError(http.StatusUnauthorized, "importing needs an admin token (Authorization: Bearer mq_…)")
	default:
		return nil, nil, opts, "", echo.NewHTTPError(http.StatusForbidden, "importing needs an admin token; this token may only read")
	}
	req := c.Request()
	q := req.URL.Query()
	if err := selection.Check(q, nil, layers.Admin, previewParams()...); err != nil {
		return nil, nil, opts, "", err
	}
	if err := s.capUpload(c); err != nil {
		return nil, nil, opts, "", err
	}
	in, name, ctype, err := importBody(req, q)
	if err != nil {
		return nil, nil, opts, "", s.importError(err)
	}
	if opts, err = importOptions(q, name, ctype); err != nil {
		return nil, nil, opts, "", err
	}
	return l, in, opts, name, nil
}

func (s *Server) importPreview(c echo.Context) error {
	n := 20
	if v := c.QueryParam("rows"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 1 || k > 100 {
			return badRequest("rows", "rows must be a number from 1 to 100")
		}
		n = k
	}
	l, in, opts, _, err := s.importAdmin(c)
	if err != nil {
		return err
	}
	p, err := importers.PreviewFile(c.Request().Context(), l, in, opts, n)
	switch {
	case err == nil:
		return c.JSON(http.StatusOK, p)
	case isTooLarge(err):
		return s.importError(err)
	case errors.Is(err, importers.ErrRejected):
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), importers.ErrRejected.Error()), "\n")
		return badRequest("file", "the file cannot be read: "+msg)
	}
	return err
}

func (s *Server) importRejects(c echo.Context) error {
	l, in, opts, name, err := s.importAdmin(c)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "minqing-rejects-*")
	if err != nil {
		return fmt.Errorf("rejects file: %w", err)
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	opts.DryRun, opts.SkipInvalid, opts.Rejects = true, true, tmp
	rep, err := importers.Import(c.Request().Context(), nil, s.catalog, l, in, opts)
	if err != nil {
		if isTooLarge(err) {
			return s.importError(err)
		}
		if errors.Is(err, importers.ErrRejected) {
			return c.JSON(http.StatusUnprocessableEntity, rep)
		}
		return err
	}
	if rep.Rejected == 0 {
		return c.NoContent(http.StatusNoContent)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rejects file: %w", err)
	}
	base := strings.TrimSuffix(path.Base(name), path.Ext(name))
	if base == "" || base == "." {
		base = l.Name
	}
	ext, ctype := ".rejects.csv", "text/csv; charset=utf-8"
	if rep.Format == importers.GeoJSON {
		ext, ctype = ".rejects.geojson", "application/geo+json"
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s%s"; filename*=UTF-8''%s`, l.Name, ext, urlPathEscape(base+ext)))
	h.Set("X-Rejected-Rows", strconv.FormatInt(rep.Rejected, 10))
	return c.Stream(http.StatusOK, ctype, tmp)
}

// urlPathEscape escapes a file name for RFC 5987's filename*.
func urlPathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

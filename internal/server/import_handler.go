package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"minqing/geo"
	"minqing/importers"
	"minqing/layers"
	"minqing/query/selection"
)

// importParams are the query parameters (or multipart fields before the
// file) of POST /import/{layer}.
func importParams() []string {
	return []string{"format", "crs", "encoding", "mode", "dry_run", "skip_invalid", "repair", "sheet", "table"}
}

// maxFormField bounds a multipart text field.
const maxFormField = 256

// importLayer answers POST /import/{layer}. The caller's access is checked
// before a byte of the body is read, and a refusal closes the connection so
// that the server does not read (drain) the upload; the upload is then
// spooled to a temporary file, within the size cap, before the import
// starts, so that a client sending slowly never holds the store's write
// transaction (the GeoPackage write lock, a PostGIS transaction).
func (s *Server) importLayer(c echo.Context) error {
	refuse := func(err error) error {
		c.Response().Header().Set(echo.HeaderConnection, "close")
		return err
	}
	l, err := s.layerFor(c, c.Param("layer"))
	if err != nil {
		return refuse(err)
	}
	switch roleOf(c) {
	case layers.Admin:
	case layers.Public:
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="minqing"`)
		return refuse(echo.NewHTTPError(http.StatusUnauthorized, "importing needs an admin token (Authorization: Bearer mq_…)"))
	default:
		return refuse(echo.NewHTTPError(http.StatusForbidden, "importing needs an admin token; this token may only read"))
	}
	req := c.Request()
	q := req.URL.Query()
	if err := selection.Check(q, nil, layers.Admin, importParams()...); err != nil {
		return refuse(err)
	}
	if err := s.capUpload(c); err != nil {
		return refuse(err)
	}
	body, name, ctype, err := importBody(req, q)
	if err != nil {
		return refuse(s.importError(err))
	}
	opts, err := importOptions(q, name, ctype)
	if err != nil {
		return refuse(err)
	}
	in, size, err := spoolUpload(body)
	if err != nil {
		return refuse(s.importError(err))
	}
	defer in.Close()
	opts.Size = size
	rep, err := importers.Import(req.Context(), s.src, s.catalog, l, in, opts)
	s.metrics.ImportDone(l.Name, rep.Read, rep.Rejected)
	s.log.Info("import", "layer", l.Name, "format", opts.Format, "read", rep.Read, "rejected", rep.Rejected,
		"inserted", rep.Inserted, "updated", rep.Updated, "deleted", rep.Deleted, "written", rep.Written, "err", err)
	switch {
	case err == nil:
		return c.JSON(http.StatusOK, rep)
	case isTooLarge(err):
		return s.importError(err)
	case errors.Is(err, importers.ErrRejected):
		return c.JSON(http.StatusUnprocessableEntity, rep)
	}
	return err
}

// spooled is an upload in a temporary file, removed when closed.
type spooled struct{ *os.File }

// Close closes and removes the file.
func (f spooled) Close() error {
	return errors.Join(f.File.Close(), os.Remove(f.Name()))
}

// spoolUpload copies the upload (already capped by http.MaxBytesReader) to
// a temporary file and returns it rewound, with its size. The file is
// removed on every path: here on an error, by Close otherwise.
func spoolUpload(body io.Reader) (io.ReadCloser, int64, error) {
	f, err := os.CreateTemp("", "minqing-import-*")
	if err != nil {
		return nil, 0, fmt.Errorf("import: spool the upload: %w", err)
	}
	sp := spooled{f}
	rd := &readErr{r: body}
	n, err := io.Copy(f, rd)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	switch {
	case err == nil:
		return sp, n, nil
	case isTooLarge(err):
	case rd.err != nil:
		err = badRequest("file", "the upload could not be read to its end: "+err.Error())
	default:
		err = fmt.Errorf("import: spool the upload: %w", err)
	}
	sp.Close()
	return nil, 0, err
}

// readErr remembers an error of its reader (the client's), to tell it from
// an error writing the spool file (the server's).
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		r.err = err
	}
	return n, err
}

// importBody finds the file in the request: the multipart part named
// "file" (text parts before it may carry the parameters), or the raw body.
// It returns the file's name and content type when known.
func importBody(req *http.Request, q url.Values) (io.Reader, string, string, error) {
	ct := req.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mt != "multipart/form-data" {
		return req.Body, "", ct, nil
	}
	unreadable := func(err error) error {
		if isTooLarge(err) {
			return err
		}
		return badRequest("file", "the multipart body cannot be read: "+err.Error())
	}
	mr, err := req.MultipartReader()
	if err != nil {
		return nil, "", "", unreadable(err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", "", badRequest("file", `the form has no part named "file"`)
		}
		if err != nil {
			return nil, "", "", unreadable(err)
		}
		field := part.FormName()
		if field == "file" {
			return part, part.FileName(), part.Header.Get("Content-Type"), nil
		}
		if !contains(importParams(), field) {
			return nil, "", "", badRequest(field, fmt.Sprintf("unknown form field %q (the file goes in \"file\"; the others are %s)", field, strings.Join(importParams(), ", ")))
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		if err != nil {
			return nil, "", "", unreadable(err)
		}
		if len(b) > maxFormField {
			return nil, "", "", badRequest(field, fmt.Sprintf("form field %s is too long", field))
		}
		if q.Get(field) == "" {
			q.Set(field, strings.TrimSpace(string(b)))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// importOptions reads the parameters into importer options.
func importOptions(q url.Values, name, ctype string) (importers.Options, error) {
	var opts importers.Options
	var err error
	switch {
	case q.Get("format") != "":
		if opts.Format, err = importers.ParseFormat(q.Get("format")); err != nil {
			return opts, badRequest("format", "format must be geojson, csv, kml, xlsx, shapefile, kmz or gpkg")
		}
	case name != "":
		if opts.Format, err = importers.FormatFromName(name); err != nil {
			return opts, badRequest("format", fmt.Sprintf("cannot tell the format of %q: add ?format=geojson, csv, kml, xlsx, shapefile, kmz or gpkg", name))
		}
	default:
		if opts.Format = importers.FormatFromContentType(ctype); opts.Format == "" {
			return opts, badRequest("format", "cannot tell the format of the body: add ?format=geojson, csv, kml, xlsx, shapefile, kmz or gpkg, or send a Content-Type such as text/csv")
		}
	}
	if v := q.Get("crs"); v != "" {
		if opts.CRS, err = geo.ParseCRS(v); err != nil {
			return opts, badRequest("crs", "crs must be wgs84, cgcs2000, gcj02 or bd09")
		}
	}
	if v := q.Get("encoding"); v != "" {
		if importers.CheckEncoding(v) != nil {
			return opts, badRequest("encoding", "encoding must be utf-8, gbk, gb18030 or auto")
		}
		opts.Encoding = v
	}
	if opts.Mode, err = importers.ParseMode(q.Get("mode")); err != nil {
		return opts, badRequest("mode", "mode must be insert, upsert or replace")
	}
	flag := func(name string, def bool) (bool, error) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, badRequest(name, name+" must be true or false")
		}
		return b, nil
	}
	if opts.DryRun, err = flag("dry_run", false); err != nil {
		return opts, err
	}
	if opts.SkipInvalid, err = flag("skip_invalid", false); err != nil {
		return opts, err
	}
	repair, err := flag("repair", true)
	if err != nil {
		return opts, err
	}
	opts.NoRepair = !repair
	opts.Sheet, opts.Table = q.Get("sheet"), q.Get("table")
	return opts, nil
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// capUpload caps the request's body at the server's import limit. A body
// that declares a larger length is refused at once, before a byte of it is
// read, and the connection closed rather than drained.
func (s *Server) capUpload(c echo.Context) error {
	req := c.Request()
	if req.ContentLength > s.cfg.ImportMaxBytes {
		c.Response().Header().Set(echo.HeaderConnection, "close")
		return s.importError(&http.MaxBytesError{Limit: s.cfg.ImportMaxBytes})
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.ImportMaxBytes)
	return nil
}

// importError turns an oversized body into a 413.
func (s *Server) importError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		limit := fmt.Sprintf("%d bytes", mbe.Limit)
		if mbe.Limit >= 1<<20 {
			limit = fmt.Sprintf("%d MiB", mbe.Limit>>20)
		}
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "the upload is larger than the "+limit+" this server accepts")
	}
	return err
}

package importers

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"minqing/geo"
)

// The binary formats (XLSX, zipped Shapefile, KMZ, GeoPackage) need random
// access to the file: their input is first spooled to a temporary file
// unless it already is one (an *os.File that can seek).

// Magic numbers that identify a binary input whatever its name says.
var (
	zipMagic    = []byte("PK\x03\x04")
	sqliteMagic = []byte("SQLite format 3\x00")
)

// parseBinaryFormat parses the names of the binary formats.
func parseBinaryFormat(s string) (Format, bool) {
	switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "."))) {
	case "xlsx", "xlsm", "excel":
		return XLSX, true
	case "shapefile", "shp", "esri shapefile":
		return Shapefile, true
	case "kmz":
		return KMZ, true
	case "gpkg", "geopackage":
		return GeoPackage, true
	case "zip":
		return Zip, true
	}
	return "", false
}

// binaryContentType maps the MIME types of the binary formats.
func binaryContentType(ct string) Format {
	switch ct {
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return XLSX
	case "application/vnd.google-earth.kmz":
		return KMZ
	case "application/geopackage+sqlite3", "application/x-sqlite3", "application/vnd.sqlite3":
		return GeoPackage
	case "application/zip", "application/x-zip-compressed", "application/x-shapefile":
		return Zip
	}
	return ""
}

// isBinary reports whether f is read from a file rather than streamed.
func isBinary(f Format) bool {
	switch f {
	case XLSX, Shapefile, KMZ, GeoPackage, Zip:
		return true
	}
	return false
}

// SniffFormat tells a binary format from the first bytes of a file: a
// GeoPackage (SQLite) or a zip (a workbook, a Shapefile or a KMZ, decided by
// its contents). It returns "" for anything else.
func SniffFormat(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, sqliteMagic):
		return GeoPackage
	case bytes.HasPrefix(head, zipMagic):
		return Zip
	}
	return ""
}

// sniffInput peeks at r: a zip or SQLite file is read as such whatever
// format was asked for (a .csv that is really a workbook is a workbook).
func sniffInput(r io.Reader, asked Format) (io.Reader, Format) {
	var head []byte
	if f, ok := r.(*os.File); ok { // keep the file (no copy needed) when it can be read at
		head = make([]byte, len(sqliteMagic))
		n, err := f.ReadAt(head, 0)
		if err != nil && n == 0 {
			head = nil
		}
		head = head[:n]
	}
	if head == nil {
		br := bufio.NewReaderSize(r, 64<<10)
		head, _ = br.Peek(len(sqliteMagic))
		r = br
	}
	if f := SniffFormat(head); f != "" {
		if f == Zip && isBinary(asked) && asked != GeoPackage {
			return r, asked // the zip's contents decide below
		}
		return r, f
	}
	return r, asked
}

// spooled is the input as a file on disk.
type spooled struct {
	f    *os.File
	size int64
	temp bool
}

// spool returns r as a seekable file: r itself when it is a regular file,
// else a temporary copy (removed by close).
func spool(r io.Reader, cnt *counter) (*spooled, error) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if off, err := f.Seek(0, io.SeekCurrent); err == nil && off == 0 {
				cnt.n = st.Size()
				return &spooled{f: f, size: st.Size()}, nil
			}
		}
	}
	tmp, err := os.CreateTemp("", "minqing-import-*")
	if err != nil {
		return nil, fmt.Errorf("importers: spool the upload: %w", err)
	}
	n, err := io.Copy(tmp, cnt)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("the input cannot be read: %w", err)
	}
	return &spooled{f: tmp, size: n, temp: true}, nil
}

func (s *spooled) close() {
	if s.temp {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}

// binaryInput is an opened binary file: its records and what the report says of it.
type binaryInput struct {
	rr       recordReader
	format   Format   // the format found (a Zip becomes what it holds)
	header   []string // the columns, for the rejects file
	encoding string
	crs      geo.CRS // the file's own geographic system ("" keeps Options.CRS)
	sheet    string  // XLSX: the sheet read
	table    string  // GeoPackage / Shapefile: the table or .shp read
	warnings []Problem
	closers  []func()
}

func (b *binaryInput) close() {
	for i := len(b.closers) - 1; i >= 0; i-- {
		b.closers[i]()
	}
}

// openBinary spools r and opens it as opts.Format (a zip by its contents).
func openBinary(r io.Reader, cnt *counter, opts *Options, res *resolver) (*binaryInput, error) {
	sp, err := spool(r, cnt)
	if err != nil {
		return nil, err
	}
	in := &binaryInput{format: opts.Format, closers: []func(){sp.close}}
	fail := func(err error) (*binaryInput, error) {
		in.close()
		return nil, err
	}
	head := make([]byte, len(sqliteMagic))
	n, _ := sp.f.ReadAt(head, 0)
	switch SniffFormat(head[:n]) {
	case GeoPackage:
		in.format = GeoPackage
		if err := openGeoPackage(in, sp.f.Name(), opts); err != nil {
			return fail(err)
		}
		return in, nil
	case Zip:
	default:
		if opts.Format == GeoPackage {
			return fail(fmt.Errorf("the file is not a GeoPackage (no SQLite header): is it the right file?"))
		}
		return fail(fmt.Errorf("the file is not a zip archive, as a .xlsx, a zipped Shapefile and a .kmz are: is it the right file?"))
	}
	zr, err := zip.NewReader(sp.f, sp.size)
	if err != nil {
		return fail(fmt.Errorf("the zip archive cannot be read (damaged or truncated?): %w", err))
	}
	if in.format, err = zipKind(zr); err != nil {
		return fail(err)
	}
	switch in.format {
	case XLSX:
		err = openXLSX(in, sp.f.Name(), opts, res)
	case Shapefile:
		err = openShapefile(in, zr, opts)
	case KMZ:
		err = openKMZ(in, zr, opts)
	}
	if err != nil {
		return fail(err)
	}
	return in, nil
}

// zipKind tells what a zip holds: a workbook, a Shapefile or a KML.
func zipKind(zr *zip.Reader) (Format, error) {
	var shp, kml bool
	var names []string
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		switch {
		case name == "xl/workbook.xml":
			return XLSX, nil
		case path.Ext(name) == ".shp":
			shp = true
		case path.Ext(name) == ".kml":
			kml = true
		}
		if len(names) < 10 {
			names = append(names, f.Name)
		}
	}
	switch {
	case shp:
		return Shapefile, nil
	case kml:
		return KMZ, nil
	}
	sort.Strings(names)
	return "", fmt.Errorf("the zip holds no workbook, .shp or .kml (it holds %s): zip a Shapefile's .shp, .shx, .dbf and .prj together", shorten(strings.Join(names, ", ")))
}

package importers

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// The Shapefile reader is our own (about 300 lines, fuzzed): the Go readers
// around (jonas-p/go-shp and its forks) are unmaintained, read the whole
// .dbf with a fixed encoding, trust record lengths from the file (a damaged
// file allocates gigabytes) and do not read a .prj at all. This one streams
// the .shp and the .dbf side by side from the zip, bounds every allocation
// by the record's own length, and decodes the .dbf as its .cpg says.

// shpReader yields one record per shape, with the .dbf row's values.
type shpReader struct {
	shp       *bufio.Reader
	dbf       *dbfReader
	names     []string
	srs       *srs
	n         int64
	maxRecord int64
	maxCoords int
}

// Shape types (ESRI Shapefile Technical Description, 1998).
const (
	shpNull        = 0
	shpPoint       = 1
	shpPolyLine    = 3
	shpPolygon     = 5
	shpMultiPoint  = 8
	shpPointZ      = 11
	shpPolyLineZ   = 13
	shpPolygonZ    = 15
	shpMultiPointZ = 18
	shpPointM      = 21
	shpPolyLineM   = 23
	shpPolygonM    = 25
	shpMultiPointM = 28
)

// openShapefile finds the .shp (and its .dbf, .prj, .cpg) in the zip.
func openShapefile(in *binaryInput, zr *zip.Reader, opts *Options) error {
	var shps []string
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.ToLower(f.Name)] = f
		if strings.EqualFold(path.Ext(f.Name), ".shp") && !strings.HasPrefix(path.Base(f.Name), "._") {
			shps = append(shps, f.Name)
		}
	}
	shpName := ""
	switch {
	case opts.Table != "":
		for _, s := range shps {
			if strings.EqualFold(s, opts.Table) || strings.EqualFold(strings.TrimSuffix(path.Base(s), path.Ext(s)), opts.Table) {
				shpName = s
			}
		}
		if shpName == "" {
			return fmt.Errorf("the zip has no Shapefile %q (it has %s)", opts.Table, strings.Join(shps, ", "))
		}
	case len(shps) == 1:
		shpName = shps[0]
	default:
		return fmt.Errorf("the zip holds %d Shapefiles (%s): choose one with --table (or the table parameter)", len(shps), strings.Join(shps, ", "))
	}
	base := strings.ToLower(strings.TrimSuffix(shpName, path.Ext(shpName)))
	sidecar := func(ext string) *zip.File { return files[base+ext] }
	readSmall := func(f *zip.File) (string, error) {
		rc, err := f.Open()
		if err != nil {
			return "", err
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, 64<<10))
		return string(b), err
	}
	dbfFile := sidecar(".dbf")
	if dbfFile == nil {
		return fmt.Errorf("the zip has %s but no %s.dbf: a Shapefile's attributes are in its .dbf, zip it too", shpName, path.Base(base))
	}
	s := &shpReader{maxRecord: opts.MaxRecordBytes, maxCoords: opts.MaxCoordinates}
	if f := sidecar(".prj"); f != nil {
		text, err := readSmall(f)
		if err != nil {
			return fmt.Errorf("the .prj cannot be read: %w", err)
		}
		if s.srs, err = parsePRJ(text); err != nil {
			return err
		}
		in.crs = s.srs.geog
	}
	cpg := ""
	if f := sidecar(".cpg"); f != nil {
		var err error
		if cpg, err = readSmall(f); err != nil {
			return fmt.Errorf("the .cpg cannot be read: %w", err)
		}
	}

	// The encoding: look at the start of the records first.
	rc, err := dbfFile.Open()
	if err != nil {
		return fmt.Errorf("the .dbf cannot be read: %w", err)
	}
	probe, err := newDBFReader(rc)
	if err != nil {
		rc.Close()
		return err
	}
	sample, _ := io.ReadAll(io.LimitReader(probe.r, 4<<20))
	var names []byte
	for _, f := range probe.fields {
		names = append(names, f.name...)
	}
	rc.Close()
	encName, warning, err := dbfEncoding(cpg, opts.Encoding, probe.ldid, append(names, sample...))
	if err != nil {
		return err
	}
	if warning != "" {
		in.warnings = append(in.warnings, Problem{Field: "encoding", Reason: warning})
	}

	if rc, err = dbfFile.Open(); err != nil {
		return fmt.Errorf("the .dbf cannot be read: %w", err)
	}
	in.closers = append(in.closers, func() { rc.Close() })
	if s.dbf, err = newDBFReader(rc); err != nil {
		return err
	}
	if s.dbf.dec, err = decoderFor(encName); err != nil {
		return err
	}
	s.names = s.dbf.names()
	if s.dbf.badText {
		return fmt.Errorf("the .dbf's column names are not valid %s text (%s): give --encoding gbk, or add a .cpg naming the encoding", strings.ToUpper(encName), shorten(strings.Join(s.names, ", ")))
	}

	sr, err := zr.Open(shpName)
	if err != nil {
		return fmt.Errorf("%s cannot be read: %w", shpName, err)
	}
	in.closers = append(in.closers, func() { sr.Close() })
	s.shp = bufio.NewReaderSize(sr, 64<<10)
	var hdr [100]byte
	if _, err := io.ReadFull(s.shp, hdr[:]); err != nil {
		return fmt.Errorf("%s is shorter than a Shapefile header: %w", shpName, err)
	}
	if binary.BigEndian.Uint32(hdr[0:]) != 9994 {
		return fmt.Errorf("%s is not a Shapefile (no file code 9994)", shpName)
	}
	in.rr, in.table, in.encoding = s, path.Base(shpName), encName
	in.header = append(append([]string{}, s.names...), "wkt")
	return nil
}

func (s *shpReader) next() (*record, error) {
	for {
		vals, deleted, err := s.dbf.next()
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
		g, gerr := s.readShape()
		if errors.Is(gerr, io.EOF) {
			return nil, fmt.Errorf("the .shp has fewer shapes than the .dbf has rows (%d): the files do not belong together", s.dbf.records)
		}
		if gerr != nil && !isShapeError(gerr) {
			return nil, gerr
		}
		s.n++
		if deleted {
			continue
		}
		rec := &record{n: s.n, hasGeom: true, vals: make([]keyVal, 0, len(vals))}
		for i, v := range vals {
			if s.names[i] != "" {
				rec.vals = append(rec.vals, keyVal{key: s.names[i], val: v})
			}
		}
		if s.dbf.badText {
			rec.errs = append(rec.errs, Problem{Row: s.n, Reason: "the .dbf row " + errEncoding})
		}
		switch {
		case gerr != nil:
			rec.errs = append(rec.errs, Problem{Row: s.n, Field: "geometry", Reason: gerr.Error()})
		case g != nil && s.srs != nil:
			g = s.srs.toGeographic(g)
		}
		rec.geom = g
		raw := append([]string{}, vals...)
		w := ""
		if g != nil {
			w = wkt.MarshalString(g)
		}
		rec.raw = append(raw, w)
		return rec, nil
	}
}

// shapeError is a problem with one shape (the file can be read on).
type shapeError struct{ msg string }

func (e *shapeError) Error() string { return e.msg }

func isShapeError(err error) bool {
	var se *shapeError
	return errors.As(err, &se)
}

// readShape reads one record of the .shp: nil for a null shape.
func (s *shpReader) readShape() (orb.Geometry, error) {
	var rh [8]byte
	if _, err := io.ReadFull(s.shp, rh[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("the .shp is truncated at shape %d: %w", s.n+1, err)
	}
	size := int64(binary.BigEndian.Uint32(rh[4:])) * 2
	if size < 4 || size > s.maxRecord {
		return nil, fmt.Errorf("shape %d: a record of %d bytes is not valid (the .shp is damaged, or the shape larger than %s)", s.n+1, size, byteSize(s.maxRecord))
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(s.shp, buf); err != nil {
		return nil, fmt.Errorf("the .shp is truncated in shape %d: %w", s.n+1, err)
	}
	return decodeShape(buf, s.maxCoords)
}

// decodeShape decodes a shape record's content (type, then the shape).
func decodeShape(b []byte, maxCoords int) (orb.Geometry, error) {
	le := binary.LittleEndian
	bad := func(format string, a ...any) error { return &shapeError{msg: fmt.Sprintf(format, a...)} }
	typ := le.Uint32(b)
	b = b[4:]
	pt := func(b []byte) orb.Point {
		return orb.Point{math.Float64frombits(le.Uint64(b)), math.Float64frombits(le.Uint64(b[8:]))}
	}
	switch typ {
	case shpNull:
		return nil, nil
	case shpPoint, shpPointZ, shpPointM:
		if len(b) < 16 {
			return nil, bad("a point record is truncated")
		}
		return checkFinite(pt(b))
	case shpMultiPoint, shpMultiPointZ, shpMultiPointM:
		if len(b) < 36 {
			return nil, bad("a multipoint record is truncated")
		}
		n := int(le.Uint32(b[32:]))
		if n < 0 || n > maxCoords || 36+16*n > len(b) {
			return nil, bad("a multipoint has %d points, more than its record holds", n)
		}
		mp := make(orb.MultiPoint, n)
		for i := range mp {
			mp[i] = pt(b[36+16*i:])
		}
		return checkFinite(mp)
	case shpPolyLine, shpPolyLineZ, shpPolyLineM, shpPolygon, shpPolygonZ, shpPolygonM:
		if len(b) < 40 {
			return nil, bad("a record is truncated")
		}
		np, nv := int(le.Uint32(b[32:])), int(le.Uint32(b[36:]))
		if np <= 0 || nv <= 0 || nv > maxCoords || np > nv || 40+4*np+16*nv > len(b) {
			return nil, bad("a shape with %d parts and %d points does not fit its record (damaged file?)", np, nv)
		}
		parts := make([]orb.LineString, np)
		for i := range parts {
			start := int(le.Uint32(b[40+4*i:]))
			end := nv
			if i+1 < np {
				end = int(le.Uint32(b[40+4*(i+1):]))
			}
			if start < 0 || end > nv || start >= end {
				return nil, bad("part %d of the shape has invalid point offsets", i+1)
			}
			off := 40 + 4*np
			ls := make(orb.LineString, end-start)
			for j := range ls {
				ls[j] = pt(b[off+16*(start+j):])
			}
			parts[i] = ls
		}
		if typ == shpPolyLine || typ == shpPolyLineZ || typ == shpPolyLineM {
			if len(parts) == 1 {
				return checkFinite(parts[0])
			}
			return checkFinite(orb.MultiLineString(parts))
		}
		return checkFinite(shpPolygonOf(parts))
	}
	return nil, bad("shape type %d is not supported (points, lines, polygons and multipoints are)", typ)
}

func checkFinite(g orb.Geometry) (orb.Geometry, error) {
	bad := false
	forEachPoint(g, func(p orb.Point) {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			bad = true
		}
	})
	if bad {
		return nil, &shapeError{msg: "the shape has a coordinate that is not a number"}
	}
	return g, nil
}

// forEachPoint calls fn for every point of g.
func forEachPoint(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.LineString:
		for _, p := range g {
			fn(p)
		}
	case orb.MultiLineString:
		for _, l := range g {
			forEachPoint(l, fn)
		}
	case orb.Ring:
		for _, p := range g {
			fn(p)
		}
	case orb.Polygon:
		for _, r := range g {
			forEachPoint(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			forEachPoint(p, fn)
		}
	}
}

// shpPolygonOf groups a polygon shape's rings: clockwise rings are shells,
// counter-clockwise ones holes of the shell that contains them. Rings come
// out the GeoJSON way round (shells counter-clockwise, holes clockwise).
func shpPolygonOf(parts []orb.LineString) orb.Geometry {
	var polys orb.MultiPolygon
	var holes []orb.Ring
	for _, p := range parts {
		r := orb.Ring(p)
		if ringArea(r) <= 0 { // clockwise: a shell
			polys = append(polys, orb.Polygon{reverseRing(r)})
		} else {
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		placed := false
		for i := range polys {
			if len(h) > 0 && pointInRing(h[0], polys[i][0]) {
				polys[i] = append(polys[i], reverseRing(h))
				placed = true
				break
			}
		}
		if !placed { // a lone counter-clockwise ring: a shell written the other way round
			polys = append(polys, orb.Polygon{h})
		}
	}
	if len(polys) == 1 {
		return polys[0]
	}
	return polys
}

// ringArea is the signed area (positive: counter-clockwise).
func ringArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

func reverseRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// pointInRing is the even-odd test.
func pointInRing(p orb.Point, r orb.Ring) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

package importers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"minqing/layers"
)

// progressEvery is how often (in records) the clock is checked for progress.
const progressEvery = 1024

// Store is what an import needs of a store: the features already there
// (the communities to assign points to, the keys an upsert will match) and
// one Write. Every layers.Source is one.
type Store interface {
	layers.FeatureStreamer
	layers.Writer
}

// Import reads r in opts.Format and writes its valid records to layer l of
// src in one Source.Write (nothing, with opts.DryRun). cat is used to find
// the communities layer for point-in-polygon assignment (nil: none).
//
// src may be nil for a dry run (no community assignment, no check of the
// keys already stored); a nil src always means a dry run.
//
// It always returns a report. The error wraps ErrRejected when records were
// rejected or the file could not be read (nothing written); any other error
// comes from the options, the store or the context.
func Import(ctx context.Context, src Store, cat *layers.Catalog, l *layers.Layer, r io.Reader, opts Options) (*Report, error) {
	start := time.Now()
	opts.defaults()
	if src == nil {
		opts.DryRun = true
	}
	rep := newReport(opts.MaxProblems)
	rep.Layer, rep.Format, rep.CRS, rep.Mode, rep.DryRun = l.Name, opts.Format, string(opts.CRS), string(opts.Mode), opts.DryRun
	finish := func(err error) (*Report, error) {
		rep.Duration = time.Since(start)
		rep.Seconds = rep.Duration.Seconds()
		if rep.Seconds > 0 {
			rep.RowsPerS = float64(rep.Read) / rep.Seconds
		}
		if err != nil && rep.Failure == "" {
			rep.Failure = err.Error()
		}
		return rep, err
	}
	reject := func(err error) (*Report, error) {
		rep.Failure = err.Error()
		rep.addError(Problem{Reason: err.Error()})
		return finish(fmt.Errorf("%w: %w", ErrRejected, err))
	}

	res, err := newResolver(l, opts.Mapping)
	if err != nil {
		return finish(err)
	}
	if err := CheckEncoding(opts.Encoding); err != nil {
		return finish(err)
	}
	switch opts.Format {
	case CSV, GeoJSON, KML, XLSX, Shapefile, KMZ, GeoPackage, Zip:
	default:
		return finish(fmt.Errorf("importers: unknown format %q (use geojson, csv, kml, xlsx, shapefile, kmz or gpkg)", opts.Format))
	}
	in, err := openInput(r, &opts, res, rep)
	if err != nil {
		return reject(err)
	}
	defer in.close()
	rr, header, sheet, cnt := in.rr, in.header, in.sheet, in.cnt

	var comm *communityIndex
	if _, ok := l.Field("community"); ok && l.Geometry == "Point" {
		if comm, err = loadCommunities(ctx, src, cat); err != nil {
			return finish(err)
		}
	}
	conv := newConverter(l, res, &opts, comm, rep)
	if opts.Mode == layers.Insert {
		if err := conv.loadExistingKeys(ctx, src); err != nil {
			return finish(fmt.Errorf("importers: read existing keys of %s: %w", l.Name, err))
		}
	}
	fr := &featureReader{ctx: ctx, rr: rr, conv: conv, rep: rep, opts: &opts, cnt: cnt, start: start, sheet: sheet,
		rejects: newRejectWriter(opts.Rejects, opts.Format, header)}
	if !opts.SkipInvalid {
		fr.rejects = nil
	}
	defer fr.stop()

	if opts.DryRun {
		for {
			if _, err = fr.Next(); err != nil {
				break
			}
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
	} else {
		var wr layers.WriteResult
		wr, err = src.Write(ctx, l, layers.WriteOptions{Mode: opts.Mode, Checked: true}, fr)
		if err == nil {
			rep.Written = true
			rep.Inserted, rep.Updated, rep.Deleted = wr.Inserted, wr.Updated, wr.Deleted
		}
	}
	fr.stop()
	fr.progress(true)
	if cerr := fr.closeRejects(); cerr != nil && err == nil {
		err = fmt.Errorf("importers: rejects file: %w", cerr)
	}
	if err != nil && fr.fatal != nil && !errors.Is(err, ErrRejected) {
		// The store wrapped (or replaced) the reader's error: report the reader's.
		err = fr.fatal
	}
	return finish(err)
}

// checkCSVHeader makes sure a CSV has coordinate columns.
func checkCSVHeader(header []string, res *resolver) string {
	var lon, lat, wkt bool
	for _, h := range header {
		switch res.resolve(h).kind {
		case tLon:
			lon = true
		case tLat:
			lat = true
		case tWKT:
			wkt = true
		}
	}
	if wkt || (lon && lat) {
		return ""
	}
	return fmt.Sprintf("the CSV has no coordinate columns: name them 经度 and 纬度 (lon, lat) or wkt, or map yours with --mapping (its columns: %s)", shorten(joinHeader(header)))
}

func joinHeader(h []string) string {
	s := ""
	for i, c := range h {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}

// featureReader is the layers.FeatureReader handed to Source.Write: it yields
// valid features, records the rest, and at the end of the file returns an
// error (so the store rolls back) when anything was rejected and
// SkipInvalid is false.
type featureReader struct {
	ctx     context.Context
	rr      recordReader
	conv    *converter
	rep     *Report
	opts    *Options
	cnt     *counter
	rejects rejectWriter
	start   time.Time
	lastP   time.Time
	sheet   string // XLSX: the sheet, named in every problem
	fatal   error  // set when the reader stopped the import
	done    bool
	// pl reads and prepares records ahead on other goroutines (started by
	// the first Next when there is more than one core).
	pl *convPipeline
}

// stop ends the read-ahead: the record reader is not called again.
func (fr *featureReader) stop() {
	if fr.pl != nil {
		fr.pl.close()
	}
}

// nextRecord returns the next record and, when read ahead, its prepared
// conversion.
func (fr *featureReader) nextRecord() (*record, *converted, error) {
	if fr.pl == nil && runtime.GOMAXPROCS(0) > 1 {
		fr.pl = startConvPipeline(fr.rr, fr.conv, fr.cnt)
	}
	if fr.pl != nil {
		return fr.pl.next()
	}
	rec, err := fr.rr.next()
	return rec, nil, err
}

// Next implements layers.FeatureReader.
func (fr *featureReader) Next() (*layers.Feature, error) {
	if fr.done {
		return nil, fr.end()
	}
	for {
		if err := fr.ctx.Err(); err != nil {
			return nil, err
		}
		rec, cv, err := fr.nextRecord()
		if err == io.EOF { //nolint:errorlint // readers return io.EOF itself at the normal end

			fr.done = true
			return nil, fr.end()
		}
		if err != nil {
			fr.done = true
			if errors.Is(err, io.EOF) { // an end of file inside a record is no normal end
				err = fmt.Errorf("the file ends in the middle of a record (truncated?): %s", err.Error())
			}
			msg := err.Error()
			fr.rep.addError(Problem{Reason: msg})
			fr.fatal = fmt.Errorf("%w: %w", ErrRejected, err)
			fr.rep.Failure = msg
			return nil, fr.fatal
		}
		fr.rep.Read++
		if fr.rep.Read%progressEvery == 0 {
			fr.progress(false)
		}
		var f *layers.Feature
		var probs, warns []Problem
		if cv != nil {
			f, probs, warns = fr.conv.finish(cv)
		} else {
			f, probs, warns = fr.conv.convert(rec)
		}
		if fr.sheet != "" {
			for i := range probs {
				probs[i].Sheet = fr.sheet
			}
			for i := range warns {
				warns[i].Sheet = fr.sheet
			}
		}
		for _, w := range warns {
			fr.rep.addWarning(w)
		}
		if len(probs) > 0 {
			fr.rep.Rejected++
			for _, p := range probs {
				fr.rep.addError(p)
			}
			if fr.rejects != nil {
				if err := fr.rejects.write(rec, probs); err != nil {
					fr.fatal = fmt.Errorf("importers: rejects file: %w", err)
					return nil, fr.fatal
				}
			}
			continue
		}
		fr.rep.Valid++
		return f, nil
	}
}

// end decides what the end of the input means.
func (fr *featureReader) end() error {
	switch {
	case fr.fatal != nil:
		return fr.fatal
	case fr.rep.Rejected > 0 && !fr.opts.SkipInvalid:
		fr.fatal = fmt.Errorf("%w: %d of %d rows have errors; nothing was written (fix them, or use --skip-invalid to load the %d good rows)",
			ErrRejected, fr.rep.Rejected, fr.rep.Read, fr.rep.Valid)
		fr.rep.Failure = fmt.Sprintf("%d of %d rows have errors; nothing was written", fr.rep.Rejected, fr.rep.Read)
		return fr.fatal
	case fr.opts.Mode == layers.Replace && fr.rep.Valid == 0 && !fr.opts.DryRun:
		fr.fatal = fmt.Errorf("%w: the file has no valid rows; replacing would empty the layer, so nothing was changed", ErrRejected)
		fr.rep.Failure = "the file has no valid rows; replacing would empty the layer, so nothing was changed"
		return fr.fatal
	}
	return io.EOF
}

func (fr *featureReader) progress(done bool) {
	if fr.opts.Progress == nil {
		return
	}
	now := time.Now()
	if !done && now.Sub(fr.lastP) < 200*time.Millisecond {
		return
	}
	fr.lastP = now
	bytes := fr.cnt.n
	if fr.pl != nil && !done { // the reader goroutine counts: take its count at the batch
		bytes = fr.pl.bytes
	}
	fr.opts.Progress(Progress{Rows: fr.rep.Read, Bytes: bytes, Size: fr.opts.Size, Elapsed: now.Sub(fr.start), Done: done})
}

func (fr *featureReader) closeRejects() error {
	if fr.rejects == nil {
		return nil
	}
	return fr.rejects.close()
}

// input is an opened file: its records, ready to convert.
type input struct {
	rr     recordReader
	header []string // the columns (CSV, XLSX, Shapefile, GeoPackage), for rejects and previews
	sheet  string
	cnt    *counter
	close  func()
}

// openInput detects the format (by content for zip and SQLite files), opens
// the reader and fills the report's format, encoding, CRS, sheet and table.
// opts.Format and opts.CRS are updated to what the file says.
func openInput(r io.Reader, opts *Options, res *resolver, rep *Report) (*input, error) {
	in := &input{close: func() {}}
	r, opts.Format = sniffInput(r, opts.Format)
	rep.Format = opts.Format
	in.cnt = &counter{r: r}
	if isBinary(opts.Format) {
		bin, err := openBinary(r, in.cnt, opts, res)
		if err != nil {
			return nil, err
		}
		in.close = bin.close
		in.rr, in.header, in.sheet = bin.rr, bin.header, bin.sheet
		opts.Format, rep.Format, rep.Encoding, rep.Sheet, rep.Table = bin.format, bin.format, bin.encoding, bin.sheet, bin.table
		if bin.crs != "" { // the file's own coordinate system wins
			opts.CRS, rep.CRS = bin.crs, string(bin.crs)
		}
		for _, w := range bin.warnings {
			rep.addWarning(w)
		}
		if opts.Format == XLSX {
			if msg := checkCSVHeader(in.header, res); msg != "" {
				in.close()
				return nil, fmt.Errorf("sheet %s: %s", in.sheet, strings.Replace(msg, "the CSV has", "the sheet has", 1))
			}
		}
		return in, nil
	}
	dec, err := decodeInput(in.cnt, opts.Encoding, opts.Format)
	if err != nil {
		return nil, err
	}
	rep.Encoding = dec.name
	switch opts.Format {
	case CSV:
		cr, err := newCSVReader(dec.r, opts.MaxRecordBytes)
		if err != nil {
			return nil, err
		}
		if msg := checkCSVHeader(cr.header, res); msg != "" {
			return nil, errors.New(msg)
		}
		in.rr, in.header = cr, cr.header
	case GeoJSON:
		in.rr = newGeoJSONReader(dec.r, opts.MaxRecordBytes, opts.MaxCoordinates)
	case KML:
		in.rr = newKMLReader(dec.r, !dec.xmlDeclared, opts.MaxRecordBytes, opts.MaxCoordinates)
	default:
		return nil, fmt.Errorf("importers: unknown format %q (use geojson, csv, kml, xlsx, shapefile, kmz or gpkg)", opts.Format)
	}
	return in, nil
}

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/geo"
	"minqing/importers"
	"minqing/layers"
)

// importFlags are the flags of `minqing import`.
type importFlags struct {
	store       storeFlags
	layer       string
	format      string
	sheet       string
	table       string
	crs         string
	encoding    string
	mapping     string
	mode        string
	dryRun      bool
	skipInvalid bool
	rejects     string
	repair      bool
	region      string
	source      string
	asJSON      bool
	progress    bool
}

func (f *importFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&f.layer, "layer", "", "the layer to load (required): patches, communities, streets, demolitions, greening, service_points, incidents, care_targets")
	fs.StringVar(&f.format, "format", "", "geojson, csv, kml, xlsx, shapefile (a .zip), kmz or gpkg (default: from the file's extension; zip and SQLite files are recognised by their contents)")
	fs.StringVar(&f.sheet, "sheet", "", "xlsx: the worksheet, by name or number (default: the first with a header row)")
	fs.StringVar(&f.table, "table", "", "gpkg: the feature table; zip: the .shp, when the file holds several (default: the only one)")
	fs.StringVar(&f.crs, "crs", "wgs84", "the file's coordinates: wgs84, cgcs2000 (天地图), gcj02 (高德, 腾讯) or bd09 (百度); a Shapefile's .prj or a GeoPackage's SRS wins over it")
	fs.StringVar(&f.encoding, "encoding", "auto", "utf-8, gbk, gb18030 or auto (a byte-order mark; else UTF-8 if the start is valid UTF-8; else GB18030). A Shapefile's .cpg wins over it; without one, auto reads the .dbf as GBK or UTF-8 only when that is unambiguous")
	fs.StringVar(&f.mapping, "mapping", "", "a file naming what other columns mean: JSON or 源列=字段 lines")
	fs.StringVar(&f.mode, "mode", "insert", "insert, upsert (match the layer's key, e.g. 工单编号 for incidents) or replace (empty the layer first)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "check the file and report; write nothing")
	fs.BoolVar(&f.skipInvalid, "skip-invalid", false, "load the valid rows even if some are rejected; the rejected ones go to --rejects")
	fs.StringVar(&f.rejects, "rejects", "", "with --skip-invalid, where rejected rows go (default: next to FILE, as FILE.rejects.csv or .rejects.geojson)")
	fs.BoolVar(&f.repair, "repair", true, "close rings, drop repeated points and fix ring orientation; false rejects such polygons")
	fs.StringVar(&f.region, "region", "", `minLon,minLat,maxLon,maxLat every coordinate must lie in (default Beijing 115.4,39.4,117.6,41.1; "none": no check)`)
	fs.StringVar(&f.source, "default-source", "12345", "the source of incidents whose file does not give one")
	fs.BoolVar(&f.asJSON, "json", false, "print the whole report as JSON")
	fs.BoolVar(&f.progress, "progress", true, "show progress on stderr")
}

// runImport is `minqing import`: exit 0 when the file was written (or, with
// --dry-run, is valid), 1 when rows were rejected or the import failed
// (nothing written), 2 for a usage mistake.
func runImport(ctx context.Context, env Env, args []string) error {
	fs := newFlags("import", env)
	var f importFlags
	f.store.register(fs, env)
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: minqing import --layer LAYER [flags] FILE|-\n\nLoads a GeoJSON, CSV, KML, XLSX, zipped Shapefile, KMZ or GeoPackage file into a layer in one transaction: every bad row is\nreported, and nothing is written unless every row is valid (or --skip-invalid).\n\nFlags:")
		fs.PrintDefaults()
	}
	// Flags may come before or after the file name.
	var files []string
	for rest := args; ; {
		if err := parse(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		return usageError{"give one file to import (or - for standard input)"}
	}
	file := files[0]
	opts, err := f.options(file)
	if err != nil {
		return err
	}
	cat := fengtai.Catalog()
	l, ok := cat.Lookup(f.layer)
	if f.layer == "" || !ok {
		return usageError{fmt.Sprintf("--layer %q: give one of %s", f.layer, strings.Join(cat.Names(layers.Admin), ", "))}
	}

	if f.mapping != "" {
		mf, err := os.Open(f.mapping)
		if err != nil {
			return usageError{fmt.Sprintf("--mapping: %v", err)}
		}
		opts.Mapping, err = importers.ParseMapping(mf)
		mf.Close()
		if err != nil {
			return usageError{fmt.Sprintf("--mapping %s: %s", f.mapping, strings.TrimPrefix(err.Error(), "importers: "))}
		}
	}

	var in io.Reader = env.Stdin
	if file != "-" {
		fh, err := os.Open(file)
		if err != nil {
			return err
		}
		defer fh.Close()
		if st, err := fh.Stat(); err == nil {
			opts.Size = st.Size()
		}
		in = fh
	} else if in == nil {
		in = os.Stdin
	}
	var rejects *lazyFile
	if f.skipInvalid {
		path := f.rejects
		if path == "" && file != "-" {
			ext := ".rejects.csv"
			if opts.Format == importers.GeoJSON {
				ext = ".rejects.geojson"
			}
			path = strings.TrimSuffix(file, filepath.Ext(file)) + ext
		}
		if path != "" {
			rejects = &lazyFile{path: path}
			opts.Rejects = rejects
		}
	}
	if f.progress {
		opts.Progress = importers.ProgressPrinter(env.Stderr, isTerminal(env.Stderr), 5*time.Second)
	}

	src, _, err := openStore(ctx, f.store, cat)
	if err != nil {
		return err
	}
	defer src.Close()
	rep, ierr := importers.Import(ctx, src, cat, l, in, opts)
	if rejects != nil {
		if err := rejects.Close(); err != nil && ierr == nil {
			ierr = fmt.Errorf("rejects file: %w", err)
		}
	}
	if f.asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		if err := rep.Summary(env.Stdout, 50); err != nil {
			return err
		}
		if rejects != nil && rejects.f != nil {
			fmt.Fprintf(env.Stdout, "  rejected rows written to %s\n", rejects.path)
		}
	}
	if ierr != nil {
		if errors.Is(ierr, importers.ErrRejected) {
			return errors.New(strings.TrimPrefix(ierr.Error(), importers.ErrRejected.Error()+": "))
		}
		return ierr
	}
	return nil
}

// options turns the flags into importer options.
func (f *importFlags) options(file string) (importers.Options, error) {
	var opts importers.Options
	var err error
	if f.format != "" {
		opts.Format, err = importers.ParseFormat(f.format)
	} else if file == "-" {
		err = errors.New("reading standard input: give --format geojson, csv, kml, xlsx, shapefile, kmz or gpkg")
	} else {
		opts.Format, err = importers.FormatFromName(file)
	}
	if err != nil {
		return opts, usageError{strings.TrimPrefix(err.Error(), "importers: ")}
	}
	if opts.CRS, err = geo.ParseCRS(f.crs); err != nil {
		return opts, usageError{"--crs: " + strings.TrimPrefix(err.Error(), "geo: ")}
	}
	if opts.Mode, err = importers.ParseMode(f.mode); err != nil {
		return opts, usageError{"--mode: " + strings.TrimPrefix(err.Error(), "importers: ")}
	}
	if err := importers.CheckEncoding(f.encoding); err != nil {
		return opts, usageError{fmt.Sprintf("--encoding %q: use utf-8, gbk, gb18030 or auto", f.encoding)}
	}
	opts.Encoding = f.encoding
	opts.Sheet, opts.Table = f.sheet, f.table
	if f.region != "" {
		b, err := parseRegion(f.region)
		if err != nil {
			return opts, err
		}
		opts.Region = &b
	}
	if f.rejects != "" && !f.skipInvalid {
		return opts, usageError{"--rejects goes with --skip-invalid (without it nothing is written when a row is rejected)"}
	}
	opts.DryRun, opts.SkipInvalid, opts.NoRepair, opts.DefaultSource = f.dryRun, f.skipInvalid, !f.repair, f.source
	return opts, nil
}

// parseRegion reads "minLon,minLat,maxLon,maxLat" or "none".
func parseRegion(s string) (orb.Bound, error) {
	if strings.EqualFold(s, "none") {
		return orb.Bound{}, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return orb.Bound{}, usageError{"--region: give minLon,minLat,maxLon,maxLat or none"}
	}
	var v [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return orb.Bound{}, usageError{fmt.Sprintf("--region: %q is not a number", p)}
		}
		v[i] = x
	}
	if v[0] >= v[2] || v[1] >= v[3] {
		return orb.Bound{}, usageError{"--region: the minimum must be below the maximum (minLon,minLat,maxLon,maxLat)"}
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// lazyFile creates its file on the first write, so that an import without
// rejected rows leaves no empty rejects file behind.
type lazyFile struct {
	path string
	f    *os.File
}

func (l *lazyFile) Write(p []byte) (int, error) {
	if l.f == nil {
		f, err := os.Create(l.path)
		if err != nil {
			return 0, err
		}
		l.f = f
	}
	return l.f.Write(p)
}

// Close closes the file if it was created.
func (l *lazyFile) Close() error {
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

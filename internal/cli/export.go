package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"minqing/deploy/fengtai"
	"minqing/export"
	"minqing/layers"
	"minqing/query/selection"
)

// exportOptions are the flags of "minqing export".
type exportOptions struct {
	store      storeFlags
	layer      string
	format     string
	role       string
	out        string
	bbox       string
	datetime   string
	filter     string
	properties string
	headers    string
	lang       string
	where      multiFlag
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ", ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runExport(ctx context.Context, env Env, args []string) error {
	var o exportOptions
	fs := newFlags("export", env)
	o.store.register(fs, env)
	fs.StringVar(&o.layer, "layer", "", "the layer to export (required), e.g. incidents")
	fs.StringVar(&o.format, "format", "geojson", "geojson, csv or kml")
	fs.StringVar(&o.role, "role", "public", "whose view to export: public (public layers and properties only) or staff")
	fs.StringVar(&o.out, "o", "", "write to this file (written whole or not at all); default: standard output")
	fs.StringVar(&o.bbox, "bbox", "", "only features intersecting minLon,minLat,maxLon,maxLat (WGS 84)")
	fs.StringVar(&o.datetime, "datetime", "", "an instant or interval on the layer's time field: 2026-03-05, 2026-01-01/.., ../2026-03-31T23:59:59+08:00")
	fs.StringVar(&o.filter, "filter", "", "a CQL2-text filter, e.g. \"category IN ('停电','漏水') AND satisfied = FALSE\"")
	fs.StringVar(&o.properties, "properties", "", "only these properties, comma-separated (default: all the role may see)")
	fs.StringVar(&o.headers, "headers", "", "CSV header row: zh (Chinese titles, default), en (English titles) or name (machine names)")
	fs.StringVar(&o.lang, "lang", "", "language of the values: zh (是/否, 已关闭) or en; default: the headers' language for CSV, zh for KML, stored values for GeoJSON")
	fs.Var(&o.where, "where", "an equality filter PROPERTY=VALUE[,VALUE…] (repeatable), e.g. --where status=resolved")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: minqing export --layer NAME [--format geojson|csv|kml] [filters] [-o FILE]\n\nExports a layer as the HTTP API's /export/{layer}.{format} does, with the same filters.\nCSV: UTF-8 with BOM; id, the properties, then lon,lat (point layers) or wkt.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if o.layer == "" {
		return usageError{"--layer is required (e.g. --layer incidents)"}
	}
	format, err := export.ParseFormat(o.format)
	if err != nil {
		return usageError{fmt.Sprintf("--format %q: use geojson, csv or kml", o.format)}
	}
	role, err := layers.ParseRole(o.role)
	if err != nil {
		return usageError{fmt.Sprintf("--role %q: use public or staff", o.role)}
	}
	cat := fengtai.Catalog()
	l, err := cat.Get(o.layer, role)
	if err != nil {
		return usageError{fmt.Sprintf("--layer %q: no such layer for role %s (layers: %s)", o.layer, role, strings.Join(cat.Names(role), ", "))}
	}
	q, opts, err := o.selection(l, role, format)
	if err != nil {
		return err
	}
	src, _, err := openStore(ctx, o.store, cat)
	if err != nil {
		return err
	}
	defer src.Close()
	if o.out == "" {
		n, err := export.Write(ctx, src, l, q, format, env.Stdout, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "exported %d features of %s\n", n, l.Name)
		return nil
	}
	n, err := writeFileAtomic(o.out, func(w io.Writer) (int64, error) {
		return export.Write(ctx, src, l, q, format, w, opts)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "exported %d features of %s to %s\n", n, l.Name, o.out)
	return nil
}

// selection reads the filter flags with the grammar of the HTTP export
// (package selection), wording each refusal as the flag that caused it.
func (o exportOptions) selection(l *layers.Layer, role layers.Role, f export.Format) (layers.Query, export.Options, error) {
	q := layers.Query{Role: role}
	var opts export.Options
	var err error
	if o.headers != "" && f != export.CSV {
		return q, opts, usageError{"--headers applies to --format csv only"}
	}
	if opts.Headers, err = selection.Headers(o.headers); err != nil {
		return q, opts, flagError("--headers", err)
	}
	if opts.Lang, err = export.ParseLang(o.lang, f, opts.Headers); err != nil {
		return q, opts, usageError{"--lang must be zh (values in Chinese: 是/否, 已关闭) or en (yes/no, Closed)"}
	}
	if q.BBox, err = selection.BBox(o.bbox); err != nil {
		return q, opts, flagError("--bbox", err)
	}
	if q.Time, err = selection.LayerDatetime(o.datetime, l); err != nil {
		return q, opts, flagError("--datetime", err)
	}
	if o.filter != "" {
		if q.Filter, err = selection.Filter(o.filter, l, role); err != nil {
			return q, opts, flagError("--filter", err)
		}
	}
	if o.properties != "" {
		if q.Properties, err = selection.Properties(o.properties, l, role); err != nil {
			return q, opts, flagError("--properties", err)
		}
	}
	where := map[string][]string{}
	for _, w := range o.where {
		k, val, ok := strings.Cut(w, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return q, opts, usageError{fmt.Sprintf("--where %q: use PROPERTY=VALUE", w)}
		}
		k = strings.TrimSpace(k)
		where[k] = append(where[k], val)
	}
	if q.Equal, err = selection.Where(where, l, role); err != nil {
		var inv *layers.InvalidError
		if errors.As(err, &inv) {
			return q, opts, flagError("--where "+inv.Param, err)
		}
		return q, opts, err
	}
	return q, opts, nil
}

// flagError words a refusal of the selection grammar as a refusal of flag.
func flagError(flag string, err error) error {
	var inv *layers.InvalidError
	if !errors.As(err, &inv) {
		return err
	}
	return usageError{fmt.Sprintf("%s: %s", flag, inv.Message)}
}

// writeFileAtomic writes a file through a temporary file in the same
// directory, renamed into place only when write succeeds: a failed export
// leaves no half-written file.
func writeFileAtomic(path string, write func(io.Writer) (int64, error)) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	n, err := write(tmp)
	if err != nil {
		tmp.Close()
		return n, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return n, fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

var _ flag.Value = (*multiFlag)(nil)

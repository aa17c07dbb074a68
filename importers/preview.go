package importers

import (
	"context"
	"errors"
	"io"

	"minqing/layers"
)

// Preview is what the first rows of a file look like and how its columns
// map onto a layer, for the import page's check before a dry run.
type Preview struct {
	Layer    string          `json:"layer"`
	Format   Format          `json:"format"`
	Encoding string          `json:"encoding"`
	CRS      string          `json:"crs"`
	Sheet    string          `json:"sheet,omitempty"`
	Table    string          `json:"table,omitempty"`
	Columns  []PreviewColumn `json:"columns"`
	Rows     []PreviewRow    `json:"rows"`
	More     bool            `json:"more"` // the file has rows beyond these
	Warnings []Problem       `json:"warnings"`
}

// PreviewColumn is one column of the file and the field it fills.
type PreviewColumn struct {
	Column string `json:"column"`
	// Field is the layer field (or lon, lat, wkt, contact_name,
	// contact_phone, resolved); "" when the column is not imported.
	Field   string `json:"field"`
	Ignored bool   `json:"ignored,omitempty"` // known and deliberately dropped (id, fid …)
}

// PreviewRow is one record: its values by column, and its problems.
type PreviewRow struct {
	Row      int64             `json:"row"`
	Values   map[string]string `json:"values"`
	Geometry string            `json:"geometry,omitempty"` // the geometry type read, if the format has one
	Errors   []Problem         `json:"errors"`
}

// PreviewFile reads up to n records of r as Import would (same detection,
// mapping and checks, without the store: no community assignment and no
// check of stored keys) and returns them with the column mapping. The error
// wraps ErrRejected when the file cannot be read at all.
func PreviewFile(ctx context.Context, l *layers.Layer, r io.Reader, opts Options, n int) (*Preview, error) {
	opts.defaults()
	opts.DryRun = true
	rep := newReport(opts.MaxProblems)
	rep.CRS = string(opts.CRS)
	res, err := newResolver(l, opts.Mapping)
	if err != nil {
		return nil, err
	}
	if err := CheckEncoding(opts.Encoding); err != nil {
		return nil, err
	}
	in, err := openInput(r, &opts, res, rep)
	if err != nil {
		return nil, errors.Join(ErrRejected, err)
	}
	defer in.close()
	p := &Preview{Layer: l.Name, Format: rep.Format, Encoding: rep.Encoding, CRS: rep.CRS, Sheet: rep.Sheet, Table: rep.Table,
		Rows: []PreviewRow{}}
	seen := map[string]bool{}
	addColumn := func(c string) {
		if c == "" || seen[c] {
			return
		}
		seen[c] = true
		t := res.resolve(c)
		p.Columns = append(p.Columns, PreviewColumn{Column: c, Field: t.name(), Ignored: t.kind == tIgnore})
	}
	for _, c := range in.header {
		addColumn(c)
	}
	conv := newConverter(l, res, &opts, nil, rep)
	for len(p.Rows) <= n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := in.rr.next()
		if err == io.EOF { //nolint:errorlint // readers return io.EOF itself at the normal end
			break
		}
		if err != nil {
			return nil, errors.Join(ErrRejected, err)
		}
		if len(p.Rows) == n {
			p.More = true
			break
		}
		row := PreviewRow{Row: rec.n, Values: make(map[string]string, len(rec.vals)), Errors: []Problem{}}
		for _, kv := range rec.vals {
			addColumn(kv.key)
			row.Values[kv.key] = shorten(kv.text())
		}
		if rec.geom != nil {
			row.Geometry = rec.geom.GeoJSONType()
		}
		_, probs, _ := conv.convert(rec)
		for i := range probs {
			probs[i].Sheet = in.sheet
		}
		row.Errors = append(row.Errors, probs...)
		p.Rows = append(p.Rows, row)
	}
	if p.Columns == nil {
		p.Columns = []PreviewColumn{}
	}
	p.Warnings = rep.Warnings
	return p, nil
}

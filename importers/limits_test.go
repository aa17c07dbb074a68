package importers_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"minqing/importers"
)

// limitInputs returns the same three incidents in each format, the second
// with a description of size bytes.
func limitInputs(size int) map[string]struct {
	format importers.Format
	in     string
	row    int64 // the row number the second record has in reports
} {
	long := strings.Repeat("长", size/3)
	rows := []string{"第一条", long, "第三条"}
	var csv, fc, nd, kml strings.Builder
	csv.WriteString("external_id,received_at,category,description,lon,lat\n")
	fc.WriteString(`{"type":"FeatureCollection","features":[`)
	kml.WriteString(kmlHead)
	for i, d := range rows {
		fmt.Fprintf(&csv, "T%d,2026/3/5,停电,%s,116.28,39.85\n", i, d)
		f := fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Point","coordinates":[116.28,39.85]},"properties":{"external_id":"T%d","received_at":"2026-03-05","category":"停电","description":%q}}`, i, d)
		if i > 0 {
			fc.WriteString(",")
		}
		fc.WriteString(f)
		nd.WriteString(f + "\n")
		fmt.Fprintf(&kml, `<Placemark><name>T%d</name><ExtendedData><Data name="received_at"><value>2026-03-05</value></Data><Data name="category"><value>停电</value></Data><Data name="description"><value>%s</value></Data></ExtendedData><Point><coordinates>116.28,39.85</coordinates></Point></Placemark>`, i, d)
	}
	fc.WriteString("]}")
	kml.WriteString(kmlTail)
	return map[string]struct {
		format importers.Format
		in     string
		row    int64
	}{
		"csv":     {importers.CSV, csv.String(), 3},
		"geojson": {importers.GeoJSON, fc.String(), 2},
		"ndjson":  {importers.GeoJSON, nd.String(), 2},
		"kml":     {importers.KML, kml.String(), 2},
	}
}

// TestFieldAndRowLimits: in every reader, a value over the field limit
// rejects its row, named by number (all or nothing, or set aside with
// skip-invalid), and a record over the row limit is set aside the same way
// in a CSV and ends the import naming it in GeoJSON and KML (whose next
// record cannot be found) — with the defaults (64 KiB, 1 MiB) as with
// smaller configured limits.
func TestFieldAndRowLimits(t *testing.T) {
	cases := []struct {
		name        string
		size        int
		opts        importers.Options
		rejected    int64
		skipInvalid bool
		fatal       string // a failure ending the import
	}{
		{name: "field over the default 64 KiB", size: 70 << 10, rejected: 1},
		{name: "field over the default, skip invalid", size: 70 << 10, rejected: 1, skipInvalid: true},
		{name: "field over a configured 1 KiB", size: 2 << 10, opts: importers.Options{MaxFieldBytes: 1 << 10}, rejected: 1},
		{name: "field within the limit", size: 60 << 10},
		{name: "row over the default 1 MiB", size: 2 << 20, fatal: "larger than 1 MiB"},
		{name: "row over a configured 16 KiB", size: 20 << 10, opts: importers.Options{MaxRecordBytes: 16 << 10}, fatal: "larger than 16 KiB"},
		{name: "row over the default, skip invalid", size: 2 << 20, fatal: "larger than 1 MiB", skipInvalid: true},
	}
	for _, tc := range cases {
		for name, in := range limitInputs(tc.size) {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				opts := tc.opts
				opts.Format, opts.DryRun, opts.SkipInvalid = in.format, true, tc.skipInvalid
				rep, err := importers.Import(testCtx(t), nil, nil, layer(t, "incidents"), bytes.NewReader([]byte(in.in)), opts)
				switch {
				case tc.fatal != "" && name == "csv":
					// A CSV row has an end: the oversized one is set aside
					// like any bad row and the rows after it are read.
					if tc.skipInvalid != (err == nil) {
						t.Fatalf("err = %v with skip_invalid %v", err, tc.skipInvalid)
					}
					if rep.Rejected != 1 || rep.Valid != 2 {
						t.Fatalf("valid %d, rejected %d; want 2 and 1 (errors %v)", rep.Valid, rep.Rejected, rep.Errors)
					}
					if e := rep.Errors[0]; e.Row != in.row || !strings.Contains(e.Reason, tc.fatal) {
						t.Errorf("error %+v; want row %d, %q", e, in.row, tc.fatal)
					}
				case tc.fatal != "":
					if !errors.Is(err, importers.ErrRejected) || !strings.Contains(rep.Failure, tc.fatal) {
						t.Fatalf("err %v, failure %q; want the import ended with %q", err, rep.Failure, tc.fatal)
					}
					if rep.Valid > 1 {
						t.Errorf("%d records read past the oversized one", rep.Valid)
					}
					if want := fmt.Sprint(in.row); name != "csv" && !strings.Contains(rep.Failure, want) {
						t.Errorf("failure %q does not name record %s", rep.Failure, want)
					}
				case tc.rejected > 0:
					if tc.skipInvalid != (err == nil) {
						t.Fatalf("err = %v with skip_invalid %v", err, tc.skipInvalid)
					}
					if rep.Rejected != 1 || rep.Valid != 2 {
						t.Fatalf("valid %d, rejected %d; want 2 and 1 (errors %v)", rep.Valid, rep.Rejected, rep.Errors)
					}
					e := rep.Errors[0]
					if e.Row != in.row || e.Field != "description" || !strings.Contains(e.Reason, "a field may hold") || len(e.Value) > 1024 {
						t.Errorf("error %+v (value %d bytes); want row %d, description, a field limit, a shortened value", e, len(e.Value), in.row)
					}
				default:
					if err != nil || rep.Valid != 3 {
						t.Fatalf("err %v, valid %d; want 3 valid (errors %v)", err, rep.Valid, rep.Errors)
					}
				}
			})
		}
	}
}

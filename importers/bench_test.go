package importers_test

import (
	"bytes"
	"io"
	"testing"

	"minqing/importers"
)

// BenchmarkImportCSV measures the importer alone (dry run: decoding,
// mapping, validation, no store) on 12345 work-order rows; it reports rows/s.
func BenchmarkImportCSV(b *testing.B) {
	const rows = 20000
	src := &rowSource{rows: rows}
	data, err := io.ReadAll(src)
	if err != nil {
		b.Fatal(err)
	}
	l := layer(b, "incidents")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := importers.Import(b.Context(), nil, nil, l, bytes.NewReader(data), importers.Options{Format: importers.CSV, DryRun: true, SkipInvalid: true})
		if err != nil || rep.Read != rows {
			b.Fatalf("%v, %d rows", err, rep.Read)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

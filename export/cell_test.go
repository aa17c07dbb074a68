package export

import (
	"strings"
	"testing"

	"minqing/layers"
)

// TestCellsAsHex checks that each format writes an H3 cell as H3 writes
// it, and never the integer a spreadsheet or a browser would round.
func TestCellsAsHex(t *testing.T) {
	l := testLayer(t, "incidents")
	f := incident(1)
	c := f.Props["h3"].(int64)
	want := layers.FormatCell(c)
	for _, format := range []Format{CSV, KML, GeoJSON} {
		t.Run(string(format), func(t *testing.T) {
			b := string(encodeAll(t, format, Options{Layer: l, Columns: l.VisibleFields(layers.Staff), Headers: HeadersName}, []*layers.Feature{f}))
			if !strings.Contains(b, want) {
				t.Errorf("no %q in:\n%s", want, b)
			}
			if strings.Contains(b, "644383430224494592") {
				t.Errorf("the cell is written as a number:\n%s", b)
			}
		})
	}
}

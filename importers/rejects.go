package importers

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb/encoding/wkt"
)

// rejectWriter copies rejected records to a side file.
type rejectWriter interface {
	write(rec *record, probs []Problem) error
	close() error
}

func newRejectWriter(w io.Writer, format Format, header []string) rejectWriter {
	if w == nil {
		return nil
	}
	switch format {
	case GeoJSON:
		return &geojsonRejects{w: bufio.NewWriter(w)}
	case KML, KMZ:
		return newCSVRejects(w, []string{"name", "description", "wkt", "data"})
	}
	return newCSVRejects(w, header)
}

func reasons(probs []Problem) string {
	parts := make([]string, len(probs))
	for i, p := range probs {
		p.Row = 0
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// csvRejects writes a UTF-8 CSV (with a byte-order mark, for Excel): the
// input's columns, then 行号 (row) and 错误原因 (reason).
type csvRejects struct {
	bw     *bufio.Writer
	cw     *csv.Writer
	header []string
	began  bool
}

func newCSVRejects(w io.Writer, header []string) *csvRejects {
	bw := bufio.NewWriter(w)
	return &csvRejects{bw: bw, cw: csv.NewWriter(bw), header: header}
}

func (r *csvRejects) write(rec *record, probs []Problem) error {
	if !r.began {
		r.began = true
		if _, err := r.bw.WriteString("\ufeff"); err != nil {
			return err
		}
		if err := r.cw.Write(append(append([]string{}, r.header...), "行号", "错误原因")); err != nil {
			return err
		}
	}
	var cells []string
	switch raw := rec.raw.(type) {
	case []string:
		cells = append(cells, raw...)
		for len(cells) < len(r.header) {
			cells = append(cells, "")
		}
	case *placemark:
		var w string
		if rec.geom != nil {
			w = wkt.MarshalString(rec.geom)
		}
		data := map[string]string{}
		for _, d := range raw.Data {
			data[d.Name] = d.Value
		}
		for _, d := range raw.SimpleData {
			data[d.Name] = d.Text
		}
		if raw.folder != "" {
			data["folder"] = raw.folder
		}
		b, _ := json.Marshal(data)
		cells = []string{raw.Name, raw.Description, w, string(b)}
	default:
		cells = make([]string, len(r.header))
	}
	return r.cw.Write(append(cells, strconv.FormatInt(rec.n, 10), reasons(probs)))
}

func (r *csvRejects) close() error {
	r.cw.Flush()
	if err := r.cw.Error(); err != nil {
		return err
	}
	return r.bw.Flush()
}

// geojsonRejects writes a FeatureCollection of the rejected features, each
// with _row and _reason properties added.
type geojsonRejects struct {
	w *bufio.Writer
	n int
}

func (r *geojsonRejects) write(rec *record, probs []Problem) error {
	var f map[string]any
	if raw, ok := rec.raw.([]byte); !ok || json.Unmarshal(raw, &f) != nil || f == nil {
		f = map[string]any{"type": "Feature", "geometry": nil}
	}
	props, _ := f["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
	}
	props["_row"] = rec.n
	props["_reason"] = reasons(probs)
	f["properties"] = props
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	sep := ",\n"
	if r.n == 0 {
		sep = `{"type":"FeatureCollection","features":[` + "\n"
	}
	r.n++
	if _, err := fmt.Fprintf(r.w, "%s%s", sep, b); err != nil {
		return err
	}
	return nil
}

func (r *geojsonRejects) close() error {
	if r.n == 0 { // nothing rejected: write nothing
		return nil
	}
	if _, err := r.w.WriteString("\n]}\n"); err != nil {
		return err
	}
	return r.w.Flush()
}

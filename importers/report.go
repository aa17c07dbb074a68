package importers

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrRejected is wrapped by the error Import returns when records were
// rejected (or the file could not be read to its end) and so nothing was
// written; the Report lists why.
var ErrRejected = errors.New("importers: rejected")

// Problem is one thing wrong (an error) or repaired (a warning) in one record.
type Problem struct {
	Sheet  string `json:"sheet,omitempty"`  // XLSX: the worksheet
	Row    int64  `json:"row"`              // CSV: line in the file; GeoJSON, KML: feature number; 0: the whole file
	Field  string `json:"field,omitempty"`  // the layer field (or "geometry", "lon", "lat" …)
	Column string `json:"column,omitempty"` // the file's column or property, when it differs from Field
	Value  string `json:"value,omitempty"`  // the offending value, shortened
	Reason string `json:"reason"`           // a sentence a person understands
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Sheet != "" {
		fmt.Fprintf(&b, "sheet %s ", p.Sheet)
	}
	if p.Row > 0 {
		fmt.Fprintf(&b, "row %d: ", p.Row)
	} else if p.Sheet != "" {
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		if p.Column != "" && p.Column != p.Field {
			fmt.Fprintf(&b, " (%s)", p.Column)
		}
		if p.Value != "" {
			fmt.Fprintf(&b, " %q", p.Value)
		}
		b.WriteString(": ")
	} else if p.Column != "" {
		fmt.Fprintf(&b, "column %s: ", p.Column)
	}
	b.WriteString(p.Reason)
	return b.String()
}

// Report is what an import did, JSON-serialisable for the HTTP API and
// `minqing import --json`.
type Report struct {
	Layer    string `json:"layer"`
	Format   Format `json:"format"`
	Encoding string `json:"encoding"`
	CRS      string `json:"crs"`
	Mode     string `json:"mode"`
	DryRun   bool   `json:"dry_run,omitempty"`
	Sheet    string `json:"sheet,omitempty"` // XLSX: the worksheet read
	Table    string `json:"table,omitempty"` // GeoPackage table, .shp or .kml read

	Read     int64 `json:"rows_read"`
	Valid    int64 `json:"valid"`
	Rejected int64 `json:"rejected"`
	Inserted int64 `json:"inserted"`
	Updated  int64 `json:"updated"`
	Deleted  int64 `json:"deleted"`
	Written  bool  `json:"written"` // a transaction was committed

	Errors          []Problem `json:"errors"`
	ErrorCount      int64     `json:"error_count"` // all errors, including those beyond the cap
	ErrorsTruncated bool      `json:"errors_truncated,omitempty"`
	Warnings        []Problem `json:"warnings"`
	WarningCount    int64     `json:"warning_count"`

	// Failure is why the import failed as a whole (a file that cannot be
	// read, rejected rows, a store error), or "".
	Failure string `json:"failure,omitempty"`

	Duration time.Duration `json:"-"`
	Seconds  float64       `json:"seconds"`
	RowsPerS float64       `json:"rows_per_second"`

	maxProblems int
}

func newReport(maxProblems int) *Report {
	return &Report{Errors: []Problem{}, Warnings: []Problem{}, maxProblems: maxProblems}
}

func (r *Report) addError(p Problem) {
	r.ErrorCount++
	if len(r.Errors) < r.maxProblems {
		r.Errors = append(r.Errors, p)
	} else {
		r.ErrorsTruncated = true
	}
}

func (r *Report) addWarning(p Problem) {
	r.WarningCount++
	if len(r.Warnings) < r.maxProblems {
		r.Warnings = append(r.Warnings, p)
	}
}

// Summary writes a short human summary: counts, then up to max errors and
// warnings (all when max < 0).
func (r *Report) Summary(w io.Writer, max int) error {
	var b strings.Builder
	verb := "written"
	switch {
	case r.DryRun:
		verb = "checked (dry run: nothing written)"
	case !r.Written:
		verb = "NOT written: nothing was changed"
	}
	from := string(r.Format)
	switch {
	case r.Sheet != "":
		from += " sheet " + r.Sheet
	case r.Table != "":
		from += " " + r.Table
	}
	fmt.Fprintf(&b, "%s ← %s (%s, %s, %s): %s\n", r.Layer, from, r.Encoding, r.CRS, r.Mode, verb)
	fmt.Fprintf(&b, "  rows read %d, valid %d, rejected %d", r.Read, r.Valid, r.Rejected)
	if r.Written {
		fmt.Fprintf(&b, "; inserted %d, updated %d, deleted %d", r.Inserted, r.Updated, r.Deleted)
	}
	fmt.Fprintf(&b, " in %.1fs\n", r.Seconds)
	if r.Failure != "" {
		fmt.Fprintf(&b, "  failure: %s\n", r.Failure)
	}
	list := func(title string, ps []Problem, total int64) {
		if total == 0 {
			return
		}
		fmt.Fprintf(&b, "  %s (%d):\n", title, total)
		n := len(ps)
		if max >= 0 && n > max {
			n = max
		}
		for _, p := range ps[:n] {
			fmt.Fprintf(&b, "    %s\n", p)
		}
		if int64(n) < total {
			fmt.Fprintf(&b, "    … and %d more (use --json for the full list)\n", total-int64(n))
		}
	}
	list("errors", r.Errors, r.ErrorCount)
	list("warnings", r.Warnings, r.WarningCount)
	_, err := io.WriteString(w, b.String())
	return err
}

// maxValueLen bounds the value quoted in a Problem.
const maxValueLen = 120

// shorten truncates a value for a report, on a rune boundary.
func shorten(s string) string {
	if len(s) <= maxValueLen {
		return s
	}
	cut := maxValueLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

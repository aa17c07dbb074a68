package importers

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"minqing/layers"
)

// headerSearchRows is how far down a sheet the header row is looked for
// (work-order exports put merged title rows above it).
const headerSearchRows = 30

// xlsxReader streams the rows of one worksheet with excelize's Rows
// iterator: the sheet's XML is read row by row (excelize unzips a large
// sheet to a temporary file rather than into memory).
type xlsxReader struct {
	rows     *excelize.Rows
	header   []string
	dates    []bool // the column holds a date or time field: serial numbers become dates
	date1904 bool
	row      int64 // the spreadsheet row of the last row read
	sheet    string
	maxCell  int64
}

// openXLSX opens the workbook at path and positions its reader below the
// header row of the chosen sheet.
func openXLSX(in *binaryInput, path string, opts *Options, res *resolver) error {
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		return fmt.Errorf("the workbook cannot be opened (damaged, or password-protected?): %w", err)
	}
	in.closers = append(in.closers, func() { f.Close() })
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return errors.New("the workbook has no sheets")
	}
	var candidates []string
	switch s := strings.TrimSpace(opts.Sheet); {
	case s == "":
		candidates = sheets
	default:
		name := s
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(sheets) && !containsString(sheets, s) {
			name = sheets[n-1]
		}
		if !containsString(sheets, name) {
			return fmt.Errorf("the workbook has no sheet %q (its sheets: %s)", s, strings.Join(sheets, ", "))
		}
		candidates = []string{name}
	}
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	for _, name := range candidates {
		rows, err := f.Rows(name)
		if err != nil {
			return fmt.Errorf("sheet %s cannot be read: %w", name, err)
		}
		xr := &xlsxReader{rows: rows, sheet: name, date1904: date1904, maxCell: opts.MaxRecordBytes}
		ok, err := xr.findHeader(res)
		if err != nil {
			rows.Close()
			return err
		}
		if !ok {
			rows.Close()
			continue
		}
		in.closers = append(in.closers, func() { rows.Close() })
		in.rr, in.header, in.sheet, in.encoding = xr, xr.header, name, "utf-8"
		return nil
	}
	if len(candidates) == 1 {
		return fmt.Errorf("sheet %s has no header row in its first %d rows: name the columns as in a 12345 export (工单编号, 受理时间, 经度, 纬度 …) or map them with --mapping", candidates[0], headerSearchRows)
	}
	return fmt.Errorf("no sheet has a header row in its first %d rows (sheets: %s): name the columns as in a 12345 export (工单编号, 受理时间, 经度, 纬度 …) or map them with --mapping", headerSearchRows, strings.Join(sheets, ", "))
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// findHeader reads rows until one names at least two known columns (title
// rows, merged or not, name none).
func (x *xlsxReader) findHeader(res *resolver) (bool, error) {
	for x.row < headerSearchRows && x.rows.Next() {
		x.row++
		cells, err := x.rows.Columns()
		if err != nil {
			return false, fmt.Errorf("sheet %s row %d cannot be read: %w", x.sheet, x.row, err)
		}
		known := 0
		for _, c := range cells {
			if k := res.resolve(strings.TrimSpace(c)).kind; strings.TrimSpace(c) != "" && k != tUnknown {
				known++
			}
		}
		if known < 2 {
			continue
		}
		x.header = make([]string, len(cells))
		x.dates = make([]bool, len(cells))
		for i, c := range cells {
			x.header[i] = strings.TrimSpace(c)
			if t := res.resolve(x.header[i]); t.kind == tField && (t.field.Type == layers.Time || t.field.Type == layers.Date) {
				x.dates[i] = true
			}
		}
		return true, nil
	}
	return false, x.rows.Error()
}

func (x *xlsxReader) next() (*record, error) {
	for x.rows.Next() {
		x.row++
		cells, err := x.rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("sheet %s row %d cannot be read: %w", x.sheet, x.row, err)
		}
		empty, size := true, int64(0)
		for _, c := range cells {
			size += int64(len(c))
			if strings.TrimSpace(c) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		if size > x.maxCell {
			return nil, fmt.Errorf("sheet %s row %d: %w", x.sheet, x.row, &errTooLarge{max: x.maxCell})
		}
		rec := &record{n: x.row, raw: cells, vals: make([]keyVal, 0, len(cells))}
		for i, c := range cells {
			if i >= len(x.header) || x.header[i] == "" {
				if strings.TrimSpace(c) != "" && i >= len(x.header) {
					rec.errs = append(rec.errs, Problem{Row: x.row, Value: shorten(c),
						Reason: fmt.Sprintf("cell %s holds a value but the header row has no column there", cellName(i, x.row))})
				}
				continue
			}
			if x.dates[i] {
				c = excelDate(c, x.date1904)
			}
			rec.vals = append(rec.vals, keyVal{key: x.header[i], s: c})
		}
		return rec, nil
	}
	if err := x.rows.Error(); err != nil {
		return nil, fmt.Errorf("sheet %s after row %d: %w", x.sheet, x.row, err)
	}
	return nil, io.EOF
}

// cellName is the A1 name of column i (0-based) in row.
func cellName(i int, row int64) string {
	name, err := excelize.CoordinatesToCellName(i+1, int(row))
	if err != nil {
		return fmt.Sprintf("column %d", i+1)
	}
	return name
}

// excelDate turns an Excel serial date (days since 1899-12-30, or since
// 1904-01-01 in a 1904 workbook; the fraction is the time of day) into
// "2006-01-02 15:04:05" wall time, which the date parser reads as Beijing
// time. Text dates (2026/3/5, 2026年3月5日) are returned as they are.
func excelDate(s string, date1904 bool) string {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v < 1 || v > 2958465 || math.IsNaN(v) { // 9999-12-31
		return s
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

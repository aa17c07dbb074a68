package server

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"minqing/casework/rates"
	"minqing/layers"
)

// mediaXLSX is the media type of an Excel workbook.
const mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// rateFormat reads the format of /rates (json, csv or xlsx: from the path's
// extension, else f=) and the language of a table's headers (lang=zh, the
// default, or en).
func rateFormat(path string, q url.Values) (format, lang string, err error) {
	format = q.Get("f")
	for _, ext := range []string{"csv", "xlsx"} {
		if strings.HasSuffix(path, "."+ext) {
			format = ext
		}
	}
	switch format {
	case "":
		format = "json"
	case "json", "csv", "xlsx":
	default:
		return "", "", badRequest("f", "f must be json, csv or xlsx")
	}
	switch lang = q.Get("lang"); lang {
	case "":
		lang = "zh"
	case "zh", "en":
	default:
		return "", "", badRequest("lang", "lang must be zh (Chinese headers) or en (English headers)")
	}
	if format == "json" && q.Has("lang") {
		return "", "", badRequest("lang", "lang names the headers of the CSV or XLSX table (f=csv or f=xlsx); JSON has none")
	}
	return format, lang, nil
}

// percent is a rate in percent, written with two decimals in CSV (50.00)
// and as a number in XLSX.
type percent float64

// rateColumn is one column of the rates table: its header in Chinese and
// English, and its cell for a row (nil: empty; int or float64 otherwise, so a
// spreadsheet gets numbers).
type rateColumn struct {
	zh, en string
	cell   func(r rates.Row) any
}

// rateColumns are the columns of the table a caller may see: staff get every
// count, public callers (under --public-incidents points) the rates, score,
// rank and whether the group is suppressed.
func rateColumns(public bool) []rateColumn {
	rank := rateColumn{"排名", "Rank", func(r rates.Row) any {
		if r.Rank == 0 {
			return nil
		}
		return r.Rank
	}}
	group := rateColumn{"分组", "Group", func(r rates.Row) any { return r.Group }}
	pct := func(zh, en string, v func(r rates.Row) *float64) rateColumn {
		return rateColumn{zh, en, func(r rates.Row) any {
			if p := v(r); p != nil {
				f, _ := strconv.ParseFloat(strconv.FormatFloat(100**p, 'f', 2, 64), 64)
				return percent(f)
			}
			return nil
		}}
	}
	num := func(zh, en string, v func(r rates.Row) *float64) rateColumn {
		return rateColumn{zh, en, func(r rates.Row) any {
			if p := v(r); p != nil {
				return *p
			}
			return nil
		}}
	}
	count := func(zh, en string, v func(r rates.Row) int) rateColumn {
		return rateColumn{zh, en, func(r rates.Row) any { return v(r) }}
	}
	response := pct("响应率(%)", "Response rate (%)", func(r rates.Row) *float64 { return r.ResponseRate })
	resolution := pct("解决率(%)", "Resolution rate (%)", func(r rates.Row) *float64 { return r.ResolutionRate })
	satisfaction := pct("满意率(%)", "Satisfaction rate (%)", func(r rates.Row) *float64 { return r.SatisfactionRate })
	score := num("综合得分", "Score", func(r rates.Row) *float64 { return r.Score })
	if public {
		return []rateColumn{rank, group, response, resolution, satisfaction, score,
			{"已隐藏", "Suppressed", func(r rates.Row) any { return strconv.FormatBool(r.Suppressed) }}}
	}
	return []rateColumn{rank, group,
		count("诉求数", "Incidents", func(r rates.Row) int { return r.Count }),
		count("已派单", "Dispatched", func(r rates.Row) int { return r.Dispatched }),
		count("响应应计数", "Response base", func(r rates.Row) int { return r.ResponseBase }),
		count("按时响应", "Responded in time", func(r rates.Row) int { return r.RespondedInTime }),
		response,
		count("已办结", "Resolved", func(r rates.Row) int { return r.Resolved }),
		count("已回访", "Visited", func(r rates.Row) int { return r.Visited }),
		count("回访已解决", "Resolved at visit", func(r rates.Row) int { return r.VisitResolved }),
		count("回访满意", "Satisfied at visit", func(r rates.Row) int { return r.Satisfied }),
		count("缺回访", "Visits missing", func(r rates.Row) int { return r.VisitsMissing }),
		count("响应超时", "Overdue response", func(r rates.Row) int { return r.OverdueResponse }),
		count("办结超时", "Overdue resolution", func(r rates.Row) int { return r.OverdueResolution }),
		resolution, satisfaction, score,
		num("响应时长中位数(分钟)", "Median response (minutes)", func(r rates.Row) *float64 { return r.MedianResponseMinutes }),
		num("办结时长中位数(小时)", "Median resolution (hours)", func(r rates.Row) *float64 { return r.MedianResolutionHours }),
	}
}

// rateByNames name the groupings in a Chinese file name.
var rateByNames = map[string]string{"community": "按社区", "patch": "按片区", "unit": "按承办单位", "category": "按分类"}

// rateFileName is the download's name: 三率排名-按社区-20260701.xlsx in
// Chinese (rates-community-20260701.xlsx in English), and the ASCII name for
// clients that do not read filename*.
func rateFileName(ans ratesAnswer, format, lang string) (ascii, named string) {
	stamp := ans.AsOf.In(layers.Shanghai).Format("20060102")
	ascii = "rates-" + ans.By + "-" + stamp + "." + format
	if lang == "en" {
		return ascii, ascii
	}
	return ascii, "三率排名-" + rateByNames[ans.By] + "-" + stamp + "." + format
}

// writeRatesTable writes the ranking table as CSV (UTF-8 with a BOM, for
// Excel) or XLSX (one sheet, numbers as numbers), with headers in lang.
func writeRatesTable(c echo.Context, format, lang string, ans ratesAnswer, rows []rates.Row, public bool) error {
	cols := rateColumns(public)
	header := make([]string, len(cols))
	for i, col := range cols {
		header[i] = col.zh
		if lang == "en" {
			header[i] = col.en
		}
	}
	ascii, named := rateFileName(ans, format, lang)
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(named))
	if format == "xlsx" {
		return writeRatesXLSX(c, lang, header, cols, rows)
	}
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	c.Response().WriteHeader(200)
	c.Response().Write([]byte("\ufeff")) //nolint:errcheck // a failed write fails the flush below
	w := csv.NewWriter(c.Response())
	w.Write(header) //nolint:errcheck
	for _, r := range rows {
		rec := make([]string, len(cols))
		for i, col := range cols {
			switch v := col.cell(r).(type) {
			case nil:
			case percent:
				rec[i] = strconv.FormatFloat(float64(v), 'f', 2, 64)
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		w.Write(rec) //nolint:errcheck
	}
	w.Flush()
	return w.Error()
}

// writeRatesXLSX writes the table as a workbook of one sheet (三率排名 or
// Rates) with a bold, frozen header row.
func writeRatesXLSX(c echo.Context, lang string, header []string, cols []rateColumn, rows []rates.Row) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "三率排名"
	if lang == "en" {
		sheet = "Rates"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("rates: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("rates: xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("rates: xlsx: %w", err)
	}
	twoDecimals, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return fmt.Errorf("rates: xlsx: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("rates: xlsx: %w", err)
	}
	cells := make([]any, len(header))
	for i, v := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: v}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return fmt.Errorf("rates: xlsx: %w", err)
	}
	for n, r := range rows {
		cells := make([]any, len(cols))
		for i, col := range cols {
			switch v := col.cell(r).(type) {
			case percent:
				cells[i] = excelize.Cell{StyleID: twoDecimals, Value: float64(v)}
			default:
				cells[i] = v
			}
		}
		at, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(at, cells); err != nil {
			return fmt.Errorf("rates: xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("rates: xlsx: %w", err)
	}
	c.Response().Header().Set(echo.HeaderContentType, mediaXLSX)
	c.Response().WriteHeader(200)
	_, err = f.WriteTo(c.Response())
	return err
}

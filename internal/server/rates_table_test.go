package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"minqing/casework/rates"
	"minqing/deploy/fengtai"
	"minqing/layers"
)

// rateTableRows are two ranked groups and one without a score.
func rateTableRows() []rates.Row {
	return []rates.Row{
		{Group: "北大地西区", Rank: 1, Count: 2, Dispatched: 2, ResponseBase: 2, RespondedInTime: 1, Resolved: 1, Visited: 1,
			VisitResolved: 1, Satisfied: 1, ResponseRate: f64(0.5), ResolutionRate: f64(1), SatisfactionRate: f64(1), Score: f64(90),
			MedianResponseMinutes: f64(60), MedianResolutionHours: f64(24)},
		{Group: "新华街北里", Rank: 2, Count: 4, Dispatched: 4, ResponseBase: 4, RespondedInTime: 3, Resolved: 4, Visited: 3,
			VisitResolved: 3, Satisfied: 2, VisitsMissing: 1, OverdueResolution: 1,
			ResponseRate: f64(0.75), ResolutionRate: f64(1), SatisfactionRate: f64(0.6667), Score: f64(81.67),
			MedianResponseMinutes: f64(75), MedianResolutionHours: f64(24.5)},
		{Group: "(无)", Count: 1, OverdueResponse: 1},
	}
}

// rateTable runs writeRatesTable for a request path and returns the
// response.
func rateTable(t *testing.T, target string, public bool) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(req, rec)
	format, lang, err := rateFormat(req.URL.Path, req.URL.Query())
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	ans := ratesAnswer{By: "community", AsOf: time.Date(2026, 7, 1, 1, 0, 0, 0, time.UTC)}
	rows := rateTableRows()
	if public {
		rows[1].Suppressed = true
	}
	if err := writeRatesTable(c, format, lang, ans, rows, public); err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	return rec
}

func TestRatesTable(t *testing.T) {
	tests := []struct {
		target      string
		public      bool
		header, row string // the CSV (or the XLSX sheet as CSV) lines
		last        string
		disposition string
		sheet       string
	}{
		{"/rates.csv", false,
			"排名,分组,诉求数,已派单,响应应计数,按时响应,响应率(%),已办结,已回访,回访已解决,回访满意,缺回访,响应超时,办结超时,解决率(%),满意率(%),综合得分,响应时长中位数(分钟),办结时长中位数(小时)",
			"1,北大地西区,2,2,2,1,50.00,1,1,1,1,0,0,0,100.00,100.00,90,60,24",
			",(无),1,0,0,0,,0,0,0,0,0,1,0,,,,,",
			`attachment; filename="rates-community-20260701.csv"; filename*=UTF-8''` + url.PathEscape("三率排名-按社区-20260701.csv"), ""},
		{"/rates?f=csv&lang=en", false,
			"Rank,Group,Incidents,Dispatched,Response base,Responded in time,Response rate (%),Resolved,Visited,Resolved at visit,Satisfied at visit,Visits missing,Overdue response,Overdue resolution,Resolution rate (%),Satisfaction rate (%),Score,Median response (minutes),Median resolution (hours)",
			"1,北大地西区,2,2,2,1,50.00,1,1,1,1,0,0,0,100.00,100.00,90,60,24",
			",(无),1,0,0,0,,0,0,0,0,0,1,0,,,,,",
			`attachment; filename="rates-community-20260701.csv"; filename*=UTF-8''rates-community-20260701.csv`, ""},
		{"/rates.csv?lang=zh", true,
			"排名,分组,响应率(%),解决率(%),满意率(%),综合得分,已隐藏",
			"1,北大地西区,50.00,100.00,100.00,90,false",
			",(无),,,,,false",
			`attachment; filename="rates-community-20260701.csv"; filename*=UTF-8''` + url.PathEscape("三率排名-按社区-20260701.csv"), ""},
		{"/rates.xlsx", false,
			"排名,分组,诉求数,已派单,响应应计数,按时响应,响应率(%),已办结,已回访,回访已解决,回访满意,缺回访,响应超时,办结超时,解决率(%),满意率(%),综合得分,响应时长中位数(分钟),办结时长中位数(小时)",
			"1,北大地西区,2,2,2,1,50,1,1,1,1,0,0,0,100,100,90,60,24",
			",(无),1,0,0,0,,0,0,0,0,0,1,0,,,,,",
			`attachment; filename="rates-community-20260701.xlsx"; filename*=UTF-8''` + url.PathEscape("三率排名-按社区-20260701.xlsx"), "三率排名"},
		{"/rates?f=xlsx&lang=en", true,
			"Rank,Group,Response rate (%),Resolution rate (%),Satisfaction rate (%),Score,Suppressed",
			"1,北大地西区,50,100,100,90,false",
			",(无),,,,,false",
			`attachment; filename="rates-community-20260701.xlsx"; filename*=UTF-8''rates-community-20260701.xlsx`, "Rates"},
	}
	for _, tc := range tests {
		rec := rateTable(t, tc.target, tc.public)
		if got := rec.Header().Get("Content-Disposition"); got != tc.disposition {
			t.Errorf("%s: disposition %q, want %q", tc.target, got, tc.disposition)
		}
		var lines []string
		if tc.sheet == "" {
			body := rec.Body.String()
			if !strings.HasPrefix(body, "\ufeff") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
				t.Errorf("%s: not a CSV with a BOM: %q", tc.target, rec.Header().Get("Content-Type"))
			}
			lines = strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\ufeff")), "\n")
		} else {
			if rec.Header().Get("Content-Type") != mediaXLSX {
				t.Errorf("%s: content type %q", tc.target, rec.Header().Get("Content-Type"))
			}
			f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
			if err != nil {
				t.Fatalf("%s: not a workbook: %v", tc.target, err)
			}
			if got := f.GetSheetList(); len(got) != 1 || got[0] != tc.sheet {
				t.Errorf("%s: sheets %v, want [%s]", tc.target, got, tc.sheet)
			}
			rows, err := f.GetRows(tc.sheet, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			ncol := len(strings.Split(tc.header, ","))
			for _, r := range rows {
				for len(r) < ncol {
					r = append(r, "")
				}
				lines = append(lines, strings.Join(r, ","))
			}
			// Numbers are numbers, not text that looks like one.
			if typ, _ := f.GetCellType(tc.sheet, "C2"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
				t.Errorf("%s: C2 is text, want a number", tc.target)
			}
			f.Close()
		}
		if len(lines) != 4 || lines[0] != tc.header || lines[1] != tc.row || lines[3] != tc.last {
			t.Errorf("%s:\n got %q\nwant %q, %q … %q", tc.target, lines, tc.header, tc.row, tc.last)
		}
	}
}

func TestRateFormat(t *testing.T) {
	tests := []struct {
		target, format, lang, bad string
	}{
		{"/rates", "json", "zh", ""},
		{"/rates?f=json", "json", "zh", ""},
		{"/rates.csv", "csv", "zh", ""},
		{"/rates.xlsx?lang=en", "xlsx", "en", ""},
		{"/rates?f=xlsx", "xlsx", "zh", ""},
		{"/rates?f=xls", "", "", "f"},
		{"/rates.csv?lang=ja", "", "", "lang"},
		{"/rates?lang=en", "", "", "lang"},
	}
	for _, tc := range tests {
		u, _ := url.Parse(tc.target)
		format, lang, err := rateFormat(u.Path, u.Query())
		if tc.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tc.bad) {
				t.Errorf("%s: %v, want an error naming %s", tc.target, err, tc.bad)
			}
			continue
		}
		if err != nil || format != tc.format || lang != tc.lang {
			t.Errorf("%s: %s %s %v, want %s %s", tc.target, format, lang, err, tc.format, tc.lang)
		}
	}
}

// TestRatesTableHostile: the table downloads and the Open311 XML answer a
// store that is gone with 503 (Open311 in its own XML error format), and
// refuse repeated or too many parameters with 400.
func TestRatesTableHostile(t *testing.T) {
	inner := newEmbedded(t)
	seedAreas(t, inner)
	src := &faultySource{Source: inner}
	s := New(Config{MinCount: 3}, src, fengtai.Catalog(), quietLog())
	staff := token(t, inner, layers.Staff)
	src.err = fmt.Errorf("%w: the database went away", layers.ErrUnavailable)
	for _, target := range []string{"/rates.xlsx", "/rates.csv?lang=en", "/rates?f=xlsx&by=unit"} {
		if rec := get(t, s, target, staff); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("%s with the store gone: %d %s, want 503", target, rec.Code, rec.Body)
		}
	}
	// The public rates (published atoms, rates_public.go) too.
	for _, target := range []string{"/rates", "/rates.csv?by=patch&datetime=2026-01/2026-03"} {
		if rec := get(t, s, target, ""); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("public %s with the store gone: %d %s, want 503", target, rec.Code, rec.Body)
		}
	}
	rec := get(t, s, "/open311/v2/requests.xml?api_key="+url.QueryEscape(staff), "")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "<errors>") || !strings.Contains(rec.Body.String(), "<code>503</code>") {
		t.Errorf("open311 XML with the store gone: %d %s", rec.Code, rec.Body)
	}
	src.err = nil
	many := "/rates.xlsx?" + strings.Repeat("category=漏水&", 300)
	for _, target := range []string{"/rates.xlsx?lang=en&lang=zh", "/rates.csv?f=csv&f=xlsx", many} {
		if rec := get(t, s, target, staff); rec.Code != http.StatusBadRequest {
			t.Errorf("%.60s…: %d, want 400", target, rec.Code)
		}
	}
}

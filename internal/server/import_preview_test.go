package server

import (
	"strings"
	"testing"

	"minqing/layers"
	"minqing/stores/storetest"
)

// TestImportPageAPI walks the import page's calls on both stores: preview,
// a dry run listing the rejected rows, the rejects file, then the import.
func TestImportPageAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		s := newTestServer(t, src)
		admin := token(t, src, layers.Admin)
		bad := importTestdata(t, "workorders_bad.xlsx")

		ct, body := form(t, nil, "12345工单.xlsx", bad)
		rec := post(t, s, "/import/incidents/preview?rows=3", admin, ct, body)
		var p struct {
			Format, Sheet string
			More          bool
			Columns       []struct{ Column, Field string }
			Rows          []struct {
				Row    int64
				Values map[string]string
			}
		}
		if rec.Code != 200 {
			t.Fatalf("preview: %d %s", rec.Code, rec.Body)
		}
		decode(t, rec, &p)
		fields := map[string]string{}
		for _, c := range p.Columns {
			fields[c.Column] = c.Field
		}
		if p.Format != "xlsx" || p.Sheet != "工单明细" || !p.More || len(p.Rows) != 3 || p.Rows[0].Row != 4 ||
			p.Rows[0].Values["工单编号"] != "GD202603050001" || fields["工单编号"] != "external_id" || fields["经度"] != "lon" || fields["来电人"] != "contact_name" {
			t.Errorf("preview %+v", p)
		}

		ct, body = form(t, map[string]string{"dry_run": "true"}, "12345工单.xlsx", bad)
		rec = post(t, s, "/import/incidents", admin, ct, body)
		var rep importReport
		decode(t, rec, &rep)
		if rec.Code != 422 || rep.Rejected != 2 || len(rep.Errors) != 2 || rep.Errors[0].Row != 9 || rep.Errors[1].Row != 10 {
			t.Errorf("dry run: %d %+v", rec.Code, rep)
		}

		ct, body = form(t, nil, "12345工单.xlsx", bad)
		rec = post(t, s, "/import/incidents/rejects", admin, ct, body)
		text := rec.Body.String()
		if rec.Code != 200 || rec.Header().Get("X-Rejected-Rows") != "2" || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") ||
			strings.Count(text, "\n") != 3 || !strings.Contains(text, "行号,错误原因") || !strings.Contains(text, "GD202603070007") {
			t.Errorf("rejects: %d %v\n%s", rec.Code, rec.Header(), text)
		}

		good := importTestdata(t, "workorders.xlsx")
		ct, body = form(t, nil, "12345工单.xlsx", good)
		if rec = post(t, s, "/import/incidents/rejects", admin, ct, body); rec.Code != 204 {
			t.Errorf("rejects of a clean file: %d, want 204", rec.Code)
		}
		ct, body = form(t, nil, "12345工单.xlsx", good)
		rec = post(t, s, "/import/incidents", admin, ct, body)
		decode(t, rec, &rep)
		if rec.Code != 200 || rep.Inserted != 5 || !rep.Written {
			t.Errorf("import: %d %+v", rec.Code, rep)
		}
	})
}

func TestImportPageAPIErrors(t *testing.T) {
	src := newEmbedded(t)
	s := newTestServer(t, src)
	staff, admin := token(t, src, layers.Staff), token(t, src, layers.Admin)
	xlsx := importTestdata(t, "workorders.xlsx")
	cases := []struct {
		name, target, secret string
		file                 []byte
		status               int
		param, msg           string
	}{
		{"public", "/import/incidents/preview", "", xlsx, 401, "", "admin token"},
		{"staff", "/import/incidents/rejects", staff, xlsx, 403, "", "admin token"},
		{"bad rows", "/import/incidents/preview?rows=500", admin, xlsx, 400, "rows", "1 to 100"},
		{"unknown param", "/import/incidents/preview?colour=red", admin, xlsx, 400, "colour", ""},
		{"no such sheet", "/import/incidents/preview?sheet=汇总", admin, xlsx, 400, "file", `no sheet "汇总"`},
		{"not a workbook", "/import/incidents/preview", admin, []byte("PK\x03\x04garbage"), 400, "file", "zip archive cannot be read"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct, body := form(t, nil, "a.xlsx", c.file)
			rec := post(t, s, c.target, c.secret, ct, body)
			var e apiError
			decode(t, rec, &e)
			if rec.Code != c.status || (c.param != "" && e.Param != c.param) || !strings.Contains(e.Message, c.msg) {
				t.Errorf("%d %+v, want %d param %q message with %q", rec.Code, e, c.status, c.param, c.msg)
			}
		})
	}
}

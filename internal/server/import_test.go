package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/storetest"
)

func importTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "importers", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post sends body to target with content type ct.
func post(t *testing.T, s *Server, target, secret, ct string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// form builds a multipart body: text fields first, then the file.
func form(t *testing.T, fields map[string]string, filename string, file []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if filename != "" {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(file); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), b.Bytes()
}

type importReport struct {
	Read     int64 `json:"rows_read"`
	Rejected int64
	Inserted int64
	Updated  int64
	Written  bool
	Encoding string
	Errors   []struct {
		Row    int64
		Field  string
		Reason string
	}
	ErrorCount int64 `json:"error_count"`
}

func TestImportAccess(t *testing.T) {
	src := newEmbedded(t)
	s := newTestServer(t, src)
	staff, admin := token(t, src, layers.Staff), token(t, src, layers.Admin)
	csv := []byte("名称,经度,纬度\n服务站,116.28,39.85\n")
	tests := []struct {
		name, target, secret string
		status               int
		code                 string
	}{
		{"public, public layer", "/import/service_points?format=csv", "", 401, "unauthorized"},
		{"staff, public layer", "/import/service_points?format=csv", staff, 403, "forbidden"},
		{"public, staff layer hidden", "/import/care_targets?format=csv", "", 404, "not_found"},
		{"staff, staff layer", "/import/care_targets?format=csv", staff, 403, "forbidden"},
		{"unknown layer", "/import/nope?format=csv", admin, 404, "not_found"},
		{"admin", "/import/service_points?format=csv", admin, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := post(t, s, tc.target, tc.secret, "text/plain", csv)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.code != "" {
				var e apiError
				decode(t, rec, &e)
				if e.Code != tc.code || e.Message == "" {
					t.Errorf("body %+v, want code %s with a message", e, tc.code)
				}
			}
		})
	}
	if rec := post(t, s, "/import/service_points?format=csv", "", "text/csv", csv); rec.Header().Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
}

func TestImportEndpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		s := newTestServer(t, src)
		admin := token(t, src, layers.Admin)
		inc, _ := fengtai.Catalog().Lookup("incidents")
		count := func() int64 {
			n, err := src.Count(context.Background(), inc, layers.Query{Role: layers.Admin})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		orders := importTestdata(t, "workorders_gbk.csv")

		// Bad rows: 422 with every row, nothing written.
		rec := post(t, s, "/import/incidents", admin, "text/csv", importTestdata(t, "bad_rows.csv"))
		var rep importReport
		decode(t, rec, &rep)
		if rec.Code != http.StatusUnprocessableEntity || rep.Rejected != 9 || rep.ErrorCount != 10 || rep.Written || count() != 0 {
			t.Fatalf("bad rows: %d %+v, %d written", rec.Code, rep, count())
		}
		if rep.Errors[0].Row != 3 || rep.Errors[0].Field != "geometry" {
			t.Errorf("first error %+v", rep.Errors[0])
		}

		// A dry run checks and writes nothing.
		ct, body := form(t, map[string]string{"dry_run": "true"}, "12345工单.csv", orders)
		rec = post(t, s, "/import/incidents", admin, ct, body)
		rep = importReport{}
		decode(t, rec, &rep)
		if rec.Code != 200 || rep.Read != 8 || rep.Written || count() != 0 {
			t.Fatalf("dry run: %d %+v, %d written", rec.Code, rep, count())
		}

		// Multipart upload of the GBK sheet, then the same again by upsert.
		for i, want := range []int64{8, 0} {
			ct, body := form(t, map[string]string{"mode": "upsert"}, "12345工单.csv", orders)
			rec = post(t, s, "/import/incidents", admin, ct, body)
			rep = importReport{}
			decode(t, rec, &rep)
			if rec.Code != 200 || !rep.Written || rep.Inserted != want || rep.Updated != 0 || rep.Encoding != "gb18030" {
				t.Fatalf("upload %d: %d %+v", i+1, rec.Code, rep)
			}
		}
		if count() != 8 {
			t.Errorf("%d incidents, want 8", count())
		}

		// Raw GeoJSON body in GCJ-02, skipping the invalid feature.
		gj := `{"type":"FeatureCollection","features":[
	{"type":"Feature","geometry":{"type":"Point","coordinates":[116.2862,39.8546]},"properties":{"工单编号":"W1","受理时间":"2026-03-10 08:00","问题分类":"停电"}},
	{"type":"Feature","geometry":{"type":"Point","coordinates":[116.2862,39.8546]},"properties":{"工单编号":"W2","受理时间":"2026-03-10 08:00","问题分类":"???"}}]}`
		rec = post(t, s, "/import/incidents?crs=gcj02&skip_invalid=true", admin, "application/geo+json", []byte(gj))
		rep = importReport{}
		decode(t, rec, &rep)
		if rec.Code != 200 || rep.Inserted != 1 || rep.Rejected != 1 {
			t.Fatalf("geojson: %d %+v", rec.Code, rep)
		}
	})
}

func TestImportBadRequests(t *testing.T) {
	src := newEmbedded(t)
	s := New(Config{ImportMaxBytes: 1024}, src, fengtai.Catalog(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	admin := token(t, src, layers.Admin)
	csv := []byte("名称,经度,纬度\n服务站,116.28,39.85\n")
	big := []byte("名称,经度,纬度\n" + strings.Repeat("服务站,116.28,39.85\n", 200))
	ctNoFile, noFile := form(t, map[string]string{"format": "csv"}, "", nil)
	ctOdd, odd := form(t, map[string]string{"colour": "red"}, "a.csv", csv)
	ctBig, bigForm := form(t, nil, "a.csv", big)
	tests := []struct {
		name, target, ct string
		body             []byte
		status           int
		param            string
	}{
		{"unknown parameter", "/import/service_points?format=csv&fast=1", "text/csv", csv, 400, "fast"},
		{"bad format", "/import/service_points?format=dbf", "", csv, 400, "format"},
		{"no format", "/import/service_points", "text/plain", csv, 400, "format"},
		{"bad crs", "/import/service_points?format=csv&crs=utm50", "", csv, 400, "crs"},
		{"bad mode", "/import/service_points?format=csv&mode=merge", "", csv, 400, "mode"},
		{"bad encoding", "/import/service_points?format=csv&encoding=klingon", "", csv, 400, "encoding"},
		{"bad flag", "/import/service_points?format=csv&dry_run=perhaps", "", csv, 400, "dry_run"},
		{"form without file", "/import/service_points", ctNoFile, noFile, 400, "file"},
		{"form with an unknown field", "/import/service_points", ctOdd, odd, 400, "colour"},
		{"raw body too large", "/import/service_points?format=csv", "text/csv", big, 413, ""},
		{"form too large", "/import/service_points", ctBig, bigForm, 413, ""},
		{"broken file", "/import/service_points?format=geojson", "", []byte(`{"type":`), 422, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := post(t, s, tc.target, admin, tc.ct, tc.body)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			var e map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("not JSON: %s", rec.Body)
			}
			if tc.param != "" && e["param"] != tc.param {
				t.Errorf("param %v, want %s: %s", e["param"], tc.param, rec.Body)
			}
		})
	}
}

package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestNotFoundByAccept: a browser's navigation to a wrong address gets an
// HTML page in both languages; fetch, curl and API clients keep the JSON
// error; other statuses stay JSON whatever the Accept.
func TestNotFoundByAccept(t *testing.T) {
	tests := []struct {
		name, accept string
		err          error
		status       int
		html         bool
	}{
		{"browser navigation", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", echo.ErrNotFound, 404, true},
		{"xhtml only", "application/xhtml+xml", echo.ErrNotFound, 404, true},
		{"fetch default", "*/*", echo.ErrNotFound, 404, false},
		{"no Accept", "", echo.ErrNotFound, 404, false},
		{"JSON client", "application/json", echo.ErrNotFound, 404, false},
		{"JSON preferred", "text/html;q=0.5, application/json", echo.ErrNotFound, 404, false},
		{"HTML preferred by q", "application/json;q=0.4, text/html", echo.ErrNotFound, 404, true},
		{"HTML refused", "text/html;q=0", echo.ErrNotFound, 404, false},
		{"a layer not found", "text/html", notFound("no layer named x"), 404, true},
		{"a 400 stays JSON", "text/html", badRequest("bbox", "bbox needs four numbers"), 400, false},
		{"a 405 stays JSON", "text/html", echo.ErrMethodNotAllowed, 405, false},
	}
	e := echo.New()
	s := &Server{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/nope", nil)
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			rec := httptest.NewRecorder()
			s.handleError(tc.err, e.NewContext(req, rec))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			ct := rec.Header().Get("Content-Type")
			body := rec.Body.String()
			if tc.html {
				if !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, "找不到这个页面") || !strings.Contains(body, "Page not found") ||
					!strings.Contains(body, `href="/"`) {
					t.Errorf("want the HTML page, got %s: %.200s", ct, body)
				}
				if rec.Header().Get("Vary") != "Accept" {
					t.Errorf("Vary %q, want Accept", rec.Header().Get("Vary"))
				}
				return
			}
			if !strings.HasPrefix(ct, "application/json") || !strings.Contains(body, `"code"`) {
				t.Errorf("want a JSON error, got %s: %.200s", ct, body)
			}
		})
	}
}

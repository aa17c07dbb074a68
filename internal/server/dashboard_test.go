package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestDashboardPage: /dashboard is served like the map's pages (versioned
// modules, an import map allowed by its CSP hash); its HTML is not a file
// under /static/.
func TestDashboardPage(t *testing.T) {
	st := newEmbedded(t)
	s := newTestServer(t, st)
	rec := get(t, s, "/dashboard", "")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `<script type="importmap">`) ||
		!strings.Contains(body, "/static/js/dashboard.js?v=") || !strings.Contains(body, "三率") {
		t.Fatalf("/dashboard: %d %.300s", rec.Code, body)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "'sha256-") {
		t.Errorf("CSP %q has no hash for the import map", csp)
	}
	for _, target := range []string{"/static/dashboard.html"} {
		if rec := get(t, s, target, ""); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", target, rec.Code)
		}
	}
	for _, target := range []string{"/static/js/dashboard.js", "/static/dashboard.css"} {
		if rec := get(t, s, target, ""); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", target, rec.Code)
		}
	}
}

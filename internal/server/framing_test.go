package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestFraming: only /embed and /dashboard?embed=1 may be framed by another
// site; the map (with its staff login), the full dashboard and the 404 page
// send frame-ancestors 'none' and X-Frame-Options: DENY.
func TestFraming(t *testing.T) {
	s := newStaticServer(t, Config{}, extentSource{})
	html := map[string]string{"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
	for _, tc := range []struct {
		target   string
		status   int
		framable bool
	}{
		{"/", 200, false},
		{"/index.html", 200, false},
		{"/?lang=en", 200, false},
		{"/dashboard", 200, false},
		{"/dashboard?embed=0", 200, false},
		{"/dashboard?embed=1", 200, true},
		{"/embed", 200, true},
		{"/embed?layers=communities,hotspots&bbox=116.27,39.845,116.305,39.87", 200, true},
		{"/no-such-page", 404, false},
	} {
		t.Run(tc.target, func(t *testing.T) {
			rec := request(t, s, tc.target, html)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			h := rec.Header()
			csp, xfo := h.Get("Content-Security-Policy"), h.Get("X-Frame-Options")
			if tc.framable {
				if strings.Contains(csp, "frame-ancestors") || xfo != "" {
					t.Errorf("a page for iframes must be framable: CSP %q, X-Frame-Options %q", csp, xfo)
				}
				return
			}
			if !strings.Contains(csp, "frame-ancestors 'none'") || xfo != "DENY" {
				t.Errorf("CSP %q, X-Frame-Options %q: want frame-ancestors 'none' and DENY", csp, xfo)
			}
			if tc.status == http.StatusOK && !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("the page's CSP lost its other directives: %q", csp)
			}
		})
	}
}

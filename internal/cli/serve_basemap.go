package cli

import (
	"fmt"
	"net/url"
	"strings"
)

// isLocalPMTiles reports whether --basemap names a local PMTiles file
// (served by the server itself) rather than a URL for the browser.
func isLocalPMTiles(basemap string) bool {
	b := strings.TrimSpace(basemap)
	return b != "" && !strings.Contains(b, "://") && strings.HasSuffix(strings.ToLower(b), ".pmtiles")
}

// checkTilesBaseURL refuses a --tiles-base-url a browser could not use.
func checkTilesBaseURL(raw string) error {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	u, err := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Sprintf("--tiles-base-url %q: want an http(s) URL, e.g. https://cdn.example/minqing or https://cdn.example/minqing/{z}/{x}/{y}.mvt", raw)}
	}
	if strings.HasSuffix(strings.ToLower(u.Path), ".pmtiles") {
		return usageError{fmt.Sprintf("--tiles-base-url %q names an archive: the web map reads z/x/y tiles, so put a PMTiles tile front before it (go-pmtiles' `pmtiles serve`, the Protomaps CDN functions, or a minqing with --basemap) and give its {z}/{x}/{y} URL", raw)}
	}
	if strings.Contains(raw, "{z}") && (!strings.Contains(raw, "{x}") || !strings.Contains(raw, "{y}")) {
		return usageError{fmt.Sprintf("--tiles-base-url %q: a template needs {z}, {x} and {y}", raw)}
	}
	return nil
}

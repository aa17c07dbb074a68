// Package static holds the 民情图 web map that minqing serves: the page at /
// (index.html), the chrome-less map for iframes at /embed (embed.html), their
// ES modules (js/), the style sheet and the browser libraries it uses
// (MapLibre GL JS and Chart.js, copied from npm into vendor/ by
// scripts/vendor-static and committed), all embedded in the binary so the map
// works with no internet and no npm.
//
// The server (internal/server, static_*.go) serves these files with content
// hashes as ETags and versioned URLs; see README.md in this directory for how
// the page is built and embedded elsewhere.
package static

import (
	"embed"
	"io/fs"
)

//go:embed index.html embed.html dashboard.html dashboard.css style.css import.css favicon.svg js vendor
var files embed.FS

// Files returns the web map's files: index.html, embed.html, style.css, js/…
// and vendor/….
func Files() fs.FS { return files }

package static_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"minqing/static"
)

// The two pages, their entry modules and the vendored libraries are all in
// the embedded files: a build never depends on npm or a network.
func TestFiles(t *testing.T) {
	for _, name := range []string{
		"index.html", "embed.html", "style.css", "favicon.svg", "js/main.js", "js/embed.js",
		"vendor/maplibre-gl.js", "vendor/maplibre-gl.css", "vendor/chart.umd.min.js",
	} {
		b, err := fs.ReadFile(static.Files(), name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	// No page or module asks another origin for anything.
	err := fs.WalkDir(static.Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "vendor/") {
			return err
		}
		b, err := fs.ReadFile(static.Files(), p)
		if err != nil {
			return err
		}
		for _, bad := range []string{`src="http`, `href="http`, `url(http`, "//cdn.", "fonts.googleapis"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s refers to another origin (%s)", p, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Files holds the pages; the server fills each page's import map at its
// marker.
func ExampleFiles() {
	page, _ := fs.ReadFile(static.Files(), "index.html")
	fmt.Println(strings.Contains(string(page), "<!-- importmap -->"))
	// Output: true
}

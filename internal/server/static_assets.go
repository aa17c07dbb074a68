package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// asset is one file of the web map, ready to serve: its bytes, content type,
// content hash (the ETag and the ?v= of its versioned URL) and, for text, a
// gzip copy made on first use.
type asset struct {
	body  []byte
	ctype string
	hash  string // first 16 hex digits of the SHA-256 of body

	gzOnce sync.Once
	gz     []byte // nil when gzip does not pay
}

func newAsset(name string, body []byte) *asset {
	sum := sha256.Sum256(body)
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) { // not every system's mime table knows these
	case ".js", ".mjs":
		ctype = "text/javascript; charset=utf-8"
	case ".css":
		ctype = "text/css; charset=utf-8"
	case ".html":
		ctype = "text/html; charset=utf-8"
	case ".json":
		ctype = "application/json"
	case ".map":
		ctype = "application/json"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	return &asset{body: body, ctype: ctype, hash: hex.EncodeToString(sum[:8])}
}

// etag is the quoted strong entity tag of the asset.
func (a *asset) etag() string { return `"` + a.hash + `"` }

// gzipped returns a gzip copy of a text asset, or nil when compressing does
// not pay (small or already compressed files).
func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		if len(a.body) < 1024 || !compressible(a.ctype) {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		if zw.Close() == nil && buf.Len() < len(a.body)*9/10 {
			a.gz = buf.Bytes()
		}
	})
	return a.gz
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "image/svg")
}

// page is an HTML page whose asset URLs carry their content hash and whose
// module imports go through an import map to versioned URLs, so every asset
// may be cached for a year and a new build is still picked up at once.
type page struct {
	*asset
	scriptHash string // CSP source of the inline import map: 'sha256-…'
}

// siteAssets is the whole web map: the files under /static/ by path and the
// two pages.
type siteAssets struct {
	files     map[string]*asset // "js/app.js" → asset
	index     *page
	embed     *page
	dashboard *page // the 接诉即办 dashboard (dashboard.html)
}

// staticRef matches src="/static/…" and href="/static/…" in the pages.
var staticRef = regexp.MustCompile(`((?:src|href)=")/static/([^"?#]+)"`)

// moduleEntry matches a page's module script; moduleImport a static import
// of a sibling module ("from './map.js'").
var (
	moduleEntry  = regexp.MustCompile(`<script type="module" src="/static/(js/[^"?#]+)"`)
	moduleImport = regexp.MustCompile(`(?m)^\s*(?:import|export)\b[^'"\n]*?from\s+'\./([\w.-]+\.js)'`)
)

// loadAssets reads every file of fsys and prepares the pages.
func loadAssets(fsys fs.FS) (*siteAssets, error) {
	a := &siteAssets{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		a.files[p] = newAsset(p, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: read assets: %w", err)
	}
	imports := a.importMap()
	for _, pg := range []struct {
		name string
		dst  **page
	}{{"index.html", &a.index}, {"embed.html", &a.embed}, {"dashboard.html", &a.dashboard}} {
		src, ok := a.files[pg.name]
		if !ok {
			return nil, fmt.Errorf("static: %s is missing", pg.name)
		}
		p, err := a.rewrite(pg.name, src.body, imports)
		if err != nil {
			return nil, err
		}
		*pg.dst = p
	}
	return a, nil
}

// importMap maps every module under js/ to its versioned URL.
func (a *siteAssets) importMap() []byte {
	m := map[string]string{}
	for p, f := range a.files {
		if strings.HasPrefix(p, "js/") && strings.HasSuffix(p, ".js") {
			m["/static/"+p] = "/static/" + p + "?v=" + f.hash
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString(`{"imports":{`)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(m[k])
		b.Write(kj)
		b.WriteByte(':')
		b.Write(vj)
	}
	b.WriteString(`}}`)
	return b.Bytes()
}

const importMapMarker = "<!-- importmap -->"

// rewrite versions the /static/ URLs of an HTML page and inserts the import
// map at its marker.
func (a *siteAssets) rewrite(name string, html, imports []byte) (*page, error) {
	var missing []string
	out := staticRef.ReplaceAllFunc(html, func(m []byte) []byte {
		sub := staticRef.FindSubmatch(m)
		f, ok := a.files[string(sub[2])]
		if !ok {
			missing = append(missing, string(sub[2]))
			return m
		}
		return []byte(string(sub[1]) + "/static/" + string(sub[2]) + "?v=" + f.hash + `"`)
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("static: %s refers to missing files: %s", name, strings.Join(missing, ", "))
	}
	if !bytes.Contains(out, []byte(importMapMarker)) {
		return nil, fmt.Errorf("static: %s has no %s marker", name, importMapMarker)
	}
	head := append(append([]byte(`<script type="importmap">`), imports...), []byte(`</script>`)...)
	// Preloading the page's modules saves the round trips of discovering
	// them import by import.
	if m := moduleEntry.FindSubmatch(html); m != nil {
		for _, p := range a.moduleGraph(string(m[1])) {
			head = append(head, []byte("\n<link rel=\"modulepreload\" href=\"/static/"+p+"?v="+a.files[p].hash+"\">")...)
		}
	}
	out = bytes.Replace(out, []byte(importMapMarker), head, 1)
	sum := sha256.Sum256(imports)
	return &page{asset: newAsset(name, out), scriptHash: "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"}, nil
}

// moduleGraph lists the modules entry imports, directly or not (entry
// excluded), in a stable order.
func (a *siteAssets) moduleGraph(entry string) []string {
	seen := map[string]bool{entry: true}
	var out []string
	queue := []string{entry}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		f, ok := a.files[p]
		if !ok {
			continue
		}
		for _, m := range moduleImport.FindAllSubmatch(f.body, -1) {
			dep := path.Join(path.Dir(p), string(m[1]))
			if seen[dep] {
				continue
			}
			seen[dep] = true
			if _, ok := a.files[dep]; ok {
				out = append(out, dep)
				queue = append(queue, dep)
			}
		}
	}
	sort.Strings(out)
	return out
}

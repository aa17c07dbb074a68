package server

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// TestQRGolden: the SVG of a fixed view link on a fixed public address is
// byte-for-byte testdata/qr/view.svg (go test -run TestQRGolden -update),
// and draws exactly the modules of the QR code of that link.
func TestQRGolden(t *testing.T) {
	s := newStaticServer(t, Config{BaseURL: "https://minqing.example.org/map/"}, extentSource{})
	const u = "/#z=14.00&lat=39.86000&lon=116.29000&lang=en"
	rec := request(t, s, "/qr.svg?u="+url.QueryEscape(u), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("content type %q", ct)
	}
	body := rec.Body.String()
	golden := filepath.Join("testdata", "qr", "view.svg")
	if *updateGoldens {
		if err := os.WriteFile(golden, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if body != string(want) {
		t.Errorf("the SVG differs from %s (run with -update if the change is meant)", golden)
	}
	// The link is on the public origin (the base URL's host, not its path).
	link := "https://minqing.example.org" + u
	var doc struct {
		Title string `xml:"title"`
		Path  []struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if doc.Title != link {
		t.Errorf("title %q, want %q", doc.Title, link)
	}
	code, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	want2 := code.Bitmap()
	got := svgBitmap(t, doc.Path[0].D, len(want2))
	for y := range want2 {
		for x := range want2[y] {
			if got[y][x] != want2[y][x] {
				t.Fatalf("module %d,%d is %v, want %v", x, y, got[y][x], want2[y][x])
			}
		}
	}
	// The three finder patterns: a 7×7 dark ring at three corners (inside the 4-module quiet zone).
	n := len(got)
	for _, c := range [][2]int{{4, 4}, {n - 11, 4}, {4, n - 11}} {
		for i := 0; i < 7; i++ {
			if !got[c[1]][c[0]+i] || !got[c[1]+6][c[0]+i] || !got[c[1]+i][c[0]] || !got[c[1]+i][c[0]+6] || got[c[1]+1][c[0]+1] {
				t.Fatalf("no finder pattern at %v", c)
			}
		}
	}
}

var svgRect = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// svgBitmap reads back the modules of qrSVGDoc's path.
func svgBitmap(t *testing.T, d string, n int) [][]bool {
	t.Helper()
	out := make([][]bool, n)
	for i := range out {
		out[i] = make([]bool, n)
	}
	rest := svgRect.ReplaceAllString(d, "")
	if rest != "" {
		t.Fatalf("path has more than rectangles: %.40q", rest)
	}
	for _, m := range svgRect.FindAllStringSubmatch(d, -1) {
		var x, y, w int
		for i, p := range []*int{&x, &y, &w} {
			for _, ch := range m[i+1] {
				*p = *p*10 + int(ch-'0')
			}
		}
		for i := 0; i < w; i++ {
			out[y][x+i] = true
		}
	}
	return out
}

// TestQRLink: the link is on the address the client reached (Host, or a
// proxy's X-Forwarded-Host; tileBase) unless a base URL is set.
func TestQRLink(t *testing.T) {
	for _, tc := range []struct {
		cfg     Config
		headers map[string]string
		want    string
	}{
		{Config{}, nil, "http://example.com/#z=13"},
		{Config{}, map[string]string{"X-Forwarded-Host": "gis.example.org"}, "http://gis.example.org/#z=13"},
		{Config{BaseURL: "https://minqing.example.org"}, map[string]string{"X-Forwarded-Host": "ignored"}, "https://minqing.example.org/#z=13"},
	} {
		s := newStaticServer(t, tc.cfg, extentSource{})
		rec := request(t, s, "/qr.svg?u="+url.QueryEscape("/#z=13"), tc.headers)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<title>"+tc.want+"</title>") {
			t.Errorf("%+v %v: %d %.200s; want the title %s", tc.cfg, tc.headers, rec.Code, rec.Body, tc.want)
		}
	}
}

// TestQRHostile: only a path on this server, of bounded length, once.
func TestQRHostile(t *testing.T) {
	s := newStaticServer(t, Config{}, extentSource{})
	for _, tc := range []struct {
		name, query, msg string
	}{
		{"no link", "", "u is required"},
		{"empty", "u=", "u is required"},
		{"another site", "u=" + url.QueryEscape("https://evil.example/"), "not another site"},
		{"scheme-relative", "u=" + url.QueryEscape("//evil.example/x"), "not another site"},
		{"backslash", "u=" + url.QueryEscape(`/\evil.example`), "not another site"},
		{"javascript", "u=" + url.QueryEscape("javascript:alert(1)"), "not another site"},
		{"too long", "u=/" + strings.Repeat("a", maxQRPath), "at most"},
		{"control character", "u=" + url.QueryEscape("/\n#x"), "control character"},
		{"other parameter", "u=/&size=9999", "takes only u"},
		{"twice", "u=/&u=/x", "more than once"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := request(t, s, "/qr.svg?"+tc.query, nil)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.msg) {
				t.Errorf("%d %s; want 400 saying %q", rec.Code, rec.Body, tc.msg)
			}
		})
	}
	// The longest link allowed is still encoded.
	if rec := request(t, s, "/qr.svg?u=/"+strings.Repeat("a", maxQRPath-1), nil); rec.Code != http.StatusOK {
		t.Errorf("a link of %d bytes: %d %.200s", maxQRPath, rec.Code, rec.Body)
	}
}

// FuzzQRLink: whatever u is, /qr.svg answers 200 with an SVG whose link
// is on the server's origin, or 400.
func FuzzQRLink(f *testing.F) {
	for _, seed := range []string{"/", "/#z=13", "//x", "/\\x", "http://x", "/%zz", "/\x00", "/ä#ü"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, u string) {
		srv := newStaticServer(t, Config{BaseURL: "https://m.example"}, extentSource{})
		rec := request(t, srv, "/qr.svg?u="+url.QueryEscape(u), nil)
		switch rec.Code {
		case http.StatusOK:
			var doc struct {
				Title string `xml:"title"`
			}
			if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Fatalf("not XML: %v", err)
			}
			if !strings.HasPrefix(doc.Title, "https://m.example/") || strings.HasPrefix(doc.Title, "https://m.example//") {
				t.Fatalf("link %q is off the origin", doc.Title)
			}
		case http.StatusBadRequest:
		default:
			t.Fatalf("status %d for %q", rec.Code, u)
		}
	})
}

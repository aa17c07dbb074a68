package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/internal/server"
	"minqing/layers"
	"minqing/tiles/pmtiles"
)

// demoPhone is the form of every caller phone the demo writes.
var demoPhone = regexp.MustCompile(`1380000\d{4}`)

// TestPMTilesCommand writes the demo's public layers to an archive on both
// stores and reads every tile back: each is the bytes an anonymous client
// of the live server gets, and none holds a staff layer, a staff field or a
// caller's phone.
func TestPMTilesCommand(t *testing.T) {
	for _, store := range []string{"gpkg", "postgis"} {
		t.Run(store, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"MINQING_DATA": filepath.Join(dir, "m.gpkg")}
			if store == "postgis" {
				env = map[string]string{"DATABASE_URL": pgtest.New(t)}
			}
			if code, out, errs := run(t, env, "demo", "--incidents", "2000", "--as-of", "2026-03-01"); code != 0 {
				t.Fatalf("demo: %d %s %s", code, out, errs)
			}
			out := filepath.Join(dir, "public.pmtiles")
			code, stdout, errs := run(t, env, "pmtiles", "-o", out, "--min-zoom", "12", "--max-zoom", "15", "--min-count", "2")
			if code != 0 || stdout != "" || !strings.Contains(errs, "wrote "+out) {
				t.Fatalf("pmtiles: %d %q %q", code, stdout, errs)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			r, err := pmtiles.Open(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			h := r.Header()
			if h.MinZoom != 12 || h.MaxZoom != 15 || h.TileType != "mvt" || h.Tiles == 0 {
				t.Fatalf("header %+v", h)
			}
			if h.Contents > h.Tiles {
				t.Errorf("%d contents for %d tiles", h.Contents, h.Tiles)
			}
			if !h.Bounds.Contains(fengtaiCentre) {
				t.Errorf("bounds %v do not hold 丰台街道", h.Bounds)
			}
			meta, err := r.Metadata()
			if err != nil || !bytes.Contains(meta, []byte(`"vector_layers"`)) || !bytes.Contains(meta, []byte(`"hotspots"`)) {
				t.Errorf("metadata %s, %v", meta, err)
			}

			// The live server, as the public sees it, to compare with.
			cat := fengtai.Catalog()
			src, _, err := openStore(context.Background(), storeFlags{databaseURL: env["DATABASE_URL"], data: env["MINQING_DATA"]}, cat)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			live := server.New(server.Config{MinCount: 2}, src, cat, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
			names := strings.Join(cat.Names(layers.Public), ",")

			staffFields := map[string]map[string]bool{}
			for _, l := range cat.All() {
				staffFields[l.Name] = map[string]bool{}
				for _, f := range l.Fields {
					if f.Access > layers.Public {
						staffFields[l.Name][f.Name] = true
					}
				}
			}
			seen := map[string]int{}
			for z := h.MinZoom; z <= h.MaxZoom; z++ {
				lo := maptile.At(h.Bounds.Min, maptile.Zoom(z))
				hi := maptile.At(h.Bounds.Max, maptile.Zoom(z))
				for x := lo.X; x <= hi.X; x++ {
					for y := hi.Y; y <= lo.Y; y++ {
						tl := maptile.New(x, y, maptile.Zoom(z))
						stored, err := r.Tile(tl)
						if err != nil {
							t.Fatal(err)
						}
						got := gunzipOrNil(t, stored)
						want := livePublicTile(t, live, names, tl)
						if !bytes.Equal(got, want) {
							t.Fatalf("%d/%d/%d: the archive has %d bytes, the public server %d", z, x, y, len(got), len(want))
						}
						if len(got) == 0 {
							continue
						}
						if m := demoPhone.Find(got); m != nil {
							t.Fatalf("%d/%d/%d holds the caller phone %s", z, x, y, m)
						}
						fc, err := mvt.Unmarshal(got)
						if err != nil {
							t.Fatalf("%d/%d/%d: %v", z, x, y, err)
						}
						for _, l := range fc {
							seen[l.Name] += len(l.Features)
							if cl, err := cat.Get(l.Name, layers.Staff); err == nil && cl.Access > layers.Public {
								t.Fatalf("%d/%d/%d holds the staff layer %s", z, x, y, l.Name)
							}
							for _, f := range l.Features {
								for k, v := range f.Properties {
									if l.Name == "incidents" && k == "h3" {
										// The public cells are coarse; the staff field
										// h3 is an incident's own res-15 cell.
										if res := h3Res(t, v); res > 11 {
											t.Fatalf("%d/%d/%d: an incident cell at resolution %d", z, x, y, res)
										}
										continue
									}
									if staffFields[l.Name][k] {
										t.Fatalf("%d/%d/%d: layer %s carries the staff field %s", z, x, y, l.Name, k)
									}
								}
							}
						}
					}
				}
			}
			for _, name := range []string{"communities", "streets", "incidents", "hotspots"} {
				if seen[name] == 0 {
					t.Errorf("no feature of %s in the archive: the checks above prove little (seen %v)", name, seen)
				}
			}
		})
	}
}

// fengtaiCentre is inside 丰台街道.
var fengtaiCentre = orb.Point{116.287, 39.857}

func gunzipOrNil(t *testing.T, b []byte) []byte {
	t.Helper()
	if b == nil {
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// livePublicTile is what an anonymous client gets: the layers' tile, then
// the hot spots'.
func livePublicTile(t *testing.T, h http.Handler, names string, tl maptile.Tile) []byte {
	t.Helper()
	var out []byte
	for _, p := range []string{
		fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", names, tl.Z, tl.X, tl.Y),
		fmt.Sprintf("/tiles/hotspots/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y),
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != 200 && rec.Code != 204 {
			t.Fatalf("GET %s: %d %s", p, rec.Code, rec.Body.String())
		}
		out = append(out, rec.Body.Bytes()...)
	}
	return out
}

func TestPMTilesUsage(t *testing.T) {
	env := map[string]string{"MINQING_DATA": filepath.Join(t.TempDir(), "m.gpkg")}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"pmtiles"}, "-o is required"},
		{[]string{"pmtiles", "-o", "x.pmtiles", "--min-zoom", "9", "--max-zoom", "3"}, "want 0 ≤ min ≤ max"},
		{[]string{"pmtiles", "-o", "x.pmtiles", "--max-zoom", "40"}, "want 0 ≤ min ≤ max"},
		{[]string{"pmtiles", "-o", "x.pmtiles", "--layers", "care_targets"}, `"care_targets" is not a public layer`},
		{[]string{"pmtiles", "-o", "x.pmtiles", "--layers", "nope"}, `"nope" is not a public layer`},
		{[]string{"pmtiles", "-o", "x.pmtiles", "--public-incidents", "everything"}, "everything"},
		{[]string{"pmtiles", "-o", "x.pmtiles", "extra"}, `unexpected argument "extra"`},
	} {
		code, _, errs := run(t, env, tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: %d %q, want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}

// TestPMTilesMaxTiles: an extent and zoom range past --max-tiles is refused
// before any tile is rendered, and no file is left behind.
func TestPMTilesMaxTiles(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"MINQING_DATA": filepath.Join(dir, "m.gpkg")}
	if code, out, errs := run(t, env, "demo", "--incidents", "50", "--as-of", "2026-03-01"); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errs)
	}
	out := filepath.Join(dir, "big.pmtiles")
	code, _, errs := run(t, env, "pmtiles", "-o", out, "--max-zoom", "18", "--max-tiles", "100")
	if code != 2 || !strings.Contains(errs, "--max-tiles 100") {
		t.Fatalf("%d %q", code, errs)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused run left %s: %v", out, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestServeTilesBaseURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want string // "" for accepted
	}{
		{"https://cdn.example/minqing", ""},
		{"https://cdn.example/t/{z}/{x}/{y}.mvt", ""},
		{"cdn.example/minqing", "want an http(s) URL"},
		{"https://cdn.example/minqing.pmtiles", "names an archive"},
		{"https://cdn.example/t/{z}/{x}.mvt", "needs {z}, {x} and {y}"},
	} {
		_, err := parseServe(Env{Stderr: io.Discard, Getenv: func(string) string { return "" }}, []string{"--tiles-base-url", tc.url})
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("--tiles-base-url %s: %v, want %q", tc.url, err, tc.want)
		}
	}
	for b, want := range map[string]bool{"beijing.pmtiles": true, "/srv/Beijing.PMTiles": true,
		"https://cdn.example/b.pmtiles": false, "https://t0.tianditu.gov.cn/{z}/{x}/{y}": false, "": false} {
		if got := isLocalPMTiles(b); got != want {
			t.Errorf("isLocalPMTiles(%q) = %v", b, got)
		}
	}
}

// h3Res is the resolution of an H3 index written in hexadecimal.
func h3Res(t *testing.T, v any) int {
	t.Helper()
	s, _ := v.(string)
	n, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		t.Fatalf("h3 %v is not an H3 index", v)
	}
	return int(n >> 52 & 0xf)
}

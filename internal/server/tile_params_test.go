package server

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/tiles"
)

func TestParseZXY(t *testing.T) {
	tests := []struct {
		z, x, y string
		want    [3]int
		bad     string // the parameter at fault, "" if valid
	}{
		{"14", "13484", "6211.mvt", [3]int{14, 13484, 6211}, ""},
		{"14", "13484", "6211.pbf", [3]int{14, 13484, 6211}, ""},
		{"0", "0", "0", [3]int{0, 0, 0}, ""},
		{"22", "4194303", "4194303.mvt", [3]int{22, 4194303, 4194303}, ""},
		{"23", "0", "0.mvt", [3]int{}, "z"},
		{"-1", "0", "0.mvt", [3]int{}, "z"},
		{"+1", "0", "0.mvt", [3]int{}, "z"},
		{"1", "2", "0.mvt", [3]int{}, "x"},
		{"1", "0", "2.mvt", [3]int{}, "y"},
		{"1", "0", "0.png", [3]int{}, "y"},
		{"1", "0", ".mvt", [3]int{}, "y"},
		{"1e1", "0", "0.mvt", [3]int{}, "z"},
		{"99999999999999999999", "0", "0.mvt", [3]int{}, "z"},
	}
	for _, tc := range tests {
		z, x, y, err := parseZXY(tc.z, tc.x, tc.y)
		var inv *layers.InvalidError
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s/%s/%s: %v", tc.z, tc.x, tc.y, err)
		case tc.bad == "" && [3]int{z, x, y} != tc.want:
			t.Errorf("%s/%s/%s: %d/%d/%d", tc.z, tc.x, tc.y, z, x, y)
		case tc.bad != "" && (!errors.As(err, &inv) || inv.Param != tc.bad):
			t.Errorf("%s/%s/%s: %v, want a 400 naming %s", tc.z, tc.x, tc.y, err, tc.bad)
		}
	}
}

func TestSplitTileLayers(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"incidents", []string{"incidents"}, true},
		{"communities,streets,incidents", []string{"communities", "streets", "incidents"}, true},
		{"incidents,communities,incidents", []string{"incidents", "communities"}, true},
		{"a,b,c,d,e,f,g,h", []string{"a", "b", "c", "d", "e", "f", "g", "h"}, true},
		{"a,b,c,d,e,f,g,h,i", nil, false},
		{"", nil, false},
		{"a,,b", nil, false},
		{"a,", nil, false},
	}
	for _, tc := range tests {
		got, err := splitTileLayers(tc.in)
		if (err == nil) != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v %v", tc.in, got, err)
		}
	}
}

func TestTileFiltersKey(t *testing.T) {
	cat := fengtai.Catalog()
	inc, _ := cat.Lookup("incidents")
	com, _ := cat.Lookup("communities")
	ls := []*layers.Layer{com, inc}
	key := func(raw string) string {
		q, _ := url.ParseQuery(raw)
		_, k, err := tileFilters(q, ls, layers.Public)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return k
	}
	same := [][2]string{
		{"category=停电,漏水", "category=漏水&category=停电"},
		{"category=停电&status=closed", "status=closed&category=停电,停电"},
		{"datetime=2026-01-01T00:00:00%2B08:00/..", "datetime=2025-12-31T16:00:00Z/"},
	}
	for _, p := range same {
		if key(p[0]) != key(p[1]) {
			t.Errorf("%s and %s have different keys", p[0], p[1])
		}
	}
	if key("category=停电") == key("category=漏水") || key("") != "" {
		t.Error("different filters share a key (or no filter has one)")
	}
	q, _ := url.ParseQuery("datetime=2026-01-01/..&category=停电")
	got, _, _ := tileFilters(q, ls, layers.Public)
	if _, ok := got["communities"]; ok || got["incidents"].Time == nil || len(got["incidents"].Equal["category"]) != 1 {
		t.Errorf("filters %+v: want them on incidents only", got)
	}
}

// FuzzTileURL feeds the tile path parsers untrusted text: they never panic,
// and what they accept is a tile that exists.
func FuzzTileURL(f *testing.F) {
	for _, s := range []string{"incidents|14|13484|6211.mvt", "a,b,a|0|0|0", "x|22|4194303|4194303.pbf", "|-1|+1|1e9", "a,,b|1|0|0.png"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := strings.SplitN(s, "|", 4)
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		if names, err := splitTileLayers(parts[0]); err == nil {
			if len(names) == 0 || len(names) > maxTileLayers {
				t.Fatalf("%q: %d layers accepted", parts[0], len(names))
			}
			seen := map[string]bool{}
			for _, n := range names {
				if n == "" || seen[n] {
					t.Fatalf("%q: names %q", parts[0], names)
				}
				seen[n] = true
			}
		} else if !errors.Is(err, layers.ErrInvalid) {
			t.Fatalf("%q: %v is not a 400", parts[0], err)
		}
		z, x, y, err := parseZXY(parts[1], parts[2], parts[3])
		if err != nil {
			if !errors.Is(err, layers.ErrInvalid) {
				t.Fatalf("%v is not a 400", err)
			}
			return
		}
		if tiles.CheckTile(z, x, y) != nil {
			t.Fatalf("accepted %d/%d/%d", z, x, y)
		}
	})
}

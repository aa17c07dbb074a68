package layers_test

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
	"minqing/layers"
)

func TestParseCell(t *testing.T) {
	const c = int64(644888463657940676) // 8f31aa4141436c4
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"8f31aa4141436c4", c, true},
		{" 8F31AA4141436C4 ", c, true},
		{"0x8f31aa4141436c4", c, true},
		{"644888463657940676", c, true}, // decimal, as the previous release wrote it
		{"8931aa4324bffff", 0x8931aa4324bffff, true},
		{"8f31aa4141436c7", 0, false}, // digit 7 in a res-15 cell
		{"12", 0, false},
		{"", 0, false},
		{"h3", 0, false},
	}
	for _, tc := range tests {
		got, err := layers.ParseCell(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseCell(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok && layers.FormatCell(got) != strings.TrimPrefix(strings.ToLower(strings.TrimSpace(tc.in)), "0x") && tc.in != "644888463657940676" {
			t.Errorf("FormatCell(%d) = %q", got, layers.FormatCell(got))
		}
	}
	h3, _ := mustLayer(t, "incidents").Field("h3")
	if v, err := h3.Parse("8f31aa4141436c4"); err != nil || v != c {
		t.Errorf("Field.Parse = %v, %v", v, err)
	}
	if _, err := h3.Parse("8f31"); err == nil || !strings.Contains(err.Error(), "H3 cell") {
		t.Errorf("Field.Parse(8f31): %v", err)
	}
}

func TestParseFilterCells(t *testing.T) {
	l := mustLayer(t, "incidents")
	tests := []struct {
		src  string
		want string // the prepared expression, "" for an error
	}{
		{"h3 = '8f31aa4141436c4'", "h3 = 644888463657940676"},
		{"h3 IN ('8f31aa4141436c4') AND category = '停电'", "h3 IN (644888463657940676) AND category = '停电'"},
		{"NOT (h3 BETWEEN '8f31aa4141436c4' AND '8f31aa4141436c4')", "NOT h3 BETWEEN 644888463657940676 AND 644888463657940676"},
		{"category = '8f31aa4141436c4'", "category = '8f31aa4141436c4'"},
		{"h3 = 'zz'", ""},
		{"h3 LIKE '8f%'", ""},
		{"h3 = 644888463657940676", ""},
	}
	for _, tc := range tests {
		e, err := l.ParseFilter(tc.src, layers.Staff)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s: no error", tc.src)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := e.(interface{ String() string }).String(); got != tc.want {
			t.Errorf("%s: prepared %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestPrepareCellsAt(t *testing.T) {
	inc := mustLayer(t, "incidents")
	incident := func(g orb.Geometry) *layers.Feature {
		return &layers.Feature{Geometry: g, Props: map[string]any{
			"source": "12345", "category": "停电", "status": "received", "received_at": mustTime(t, "2026-03-05 14:03"),
		}}
	}
	p := orb.Point{116.2843, 39.8577}
	f := incident(p)
	vals, err := layers.PrepareCellsAt(inc, f, 1, false)
	if err != nil || len(vals) != len(layers.ExactColumns()) || layers.ExactColumns()[0] != "h3_5" {
		t.Fatalf("values %v, %v; columns %v", vals, err, layers.ExactColumns())
	}
	want, _ := hex.ExactCells(p)
	for i, v := range vals {
		if v != want[i] {
			t.Errorf("%s = %v, want %v", layers.ExactColumns()[i], v, want[i])
		}
	}
	if store, _ := hex.FromPoint(p, hex.StoreRes); f.Props["h3"] != store {
		t.Errorf("h3 = %v, want %v", f.Props["h3"], store)
	}
	com := &layers.Feature{Geometry: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, Props: map[string]any{"code": "C1", "name": "x"}}
	if v, err := layers.PrepareCellsAt(mustLayer(t, "communities"), com, 1, false); v != nil || err != nil {
		t.Errorf("communities: %v, %v; want none", v, err)
	}
	if _, err := layers.PrepareCellsAt(inc, incident(orb.LineString{{0, 0}, {1, 1}}), 3, false); err == nil || !strings.Contains(err.Error(), "feature 3") {
		t.Errorf("a line: %v, want an error naming feature 3", err)
	}
	bad := incident(p)
	delete(bad.Props, "category")
	if v, err := layers.PrepareCellsAt(inc, bad, 2, false); v != nil || err == nil {
		t.Errorf("no category: %v, %v; want an error and no cells", v, err)
	}
}

// TestPrepareCellsChecked: a write whose features were checked before
// (WriteOptions.Checked) gets the same cells and h3 field, and its features
// are not checked again; every other write's are.
func TestPrepareCellsChecked(t *testing.T) {
	inc := mustLayer(t, "incidents")
	p := orb.Point{116.2843, 39.8577}
	feature := func(category string) *layers.Feature {
		return &layers.Feature{Geometry: p, Props: map[string]any{
			"source": "12345", "category": category, "status": "received", "received_at": mustTime(t, "2026-03-05 14:03"),
		}}
	}
	want, _ := hex.ExactCells(p)
	store, _ := hex.FromPoint(p, hex.StoreRes)
	tests := []struct {
		name     string
		category string // 飞碟 is not in the vocabulary: Check refuses it
		checked  bool
		wantErr  bool
	}{
		{"checked before, valid", "停电", true, false},
		{"not checked before, valid", "停电", false, false},
		{"checked before: not checked again", "飞碟", true, false},
		{"not checked before: refused", "飞碟", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := feature(tc.category)
			vals, err := layers.PrepareCellsAt(inc, f, 7, tc.checked)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "feature 7") || !strings.Contains(err.Error(), "category") {
					t.Errorf("error %v, want one naming feature 7 and its category", err)
				}
				return
			}
			if err != nil || len(vals) != len(want) {
				t.Fatalf("values %v, %v", vals, err)
			}
			for i, v := range vals {
				if v != want[i] {
					t.Errorf("%s = %v, want %v", layers.ExactColumns()[i], v, want[i])
				}
			}
			if f.Props["h3"] != store {
				t.Errorf("h3 = %v, want %v", f.Props["h3"], store)
			}
		})
	}
}

func mustLayer(t testing.TB, name string) *layers.Layer {
	t.Helper()
	l, ok := fengtai.Catalog().Lookup(name)
	if !ok {
		t.Fatalf("no layer %s", name)
	}
	return l
}

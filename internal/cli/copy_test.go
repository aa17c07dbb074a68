package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/wkb"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/gpkg"
)

// demoGPKG writes the demo data (2,000 incidents, with their callers'
// contacts) and two tokens into a new GeoPackage and returns its path.
func demoGPKG(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "office.gpkg")
	st, err := gpkg.Open(ctx, path, fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts := demo.Options{Incidents: 2000, AsOf: time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)}
	if _, err := demo.Load(ctx, st, fengtai.Catalog(), opts, nil); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []layers.Token{{Name: "第一片区片长", Role: layers.Staff, Hash: "hash-1"}, {Name: "科室", Role: layers.Admin, Hash: "hash-2"}} {
		if err := st.AddToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// openSpec opens a store argument as the copy command does.
func openSpec(t *testing.T, spec string) layers.Source {
	t.Helper()
	src, err := openAny(context.Background(), spec, fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// sameStores asserts that two stores hold the same features (ids,
// geometries as WKB, every property), callers' contacts and tokens.
func sameStores(t *testing.T, a, b layers.Source) {
	t.Helper()
	ctx := context.Background()
	for _, l := range fengtai.Catalog().All() {
		read := func(src layers.Source) map[int64]*layers.Feature {
			out := map[int64]*layers.Feature{}
			if err := src.Features(ctx, l, layers.Query{Role: layers.Admin}, func(f *layers.Feature) error {
				out[f.ID] = f
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		fa, fb := read(a), read(b)
		if len(fa) != len(fb) || len(fa) == 0 {
			t.Errorf("%s: %s has %d features, %s %d", l.Name, a.Kind(), len(fa), b.Kind(), len(fb))
			continue
		}
		bad := 0
		for id, f := range fa {
			g, ok := fb[id]
			if !ok {
				t.Errorf("%s %d: missing from %s", l.Name, id, b.Kind())
				bad++
			} else if diff := featureDiff(f, g); diff != "" {
				t.Errorf("%s %d: %s", l.Name, id, diff)
				bad++
			}
			if bad > 5 {
				t.Fatalf("%s: too many differences", l.Name)
			}
		}
	}
	contacts := func(src layers.Source) map[int64]layers.Contact {
		out := map[int64]layers.Contact{}
		if err := src.(layers.ContactCopier).Contacts(ctx, func(id int64, c layers.Contact) error { out[id] = c; return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	ca, cb := contacts(a), contacts(b)
	if len(ca) == 0 || len(ca) != len(cb) {
		t.Errorf("contacts: %s has %d, %s %d", a.Kind(), len(ca), b.Kind(), len(cb))
	}
	for id, c := range ca {
		if cb[id] != c {
			t.Errorf("contact of incident %d: %+v, then %+v", id, c, cb[id])
		}
	}
	tokens := func(src layers.Source) []string {
		ts, err := src.Tokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tk := range ts {
			out = append(out, tk.Name+"/"+tk.Role.String()+"/"+tk.Hash)
		}
		return out
	}
	if ta, tb := strings.Join(tokens(a), ","), strings.Join(tokens(b), ","); ta != tb || ta == "" {
		t.Errorf("tokens: %s, then %s", ta, tb)
	}
}

// featureDiff describes how two features differ ("" if they do not).
func featureDiff(a, b *layers.Feature) string {
	wa, _ := wkb.Marshal(a.Geometry)
	wb, _ := wkb.Marshal(b.Geometry)
	if string(wa) != string(wb) {
		return "geometries differ"
	}
	if len(a.Props) != len(b.Props) {
		return "property sets differ"
	}
	for k, va := range a.Props {
		vb, ok := b.Props[k]
		if !ok {
			return "no " + k
		}
		if ta, isTime := va.(time.Time); isTime {
			tb, ok := vb.(time.Time)
			if !ok || !ta.Equal(tb) || ta.Location().String() != tb.Location().String() {
				return k + " differs"
			}
			continue
		}
		if va != vb {
			return k + " differs"
		}
	}
	return ""
}

// TestCopyBetweenStores moves the office's data from the file to PostGIS and
// back, as an office does when it outgrows the file.
func TestCopyBetweenStores(t *testing.T) {
	file := demoGPKG(t)
	pg := pgtest.New(t)
	back := filepath.Join(t.TempDir(), "back.gpkg")

	if code, out, errs := run(t, nil, "copy", "--from", file, "--to", pg); code != 0 || !strings.Contains(out, "copied gpkg → postgis") {
		t.Fatalf("copy gpkg → postgis: exit %d\n%s\n%s", code, out, errs)
	}
	sameStores(t, openSpec(t, file), openSpec(t, pg))

	if code, out, errs := run(t, nil, "copy", "--from", pg, "--to", back); code != 0 || !strings.Contains(out, "copied postgis → gpkg") {
		t.Fatalf("copy postgis → gpkg: exit %d\n%s\n%s", code, out, errs)
	}
	sameStores(t, openSpec(t, file), openSpec(t, back))

	// Copying again replaces the layers and keeps the tokens already there.
	code, out, errs := run(t, nil, "copy", "--from", file, "--to", pg)
	if code != 0 || !strings.Contains(out, "0 copied, 2 already there") {
		t.Fatalf("second copy: exit %d\n%s\n%s", code, out, errs)
	}
	sameStores(t, openSpec(t, file), openSpec(t, pg))
}

// TestCopyFileToFile runs without PostGIS.
func TestCopyFileToFile(t *testing.T) {
	file := demoGPKG(t)
	into := filepath.Join(t.TempDir(), "new.gpkg")
	code, out, errs := run(t, nil, "copy", "--from", file, "--to", into)
	if code != 0 || !strings.Contains(out, "communities           25") {
		t.Fatalf("copy: exit %d\n%s\n%s", code, out, errs)
	}
	sameStores(t, openSpec(t, file), openSpec(t, into))
}

func TestCopyUsage(t *testing.T) {
	file := demoGPKG(t)
	missing := filepath.Join(t.TempDir(), "missing.gpkg")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"copy", "--to", file}, "give both --from and --to"},
		{[]string{"copy", "--from", file, "--to", file}, "the same store"},
		{[]string{"copy", "--from", missing, "--to", file}, "no such file"},
		{[]string{"copy", "--from", file, "--to", "mysql://x/y"}, "neither a postgres:// URL nor a .gpkg file"},
	}
	for _, tc := range tests {
		code, _, errs := run(t, nil, tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("minqing %v: exit %d, stderr %q; want exit 2 with %q", tc.args, code, errs, tc.want)
		}
	}
	// --to may be a new file.
	openSpec(t, missing)
}

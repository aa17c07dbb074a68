package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/postgis"
)

func importTestdata(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "..", "importers", "testdata", name)
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestImportUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"import", "--layer", "incidents"}, "give one file"},
		{[]string{"import", "--layer", "nope", "x.csv"}, `--layer "nope"`},
		{[]string{"import", "--layer", "incidents", "x.dbf"}, "unknown format"},
		{[]string{"import", "--layer", "incidents", "-"}, "give --format"},
		{[]string{"import", "--layer", "incidents", "--crs", "utm", "x.csv"}, "--crs"},
		{[]string{"import", "--layer", "incidents", "--mode", "merge", "x.csv"}, "--mode"},
		{[]string{"import", "--layer", "incidents", "--encoding", "klingon", "x.csv"}, "--encoding"},
		{[]string{"import", "--layer", "incidents", "--region", "1,2,3", "x.csv"}, "--region"},
		{[]string{"import", "--layer", "incidents", "--mapping", "/does/not/exist", "x.csv"}, "--mapping"},
		{[]string{"import", "--layer", "incidents", "--rejects", "r.csv", "x.csv"}, "--skip-invalid"},
	}
	for _, tc := range tests {
		code, _, stderr := run(t, nil, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("minqing %v: exit %d, stderr %q; want 2 with %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestImportCommand(t *testing.T) {
	url := pgtest.New(t)
	env := map[string]string{"DATABASE_URL": url}

	// A dry run writes nothing; flags may follow the file.
	orders := importTestdata(t, "workorders_gbk.csv")
	code, out, errs := run(t, env, "import", orders, "--layer", "incidents", "--dry-run", "--progress=false")
	if code != 0 || !strings.Contains(out, "rows read 8, valid 8, rejected 0") || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run: %d\n%s\n%s", code, out, errs)
	}
	// Progress goes to stderr as plain lines when it is not a terminal.
	code, out, errs = run(t, env, "import", "--layer", "incidents", "--mode", "upsert", orders)
	if code != 0 || !strings.Contains(out, "inserted 8") || !strings.Contains(errs, "read: 100.0%  8 rows") {
		t.Fatalf("import: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = run(t, env, "import", "--layer", "incidents", "--mode", "upsert", "--json", "--progress=false", orders)
	var rep struct {
		Inserted, Updated int64
		Written           bool
	}
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || !rep.Written || rep.Inserted != 0 || rep.Updated != 0 {
		t.Errorf("re-import: %d %v %+v\n%s", code, err, rep, out)
	}

	// Bad rows: exit 1, every row listed, nothing written.
	bad := importTestdata(t, "bad_rows.csv")
	code, out, errs = run(t, env, "import", "--layer", "incidents", "--json", "--progress=false", bad)
	var badRep struct {
		Rejected   int64
		ErrorCount int64 `json:"error_count"`
		Errors     []struct{ Row int64 }
	}
	if err := json.Unmarshal([]byte(out), &badRep); code != 1 || err != nil || badRep.Rejected != 9 || badRep.ErrorCount != 10 || !strings.Contains(errs, "9 of 11 rows have errors") {
		t.Errorf("bad rows: exit %d, %v, %+v, stderr %q", code, err, badRep, errs)
	}

	// --skip-invalid loads the good rows and writes the rest next to the file.
	code, out, errs = run(t, env, "import", "--layer", "incidents", "--skip-invalid", "--progress=false", bad)
	rejects := strings.TrimSuffix(bad, ".csv") + ".rejects.csv"
	if code != 0 || !strings.Contains(out, "inserted 2") || !strings.Contains(out, rejects) {
		t.Errorf("skip-invalid: %d\n%s\n%s", code, out, errs)
	}
	if b, err := os.ReadFile(rejects); err != nil || bytes.Count(b, []byte("\n")) != 10 {
		t.Errorf("rejects file: %v, %d lines", err, bytes.Count(b, []byte("\n")))
	}

	// Standard input, with a mapping file and GCJ-02 coordinates.
	mapping := filepath.Join(t.TempDir(), "map.txt")
	if err := os.WriteFile(mapping, []byte("# 我们的表\n店名=name\nX=lon\nY=lat\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	c := Run(context.Background(), Env{Stdin: strings.NewReader("店名,X,Y\n新华街菜站,116.2840,39.8530\n"), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] }},
		[]string{"import", "--layer", "service_points", "--format", "csv", "--crs", "gcj02", "--mapping", mapping, "--progress=false", "-"})
	if c != 0 || !strings.Contains(stdout.String(), "inserted 1") {
		t.Errorf("stdin: %d\n%s\n%s", c, stdout.String(), stderr.String())
	}

	st, err := postgis.Open(context.Background(), url, fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inc, _ := fengtai.Catalog().Lookup("incidents")
	if n, err := st.Count(context.Background(), inc, layers.Query{Role: layers.Admin}); err != nil || n != 10 {
		t.Errorf("%d incidents (%v), want 8 + 2", n, err)
	}
}

// TestExportImportRoundTrip: a CSV exported by minqing imports back
// unchanged (upsert by key into a second store).
func TestExportImportRoundTrip(t *testing.T) {
	from := map[string]string{"DATABASE_URL": pgtest.New(t)}
	to := map[string]string{"DATABASE_URL": pgtest.New(t)}
	if code, out, errs := run(t, from, "demo", "--incidents", "200", "--as-of", "2026-03-01"); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errs)
	}
	for _, l := range []string{"communities", "incidents"} {
		file := filepath.Join(t.TempDir(), l+".csv")
		if code, out, errs := run(t, from, "export", "--layer", l, "--format", "csv", "--role", "staff", "-o", file); code != 0 {
			t.Fatalf("export %s: %d %s %s", l, code, out, errs)
		}
		code, out, errs := run(t, to, "import", "--layer", l, "--progress=false", file)
		if code != 0 || !strings.Contains(out, "rejected 0") {
			t.Fatalf("import %s: %d\n%s\n%s", l, code, out, errs)
		}
	}
	a, err := postgis.Open(context.Background(), from["DATABASE_URL"], fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgis.Open(context.Background(), to["DATABASE_URL"], fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	inc, _ := fengtai.Catalog().Lookup("incidents")
	byKey := func(src layers.Source) map[string]string {
		out := map[string]string{}
		_ = src.Features(context.Background(), inc, layers.Query{Role: layers.Staff}, func(f *layers.Feature) error {
			p := f.Props
			out[p["external_id"].(string)] = strings.Join([]string{p["category"].(string), p["status"].(string), p["community"].(string), p["received_at"].(interface{ String() string }).String()}, "|")
			return nil
		})
		return out
	}
	ka, kb := byKey(a), byKey(b)
	if len(ka) != 200 || len(kb) != len(ka) {
		t.Fatalf("%d incidents exported, %d imported", len(ka), len(kb))
	}
	for k, v := range ka {
		if kb[k] != v {
			t.Errorf("%s: %q after the round trip, want %q", k, kb[k], v)
		}
	}
}

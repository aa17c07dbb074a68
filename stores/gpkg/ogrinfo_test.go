package gpkg_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/sourcetest"
)

// tool finds a command-line tool, skipping the test without it, or failing
// it under CI=true, where the tools are installed.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not on PATH: CI must install GDAL (gdal-bin)", name)
		}
		t.Skipf("%s is not on PATH; install gdal-bin to run this test", name)
	}
	return p
}

// demoFile writes the demo data (with 2,000 incidents), a token and a
// caller's contact into a new GeoPackage and returns its path and the rows
// per layer.
func demoFile(t *testing.T) (string, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "minqing.gpkg")
	st := openAt(t, path)
	cat := fengtai.Catalog()
	counts, err := demo.Load(ctx, st, cat, demo.Options{Incidents: 2000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddToken(ctx, layers.Token{Name: "片长", Role: layers.Staff, Hash: "h"}); err != nil {
		t.Fatal(err)
	}
	inc, _ := cat.Lookup("incidents")
	f := sourcetest.Incident(1, orb.Point{116.28, 39.85}, "停电")
	f.Contact = &layers.Contact{Name: "王秘密", Phone: "13800009999"}
	if _, err := st.Write(ctx, inc, layers.WriteOptions{Mode: layers.Insert}, &sourcetest.Slice{Features: []*layers.Feature{f}}); err != nil {
		t.Fatal(err)
	}
	counts["incidents"]++
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path, counts
}

// TestOGRInfo checks that GDAL reads the file as a GeoPackage: every layer
// with its feature count, nothing else listed, not one warning, and every
// feature readable.
func TestOGRInfo(t *testing.T) {
	ogrinfo := tool(t, "ogrinfo")
	path, counts := demoFile(t)
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(ogrinfo, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("ogrinfo %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		if s := stderr.String(); s != "" {
			t.Errorf("ogrinfo %s wrote to stderr:\n%s", strings.Join(args, " "), s)
		}
		return stdout.String()
	}

	got := map[string]int64{}
	var layer string
	sc := bufio.NewScanner(strings.NewReader(run("-ro", "-so", "-al", path)))
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "Layer name: "); ok {
			layer = name
		}
		if n, ok := strings.CutPrefix(line, "Feature Count: "); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				t.Fatalf("%s: feature count %q", layer, n)
			}
			got[layer] = v
		}
	}
	for _, l := range fengtai.Catalog().All() {
		if got[l.Name] != counts[l.Name] || counts[l.Name] == 0 {
			t.Errorf("ogrinfo: %s has %d features, want %d", l.Name, got[l.Name], counts[l.Name])
		}
		delete(got, l.Name)
	}
	delete(got, "layer_fields") // the field dictionary, an attributes table
	if len(got) > 0 {
		t.Errorf("ogrinfo lists tables that are not layers: %v", got)
	}

	if out := run("-ro", "-so", path, "communities"); !strings.Contains(out, "Feature Count: 25\n") {
		t.Errorf("ogrinfo -so communities:\n%s\nwant Feature Count: 25", out)
	}
	// Reading every feature of every layer: a value GDAL finds
	// non-conformant (a DATETIME in another form) would warn here.
	if out := run("-ro", "-al", "-q", path); !strings.Contains(out, "OGRFeature(incidents):") {
		t.Errorf("ogrinfo -al printed no incidents")
	}
}

// validators are where python3-gdal installs GDAL's GeoPackage validator.
var validators = []string{
	"/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
	"/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
}

// TestValidateGPKG runs GDAL's GeoPackage validator (from python3-gdal, when
// installed) with its extra checks and warnings as errors.
func TestValidateGPKG(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	script := ""
	for _, p := range validators {
		if _, err := os.Stat(p); err == nil {
			script = p
			break
		}
	}
	if script == "" {
		t.Skip("GDAL's validate_gpkg.py (python3-gdal) is not installed")
	}
	path, _ := demoFile(t)
	out, err := exec.Command(py, script, "--extra", "--warning-as-error", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("validate_gpkg: %v\n%s", err, out)
	}
}

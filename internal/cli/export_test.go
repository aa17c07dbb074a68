package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai/demo"
	"minqing/internal/pgtest"
	"minqing/layers"
)

func TestExportCommand(t *testing.T) {
	env := map[string]string{"DATABASE_URL": pgtest.New(t)}
	if code, out, errs := run(t, env, "demo", "--incidents", "300", "--as-of", "2026-03-01"); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errs)
	}
	// The callers the demo wrote, to look for in the exports.
	g := demo.New(demo.Options{Incidents: 300, AsOf: time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)})
	r, err := g.Reader("incidents")
	if err != nil {
		t.Fatal(err)
	}
	var phones []string
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if f.Contact != nil {
			phones = append(phones, f.Contact.Phone)
		}
	}
	if len(phones) == 0 {
		t.Fatal("the demo wrote no contacts: the privacy check below would prove nothing")
	}
	noContacts := func(what string, b []byte) {
		t.Helper()
		for _, p := range phones {
			if bytes.Contains(b, []byte(p)) {
				t.Fatalf("%s contains the caller phone %s", what, p)
			}
		}
	}

	// CSV to a file, staff: every incident, machine headers.
	file := filepath.Join(t.TempDir(), "诉求.csv")
	code, out, errs := run(t, env, "export", "--layer", "incidents", "--format", "csv", "--role", "staff", "--headers", "name", "-o", file)
	if code != 0 || out != "" || !strings.Contains(errs, "exported 300 features of incidents") {
		t.Fatalf("export csv: %d %q %q", code, out, errs)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	noContacts("the staff CSV", b)
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil || len(rows) != 301 || rows[0][1] != "external_id" {
		t.Fatalf("CSV: %v, %d rows, header %v", err, len(rows), rows[0])
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v", st.Mode())
	}

	// KML to stdout, public, filtered like the HTTP API.
	code, out, errs = run(t, env, "export", "--layer", "incidents", "--format", "kml",
		"--datetime", "2025-06-01/..", "--where", "category=停电,漏水", "--filter", "satisfied = TRUE OR satisfied IS NULL")
	if code != 0 {
		t.Fatalf("export kml: %d %s", code, errs)
	}
	noContacts("the public KML", []byte(out))
	var doc struct {
		Placemarks []struct {
			Name string `xml:"name"`
			When string `xml:"TimeStamp>when"`
		} `xml:"Document>Placemark"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("KML: %v", err)
	}
	if len(doc.Placemarks) == 0 {
		t.Fatal("the filtered KML is empty: the test data should match")
	}
	for _, p := range doc.Placemarks {
		if p.Name != "停电" && p.Name != "漏水" || p.When < "2025-06-01" {
			t.Errorf("placemark %q at %s is outside the filter", p.Name, p.When)
		}
	}
	if strings.Contains(out, "诉求内容") {
		t.Error("the public KML has the staff-only description")
	}

	// Mistakes are usage errors that name the flag.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "csv"}, "--layer is required"},
		{[]string{"--layer", "care_targets"}, `--layer "care_targets"`},
		{[]string{"--layer", "incidents", "--format", "xlsx"}, "--format"},
		{[]string{"--layer", "incidents", "--role", "boss"}, "--role"},
		{[]string{"--layer", "incidents", "--filter", "nope = 1"}, "--filter:"},
		{[]string{"--layer", "incidents", "--filter", "description = 'x'"}, "--filter:"},
		{[]string{"--layer", "incidents", "--datetime", "2026-02-30"}, "--datetime:"},
		{[]string{"--layer", "incidents", "--where", "colour=red"}, "--where colour"},
		{[]string{"--layer", "incidents", "--where", "category"}, "PROPERTY=VALUE"},
		{[]string{"--layer", "incidents", "--where", "bbox=1,2,3,4"}, "--where bbox: layer incidents has no property bbox"},
		{[]string{"--layer", "incidents", "--where", "description=x"}, "--where description"},
		{[]string{"--layer", "incidents", "--bbox", "1,2,3"}, "--bbox: bbox must be four numbers"},
		{[]string{"--layer", "incidents", "--filter", "  "}, "--filter: filter is empty"},
		{[]string{"--layer", "incidents", "--properties", "colour"}, "--properties: layer incidents has no property colour"},
		{[]string{"--layer", "incidents", "--format", "kml", "--headers", "en"}, "--headers"},
		{[]string{"--layer", "communities", "--datetime", "2026-01-01"}, "no time field"},
	} {
		code, _, errs := run(t, env, append([]string{"export"}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("export %v: exit %d, %q; want exit 2 with %q", tc.args, code, errs, tc.want)
		}
	}
}

func TestWriteFileAtomicLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	boom := errors.New("store went away")
	_, err := writeFileAtomic(path, func(w io.Writer) (int64, error) {
		_, _ = w.Write([]byte("half a file"))
		return 1, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("a failed export left %v", entries)
	}
}

package gpkg_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/sourcetest"
)

// helperEnv names the file the helper process writes to and helperLayer
// the layer; unset, the helper is a no-op test.
const (
	helperEnv   = "MINQING_GPKG_KILL_HELPER"
	helperLayer = "MINQING_GPKG_KILL_LAYER"
)

// endless yields incidents without end, slowly after the first batch: it
// stands for an import that is killed while it runs. It prints "writing"
// to stdout once the first batch is in the open transaction.
type endless struct {
	layer string
	n     int
	batch int
}

func (e *endless) Next() (*layers.Feature, error) {
	e.n++
	if e.n == e.batch {
		fmt.Println("writing")
	}
	if e.n > e.batch {
		time.Sleep(time.Millisecond)
	}
	if e.layer == "streets" {
		return longStreet(e.n), nil
	}
	p := orb.Point{116.270 + 0.035*float64(e.n%97)/97, 39.845 + 0.025*float64(e.n%89)/89}
	f := sourcetest.Incident(e.n, p, "停电")
	f.Props["external_id"] = fmt.Sprintf("KILL-%d", e.n)
	f.Contact = &layers.Contact{Name: "王秘密", Phone: "13800009999"}
	return f, nil
}

// longStreet is a street of 8,000 vertices (a 128 KB geometry): a few
// hundred of them overflow the write connection's page cache, so SQLite
// spills the uncommitted import into the write-ahead log.
func longStreet(i int) *layers.Feature {
	line := make(orb.LineString, 8000)
	for j := range line {
		line[j] = orb.Point{116.27 + 0.035*float64(j)/8000, 39.845 + 0.025*float64(i%100)/100 + 0.0001*float64(j%2)}
	}
	return &layers.Feature{Geometry: line, Props: map[string]any{"name": fmt.Sprintf("测试街%d", i), "kind": "街"}}
}

// TestHelperProcess is the child of TestKilledMidImport: it starts a large
// import into the file named by $MINQING_GPKG_KILL_HELPER and waits to be
// killed.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		return
	}
	st := openAt(t, path)
	name := os.Getenv(helperLayer)
	l, _ := fengtai.Catalog().Lookup(name)
	batch := 20000
	if name == "streets" {
		batch = 1000
	}
	_, err := st.Write(context.Background(), l, layers.WriteOptions{Mode: layers.Replace}, &endless{layer: name, batch: batch})
	fmt.Fprintln(os.Stderr, "helper: the write returned, which it must not:", err)
	os.Exit(3)
}

// TestKilledMidImport kills (SIGKILL) a process in the middle of a large
// replace and checks that the file is intact and holds exactly what it held
// before: none of the import, and the rows the import was replacing. The
// streets import is large enough to spill uncommitted pages into the
// write-ahead log before the kill.
func TestKilledMidImport(t *testing.T) {
	tests := []struct {
		layer  string
		before []*layers.Feature
		key    string
		spills bool
	}{
		{"incidents", []*layers.Feature{
			sourcetest.Incident(1, orb.Point{116.28, 39.85}, "漏水"),
			sourcetest.Incident(2, orb.Point{116.29, 39.86}, "停电"),
		}, "external_id", false},
		{"streets", []*layers.Feature{longStreet(1), longStreet(2)}, "name", true},
	}
	for _, tc := range tests {
		t.Run(tc.layer, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "killed.gpkg")
			st := openAt(t, path)
			l, _ := fengtai.Catalog().Lookup(tc.layer)
			var want []string
			for _, f := range tc.before {
				want = append(want, f.Props[tc.key].(string))
			}
			if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: tc.before}); err != nil {
				t.Fatal(err)
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			killHelper(t, path, tc.layer, tc.spills)

			st = openAt(t, path)
			if err := st.IntegrityCheck(ctx); err != nil {
				t.Fatal(err)
			}
			var got []string
			if err := st.Features(ctx, l, layers.Query{Role: layers.Staff}, func(f *layers.Feature) error {
				got = append(got, f.Props[tc.key].(string))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("after the killed import the file holds %v, want exactly the rows from before: %v", got, want)
			}
			n := 0
			if err := st.Contacts(ctx, func(int64, layers.Contact) error { n++; return nil }); err != nil || n != 0 {
				t.Errorf("after the killed import: %d contacts, %v; want none", n, err)
			}
		})
	}
}

// killHelper runs TestHelperProcess on path, waits until its import is
// under way and kills it with SIGKILL.
func killHelper(t *testing.T, path, layer string, spills bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path, helperLayer+"="+layer)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		ok := false
		for sc.Scan() {
			if sc.Text() == "writing" && !ok {
				ok = true
				started <- true
			}
		}
		if !ok {
			started <- false
		}
		io.Copy(io.Discard, stdout) //nolint:errcheck // draining only
	}()
	select {
	case ok := <-started:
		if !ok {
			cmd.Wait() //nolint:errcheck // the child failed; its stderr says why
			t.Fatalf("the helper never started writing:\n%s", stderr.String())
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill() //nolint:errcheck
		t.Fatalf("the helper did not start writing within 2 minutes:\n%s", stderr.String())
	}
	time.Sleep(50 * time.Millisecond) // the import is well under way
	var wal int64
	if fi, err := os.Stat(path + "-wal"); err == nil {
		wal = fi.Size()
	}
	t.Logf("when killed, the write-ahead log holds %d bytes", wal)
	if spills && wal < 1<<20 {
		t.Errorf("the write-ahead log holds %d bytes: the import did not spill, the test proves less than it should", wal)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("helper ended with %v, not killed by SIGKILL:\n%s", err, stderr.String())
	}
}

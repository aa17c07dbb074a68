package importers_test

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"minqing/deploy/fengtai"
	"minqing/importers"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/postgis"
	"minqing/stores/storetest"
)

// Environment of the child process TestKilledMidImport starts.
const (
	childEnv      = "MINQING_IMPORT_CHILD" // "postgis" or "gpkg"
	childStoreEnv = "MINQING_IMPORT_CHILD_STORE"
)

// slowSource is an endless work-order CSV that sleeps now and then and
// reports how far it got on stdout.
type slowSource struct {
	rowSource
	out *os.File
}

func (s *slowSource) Read(p []byte) (int, error) {
	before := s.n
	n, err := s.rowSource.Read(p)
	if s.n/10000 != before/10000 {
		fmt.Fprintf(s.out, "produced %d\n", s.n)
		time.Sleep(5 * time.Millisecond)
	}
	return n, err
}

// runChild is the child's side: import an endless stream until killed.
func runChild(t *testing.T, kind, store string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var src layers.Source
	var err error
	if kind == "postgis" {
		src, err = postgis.Open(ctx, store, fengtai.Catalog())
	} else {
		src, err = gpkg.Open(ctx, store, fengtai.Catalog())
	}
	if err != nil {
		t.Fatal(err)
	}
	l, _ := fengtai.Catalog().Lookup("incidents")
	gen := &slowSource{rowSource: rowSource{rows: 1 << 40}, out: os.Stdout}
	_, err = importers.Import(ctx, src, fengtai.Catalog(), l, gen, importers.Options{Format: importers.CSV, SkipInvalid: true})
	t.Fatalf("the endless import returned: %v", err)
}

// TestKilledMidImport re-executes the test binary as a child that streams
// an endless work-order file into a store, SIGKILLs it while its
// transaction is open, and checks that nothing was written.
func TestKilledMidImport(t *testing.T) {
	if kind := os.Getenv(childEnv); kind != "" {
		runChild(t, kind, os.Getenv(childStoreEnv))
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	for _, s := range storetest.Kinds() {
		t.Run(s.Name, func(t *testing.T) {
			var store string
			var src layers.Source
			if s.Name == "postgis" {
				store = pgtest.New(t)
				st, err := postgis.Open(testCtx(t), store, fengtai.Catalog())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				if _, err := st.Migrate(testCtx(t)); err != nil {
					t.Fatal(err)
				}
				src = st
			} else {
				store = filepath.Join(t.TempDir(), "kill.gpkg")
				st, err := gpkg.Open(testCtx(t), store, fengtai.Catalog())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				src = st
			}
			v0, err := src.Versions(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}

			cmd := exec.Command(os.Args[0], "-test.run=^TestKilledMidImport$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnv+"="+s.Name, childStoreEnv+"="+store)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
			sc := bufio.NewScanner(out)
			reached := false
			for sc.Scan() {
				var n int
				if _, err := fmt.Sscanf(sc.Text(), "produced %d", &n); err == nil && n >= 50000 {
					reached = true
					break
				}
			}
			if !reached {
				t.Fatal("the child stopped before streaming 50,000 rows")
			}
			if s.Name == "postgis" {
				waitForCopy(t, store)
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup in the child
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if s.Name == "postgis" {
				waitForNoOtherBackends(t, store)
			}
			if n := count(t, src, "incidents"); n != 0 {
				t.Errorf("%d incidents written by a killed import, want 0", n)
			}
			if n := len(contacts(t, src)); n != 0 {
				t.Errorf("%d contacts written by a killed import, want 0", n)
			}
			v1, err := src.Versions(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			if v1["incidents"] != v0["incidents"] {
				t.Errorf("incidents version %d → %d", v0["incidents"], v1["incidents"])
			}
		})
	}
}

// dbName is the database a URL names.
func dbName(t *testing.T, u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(pu.Path, "/")
}

// waitForCopy waits until a COPY into the staging table runs in the database.
func waitForCopy(t *testing.T, u string) {
	t.Helper()
	poll(t, u, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'copy%' AND pid <> pg_backend_pid()", func(n int) bool { return n > 0 }, "a COPY in the child's transaction")
}

// waitForNoOtherBackends waits until the killed child's session has ended.
func waitForNoOtherBackends(t *testing.T, u string) {
	t.Helper()
	poll(t, u, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name <> 'importers-test-poll' AND backend_type = 'client backend' AND state <> 'idle'", func(n int) bool { return n == 0 }, "the child's session to end")
}

func poll(t *testing.T, u, query string, ok func(int) bool, what string) {
	t.Helper()
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["application_name"] = "importers-test-poll"
	conn, err := pgx.ConnectConfig(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := conn.QueryRow(testCtx(t), query, dbName(t, u)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if ok(n) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Pair is a PostgreSQL primary and a hot standby streaming from it, in
// temporary directories on free ports, each with a database "minqing"
// that has PostGIS.
type Pair struct {
	Primary, Replica string // URLs of the database "minqing"
}

// BinDir finds PostgreSQL's programs: $PG_BIN, else
// /usr/lib/postgresql/*/bin, else initdb on the PATH.
func BinDir() (string, bool) {
	if d := os.Getenv("PG_BIN"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, true
		}
	}
	ds, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(ds) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(ds[i], "pg_basebackup")); err == nil {
			return ds[i], true
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), true
	}
	return "", false
}

// NewPair makes a primary with initdb, a replica of it with
// pg_basebackup -R, starts both (as the postgres user when the test runs
// as root) and stops and removes them when the test ends. Without
// PostgreSQL's programs it skips, or fails under CI=true.
func NewPair(t testing.TB) Pair {
	t.Helper()
	bin, ok := BinDir()
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL's programs (initdb, pg_ctl, pg_basebackup) are missing: the replica tests must run in CI")
		}
		t.Skip("PostgreSQL's programs (initdb, pg_ctl, pg_basebackup) are missing")
	}
	dir, err := os.MkdirTemp("", "minqing-pair-")
	if err != nil {
		t.Fatal(err)
	}
	var prefix []string
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root and there is no postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		prefix = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(name string, args ...string) {
		t.Helper()
		argv := append(append(prefix[:len(prefix):len(prefix)], filepath.Join(bin, name)), args...)
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	primary, replica := filepath.Join(dir, "primary"), filepath.Join(dir, "replica")
	pport, rport := freePort(t), freePort(t)
	opts := func(port int) string {
		return fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=50 -c shared_buffers=32MB -c wal_level=replica -c max_wal_senders=4 -c hot_standby=on", port, dir)
	}
	t.Cleanup(func() {
		for _, d := range []string{replica, primary} {
			argv := append(append(prefix[:len(prefix):len(prefix)], filepath.Join(bin, "pg_ctl")), "-D", d, "-m", "immediate", "stop")
			_ = exec.Command(argv[0], argv[1:]...).Run()
		}
		os.RemoveAll(dir)
	})
	run("initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
	run("pg_ctl", "-D", primary, "-l", filepath.Join(dir, "primary.log"), "-w", "-o", opts(pport), "start")
	purl := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/minqing?sslmode=disable", pport)
	// Generous bounds for a loaded machine (not speed thresholds).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pport))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE minqing"); err != nil {
		t.Fatal(err)
	}
	admin.Close(ctx)
	db, err := pgx.Connect(ctx, purl)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "CREATE EXTENSION postgis"); err != nil {
		t.Fatal(err)
	}
	db.Close(ctx)
	run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(pport), "-U", "postgres", "-D", replica, "-R", "-X", "stream", "-c", "fast")
	run("pg_ctl", "-D", replica, "-l", filepath.Join(dir, "replica.log"), "-w", "-o", opts(rport), "start")
	rurl := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/minqing?sslmode=disable", rport)
	for end := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
		c, err := pgx.Connect(cctx, rurl)
		ccancel()
		if err == nil {
			var standby bool
			err = c.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby)
			c.Close(ctx)
			if err == nil && standby {
				break
			}
			if err == nil {
				t.Fatal("the replica is not in recovery")
			}
		}
		if time.Now().After(end) {
			t.Fatalf("the replica did not start: %v", err)
		}
	}
	return Pair{Primary: purl, Replica: rurl}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

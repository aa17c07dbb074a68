// Package pgtest gives tests a fresh PostgreSQL + PostGIS database of their
// own on the server named by MINQING_TEST_DATABASE (which ./scripts/test
// starts). Without it a test skips on a developer's machine and fails under
// CI=true: in CI the database tests must run.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the admin URL of the test server.
const EnvVar = "MINQING_TEST_DATABASE"

// Template is the database ./scripts/test prepares with PostGIS installed;
// new test databases are copied from it when it exists.
const Template = "minqing_template"

// AdminURL returns the test server's URL, skipping (or, under CI, failing)
// the test when there is none.
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvVar)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: the PostGIS tests must run in CI (use ./scripts/test)", EnvVar)
		}
		t.Skipf("%s is not set; run ./scripts/test to start a throwaway PostGIS", EnvVar)
	}
	return u
}

// New creates an empty database with PostGIS for this test, drops it when the
// test ends, and returns its URL.
func New(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", EnvVar, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "mq_test_" + hex.EncodeToString(b)
	var hasTemplate bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", Template).Scan(&hasTemplate); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if hasTemplate {
		create += " TEMPLATE " + pgx.Identifier{Template}.Sanitize()
	}
	if _, err := conn.Exec(ctx, create); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvVar, err)
	}
	u.Path = "/" + name
	if !hasTemplate {
		c, err := pgx.Connect(ctx, u.String())
		if err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
			t.Fatalf("pgtest: postgis: %v", err)
		}
	}
	return u.String()
}

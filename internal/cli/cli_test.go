package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/internal/auth"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/postgis"
)

// run runs the command line with args and returns exit code, stdout, stderr.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}, args)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Commands:"},
		{[]string{"fly"}, 2, `unknown command "fly"`},
		{[]string{"serve", "--nope"}, 2, "flag provided but not defined"},
		{[]string{"token"}, 2, "token add"},
		{[]string{"token", "add", "--role", "public", "--name", "x", "--database-url", "postgres://127.0.0.1:1/x"}, 1, ""},
		{[]string{"demo", "--as-of", "yesterday"}, 2, "--as-of"},
		{[]string{"help"}, 0, "Commands:"},
	}
	for _, tc := range tests {
		code, _, stderr := run(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("minqing %v: exit %d, stderr %q; want exit %d with %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

func TestMigrateDemoTokenOnPostGIS(t *testing.T) {
	url := pgtest.New(t)
	env := map[string]string{"DATABASE_URL": url}
	if code, out, errs := run(t, env, "migrate"); code != 0 || !strings.Contains(out, "applied") {
		t.Fatalf("migrate: %d %s %s", code, out, errs)
	}
	if code, out, errs := run(t, env, "demo", "--incidents", "300", "--as-of", "2026-10-31", "--check"); code != 0 || !strings.Contains(out, "every seed figure holds") {
		t.Fatalf("demo --check: %d %s %s", code, out, errs)
	}
	if code, out, _ := run(t, env, "demo", "--if-empty"); code != 0 || !strings.Contains(out, "already has data") {
		t.Errorf("demo --if-empty on a loaded store: %d %s", code, out)
	}
	code, out, errs := run(t, env, "token", "add", "--role", "staff", "--name", "第一片区片长")
	if code != 0 {
		t.Fatalf("token add: %d %s", code, errs)
	}
	secret := strings.TrimSpace(out)
	if !strings.HasPrefix(secret, auth.Prefix) {
		t.Fatalf("token add printed %q", out)
	}
	st, err := postgis.Open(context.Background(), url, fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	role, err := auth.Resolve(context.Background(), st, secret)
	if err != nil || role != layers.Staff {
		t.Errorf("the new token resolves to %v, %v; want staff", role, err)
	}
	toks, _ := st.Tokens(context.Background())
	for _, tk := range toks {
		if strings.Contains(tk.Hash, secret) || tk.Hash == secret {
			t.Error("the secret itself is stored")
		}
	}
	if code, out, _ := run(t, env, "token", "list"); code != 0 || !strings.Contains(out, "第一片区片长") || strings.Contains(out, secret) {
		t.Errorf("token list: %d %s", code, out)
	}
	if code, out, errs := run(t, env, "token", "revoke", "--id", "1"); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("token revoke: %d %s %s", code, out, errs)
	}
	if _, err := auth.Resolve(context.Background(), st, secret); err == nil {
		t.Error("a revoked token still resolves")
	}
}

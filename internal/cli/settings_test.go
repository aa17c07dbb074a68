package cli

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the README's configuration table")

// TestREADMEConfigTable keeps the README's table of serve's flags, their
// environment variables and defaults identical to the flags themselves.
func TestREADMEConfigTable(t *testing.T) {
	const begin, end = "<!-- serve-flags -->\n", "<!-- /serve-flags -->"
	var o serveOptions
	want := readmeTable(serveSettings(&o))
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q block", begin, end)
	}
	got := doc[i+len(begin) : j]
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile("../../README.md", []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's configuration table differs from the flags; run go test ./internal/cli -run TestREADMEConfigTable -update\ngot:\n%s\nwant:\n%s", got, want)
}

// TestServeSettings checks that every flag has a MINQING_* variable, that
// the variable sets it, that the flag wins over it, and that the defaults
// reach the server's configuration.
func TestServeSettings(t *testing.T) {
	var o serveOptions
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	list := serveSettings(&o)
	if err := registerSettings(fs, Env{Getenv: func(string) string { return "" }}, list); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range list {
		if !strings.HasPrefix(s.env, "MINQING_") || seen[s.env] || fs.Lookup(s.name) == nil {
			t.Errorf("--%s: env %q must be a unique MINQING_* name and the flag defined", s.name, s.env)
		}
		seen[s.env] = true
	}

	envOf := func(m map[string]string) Env { return Env{Getenv: func(k string) string { return m[k] }} }
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		check func(o serveOptions) bool
	}{
		{"defaults", nil, nil, func(o serveOptions) bool {
			return o.cfg.Addr == ":8080" && o.cfg.StoreTimeout == 10*time.Second && o.cfg.MaxQueryParams == 256 &&
				o.cfg.MaxStreams == 32 && o.cfg.MaxHeavy == 4 && !o.cfg.NoMetrics && o.cfg.ImportMaxBytes == 512<<20 && o.store.data == "minqing.gpkg"
		}},
		{"env", map[string]string{"MINQING_STORE_TIMEOUT": "3s", "MINQING_MAX_STREAMS": "7", "MINQING_METRICS": "false", "DATABASE_URL": "postgres://a"}, nil,
			func(o serveOptions) bool {
				return o.cfg.StoreTimeout == 3*time.Second && o.cfg.MaxStreams == 7 && o.cfg.NoMetrics && o.store.databaseURL == "postgres://a"
			}},
		{"MINQING_ over the old name", map[string]string{"DATABASE_URL": "postgres://a", "MINQING_DATABASE_URL": "postgres://b"}, nil,
			func(o serveOptions) bool { return o.store.databaseURL == "postgres://b" }},
		{"flag wins", map[string]string{"MINQING_WRITE_STALL": "3s", "MINQING_ADDR": ":1"}, []string{"--write-stall", "5s", "--addr", ":2"},
			func(o serveOptions) bool { return o.cfg.WriteStall == 5*time.Second && o.cfg.Addr == ":2" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseServe(envOf(tc.env), tc.args)
			if err != nil || !tc.check(o) {
				t.Errorf("err %v, config %+v", err, o.cfg)
			}
		})
	}

	bad := []map[string]string{{"MINQING_STORE_TIMEOUT": "soon"}, {"MINQING_MAX_HEAVY": "four"}, {"MINQING_METRICS": "perhaps"}}
	for _, env := range bad {
		_, err := parseServe(envOf(env), nil)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error naming the variable", env, err)
		}
	}
}

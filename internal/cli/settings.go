package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// setting is one command-line flag with the MINQING_* environment variable
// that sets it too (the flag wins) and its default, written once here (or
// taken from server.DefaultConfig). The README's configuration table is
// checked against these by a test.
type setting struct {
	name string // the flag, without "--"
	env  string // MINQING_…
	alt  string // an older variable also read (DATABASE_URL), or ""
	def  string // the default, as the flag parses it; "" for none
	help string
	val  func() flag.Value // the variable the flag sets
}

// registerSettings defines the flags of list on fs: each starts at its
// default, then its environment variable if set (a malformed one is a usage
// error naming it), then whatever the command line says.
func registerSettings(fs *flag.FlagSet, env Env, list []setting) error {
	for _, s := range list {
		v := s.val()
		if s.def != "" {
			if err := v.Set(s.def); err != nil {
				return fmt.Errorf("default of --%s: %w", s.name, err)
			}
		}
		for _, name := range []string{s.alt, s.env} {
			if name == "" {
				continue
			}
			if e := env.Getenv(name); e != "" {
				if err := v.Set(e); err != nil {
					return usageError{fmt.Sprintf("%s=%q: %v", name, e, err)}
				}
			}
		}
		fs.Var(v, s.name, s.help+" (env "+s.env+")")
	}
	return nil
}

// readmeTable renders list as the README's Markdown table.
func readmeTable(list []setting) string {
	var b strings.Builder
	b.WriteString("| flag | env | default | meaning |\n|---|---|---|---|\n")
	for _, s := range list {
		env := "`" + s.env + "`"
		if s.alt != "" {
			env += " (or `" + s.alt + "`)"
		}
		def := "(none)"
		if s.def != "" {
			def = "`" + s.def + "`"
		}
		fmt.Fprintf(&b, "| `--%s` | %s | %s | %s |\n", s.name, env, def, s.help)
	}
	return b.String()
}

// Flag values over plain variables.

// listVal is a repeatable flag: each use adds its value's space-separated
// items.
type listVal struct{ p *[]string }

func (v listVal) Set(s string) error { *v.p = append(*v.p, strings.Fields(s)...); return nil }
func (v listVal) String() string {
	if v.p == nil {
		return ""
	}
	return strings.Join(*v.p, " ")
}

type stringVal struct{ p *string }

func (v stringVal) Set(s string) error { *v.p = s; return nil }
func (v stringVal) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

type intVal struct{ p *int }

func (v intVal) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("%q is not a whole number", s)
	}
	*v.p = n
	return nil
}
func (v intVal) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

type boolVal struct{ p *bool }

func (v boolVal) Set(s string) error {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	*v.p = b
	return nil
}
func (v boolVal) String() string   { return strconv.FormatBool(v.p != nil && *v.p) }
func (v boolVal) IsBoolFlag() bool { return true }

type durationVal struct{ p *time.Duration }

func (v durationVal) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a positive duration such as 10s or 2m", s)
	}
	*v.p = d
	return nil
}
func (v durationVal) String() string {
	if v.p == nil {
		return "0s"
	}
	return v.p.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

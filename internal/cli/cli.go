package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
)

// Env is what a command sees of the process: arguments, streams and the
// environment (a function, so tests can pass their own).
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":   {"run the HTTP server (embedded GeoPackage store unless a database URL is given)", runServe},
		"migrate": {"create or update the PostGIS schema", runMigrate},
		"demo":    {"load the 丰台街道 demo data (replacing what is there); --check asserts the seed figures", runDemo},
		"token":   {"manage access tokens: token add --role staff --name NAME | token list | token revoke --id N", runToken},
		"import":  {"import a GeoJSON, CSV or KML file into a layer", runImport},
		"export":  {"export a layer as GeoJSON, CSV or KML", runExport},
		"copy":    {"copy every layer and token from one store to another", runCopy},
		"pmtiles": {"write the public layers to a PMTiles archive for a CDN (static tiles)", runPMTiles},
	}
}

// Run runs the command line and returns the process exit code.
func Run(ctx context.Context, env Env, args []string) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "minqing: unknown command %q\n\n", args[0])
		usage(env.Stderr, cmds)
		return 2
	}
	if err := cmd.run(ctx, env, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(env.Stderr, "minqing %s: %v\n", args[0], err)
			return 2
		}
		fmt.Fprintf(env.Stderr, "minqing %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "minqing — the 民情图 map server of 丰台街道\n\nUsage: minqing <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'minqing <command> -h' for a command's flags.")
}

// usageError is a mistake in the command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// newFlags returns a FlagSet that reports errors instead of exiting.
func newFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("minqing "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// parse parses flags, turning errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// storeFlags are the flags that choose a store.
type storeFlags struct {
	databaseURL string
	data        string
}

func (s *storeFlags) register(fs *flag.FlagSet, env Env) {
	// The store settings have no default that fails to parse.
	_ = registerSettings(fs, env, storeSettings(s))
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, usageError{fmt.Sprintf("log level %q: use debug, info, warn or error", level)}
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

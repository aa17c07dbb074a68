package cli

import (
	"context"
	"fmt"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
)

func runDemo(ctx context.Context, env Env, args []string) error {
	var sf storeFlags
	var opts demo.Options
	var asOf string
	var check, checkOnly, ifEmpty bool
	fs := newFlags("demo", env)
	sf.register(fs, env)
	fs.IntVar(&opts.Incidents, "incidents", 20000, "how many incidents to generate (up to millions, for benchmarks)")
	fs.Int64Var(&opts.Seed, "seed", 20190701, "random seed (same seed, same data)")
	fs.StringVar(&asOf, "as-of", "", "the last day of the two-year incident window, YYYY-MM-DD (default: up to now)")
	fs.BoolVar(&check, "check", false, "after loading, assert the seed's figures on the loaded data")
	fs.BoolVar(&checkOnly, "check-only", false, "do not load; only assert the seed's figures on what is there")
	fs.BoolVar(&ifEmpty, "if-empty", false, "load only when the store has no communities yet (for container start-up)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if opts.Incidents < 0 {
		return usageError{"--incidents must be 0 or more"}
	}
	if asOf != "" {
		t, err := time.ParseInLocation("2006-01-02", asOf, layers.Shanghai)
		if err != nil {
			return usageError{fmt.Sprintf("--as-of %q: use YYYY-MM-DD", asOf)}
		}
		opts.AsOf = t.AddDate(0, 0, 1) // the window includes the whole last day
	}
	cat := fengtai.Catalog()
	src, _, err := openStore(ctx, sf, cat)
	if err != nil {
		return err
	}
	defer src.Close()
	if ifEmpty {
		l, _ := cat.Lookup("communities")
		n, err := src.Count(ctx, l, layers.Query{Role: layers.Admin})
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintf(env.Stdout, "the store already has data (%d communities); not loading the demo\n", n)
			return nil
		}
	}
	if !checkOnly {
		start := time.Now()
		counts, err := demo.Load(ctx, src, cat, opts, func(layer string, rows int64) {
			fmt.Fprintf(env.Stderr, "  %s: %d rows\n", layer, rows)
		})
		if err != nil {
			return err
		}
		for _, l := range cat.All() {
			fmt.Fprintf(env.Stdout, "%-15s %8d\n", l.Name, counts[l.Name])
		}
		fmt.Fprintf(env.Stdout, "loaded the 丰台街道 demo into %s in %s\n", src.Kind(), time.Since(start).Round(time.Millisecond))
	}
	if check || checkOnly {
		if err := demo.Check(ctx, src, cat); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, "every seed figure holds")
	}
	return nil
}

package cli

import (
	"context"
	"fmt"

	"minqing/deploy/fengtai"
	"minqing/stores/postgis"
)

func runMigrate(ctx context.Context, env Env, args []string) error {
	var sf storeFlags
	fs := newFlags("migrate", env)
	sf.register(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if sf.databaseURL == "" {
		// The embedded store migrates itself when opened.
		src, _, err := openStore(ctx, sf, fengtai.Catalog())
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "embedded store %s is up to date\n", sf.data)
		return src.Close()
	}
	st, err := postgis.Open(ctx, sf.databaseURL, fengtai.Catalog())
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "applied %d migration(s); the schema is up to date\n", n)
	return nil
}

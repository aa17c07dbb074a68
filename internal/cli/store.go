package cli

import (
	"context"
	"errors"

	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/postgis"
)

// openStore opens the store the flags choose and brings its schema up to
// date: PostGIS when a database URL is given, else the embedded GeoPackage.
// created reports whether the embedded file was new.
func openStore(ctx context.Context, sf storeFlags, cat *layers.Catalog) (src layers.Source, created bool, err error) {
	if sf.databaseURL != "" {
		st, err := postgis.Open(ctx, sf.databaseURL, cat)
		if err != nil {
			return nil, false, err
		}
		if _, err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, false, err
		}
		return st, false, nil
	}
	return openEmbedded(ctx, sf.data, cat)
}

// openEmbedded opens the GeoPackage store at path, creating and migrating
// the file if it does not exist; created reports that it did not.
func openEmbedded(ctx context.Context, path string, cat *layers.Catalog) (layers.Source, bool, error) {
	st, err := gpkg.Open(ctx, path, cat)
	if err != nil {
		return nil, false, err
	}
	return st, st.Created(), nil
}

// openReplicas adds --database-read-url replicas to a PostGIS store.
func openReplicas(ctx context.Context, src layers.Source, urls []string) error {
	if len(urls) == 0 {
		return nil
	}
	st, ok := src.(*postgis.Store)
	if !ok {
		return usageError{"--database-read-url needs --database-url (read replicas are PostgreSQL's)"}
	}
	if err := st.OpenReplicas(ctx, urls); err != nil {
		return errors.Join(errors.New("--database-read-url"), err)
	}
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// contactBatch is how many callers' contacts one PutContacts carries.
const contactBatch = 10000

func runCopy(ctx context.Context, env Env, args []string) error {
	var from, to string
	fs := newFlags("copy", env)
	fs.StringVar(&from, "from", "", "the store to copy from: a postgres:// URL or a .gpkg file (required)")
	fs.StringVar(&to, "to", "", "the store to copy into: a postgres:// URL or a .gpkg file, created if missing (required)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: minqing copy --from STORE --to STORE\n\n"+
			"Copies every layer (ids kept, replacing what the target holds), the callers'\n"+
			"contacts of incidents and the access tokens (tokens already there are kept).")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if from == "" || to == "" {
		return usageError{"give both --from and --to (a postgres:// URL or a .gpkg file)"}
	}
	if sameStore(from, to) {
		return usageError{fmt.Sprintf("--from and --to are the same store (%s)", from)}
	}
	if !isPostgresURL(from) {
		if _, err := os.Stat(from); err != nil {
			return usageError{fmt.Sprintf("--from %s: %v", from, errors.Unwrap(err))}
		}
	}
	cat := fengtai.Catalog()
	src, err := openAny(ctx, from, cat)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	defer src.Close()
	dst, err := openAny(ctx, to, cat)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	defer dst.Close()
	sum, err := copyStore(ctx, src, dst, cat, func(layer string, rows int64) {
		fmt.Fprintf(env.Stderr, "  %s: %d rows\n", layer, rows)
	})
	if err != nil {
		return err
	}
	for _, l := range cat.All() {
		fmt.Fprintf(env.Stdout, "%-15s %8d\n", l.Name, sum.Layers[l.Name])
	}
	fmt.Fprintf(env.Stdout, "%-15s %8d\n", "contacts", sum.Contacts)
	fmt.Fprintf(env.Stdout, "%-15s %8d\n", "incident_events", sum.Events)
	fmt.Fprintf(env.Stdout, "%-15s %8d copied, %d already there\n", "tokens", sum.Tokens, sum.TokensKept)
	fmt.Fprintf(env.Stdout, "copied %s → %s\n", src.Kind(), dst.Kind())
	return nil
}

// isPostgresURL reports whether a store argument names a database.
func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// sameStore reports whether two store arguments name the same store.
func sameStore(a, b string) bool {
	if a == b {
		return true
	}
	if isPostgresURL(a) || isPostgresURL(b) {
		return false
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// openAny opens a store named by a postgres:// URL or a GeoPackage path.
func openAny(ctx context.Context, spec string, cat *layers.Catalog) (layers.Source, error) {
	switch {
	case isPostgresURL(spec):
		src, _, err := openStore(ctx, storeFlags{databaseURL: spec}, cat)
		return src, err
	case strings.HasSuffix(strings.ToLower(spec), ".gpkg"):
		src, _, err := openEmbedded(ctx, spec, cat)
		return src, err
	}
	return nil, usageError{fmt.Sprintf("%q is neither a postgres:// URL nor a .gpkg file", spec)}
}

// copySummary is what copyStore copied.
type copySummary struct {
	Layers     map[string]int64
	Contacts   int64
	Events     int64 // incidents' records of steps (copy_records.go)
	Tokens     int64
	TokensKept int64
}

// copyStore copies every layer of cat from src into dst (replacing what dst
// holds, keeping ids, with every field: the features are read as admin),
// then the callers' contacts when both stores can hand them over, then the
// tokens whose hash dst does not have. Each layer streams: it is never held
// in memory.
func copyStore(ctx context.Context, src, dst layers.Source, cat *layers.Catalog, progress func(layer string, rows int64)) (copySummary, error) {
	sum := copySummary{Layers: map[string]int64{}}
	for _, l := range cat.All() {
		n, err := copyLayer(ctx, src, dst, l, progress)
		if err != nil {
			return sum, fmt.Errorf("copy %s: %w", l.Name, err)
		}
		sum.Layers[l.Name] = n
	}
	from, okFrom := src.(layers.ContactCopier)
	into, okTo := dst.(layers.ContactCopier)
	if okFrom && okTo {
		n, err := copyContacts(ctx, from, into)
		if err != nil {
			return sum, fmt.Errorf("copy contacts: %w", err)
		}
		sum.Contacts = n
	} else {
		return sum, fmt.Errorf("copy contacts: the %s or %s store cannot hand over callers' contacts", src.Kind(), dst.Kind())
	}
	events, err := copyRecords(ctx, src, dst, cat)
	if err != nil {
		return sum, err
	}
	sum.Events = events
	toks, err := src.Tokens(ctx)
	if err != nil {
		return sum, fmt.Errorf("copy tokens: %w", err)
	}
	for _, t := range toks {
		_, err := dst.TokenByHash(ctx, t.Hash)
		switch {
		case err == nil:
			sum.TokensKept++
			continue
		case !errors.Is(err, layers.ErrNotFound):
			return sum, fmt.Errorf("copy tokens: %w", err)
		}
		t.ID = 0
		if err := dst.AddToken(ctx, t); err != nil {
			return sum, fmt.Errorf("copy token %q: %w", t.Name, err)
		}
		sum.Tokens++
	}
	return sum, nil
}

// copyLayer streams one layer: src.Features runs in a goroutine feeding
// dst.Write through a channel.
func copyLayer(ctx context.Context, src, dst layers.Source, l *layers.Layer, progress func(string, int64)) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &chanReader{ch: make(chan *layers.Feature, 256), done: make(chan error, 1)}
	go func() {
		err := src.Features(ctx, l, layers.Query{Role: layers.Admin}, func(f *layers.Feature) error {
			select {
			case r.ch <- f:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		close(r.ch)
		r.done <- err
	}()
	opts := layers.WriteOptions{Mode: layers.Replace}
	if progress != nil {
		opts.Progress = func(rows int64) { progress(l.Name, rows) }
	}
	res, err := dst.Write(ctx, l, opts, r)
	cancel()
	if err != nil {
		for range r.ch { // let the reading goroutine end
		}
		return 0, err
	}
	return res.Inserted, nil
}

// chanReader is a FeatureReader over a channel; when the channel closes it
// returns the producer's error, or io.EOF.
type chanReader struct {
	ch   chan *layers.Feature
	done chan error
}

func (r *chanReader) Next() (*layers.Feature, error) {
	if f, ok := <-r.ch; ok {
		return f, nil
	}
	if err := <-r.done; err != nil {
		r.done <- err // a second Next sees it again
		return nil, fmt.Errorf("reading: %w", err)
	}
	r.done <- nil
	return nil, io.EOF
}

// copyContacts copies the callers' contacts in batches.
func copyContacts(ctx context.Context, from, into layers.ContactCopier) (int64, error) {
	var n int64
	batch := make(map[int64]layers.Contact, contactBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := into.PutContacts(ctx, batch); err != nil {
			return err
		}
		n += int64(len(batch))
		clear(batch)
		return nil
	}
	err := from.Contacts(ctx, func(id int64, c layers.Contact) error {
		batch[id] = c
		if len(batch) >= contactBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	return n, flush()
}

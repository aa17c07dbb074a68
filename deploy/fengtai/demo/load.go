package demo

import (
	"context"
	"fmt"

	"minqing/layers"
)

// Store is what Load needs of a store: one Write per layer, and the
// incidents read back to give them their record of steps (through the
// store's lifecycle.Backfiller, found with layers.As). Every layers.Source
// is one.
type Store interface {
	layers.FeatureStreamer
	layers.Writer
}

// Load generates the demo data of opts and writes every layer through
// src.Write in mode layers.Replace, in the order patches, communities,
// streets, demolitions, greening, service_points, care_targets, incidents.
// progress, if not nil, is called with the rows written so far as each layer
// loads, and once with its total. Load returns the rows inserted per layer;
// on error it returns what was loaded before the failing layer.
func Load(ctx context.Context, src Store, cat *layers.Catalog, opts Options, progress func(layer string, rows int64)) (map[string]int64, error) {
	g := New(opts)
	counts := make(map[string]int64, len(LayerOrder()))
	for _, name := range LayerOrder() {
		l, ok := cat.Lookup(name)
		if !ok {
			return counts, fmt.Errorf("demo: the catalog has no layer %q", name)
		}
		r, err := g.Reader(name)
		if err != nil {
			return counts, err
		}
		wo := layers.WriteOptions{Mode: layers.Replace}
		if progress != nil {
			wo.Progress = func(rows int64) { progress(name, rows) }
		}
		res, err := src.Write(ctx, l, wo, &ctxReader{ctx: ctx, r: r})
		if err != nil {
			return counts, fmt.Errorf("demo: loading %s: %w", name, err)
		}
		counts[name] = res.Inserted
		if progress != nil {
			progress(name, res.Inserted)
		}
		if name == lIncidents {
			n, err := loadRecords(ctx, src, l) // records.go
			if err != nil {
				return counts, err
			}
			if progress != nil && n > 0 {
				progress("incident_events", n)
			}
		}
	}
	return counts, nil
}

// ctxReader stops a stream when its context is done.
type ctxReader struct {
	ctx context.Context
	r   layers.FeatureReader
	n   int
}

func (c *ctxReader) Next() (*layers.Feature, error) {
	if c.n++; c.n%1024 == 1 {
		if err := c.ctx.Err(); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	return c.r.Next()
}

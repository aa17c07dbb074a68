package cli

import (
	"context"
	"fmt"

	"minqing/layers"
	"minqing/layers/lifecycle"
)

// recordBatch is how many incidents' records of steps one PutRecords carries.
const recordBatch = 2000

// copyRecords copies every incident's record of steps (纪实) after the
// incidents themselves were copied with their ids; it returns how many
// events it copied. Stores without records are skipped.
func copyRecords(ctx context.Context, src, dst layers.Source, cat *layers.Catalog) (int64, error) {
	from, ok1 := src.(lifecycle.Store)
	into, ok2 := dst.(lifecycle.Backfiller)
	l, ok3 := cat.Lookup("incidents")
	if !ok1 || !ok2 || !ok3 {
		return 0, nil
	}
	var ids []int64
	if err := src.Features(ctx, l, layers.Query{Role: layers.Admin, Properties: []string{}}, func(f *layers.Feature) error {
		ids = append(ids, f.ID)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("copy records: %w", err)
	}
	var n int64
	batch := map[int64][]lifecycle.Event{}
	for i, id := range ids {
		events, err := from.Events(ctx, id)
		if err != nil {
			return n, fmt.Errorf("copy records: incident %d: %w", id, err)
		}
		if len(events) > 0 {
			batch[id] = events
			n += int64(len(events))
		}
		if len(batch) >= recordBatch || i == len(ids)-1 {
			if err := into.PutRecords(ctx, batch); err != nil {
				return n, fmt.Errorf("copy records: %w", err)
			}
			clear(batch)
		}
	}
	return n, nil
}

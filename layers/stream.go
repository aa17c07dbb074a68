package layers

import "context"

// DefaultPageSize is the page size Stream uses when given none: large enough
// that the round trips cost little next to encoding, small enough that one
// buffered page of incidents stays around a few megabytes.
const DefaultPageSize = 2000

// Stream calls fn for each feature q selects, ordered by id, like
// Source.Features, but reads the selection in keyset pages of pageSize
// features (Query.Limit and Query.AfterID), each in its own short store call.
// A page is buffered and the store call has returned — its connection back
// in the pool, its read transaction ended — before fn sees any of its
// features, so a caller whose fn blocks (a client that reads slowly or not
// at all) never holds a store connection or lock. Memory is bounded by one
// page.
//
// q.Limit, when set, is the limit of the whole stream and q.AfterID where
// it starts. Pages are separate reads: a feature inserted behind the stream
// (a smaller id) is not seen, one inserted ahead of it may be, and no
// feature is ever returned twice or skipped because of a write, since every
// page starts after the last id already returned.
func Stream(ctx context.Context, src FeatureStreamer, l *Layer, q Query, pageSize int, fn func(*Feature) error) error {
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	remaining := q.Limit // 0: no overall limit
	buf := make([]*Feature, 0, min(pageSize, max(remaining, 16)))
	page := q
	for {
		page.Limit = pageSize
		if remaining > 0 && remaining < pageSize {
			page.Limit = remaining
		}
		buf = buf[:0]
		err := src.Features(ctx, l, page, func(f *Feature) error {
			buf = append(buf, f)
			return nil
		})
		if err != nil {
			return err
		}
		n := len(buf)
		if n == 0 {
			return nil
		}
		last := buf[n-1].ID
		for i, f := range buf {
			buf[i] = nil // let the page go as it is written
			if err := fn(f); err != nil {
				return err
			}
		}
		if n < page.Limit {
			return nil
		}
		page.AfterID = last
		if remaining > 0 {
			if remaining -= n; remaining == 0 {
				return nil
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

package importers

import (
	"errors"
	"fmt"
	"io"
)

// counter counts the bytes read from the raw input (for progress).
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// budget limits how many bytes a decoder may pull between two resets, so
// that one record (a CSV row, a GeoJSON feature, a KML placemark or token)
// cannot take unbounded memory. Decoders buffer at most a few KiB ahead, so
// the limit holds within that margin.
type budget struct {
	r     io.Reader
	n     int64
	limit int64
	max   int64
}

func newBudget(r io.Reader, max int64) *budget {
	return &budget{r: r, limit: max, max: max}
}

// errTooLarge is returned by a budget once a record exceeds its size.
type errTooLarge struct{ max int64 }

func (e *errTooLarge) Error() string {
	return fmt.Sprintf("a single record is larger than %s (is the file damaged, or one polygon enormous?)", byteSize(e.max))
}

func (b *budget) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		return 0, &errTooLarge{max: b.max}
	}
	if rest := b.limit - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// exhausted reports whether the current record used its whole budget: a
// decoder error then (such as a UTF-8 sequence cut at the limit) is the
// size limit's doing.
func (b *budget) exhausted() bool { return b.n >= b.limit }

// tooLarge is the error of an exhausted budget.
func (b *budget) tooLarge() error { return &errTooLarge{max: b.max} }

// reset starts a new record.
func (b *budget) reset() { b.limit = b.n + b.max }

func isTooLarge(err error) bool {
	var tl *errTooLarge
	return errors.As(err, &tl)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

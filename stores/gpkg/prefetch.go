package gpkg

import (
	"errors"
	"runtime"
	"sync"

	"minqing/layers"
)

// SQLite writes on one connection, but checking and encoding a feature
// (layers.PrepareAt, the GeoPackage blob, the column values, seven H3
// cells: about 10 µs) needs no database: an insert or replace reads and
// prepares features ahead on every core and stores them in input order, so
// errors name the same feature as one by one.

// prefetchBatch is how many features a worker prepares at a time.
const prefetchBatch = 256

// rowSource hands out the features of a write, prepared, in input order.
type rowSource struct {
	l       *layers.Layer
	r       layers.FeatureReader
	checked bool // the features passed l.Check (WriteOptions.Checked)
	n       int64
	order   chan *rowBatch // nil: one by one
	stop    chan struct{}
	wg      sync.WaitGroup
	cur     *rowBatch
	pos     int
}

// rowBatch is a run of features and, once done is closed, their rows.
type rowBatch struct {
	feats []*layers.Feature
	first int64
	rows  []*prepared
	err   error // after rows: the reader's error (io.EOF at the end) or a feature's
	done  chan struct{}
}

// newRowSource prepares r's features for l, ahead on other goroutines when
// ahead is true (and there is more than one core); checked is the write's
// WriteOptions.Checked.
func newRowSource(l *layers.Layer, r layers.FeatureReader, ahead, checked bool) *rowSource {
	s := &rowSource{l: l, r: r, checked: checked}
	workers := runtime.GOMAXPROCS(0)
	if !ahead || workers < 2 {
		return s
	}
	s.order, s.stop = make(chan *rowBatch, 2*workers), make(chan struct{})
	jobs := make(chan *rowBatch, 2*workers)
	for range workers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for b := range jobs {
				b.rows = make([]*prepared, 0, len(b.feats))
				for i, f := range b.feats {
					p, err := prepareRow(l, f, b.first+int64(i), checked)
					if err != nil {
						b.err = err // before the reader's error, if any
						break
					}
					b.rows = append(b.rows, p)
				}
				b.feats = nil
				close(b.done)
			}
		}()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(jobs)
		defer close(s.order)
		n := int64(0)
		for {
			b := &rowBatch{first: n + 1, feats: make([]*layers.Feature, 0, prefetchBatch), done: make(chan struct{})}
			for len(b.feats) < prefetchBatch {
				f, err := r.Next()
				if err != nil {
					b.err = err
					break
				}
				n++
				b.feats = append(b.feats, f)
			}
			select {
			case s.order <- b:
			case <-s.stop:
				return
			}
			select {
			case jobs <- b:
			case <-s.stop:
				close(b.done)
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	return s
}

// errStopped is what next returns after close.
var errStopped = errors.New("gpkg: write stopped")

// next returns the next prepared feature, or the reader's error (io.EOF at
// the end), or the feature's.
func (s *rowSource) next() (*prepared, error) {
	if s.order == nil {
		f, err := s.r.Next()
		if err != nil {
			return nil, err
		}
		s.n++
		return prepareRow(s.l, f, s.n, s.checked)
	}
	for s.cur == nil || s.pos == len(s.cur.rows) {
		if s.cur != nil && s.cur.err != nil {
			return nil, s.cur.err
		}
		b, ok := <-s.order
		if !ok {
			return nil, errStopped
		}
		<-b.done
		s.cur, s.pos = b, 0
	}
	s.pos++
	return s.cur.rows[s.pos-1], nil
}

// close stops reading ahead and waits for the goroutines: the reader is not
// called again once close returns.
func (s *rowSource) close() {
	if s.order == nil {
		return
	}
	select {
	case <-s.stop:
		return
	default:
	}
	close(s.stop)
	for range s.order {
	}
	s.wg.Wait()
}

package importers

import (
	"errors"
	"runtime"
	"sync"
)

// errStopped is what next returns once the pipeline was closed.
var errStopped = errors.New("importers: reading was stopped")

// The checks of a record (values, Chinese dates, geometry, region, community
// by point-in-polygon, the layer's Check) take about 10 µs and depend on the
// record alone, so they run on every core: one goroutine reads records in
// batches, workers prepare each batch (converter.prepare), and
// featureReader.Next finishes them in input order (converter.finish: the
// warnings given once, the keys seen before), so reports, row numbers and
// the rejects file are the same as on one goroutine.

// convBatchSize is how many records a worker prepares at a time.
const convBatchSize = 128

// convBatch is a run of records in input order and, once done is closed,
// their prepared conversions.
type convBatch struct {
	recs  []*record
	cvs   []converted
	err   error // the reader's error after recs (io.EOF at the end)
	bytes int64 // bytes read once the batch was read
	done  chan struct{}
}

// convPipeline reads and prepares records ahead of Next.
type convPipeline struct {
	order chan *convBatch
	stop  chan struct{}
	wg    sync.WaitGroup
	cur   *convBatch
	pos   int
	bytes int64 // bytes read up to the current batch
}

// startConvPipeline starts reading rr (cnt counts its bytes; only the
// pipeline's reader touches them until close) and preparing its records
// with clones of conv.
func startConvPipeline(rr recordReader, conv *converter, cnt *counter) *convPipeline {
	workers := max(1, runtime.GOMAXPROCS(0))
	pl := &convPipeline{order: make(chan *convBatch, workers), stop: make(chan struct{})}
	jobs := make(chan *convBatch, workers)
	for range workers {
		wc := conv.clone()
		pl.wg.Add(1)
		go func() {
			defer pl.wg.Done()
			for b := range jobs {
				b.cvs = make([]converted, len(b.recs))
				for i, rec := range b.recs {
					wc.prepare(rec, &b.cvs[i])
				}
				close(b.done)
			}
		}()
	}
	pl.wg.Add(1)
	go func() {
		defer pl.wg.Done()
		defer close(jobs)
		defer close(pl.order)
		for {
			b := &convBatch{recs: make([]*record, 0, convBatchSize), done: make(chan struct{})}
			for len(b.recs) < convBatchSize {
				rec, err := rr.next()
				if err != nil {
					b.err = err
					break
				}
				b.recs = append(b.recs, rec)
			}
			b.bytes = cnt.n
			select {
			case pl.order <- b:
			case <-pl.stop:
				return
			}
			select {
			case jobs <- b:
			case <-pl.stop:
				close(b.done)
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	return pl
}

// next returns the next record and its prepared conversion, or the
// reader's error (io.EOF itself at the end).
func (pl *convPipeline) next() (*record, *converted, error) {
	for pl.cur == nil || pl.pos == len(pl.cur.recs) {
		if pl.cur != nil && pl.cur.err != nil {
			return nil, nil, pl.cur.err
		}
		b, ok := <-pl.order
		if !ok { // stopped
			return nil, nil, errStopped
		}
		<-b.done
		pl.cur, pl.pos, pl.bytes = b, 0, b.bytes
	}
	i := pl.pos
	pl.pos++
	return pl.cur.recs[i], &pl.cur.cvs[i], nil
}

// close stops the pipeline and waits for its goroutines: the reader is not
// called again once close returns.
func (pl *convPipeline) close() {
	select {
	case <-pl.stop:
		return
	default:
	}
	close(pl.stop)
	for range pl.order { // unblock the reader
	}
	pl.wg.Wait()
}

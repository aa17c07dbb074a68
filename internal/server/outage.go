package server

import (
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// outageInterval is how often at most the outage log writes a line per kind.
const outageInterval = 10 * time.Second

// outageLog aggregates failed requests: at most one line per interval per
// kind of error, with the count and the last error ("store unavailable: 812
// requests failed in the last 10s: …"), never a line per request, so an
// outage under load does not flood the log.
type outageLog struct {
	log      *slog.Logger
	interval time.Duration
	now      func() time.Time

	mu    sync.Mutex
	kinds map[string]*outageKind
}

type outageKind struct {
	since  time.Time // start of the current interval
	logged bool      // a line was written in this interval
	count  int       // failures not yet logged
	last   error
}

func newOutageLog(log *slog.Logger, interval time.Duration) *outageLog {
	return &outageLog{log: log, interval: interval, now: time.Now, kinds: map[string]*outageKind{}}
}

// add records one failure of kind. The first of an interval is logged at
// once; the others are counted and logged when the interval ends.
func (o *outageLog) add(kind string, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	k := o.kinds[kind]
	if k == nil {
		k = &outageKind{}
		o.kinds[kind] = k
	}
	k.count++
	k.last = err
	if !k.logged || now.Sub(k.since) >= o.interval {
		o.write(kind, k, now)
	}
}

// flush logs the counts of intervals that have ended.
func (o *outageLog) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	for kind, k := range o.kinds {
		if now.Sub(k.since) < o.interval {
			continue
		}
		if k.count > 0 {
			o.write(kind, k, now)
		} else {
			delete(o.kinds, kind) // a quiet interval: the next failure logs at once
		}
	}
}

func (o *outageLog) write(kind string, k *outageKind, now time.Time) {
	span := o.interval
	if !k.logged {
		span = 0
	}
	if span == 0 {
		o.log.Error(fmt.Sprintf("%s: %d request(s) failed: %v", kind, k.count, k.last))
	} else {
		o.log.Error(fmt.Sprintf("%s: %d request(s) failed in the last %s: %v", kind, k.count, span, k.last))
	}
	k.since, k.logged, k.count = now, true, 0
}

// run flushes every interval until stop is closed, then once more.
func (o *outageLog) run(stop <-chan struct{}) {
	t := time.NewTicker(o.interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			o.flush()
		case <-stop:
			o.flush()
			return
		}
	}
}

package server

import (
	"sync"
	"time"
)

// rateLimiter is a token bucket per client address: each holds at most
// burst tokens and gains perMinute a minute; a submission takes one.
type rateLimiter struct {
	mu        sync.Mutex
	perMinute float64
	burst     float64
	now       func() time.Time
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the limiter's memory: past it, full buckets (clients
// idle long enough to be back at burst) are dropped.
const maxBuckets = 100000

func newRateLimiter(perMinute, burst int, now func() time.Time) *rateLimiter {
	return &rateLimiter{perMinute: float64(perMinute), burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for client and reports whether there was one, and if
// not how long until there is.
func (r *rateLimiter) allow(client string) (bool, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	b, ok := r.buckets[client]
	if !ok {
		if len(r.buckets) >= maxBuckets {
			r.sweep(now)
		}
		b = &bucket{tokens: r.burst, at: now}
		r.buckets[client] = b
	}
	b.tokens = min(r.burst, b.tokens+now.Sub(b.at).Minutes()*r.perMinute)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / r.perMinute * float64(time.Minute))
	return false, wait
}

// sweep drops the buckets that have refilled.
func (r *rateLimiter) sweep(now time.Time) {
	for k, b := range r.buckets {
		if b.tokens+now.Sub(b.at).Minutes()*r.perMinute >= r.burst {
			delete(r.buckets, k)
		}
	}
}

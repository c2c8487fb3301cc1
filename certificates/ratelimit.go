package certificates

import (
	"sync"
	"time"

	"github.com/digital-inclusion/refurb/auth"
)

// limiter is a token bucket per client address, in memory: verification is public and must
// answer in milliseconds, so it does not write to the database. Each server instance counts on
// its own; behind several instances the limit is per instance.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the memory held: past it, buckets that have refilled are forgotten.
const maxBuckets = 100_000

func newLimiter(l VerifyLimit) *limiter {
	return &limiter{rate: float64(l.PerMinute) / 60, burst: float64(max(l.Burst, 1)), buckets: map[string]*bucket{}}
}

// allow takes a token for addr, or says when to retry. Requests without an address (the
// command line, in-process calls) are not limited.
func (l *limiter) allow(addr string, now time.Time) error {
	if addr == "" {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return nil
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return &auth.RateLimitError{RetryAfter: wait}
}

// prune forgets the buckets that are full again (they would behave as new ones).
func (l *limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

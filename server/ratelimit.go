package server

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimiter is a token bucket (golang.org/x/time/rate) per key. Its
// clock is Options.RateNow, not Options.Now, so a test that freezes the
// API's clock is not also frozen out by the limiter.
type rateLimiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	swept    time.Time
}

func newRateLimiter(perSecond float64, burst int, now func() time.Time) *rateLimiter {
	return &rateLimiter{limit: rate.Limit(perSecond), burst: burst, now: now, limiters: map[string]*rate.Limiter{}}
}

// allow takes a token for key. When none is left it says how long until
// one is: the delay of a reservation, which is then cancelled so that a
// refused request costs nothing.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	lim, ok := l.limiters[key]
	if !ok {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.limiters[key] = lim
	}
	// Reserving and cancelling under l.mu keeps the pair atomic: a
	// reservation taken in between would make the cancel restore less.
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Duration(math.MaxInt64)
	}
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// sweep drops limiters that have refilled, at most once a minute, so keys
// that stopped calling do not pile up: a new limiter starts full, so
// forgetting a full one changes nothing.
func (l *rateLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for k, lim := range l.limiters {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.limiters, k)
		}
	}
}

// retryAfterSeconds renders a wait as whole seconds, rounded up, at least
// 1 (Retry-After has no fractions).
func retryAfterSeconds(d time.Duration) string {
	s := int64(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return strconv.FormatInt(s, 10)
}

package client

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// Patience is how long a driver waits for its platform, and how often and
// how patiently it tries a call again that may be retried.
type Patience struct {
	// Timeout bounds one attempt.
	Timeout time.Duration
	// Retries is how many times a failed attempt is tried again (after
	// OrDefault: 0 for none).
	Retries int
	// WaitMin is the first backoff; each retry doubles it, up to WaitMax.
	WaitMin, WaitMax time.Duration
}

// DefaultPatience is every driver's patience unless its Config says
// otherwise.
var DefaultPatience = Patience{Timeout: 10 * time.Second, Retries: 2, WaitMin: 200 * time.Millisecond, WaitMax: 5 * time.Second}

// OrDefault fills p's zero values from DefaultPatience; a negative Retries
// means none.
func (p Patience) OrDefault() Patience {
	d := DefaultPatience
	if p.Timeout <= 0 {
		p.Timeout = d.Timeout
	}
	switch {
	case p.Retries == 0:
		p.Retries = d.Retries
	case p.Retries < 0:
		p.Retries = 0
	}
	if p.WaitMin <= 0 {
		p.WaitMin = d.WaitMin
	}
	if p.WaitMax < p.WaitMin {
		p.WaitMax = max(d.WaitMax, p.WaitMin)
	}
	return p
}

// HTTPClient is the client a driver calls its platform with: transport tr
// (a clone of http.DefaultTransport when nil), p's timeout, and no
// redirects — a redirect could carry the credentials elsewhere, so the 3xx
// comes back as an answer the driver reports as a bad one.
func (p Patience) HTTPClient(tr http.RoundTripper) *http.Client {
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       p.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Wait says whether attempt (1 for the first) that failed with err is
// tried again, and after how long: no answer at all, 429, 502, 503 and
// 504, while retries are left. The platform's Retry-After is waited when
// it gave one, else a jittered exponential backoff from WaitMin; never
// more than WaitMax. A 429 under NoRateLimitWait is given back at once.
// Whether the call may be retried at all (a write may not) is the
// caller's to decide first.
func (p Patience) Wait(ctx context.Context, err error, attempt int) (time.Duration, bool) {
	if attempt > p.Retries {
		return 0, false
	}
	var after time.Duration
	switch ae, ok := AsAPIError(err); {
	case !ok:
		if !IsTransport(err) {
			return 0, false
		}
	case ae.Status == http.StatusTooManyRequests:
		if RateLimitWaitOff(ctx) {
			return 0, false
		}
		after = ae.RetryAfter
	case ae.Status == http.StatusBadGateway, ae.Status == http.StatusServiceUnavailable, ae.Status == http.StatusGatewayTimeout:
		after = ae.RetryAfter
	default:
		return 0, false
	}
	if after <= 0 {
		backoff := p.WaitMin << (attempt - 1)
		after = backoff/2 + rand.N(backoff/2+1)
	}
	return min(after, p.WaitMax), true
}

// Sleep waits d, or until ctx ends: false then.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

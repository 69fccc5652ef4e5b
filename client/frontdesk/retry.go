package frontdesk

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"

	"frontdesk/api"
	"frontdesk/client"
)

// Retry policy.
//
// A request is sent again only when sending it twice cannot do anything
// twice: GET (and HEAD), and POST carrying an Idempotency-Key (the server
// replays the stored answer). PATCH and key-less POSTs (create customer,
// add note) are never retried: after a lost answer nobody knows whether
// the server applied them.
//
// Of those, only transient failures are retried: transport errors where
// no answer arrived (refused, reset, cut), 502/503/504 from a proxy or an
// overloaded server, 429 (after Retry-After), and for keyed POSTs 409
// idempotency_in_flight (the same key is still being applied by an
// earlier attempt whose answer was lost; the next try gets the replay).
//
// An attempt that ran into the per-attempt Timeout is not retried: the
// server is slow rather than flaky, and retrying would multiply the wait
// the user sees (and the server's load) by MaxRetries+1.

// retryableMethod reports whether a request may be sent more than once.
func retryableMethod(method string, hasIdempotencyKey bool) bool {
	switch method {
	case http.MethodGet, http.MethodHead:
		return true
	case http.MethodPost:
		return hasIdempotencyKey
	}
	return false
}

// shouldRetry is the whole policy as a pure function of the request and
// its outcome: status is 0 when err is a transport error; code is the
// envelope's error.code when there is one.
func shouldRetry(method string, hasIdempotencyKey bool, status int, code string, err error) bool {
	if !retryableMethod(method, hasIdempotencyKey) {
		return false
	}
	if err != nil {
		return retryableTransportError(err)
	}
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusConflict:
		return method == http.MethodPost && hasIdempotencyKey && code == api.CodeIdempotencyInFlight
	}
	return false
}

// retryableTransportError: a failure to get an answer that another try
// may cure. Cancellation, deadlines, per-attempt timeouts and TLS or
// certificate problems will not get better by trying again.
func retryableTransportError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	var dnsErr *net.DNSError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &recErr) {
		return false
	}
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false
	}
	if errors.Is(err, resty.ErrResponseBodyTooLarge) || errors.Is(err, errRedirect) {
		return false
	}
	return true
}

// errRedirect stops redirects: the API never redirects, and following one
// would turn a POST into a GET or send credentials somewhere else.
var errRedirect = errors.New("the store answered with a redirect")

// retryCondition adapts shouldRetry to resty. resty calls it with a nil
// response when the request could not even be built; that is never
// retried.
func retryCondition(resp *resty.Response, err error) bool {
	if resp == nil || resp.Request == nil {
		return false
	}
	method := resp.Request.Method
	hasKey := resp.Request.Header.Get(api.HeaderIdempotencyKey) != ""
	if err != nil {
		return shouldRetry(method, hasKey, 0, "", err)
	}
	status := resp.StatusCode()
	if status == http.StatusTooManyRequests && client.RateLimitWaitOff(resp.Request.Context()) {
		return false
	}
	code := ""
	if status == http.StatusConflict {
		code = errorCode(resp.Body())
	}
	return shouldRetry(method, hasKey, status, code, nil)
}

// errorCode pulls error.code out of an envelope, or "".
func errorCode(body []byte) string {
	var env struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil {
		return ""
	}
	return env.Error.Code
}

// backoff is how long to wait before retry number attempt (1 for the
// first retry). A Retry-After from the server wins but is capped at max,
// so a server asking for an hour cannot hang the console. Otherwise it is
// exponential from min, capped at max, with "equal jitter" (half fixed,
// half random) so concurrent clients spread out but still back off. jitter
// returns a value in [0, n); tests pass a fixed one.
func backoff(attempt int, retryAfter time.Duration, hasRetryAfter bool, min, max time.Duration, jitter func(n int64) int64) time.Duration {
	if min <= 0 {
		min = time.Millisecond
	}
	if max < min {
		max = min
	}
	if hasRetryAfter {
		return clamp(retryAfter, min, max)
	}
	d := min
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = clamp(d, min, max)
	half := int64(d / 2)
	if half <= 0 {
		return d
	}
	return clamp(time.Duration(half+jitter(half+1)), min, max)
}

func clamp(d, lo, hi time.Duration) time.Duration {
	return min(max(d, lo), hi)
}

// errNoTimeToRetry stops the retry loop when the wait before the next
// attempt would already pass the caller's deadline: better to report the
// last answer now than to sleep into "context deadline exceeded".
var errNoTimeToRetry = errors.New("no time left before the deadline to retry")

// retryAfterFunc is resty's hook for the wait before the next attempt. It
// always returns our own, non-zero backoff (resty then keeps it within
// [RetryWaitMin, RetryWaitMax]).
func (c *Client) retryAfterFunc(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	attempt := 1
	var ra time.Duration
	var hasRA bool
	var ctx context.Context = context.Background()
	if resp != nil {
		if resp.Request != nil {
			attempt = max(resp.Request.Attempt, 1)
			ctx = resp.Request.Context()
		}
		if resp.RawResponse != nil {
			ra, hasRA = client.ParseRetryAfter(resp.Header().Get(api.HeaderRetryAfter), time.Now())
		}
	}
	wait := backoff(attempt, ra, hasRA, c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, rand.Int64N)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return 0, errNoTimeToRetry
	}
	return wait, nil
}

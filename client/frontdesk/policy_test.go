package frontdesk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestShouldRetry(t *testing.T) {
	refused := &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}
	eof := &url.Error{Op: "Post", URL: "http://x", Err: io.EOF}
	timeout := &url.Error{Op: "Get", URL: "http://x", Err: timeoutErr{}}
	canceled := &url.Error{Op: "Get", URL: "http://x", Err: context.Canceled}
	for _, tc := range []struct {
		name   string
		method string
		key    bool
		status int
		code   string
		err    error
		want   bool
	}{
		{"GET 503", http.MethodGet, false, 503, "", nil, true},
		{"GET 502", http.MethodGet, false, 502, "", nil, true},
		{"GET 504", http.MethodGet, false, 504, "", nil, true},
		{"GET 429", http.MethodGet, false, 429, api.CodeRateLimited, nil, true},
		{"GET 500", http.MethodGet, false, 500, api.CodeInternal, nil, false},
		{"GET 404", http.MethodGet, false, 404, api.CodeNotFound, nil, false},
		{"GET 200", http.MethodGet, false, 200, "", nil, false},
		{"GET refused", http.MethodGet, false, 0, "", refused, true},
		{"GET eof", http.MethodGet, false, 0, "", eof, true},
		{"GET attempt timeout", http.MethodGet, false, 0, "", timeout, false},
		{"GET canceled", http.MethodGet, false, 0, "", canceled, false},
		{"GET deadline", http.MethodGet, false, 0, "", fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{"GET redirect", http.MethodGet, false, 0, "", fmt.Errorf("x: %w", errRedirect), false},
		{"keyed POST 503", http.MethodPost, true, 503, "", nil, true},
		{"keyed POST eof", http.MethodPost, true, 0, "", eof, true},
		{"keyed POST 429", http.MethodPost, true, 429, "", nil, true},
		{"keyed POST in flight", http.MethodPost, true, 409, api.CodeIdempotencyInFlight, nil, true},
		{"keyed POST 409 other", http.MethodPost, true, 409, api.CodeDuplicateEmail, nil, false},
		{"keyed POST 422", http.MethodPost, true, 422, api.CodeInsufficientPoints, nil, false},
		{"GET 409 in flight", http.MethodGet, false, 409, api.CodeIdempotencyInFlight, nil, false},
		{"POST no key 503", http.MethodPost, false, 503, "", nil, false},
		{"POST no key eof", http.MethodPost, false, 0, "", eof, false},
		{"POST no key 429", http.MethodPost, false, 429, "", nil, false},
		{"PATCH 503", http.MethodPatch, false, 503, "", nil, false},
		{"PATCH with key 503", http.MethodPatch, true, 503, "", nil, false},
		{"PATCH eof", http.MethodPatch, false, 0, "", eof, false},
		{"PATCH 429", http.MethodPatch, false, 429, "", nil, false},
		{"DELETE 503", http.MethodDelete, false, 503, "", nil, false},
		{"PUT eof", http.MethodPut, true, 0, "", eof, false},
	} {
		if got := shouldRetry(tc.method, tc.key, tc.status, tc.code, tc.err); got != tc.want {
			t.Errorf("%s: shouldRetry = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRetryConditionNilResponse(t *testing.T) {
	// resty passes a nil response when the request could not be built.
	if retryCondition(nil, errors.New("marshal failed")) {
		t.Fatal("a request that was never sent must not be retried")
	}
}

func TestBackoff(t *testing.T) {
	const min, max = 100 * time.Millisecond, 2 * time.Second
	zero := func(int64) int64 { return 0 }
	top := func(n int64) int64 { return n - 1 }
	for _, tc := range []struct {
		name    string
		attempt int
		ra      time.Duration
		hasRA   bool
		jitter  func(int64) int64
		lo, hi  time.Duration
	}{
		{"first retry, no jitter", 1, 0, false, zero, min, min},
		{"first retry, full jitter", 1, 0, false, top, min, min},
		{"second retry grows", 2, 0, false, zero, min, min},
		{"second retry top", 2, 0, false, top, 200 * time.Millisecond, 200 * time.Millisecond},
		{"third retry", 3, 0, false, zero, 200 * time.Millisecond, 200 * time.Millisecond},
		{"third retry top", 3, 0, false, top, 400 * time.Millisecond, 400 * time.Millisecond},
		{"capped at max", 30, 0, false, top, max, max},
		{"capped, low jitter", 30, 0, false, zero, max / 2, max / 2},
		{"retry-after honoured", 1, 1500 * time.Millisecond, true, top, 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"retry-after capped", 1, time.Hour, true, zero, max, max},
		{"retry-after zero waits min", 1, 0, true, zero, min, min},
	} {
		got := backoff(tc.attempt, tc.ra, tc.hasRA, min, max, tc.jitter)
		if got < tc.lo || got > tc.hi {
			t.Errorf("%s: backoff = %v, want in [%v, %v]", tc.name, got, tc.lo, tc.hi)
		}
	}
	// Whatever the jitter, the wait stays within [min, max].
	for attempt := 1; attempt < 70; attempt++ {
		for _, j := range []func(int64) int64{zero, top} {
			if got := backoff(attempt, 0, false, min, max, j); got < min || got > max {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, got, min, max)
			}
		}
	}
}

func TestNormalizeBaseURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v1"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/v1"},
		{"http://127.0.0.1:8080/api/v1", "http://127.0.0.1:8080/api/v1"},
		{"http://127.0.0.1:8080/api/v1/", "http://127.0.0.1:8080/api/v1"},
		{" https://shop.example.com/store ", "https://shop.example.com/store/api/v1"},
	} {
		got, err := normalizeBaseURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("normalizeBaseURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "127.0.0.1:8080", "ftp://x", "http://", "http:///path", "http://u:p@host", "http://host/?q=1", "::"} {
		if got, err := normalizeBaseURL(bad); err == nil {
			t.Errorf("normalizeBaseURL(%q) = %q, want an error", bad, got)
		}
	}
}

func TestNewValidates(t *testing.T) {
	ok := Config{BaseURL: "http://127.0.0.1:1", KeyID: "ck_a", Secret: "cs_b"}
	if _, err := New(ok); err != nil {
		t.Fatalf("New(%+v): %v", ok, err)
	}
	for name, mutate := range map[string]func(*Config){
		"no url":      func(c *Config) { c.BaseURL = "" },
		"bad scheme":  func(c *Config) { c.BaseURL = "file:///etc" },
		"no key":      func(c *Config) { c.KeyID = " " },
		"no secret":   func(c *Config) { c.Secret = "" },
		"pasted pair": func(c *Config) { c.KeyID = "ck_a:cs_b" },
		"secret crlf": func(c *Config) { c.Secret = "cs_b\n" },
		"bad via":     func(c *Config) { c.Via = "carrier-pigeon" },
	} {
		c := ok
		mutate(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: New accepted %+v", name, c)
		}
	}
}

func TestParseETagVersion(t *testing.T) {
	for in, want := range map[string]int64{`"7"`: 7, `W/"12"`: 12, `"x"`: 0, ``: 0, `"0"`: 0} {
		got, ok := parseETagVersion(in)
		if got != want && ok || (want > 0) != ok {
			t.Errorf("parseETagVersion(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

func TestIdempotencyKeysDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		k := client.NewIdempotencyKey()
		if len(k) < 16 || seen[k] {
			t.Fatalf("key %q is short or repeated", k)
		}
		seen[k] = true
	}
}

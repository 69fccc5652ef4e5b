package client

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestPatience(t *testing.T) {
	p := Patience{Retries: -1}.OrDefault()
	if p.Retries != 0 || p.Timeout != DefaultPatience.Timeout || p.WaitMin != DefaultPatience.WaitMin {
		t.Fatalf("no retries: %+v", p)
	}
	p = Patience{WaitMin: 10 * time.Second}.OrDefault()
	if p.Retries != 2 || p.WaitMax != 10*time.Second {
		t.Fatalf("a wait longer than the default cap: %+v", p)
	}

	ctx := context.Background()
	p = Patience{Retries: 2, WaitMin: 100 * time.Millisecond, WaitMax: time.Second}
	down := &TransportError{Err: errors.New("connection refused")}
	if d, ok := p.Wait(ctx, down, 1); !ok || d < 50*time.Millisecond || d > 100*time.Millisecond {
		t.Errorf("first retry after no answer: %s %v", d, ok)
	}
	if d, ok := p.Wait(ctx, down, 2); !ok || d < 100*time.Millisecond || d > 200*time.Millisecond {
		t.Errorf("second retry: %s %v", d, ok)
	}
	if _, ok := p.Wait(ctx, down, 3); ok {
		t.Error("retried past Retries")
	}
	limited := &APIError{Status: http.StatusTooManyRequests, RetryAfter: 3 * time.Second}
	if d, ok := p.Wait(ctx, limited, 1); !ok || d != time.Second {
		t.Errorf("a 429 waits its Retry-After, capped: %s %v", d, ok)
	}
	if _, ok := p.Wait(NoRateLimitWait(ctx), limited, 1); ok {
		t.Error("a 429 under NoRateLimitWait was retried")
	}
	for _, s := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusInternalServerError} {
		if _, ok := p.Wait(ctx, &APIError{Status: s}, 1); ok {
			t.Errorf("%d retried", s)
		}
	}
	if _, ok := p.Wait(ctx, errors.New("not a transport error"), 1); ok {
		t.Error("an unknown error retried")
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if Sleep(cancelled, time.Hour) {
		t.Error("Sleep ignored its context")
	}
	if !Sleep(ctx, time.Millisecond) {
		t.Error("Sleep ended early")
	}
	if hc := p.HTTPClient(nil); hc.CheckRedirect == nil || hc.Timeout != 0 {
		t.Errorf("client: %+v", hc)
	}
}

package tybrite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"frontdesk/client"
)

// Headers the API documents.
const (
	// HeaderAuthToken is the customer session token (getCustomer,
	// updateCustomer): "x-auth-token".
	HeaderAuthToken = "x-auth-token"
	// HeaderEnvironment confirms which environment the key resolved to.
	HeaderEnvironment = "Tybrite-Environment"
	// headerRequestID is read when present; the schema documents no
	// request id, so it is usually "".
	headerRequestID = "X-Request-Id"
)

// request is one call: method and path below the API root, an escaped
// query, extra headers (the customer token), a JSON body.
type request struct {
	method string
	path   string
	query  url.Values
	header http.Header
	body   any
}

// do sends r and decodes a 2xx answer's JSON into out (nil: ignore it).
// GETs are retried on no answer, 429, 502, 503 and 504; every other
// method is sent once, whatever happens (resty-style retries of a POST
// could create a customer twice). A non-2xx answer is an *APIError; no
// answer a *TransportError.
func (c *Client) do(ctx context.Context, r request, out any) error {
	if ctx == nil {
		ctx = context.Background()
	}
	target := c.base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("encode the request: %w", err)
		}
	}
	retries := c.cfg.MaxRetries
	if r.method != http.MethodGet {
		retries = 0
	}
	var lastErr error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if lastErr != nil {
				return fmt.Errorf("%w (after: %v)", err, lastErr)
			}
			return err
		}
		status, h, body, err := c.once(ctx, r, target, payload)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%w: %v", ctx.Err(), err)
			}
			lastErr = &client.TransportError{BaseURL: c.base, Attempts: attempt, Err: err}
		} else if status >= 200 && status <= 299 {
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(body, out); err != nil {
				return badSuccess(status, h, body, r.path, err)
			}
			return nil
		} else {
			lastErr = decodeError(status, h, body, r.path)
		}
		wait, retry := c.retryWait(ctx, lastErr, attempt, retries)
		if !retry {
			return lastErr
		}
		if !client.Sleep(ctx, wait) {
			return lastErr
		}
	}
}

// once is one attempt.
func (c *Client) once(ctx context.Context, r request, target string, payload []byte) (int, http.Header, []byte, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	for k, vs := range r.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.SecretKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.log(r, 0, start, err)
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err == nil && len(body) > maxResponseBytes {
		err = fmt.Errorf("the answer is larger than %d bytes", maxResponseBytes)
	}
	c.log(r, resp.StatusCode, start, err)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, body, nil
}

// log records one attempt at Debug: method, path and status only. The
// query is left out (it may name a customer's id next to nothing else,
// but a cursor is the vendor's), and so is every header: the key and the
// customer's token are secrets.
func (c *Client) log(r request, status int, start time.Time, err error) {
	if c.cfg.Logger == nil {
		return
	}
	args := []any{"method", r.method, "path", r.path, "status", status, "took", time.Since(start).Round(time.Millisecond)}
	if err != nil {
		args = append(args, "err", err)
	}
	c.cfg.Logger.Debug("tybrite api", args...)
}

// retryWait says whether a failed attempt is retried and after how long:
// no answer, 429 rate_limited, 502, 503 and 504, while retries are left.
// A 429 quota_exceeded lasts until the next month: it is given back at
// once, as is every 429 under client.NoRateLimitWait.
func (c *Client) retryWait(ctx context.Context, err error, attempt, retries int) (time.Duration, bool) {
	if ae, ok := client.AsAPIError(err); ok && ae.Code == CodeQuotaExceeded {
		return 0, false // a month's quota: no retry helps
	}
	return client.Patience{Retries: retries, WaitMin: c.cfg.RetryWaitMin, WaitMax: c.cfg.RetryWaitMax}.Wait(ctx, err, attempt)
}
func badSuccess(status int, h http.Header, body []byte, path string, err error) *client.APIError {
	return &client.APIError{
		Status: status, Code: client.CodeBadResponse, RequestID: h.Get(headerRequestID),
		Message: fmt.Sprintf("the API answered %d to %s with %s that is not Galactic Core's answer (%v) — check the URL points at the API root (https://api.tybritelabs.com)",
			status, path, client.DescribeBody(h.Get("Content-Type"), body), err),
	}
}

// decodeError turns a non-2xx answer into an *APIError: the API's code
// and message (with its details and hint) when the body is its
// {"error":{…}} envelope, else a message saying what came back. The kind
// follows the status, except where the code says more.
func decodeError(status int, h http.Header, body []byte, path string) *client.APIError {
	ae := &client.APIError{Status: status, RequestID: h.Get(headerRequestID)}
	ae.RetryAfter, _ = client.ParseRetryAfter(h.Get("Retry-After"), time.Now())
	var env wireError
	if err := json.Unmarshal(body, &env); err == nil && env.Error != nil && (env.Error.Code != "" || env.Error.Message != "") {
		e := env.Error
		ae.Code, ae.Message = e.Code, e.Message
		if e.Details != "" {
			ae.Message += ": " + e.Details
		}
		if e.Hint != "" {
			ae.Message += " (" + e.Hint + ")"
		}
		if ae.RetryAfter == 0 && status == http.StatusTooManyRequests && e.Reset > 0 {
			ae.RetryAfter = max(0, time.Until(time.Unix(e.Reset, 0)))
		}
		if status == http.StatusConflict {
			ae.K = client.KindConflict
		}
		return ae
	}
	ae.Code = client.CodeBadResponse
	if status == http.StatusUnauthorized {
		ae.Code = CodeUnauthorized
	}
	ae.Message = fmt.Sprintf("the API answered %d %s to %s with %s", status, http.StatusText(status), path, client.DescribeBody(h.Get("Content-Type"), body))
	return ae
}

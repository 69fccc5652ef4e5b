package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// get sends GET path?query (path below /api/v1, already escaped),
// retrying what a read may retry, and decodes the envelope's data into
// out. A non-2xx answer is an *APIError; no answer a *TransportError.
func (c *Client) get(ctx context.Context, path string, query url.Values, out any) error {
	if ctx == nil {
		ctx = context.Background()
	}
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var lastErr error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if lastErr != nil {
				return fmt.Errorf("%w (after: %v)", err, lastErr)
			}
			return err
		}
		status, h, body, err := c.once(ctx, target)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%w: %v", ctx.Err(), err)
			}
			lastErr = &client.TransportError{BaseURL: c.base, Attempts: attempt, Err: err}
		} else if status >= 200 && status <= 299 {
			return decodeSuccess(status, h, body, target, out)
		} else {
			lastErr = decodeError(status, h, body, target)
		}
		wait, retry := c.retryWait(ctx, lastErr, attempt)
		if !retry {
			return lastErr
		}
		if !client.Sleep(ctx, wait) {
			return lastErr
		}
	}
}

// once is one attempt.
func (c *Client) once(ctx context.Context, target string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.SetBasicAuth(c.cfg.KeyID, c.cfg.Secret)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.log(target, 0, start, err)
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err == nil && len(body) > maxResponseBytes {
		err = fmt.Errorf("the answer is larger than %d bytes", maxResponseBytes)
	}
	c.log(target, resp.StatusCode, start, err)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, body, nil
}

// log records one attempt at Debug: the URL (its query holds only page,
// limit and search) and the status, never a header.
func (c *Client) log(target string, status int, start time.Time, err error) {
	if c.cfg.Logger == nil {
		return
	}
	args := []any{"method", http.MethodGet, "url", target, "status", status, "took", time.Since(start).Round(time.Millisecond)}
	if err != nil {
		args = append(args, "err", err)
	}
	c.cfg.Logger.Debug("store api", args...)
}

// retryWait says whether a failed attempt is retried and after how long:
// no answer, 429, 502, 503 and 504, while retries are left. A 429 under
// client.NoRateLimitWait is given back at once.
func (c *Client) retryWait(ctx context.Context, err error, attempt int) (time.Duration, bool) {
	return client.Patience{Retries: c.cfg.MaxRetries, WaitMin: c.cfg.RetryWaitMin, WaitMax: c.cfg.RetryWaitMax}.Wait(ctx, err, attempt)
}

// decodeSuccess unwraps a 2xx answer's envelope into out.
func decodeSuccess(status int, h http.Header, body []byte, target string, out any) error {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return badSuccess(status, h, body, target, err)
	}
	if env.Status != api.EnvelopeSuccess {
		return badSuccess(status, h, body, target, fmt.Errorf("envelope status %q, want %q", env.Status, api.EnvelopeSuccess))
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return badSuccess(status, h, body, target, errors.New("no data"))
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return badSuccess(status, h, body, target, err)
	}
	return nil
}

func badSuccess(status int, h http.Header, body []byte, target string, err error) *client.APIError {
	return &client.APIError{
		Status: status, Code: client.CodeBadResponse, RequestID: h.Get(api.HeaderRequestID),
		Message: fmt.Sprintf("the store answered %d from %s with %s that is not the store API's answer (%v) — check the URL points at the store's /api/v1",
			status, target, client.DescribeBody(h.Get("Content-Type"), body), err),
	}
}

// decodeError turns a non-2xx answer into an *APIError: the store's code
// and message when the body is its error envelope, else a message saying
// what came back. The kind follows the status.
func decodeError(status int, h http.Header, body []byte, target string) *client.APIError {
	ae := &client.APIError{Status: status, RequestID: h.Get(api.HeaderRequestID)}
	ae.RetryAfter, _ = client.ParseRetryAfter(h.Get(api.HeaderRetryAfter), time.Now())
	var env envelope
	if err := json.Unmarshal(body, &env); err == nil && env.Status == api.EnvelopeError && env.Error != nil && (env.Error.Code != "" || env.Error.Message != "") {
		ae.Code, ae.Message, ae.Fields = env.Error.Code, env.Error.Message, env.Error.Fields
		return ae
	}
	ae.Code = client.CodeBadResponse
	if status == http.StatusUnauthorized {
		ae.Code = api.CodeUnauthorized
	}
	ae.Message = fmt.Sprintf("the store answered %d %s from %s with %s", status, http.StatusText(status), target, client.DescribeBody(h.Get("Content-Type"), body))
	return ae
}

package chec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// do sends method path?query (path below /v1, already escaped) with body
// as JSON when not nil, and decodes a 2xx answer into out. GETs are
// retried as reads may be; a PUT is sent once. A non-2xx answer is an
// *APIError; no answer a *TransportError.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	if ctx == nil {
		ctx = context.Background()
	}
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encode the request: %w", err)
		}
	}
	var lastErr error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if lastErr != nil {
				return fmt.Errorf("%w (after: %v)", err, lastErr)
			}
			return err
		}
		status, h, resp, err := c.once(ctx, method, target, payload)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%w: %v", ctx.Err(), err)
			}
			lastErr = &client.TransportError{BaseURL: c.base, Attempts: attempt, Err: err}
		} else if status >= 200 && status <= 299 {
			if err := json.Unmarshal(resp, out); err != nil {
				return badSuccess(status, h, resp, target, err)
			}
			return nil
		} else {
			lastErr = decodeError(status, h, resp, target)
		}
		if method != http.MethodGet {
			return lastErr // never retry a write: it may have been applied
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
func (c *Client) once(ctx context.Context, method, target string, payload []byte) (int, http.Header, []byte, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("X-Authorization", c.cfg.SecretKey)
	req.Header.Set("X-Chec-Agent", Agent)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.log(method, target, 0, start, err)
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err == nil && len(body) > maxResponseBytes {
		err = fmt.Errorf("the answer is larger than %d bytes", maxResponseBytes)
	}
	c.log(method, target, resp.StatusCode, start, err)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, body, nil
}

// log records one attempt at Debug: method, URL and status, never a
// header (the secret key travels in one).
func (c *Client) log(method, target string, status int, start time.Time, err error) {
	if c.cfg.Logger == nil {
		return
	}
	args := []any{"method", method, "url", target, "status", status, "took", time.Since(start).Round(time.Millisecond)}
	if err != nil {
		args = append(args, "err", err)
	}
	c.cfg.Logger.Debug("chec api", args...)
}

// retryWait says whether a failed GET is retried and after how long: no
// answer, 429, 502, 503 and 504, while retries are left. A 429 under
// client.NoRateLimitWait is given back at once.
func (c *Client) retryWait(ctx context.Context, err error, attempt int) (time.Duration, bool) {
	return client.Patience{Retries: c.cfg.MaxRetries, WaitMin: c.cfg.RetryWaitMin, WaitMax: c.cfg.RetryWaitMax}.Wait(ctx, err, attempt)
}
func badSuccess(status int, h http.Header, body []byte, target string, err error) *client.APIError {
	return &client.APIError{
		Status: status, Code: client.CodeBadResponse, RequestID: h.Get(api.HeaderRequestID),
		Message: fmt.Sprintf("the store answered %d from %s with %s that is not Chec's answer (%v) — check the URL points at the Chec API (https://api.chec.io)",
			status, target, client.DescribeBody(h.Get("Content-Type"), body), err),
	}
}

// wireError is Chec's error body: {"error":{"type","message","errors"?}}
// where errors maps a field to its messages (422 validation).
type wireError struct {
	Error *struct {
		Type    string          `json:"type"`
		Message string          `json:"message"`
		Errors  json.RawMessage `json:"errors"`
	} `json:"error"`
}

// fieldNames maps Chec's field names to frontdesk's, for Fields.
var fieldNames = map[string]string{"firstname": "first_name", "lastname": "last_name"}

// decodeError turns a non-2xx answer into an *APIError: Chec's type as
// the code and its message when the body is its error envelope, else a
// message saying what came back. The kind follows the status, except a
// 422 validation, which is KindInvalid with api.CodeValidation and its
// fields — or, when the only problem is an email already taken,
// KindConflict with api.CodeDuplicateEmail, as frontdesk's own 409 is.
func decodeError(status int, h http.Header, body []byte, target string) *client.APIError {
	ae := &client.APIError{Status: status, RequestID: h.Get(api.HeaderRequestID)}
	ae.RetryAfter, _ = client.ParseRetryAfter(h.Get(api.HeaderRetryAfter), time.Now())
	var w wireError
	if err := json.Unmarshal(body, &w); err != nil || w.Error == nil || (w.Error.Type == "" && w.Error.Message == "") {
		ae.Code = client.CodeBadResponse
		if status == http.StatusUnauthorized {
			ae.Code = api.CodeUnauthorized
		}
		ae.Message = fmt.Sprintf("the store answered %d %s from %s with %s", status, http.StatusText(status), target, client.DescribeBody(h.Get("Content-Type"), body))
		return ae
	}
	ae.Code, ae.Message = w.Error.Type, w.Error.Message
	fields := fieldErrors(w.Error.Errors)
	switch {
	case len(fields) == 1 && strings.Contains(strings.ToLower(fields["email"]), "taken"):
		ae.K, ae.Code, ae.Fields = client.KindConflict, api.CodeDuplicateEmail, fields
	case len(fields) > 0 || status == http.StatusUnprocessableEntity && (w.Error.Type == "validation" || w.Error.Type == "unprocessable_entity"):
		// frontdesk's own validation code, so that the CLI and the forms
		// treat Chec's 422 as they treat frontdesk's 400 validation_error.
		ae.K, ae.Code, ae.Fields = client.KindInvalid, api.CodeValidation, fields
	}
	return ae
}

// fieldErrors reads "errors": field → [messages] (or → message), joining
// a field's messages with "; ".
func fieldErrors(raw json.RawMessage) map[string]string {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var list []string
		var one string
		msg := ""
		switch {
		case json.Unmarshal(m[k], &list) == nil:
			msg = strings.Join(list, "; ")
		case json.Unmarshal(m[k], &one) == nil:
			msg = one
		default:
			msg = "invalid"
		}
		name := k
		if n, ok := fieldNames[k]; ok {
			name = n
		}
		out[name] = msg
	}
	return out
}

var errNoID = errors.New("no id given")

package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// Error codes the driver sets on an *client.APIError (Pelcro's bodies
// carry no codes of their own).
const (
	// CodeVersionMismatch: the customer changed since the agent read it.
	CodeVersionMismatch = "version_mismatch"
	// CodeTokenCustomerMismatch: the customer token is another customer's.
	CodeTokenCustomerMismatch = "token_customer_mismatch"
	// CodeValidation: Pelcro refused fields ({"errors":{…}}).
	CodeValidation = "validation_error"
	// CodeUnauthenticated: 401, no key or token, or an expired one.
	CodeUnauthenticated = "unauthenticated"
	// CodeForbidden: 403; for a customer token, Pelcro's "invalid,
	// expired, or blacklisted".
	CodeForbidden = "forbidden"
)

// call is one request to Pelcro.
type call struct {
	method string
	// path is below the root, starting with SDKBase or CoreBase, escaped.
	path string
	// bearer is the API key (Core) or the customer's token (Open API).
	bearer string
	body   any
	// retry: the call only reads, so a failure may be retried.
	retry bool
	// what names the call in messages: "get customer 42".
	what string
}

// do sends c (with site_id) and decodes the envelope's data into out
// (nil: the answer's body is not read). A non-2xx answer is an
// *client.APIError; no answer a *client.TransportError.
func (cl *Client) do(ctx context.Context, c call, out any) error {
	if ctx == nil {
		ctx = context.Background()
	}
	target := cl.root + c.path + "?site_id=" + cl.cfg.SiteID
	var body []byte
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return fmt.Errorf("%s: encode the request: %w", c.what, err)
		}
		body = b
	}
	var lastErr error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if lastErr != nil {
				return fmt.Errorf("%s: %w (after: %v)", c.what, err, lastErr)
			}
			return fmt.Errorf("%s: %w", c.what, err)
		}
		status, h, resp, err := cl.once(ctx, c, target, body)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s: %w: %v", c.what, ctx.Err(), err)
			}
			lastErr = &client.TransportError{BaseURL: cl.root, Attempts: attempt, Err: err}
		} else if status >= 200 && status <= 299 {
			if out == nil {
				return nil
			}
			if err := decodeSuccess(status, h, resp, c, out); err != nil {
				return fmt.Errorf("%s: %w", c.what, err)
			}
			return nil
		} else {
			lastErr = decodeError(status, h, resp, c)
		}
		wait, retry := cl.retryWait(ctx, c, lastErr, attempt)
		if !retry {
			return fmt.Errorf("%s: %w", c.what, lastErr)
		}
		if !client.Sleep(ctx, wait) {
			return fmt.Errorf("%s: %w", c.what, lastErr)
		}
	}
}

// once is one attempt.
func (cl *Client) once(ctx context.Context, c call, target string, body []byte) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, target, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", cl.cfg.UserAgent)
	start := time.Now()
	resp, err := cl.hc.Do(req)
	if err != nil {
		cl.log(c, 0, start, err)
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err == nil && len(b) > maxResponseBytes {
		err = fmt.Errorf("the answer is larger than %d bytes", maxResponseBytes)
	}
	cl.log(c, resp.StatusCode, start, err)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, b, nil
}

// log records one attempt at Debug: method, path and status, never a
// header (the bearer is the API key or a customer's token) or a body.
func (cl *Client) log(c call, status int, start time.Time, err error) {
	if cl.cfg.Logger == nil {
		return
	}
	args := []any{"method", c.method, "path", c.path, "site_id", cl.cfg.SiteID, "status", status, "took", time.Since(start).Round(time.Millisecond)}
	if err != nil {
		args = append(args, "err", Redact(err.Error()))
	}
	cl.cfg.Logger.Debug("pelcro api", args...)
}

// retryWait says whether a failed attempt is retried and after how long:
// reads only, on no answer, 429, 502, 503 and 504, while retries are
// left. A 429 under client.NoRateLimitWait is given back at once.
func (cl *Client) retryWait(ctx context.Context, c call, err error, attempt int) (time.Duration, bool) {
	if !c.retry {
		return 0, false
	}
	return client.Patience{Retries: cl.cfg.MaxRetries, WaitMin: cl.cfg.RetryWaitMin, WaitMax: cl.cfg.RetryWaitMax}.Wait(ctx, err, attempt)
}

// Redacted replaces a secret in text.
const Redacted = "[REDACTED]"

// secretPatterns find tokens in text: JWTs (customer tokens and Pelcro
// API keys both are), a token's JSON value, and bearer credentials.
var secretPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`"(auth_token|token|api_key)"\s*:\s*"[^"]*"`), `"$1":"` + Redacted + `"`},
	{regexp.MustCompile(`\bBearer\s+[A-Za-z0-9+/=._~\-]{8,}`), "Bearer " + Redacted},
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*`), Redacted},
}

// Redact removes tokens from text: for log lines and for what an error
// message quotes of an answer.
func Redact(s string) string {
	for _, p := range secretPatterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// describe says what a body looked like, with tokens redacted first: a
// customer resource carries the customer's token.
func describe(h http.Header, body []byte) string {
	return client.DescribeBody(h.Get("Content-Type"), []byte(Redact(string(body))))
}

// decodeSuccess unwraps a 2xx answer's {"data": …} into out.
func decodeSuccess(status int, h http.Header, body []byte, c call, out any) error {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return badSuccess(status, h, body, c, err)
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return badSuccess(status, h, body, c, errors.New("no data"))
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return badSuccess(status, h, body, c, err)
	}
	return nil
}

func badSuccess(status int, h http.Header, body []byte, c call, err error) *client.APIError {
	return &client.APIError{
		Status: status, Code: client.CodeBadResponse, RequestID: h.Get(api.HeaderRequestID),
		Message: fmt.Sprintf("Pelcro answered %d from %s %s with %s that is not Pelcro's answer (%v) — check the URL points at Pelcro (e.g. https://www.pelcro.com)",
			status, c.method, c.path, describe(h, body), Redact(err.Error())),
	}
}

// decodeError turns a non-2xx answer into an *client.APIError: Pelcro's
// message or field errors when the body is one of its error shapes, else
// a message saying what came back. The kind follows the status, except
// that a customer token Pelcro calls invalid (403 on an Open API call)
// is unauthenticated, not a refusal.
func decodeError(status int, h http.Header, body []byte, c call) *client.APIError {
	ae := &client.APIError{Status: status, RequestID: h.Get(api.HeaderRequestID)}
	ae.RetryAfter, _ = client.ParseRetryAfter(h.Get("Retry-After"), time.Now())
	switch status {
	case http.StatusUnauthorized:
		ae.Code = CodeUnauthenticated
	case http.StatusForbidden:
		ae.Code = CodeForbidden
	case http.StatusNotFound:
		ae.Code = api.CodeNotFound
	case http.StatusTooManyRequests:
		ae.Code = api.CodeRateLimited
	}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err == nil {
		switch {
		case len(eb.Errors) > 0:
			ae.Code = CodeValidation
			ae.Fields = map[string]string{}
			for k, msgs := range eb.Errors {
				ae.Fields[k] = Redact(strings.Join(msgs, " "))
			}
			ae.Message = "Pelcro refused the request"
			// Field errors are invalid input whatever the status: Core's
			// own example of one is a 404 (api-core-errors).
			ae.K = client.KindInvalid
			return finish(ae, c)
		case eb.Error != nil && eb.Error.Message != "":
			ae.Message = Redact(eb.Error.Message)
			return finish(ae, c)
		case eb.Message != "":
			ae.Message = Redact(eb.Message)
			return finish(ae, c)
		}
	}
	if ae.Code == "" {
		ae.Code = client.CodeBadResponse
	}
	ae.Message = fmt.Sprintf("Pelcro answered %d %s from %s %s with %s", status, http.StatusText(status), c.method, c.path, describe(h, body))
	return finish(ae, c)
}

// finish sets the kinds the status alone would get wrong.
func finish(ae *client.APIError, c call) *client.APIError {
	if ae.Status == http.StatusForbidden && strings.HasPrefix(c.path, SDKBase) {
		// The Open API answers 403 for a token that is "invalid,
		// expired, or blacklisted": the credential is not accepted.
		ae.K = client.KindUnauthenticated
	}
	return ae
}

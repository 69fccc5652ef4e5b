package sfcc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"frontdesk/client"
)

// request is one OCAPI call.
type request struct {
	method string
	url    string // full URL, query included
	body   any    // JSON body, nil for none
	// bearer is the customer JWT to send; "" sends the agent's access
	// token (fetched and renewed as needed).
	bearer string
	// ifMatch is sent as If-Match when not "".
	ifMatch string
	// idempotent calls are retried on no answer, 429, 502, 503 and 504;
	// the others never are.
	idempotent bool
}

// answer is a 2xx answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends r, retrying what may be retried, and returns a 2xx answer; a
// non-2xx answer is an *APIError, no answer a *TransportError. An agent
// call whose access token the instance refuses (401) gets one fresh
// token and is sent once more: a 401 was not processed.
func (c *Client) do(ctx context.Context, r request) (answer, error) {
	a, err := c.doOnce(ctx, r)
	if ae, ok := client.AsAPIError(err); ok && r.bearer == "" && ae.Status == http.StatusUnauthorized {
		c.dropToken()
		a, err = c.doOnce(ctx, r)
	}
	return a, err
}

func (c *Client) doOnce(ctx context.Context, r request) (answer, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return answer{}, fmt.Errorf("encode the request: %w", err)
		}
	}
	var lastErr error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if lastErr != nil {
				return answer{}, fmt.Errorf("%w (after: %v)", err, lastErr)
			}
			return answer{}, err
		}
		auth := "Bearer " + r.bearer
		if r.bearer == "" {
			tok, err := c.token(ctx)
			if err != nil {
				return answer{}, err
			}
			auth = "Bearer " + tok
		}
		req, err := http.NewRequestWithContext(ctx, r.method, r.url, bodyReader(payload))
		if err != nil {
			return answer{}, err
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("x-dw-client-id", c.cfg.ClientID)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", c.cfg.UserAgent)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if r.ifMatch != "" {
			req.Header.Set("If-Match", r.ifMatch)
		}
		status, h, body, err := c.send(req)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return answer{}, fmt.Errorf("%w: %v", ctx.Err(), err)
			}
			lastErr = &client.TransportError{BaseURL: c.cfg.BaseURL, Attempts: attempt, Err: err}
		case status >= 200 && status <= 299:
			return answer{status: status, header: h, body: body}, nil
		default:
			lastErr = decodeFault(status, h, body, r.url, c.cfg.Now())
		}
		wait, retry := c.retryWait(ctx, r.idempotent, lastErr, attempt)
		if !retry {
			return answer{}, lastErr
		}
		if !client.Sleep(ctx, wait) {
			return answer{}, lastErr
		}
	}
}

func bodyReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}

// send is one attempt.
func (c *Client) send(req *http.Request) (int, http.Header, []byte, error) {
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.log(req, 0, start, err)
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err == nil && len(body) > maxResponseBytes {
		err = fmt.Errorf("the answer is larger than %d bytes", maxResponseBytes)
	}
	c.log(req, resp.StatusCode, start, err)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, body, nil
}

// log records one attempt at Debug: method, URL (its query holds paging
// and filters only), status and time; never a header or a body.
func (c *Client) log(req *http.Request, status int, start time.Time, err error) {
	if c.cfg.Logger == nil {
		return
	}
	args := []any{"method", req.Method, "url", req.URL.String(), "status", status, "took", time.Since(start).Round(time.Millisecond)}
	if err != nil {
		args = append(args, "err", err)
	}
	c.cfg.Logger.Debug("sfcc api", args...)
}

// retryWait says whether a failed attempt is retried and after how long.
func (c *Client) retryWait(ctx context.Context, idempotent bool, err error, attempt int) (time.Duration, bool) {
	if !idempotent {
		return 0, false
	}
	return client.Patience{Retries: c.cfg.MaxRetries, WaitMin: c.cfg.RetryWaitMin, WaitMax: c.cfg.RetryWaitMax}.Wait(ctx, err, attempt)
}

// faultDoc is OCAPI's error body.
type faultDoc struct {
	V     string `json:"_v"`
	Fault *struct {
		Type      string         `json:"type"`
		Message   string         `json:"message"`
		Arguments map[string]any `json:"arguments"`
	} `json:"fault"`
}

// decodeFault turns a non-2xx answer into an *APIError: the fault's type
// as Code and its message, the kind following the status (400 invalid,
// 401 unauthenticated, 403 forbidden, 404 not found, 409 and 412
// conflict, 429 rate limited, 5xx unavailable). A 400 whose fault says
// the JWT belongs to another customer is forbidden.
func decodeFault(status int, h http.Header, body []byte, target string, now time.Time) *client.APIError {
	ae := &client.APIError{Status: status}
	ae.RetryAfter, _ = client.ParseRetryAfter(h.Get("Retry-After"), now)
	var f faultDoc
	if err := json.Unmarshal(body, &f); err == nil && f.Fault != nil && (f.Fault.Type != "" || f.Fault.Message != "") {
		ae.Code, ae.Message = f.Fault.Type, f.Fault.Message
		if status == http.StatusBadRequest && strings.Contains(f.Fault.Type, "Mismatch") {
			ae.K = client.KindForbidden
		}
		return ae
	}
	ae.Code = client.CodeBadResponse
	ae.Message = fmt.Sprintf("the instance answered %d %s from %s with %s", status, http.StatusText(status), redactURL(target),
		client.DescribeBody(h.Get("Content-Type"), body))
	return ae
}

// badSuccess is a 2xx answer that is not the document expected.
func badSuccess(a answer, target string, err error) *client.APIError {
	return &client.APIError{Status: a.status, Code: client.CodeBadResponse,
		Message: fmt.Sprintf("the instance answered %d from %s with %s that is not OCAPI's answer (%v) — check the URL, site and list",
			a.status, redactURL(target), client.DescribeBody(a.header.Get("Content-Type"), a.body), err)}
}

// decode reads a 2xx answer's document into out, checking its _type when
// want is not "".
func decode(a answer, target, want string, out any) error {
	if want != "" {
		var head struct {
			Type string `json:"_type"`
		}
		if err := json.Unmarshal(a.body, &head); err != nil {
			return badSuccess(a, target, err)
		}
		if head.Type != want {
			return badSuccess(a, target, fmt.Errorf("_type %q, want %q", head.Type, want))
		}
	}
	if err := json.Unmarshal(a.body, out); err != nil {
		return badSuccess(a, target, err)
	}
	return nil
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "the instance"
	}
	u.RawQuery = ""
	return u.String()
}

// --- the access token ---------------------------------------------------------

// tokenAnswer is the Account Manager's answer to a client-credentials
// grant.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	// Error and ErrorDescription are OAuth's error body (RFC 6749 §5.2).
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func (c *Client) dropToken() {
	c.tokMu.Lock()
	c.tok = ""
	c.tokMu.Unlock()
}

// token is the agent's access token, fetched when there is none or it
// expires within TokenSkew. Concurrent callers wait for one fetch.
func (c *Client) token(ctx context.Context) (string, error) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	if c.tok != "" && c.cfg.Now().Add(TokenSkew).Before(c.tokExp) {
		return c.tok, nil
	}
	var lastErr error
	for attempt := 1; ; attempt++ {
		tok, ttl, err := c.fetchToken(ctx)
		if err == nil {
			c.tok, c.tokExp = tok, c.cfg.Now().Add(ttl)
			return tok, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			return "", lastErr
		}
		wait, retry := c.retryWait(ctx, true, lastErr, attempt)
		if !retry {
			return "", lastErr
		}
		if !client.Sleep(ctx, wait) {
			return "", lastErr
		}
	}
}

// fetchToken is one client-credentials grant: POST {auth-url} with Basic
// client_id:password and grant_type=client_credentials.
func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.AuthURL, strings.NewReader(form))
	if err != nil {
		return "", 0, err
	}
	req.SetBasicAuth(c.cfg.ClientID, c.cfg.Secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	status, h, body, err := c.send(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, fmt.Errorf("%w: %v", ctx.Err(), err)
		}
		return "", 0, &client.TransportError{BaseURL: c.cfg.AuthURL, Attempts: 1, Err: err}
	}
	var t tokenAnswer
	jsonErr := json.Unmarshal(body, &t)
	if status < 200 || status > 299 {
		ae := &client.APIError{Status: status}
		ae.RetryAfter, _ = client.ParseRetryAfter(h.Get("Retry-After"), c.cfg.Now())
		if jsonErr == nil && t.Error != "" {
			ae.Code, ae.Message = t.Error, "the Account Manager refused API client "+c.cfg.ClientID+": "+t.ErrorDescription
		} else {
			ae.Code = client.CodeBadResponse
			ae.Message = fmt.Sprintf("the token endpoint %s answered %d %s with %s", c.cfg.AuthURL, status, http.StatusText(status),
				client.DescribeBody(h.Get("Content-Type"), body))
		}
		if status == http.StatusBadRequest && t.Error == "invalid_client" {
			ae.K = client.KindUnauthenticated
		}
		return "", 0, ae
	}
	if jsonErr != nil || t.AccessToken == "" || !strings.EqualFold(t.TokenType, "Bearer") {
		if jsonErr == nil {
			jsonErr = errors.New("no bearer access_token")
		}
		// The body may hold a token: it is not quoted.
		return "", 0, &client.APIError{Status: status, Code: client.CodeBadResponse,
			Message: fmt.Sprintf("the token endpoint %s answered %d with a body that is not an OAuth token answer (%v) — check auth-url", c.cfg.AuthURL, status, jsonErr)}
	}
	ttl := time.Duration(t.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	return t.AccessToken, ttl, nil
}

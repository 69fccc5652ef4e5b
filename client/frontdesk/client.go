// Package frontdesk is the client.Platform driver for frontdesk's own
// Customers API contract (api/openapi.yaml), spoken over HTTP with resty:
// typed models from package api, one *client.APIError for every answer
// that is not a success, retries only where they cannot apply a change
// twice, idempotency keys for loyalty adjustments, and a debug log with
// every secret redacted.
//
// The contract pages by number; until the server has real cursors the
// driver encodes page numbers as cursors (PageCursor). Versions are the
// contract's integer versions (and ETags) as strings.
//
// A Client is safe for concurrent use; it holds no per-user state beyond
// its Config, so the SSH gateway makes one per connected agent.
package frontdesk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"frontdesk/api"
	"frontdesk/client"
)

// MaxIdleConnsPerHost is how many idle connections to the store the
// default transport keeps (net/http's default is 2).
const MaxIdleConnsPerHost = 16

// Defaults of Config's zero values.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRetries   = 3
	DefaultRetryWaitMin = 200 * time.Millisecond
	DefaultRetryWaitMax = 5 * time.Second
	DefaultUserAgent    = "frontdesk/dev"
	// maxResponseBytes bounds what one answer may make us hold in memory.
	maxResponseBytes = 16 << 20
)

// Values of Config.Via (X-Frontdesk-Via), which the server records in the
// audit trail.
const (
	ViaAPI = "api"
	ViaSSH = "ssh"
)

// Config says which store to call, as whom, and how patiently.
type Config struct {
	// BaseURL is the store's base URL, e.g. "http://127.0.0.1:8080". The
	// client appends "/api/v1" unless the URL already ends with it.
	BaseURL string
	// KeyID and Secret are the API key pair (ck_…, cs_…).
	KeyID, Secret string
	// Agent, for gateway keys only, names the agent each request acts
	// for (X-Frontdesk-Agent).
	Agent string
	// Via is ViaAPI (default) or ViaSSH (X-Frontdesk-Via).
	Via string
	// Timeout bounds each attempt (default 10s). The whole call, retries
	// and waits included, is bounded by the context passed to it.
	Timeout time.Duration
	// UserAgent defaults to "frontdesk/dev"; the CLI passes
	// "frontdesk/<version>".
	UserAgent string
	// Logger receives one Debug record per attempt, secrets redacted.
	// nil logs nothing.
	Logger *slog.Logger
	// Transport, if set, sends the requests (tests wrap it for contract
	// validation or fault injection). nil uses a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// MaxRetries is how many times a retryable call is retried (default
	// 3; negative means never).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff between attempts
	// (defaults 200ms and 5s). A server's Retry-After is honoured but
	// capped at RetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
}

// Client calls one store's Customers API as one key (and, for gateway
// keys, one agent). It is a client.Platform with every capability.
type Client struct {
	cfg  Config
	base string // scheme://host[:port]/…/api/v1, no trailing slash
	rc   *resty.Client
	// stream is hc without its overall timeout, for the export stream
	// (export.go), which may run for minutes.
	stream *http.Client
	// caps is what the desk said it cannot do, at the last Me (a desk in
	// front of a platform); nil before: every capability.
	caps atomic.Pointer[client.Capabilities]
}

// New checks cfg and builds a client. It does not contact the store; call
// Me to verify the credentials.
func New(cfg Config) (*Client, error) {
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.KeyID = strings.TrimSpace(cfg.KeyID)
	switch {
	case cfg.KeyID == "":
		return nil, errors.New("no API key id: pass the key id (ck_…) that `frontdesk sandbox keys create` or your store admin gave you")
	case cfg.Secret == "":
		return nil, errors.New("no API secret: pass the secret (cs_…) that belongs to key " + cfg.KeyID)
	case strings.ContainsAny(cfg.KeyID, ":\r\n"):
		return nil, errors.New("the API key id must not contain ':' or line breaks: check you did not paste key and secret together")
	case strings.ContainsAny(cfg.Secret, "\r\n"):
		return nil, errors.New("the API secret must not contain line breaks: check how it was pasted")
	}
	switch cfg.Via {
	case "":
		cfg.Via = ViaAPI
	case ViaAPI, ViaSSH:
	default:
		return nil, fmt.Errorf("via must be %q or %q, not %q", ViaAPI, ViaSSH, cfg.Via)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	next := cfg.Transport
	if next == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// One store, several calls at once (bulk apply's --concurrency,
		// the console's tabs loading together): keep a connection for
		// each instead of net/http's 2, which closed the rest after
		// every answer and dialled anew.
		t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
		next = t
	}
	red := redactor{secret: cfg.Secret}
	hc := &http.Client{
		Transport: &logTransport{next: next, log: cfg.Logger, redact: red},
		Timeout:   cfg.Timeout,
		// The API never redirects; following one could turn a POST into a
		// GET or carry the credentials elsewhere. The 3xx is returned as
		// is and reported as a bad response.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c := &Client{cfg: cfg, base: base,
		stream: &http.Client{Transport: hc.Transport, CheckRedirect: hc.CheckRedirect}}
	rc := resty.NewWithClient(hc).
		SetLogger(restyLogger{log: cfg.Logger, redact: red}).
		// resty warns on every plain-HTTP Basic auth call; the sandbox is
		// plain HTTP on loopback by design, so the warning is only noise.
		SetDisableWarn(true).
		SetBasicAuth(cfg.KeyID, cfg.Secret).
		SetHeader("User-Agent", cfg.UserAgent).
		SetHeader("Accept", "application/json").
		SetHeader(api.HeaderVia, cfg.Via).
		SetResponseBodyLimit(maxResponseBytes).
		SetRetryCount(cfg.MaxRetries).
		SetRetryWaitTime(cfg.RetryWaitMin).
		SetRetryMaxWaitTime(cfg.RetryWaitMax).
		SetRetryAfter(c.retryAfterFunc).
		// A retry condition replaces resty's default of retrying every
		// transport error on every method, so this one condition is the
		// whole policy (retry.go).
		AddRetryCondition(retryCondition)
	if cfg.Agent != "" {
		rc.SetHeader(api.HeaderAgent, cfg.Agent)
	}
	c.rc = rc
	return c, nil
}

// The contract's driver is a Platform.
var _ client.Platform = (*Client)(nil)

// Capabilities of the frontdesk contract: all of them.
// The desk server can do everything, unless it stands in front of a
// store's platform that cannot: GET /me then names what is missing, and
// from the first Me on Capabilities says so.
func (c *Client) Capabilities() client.Capabilities {
	if caps := c.caps.Load(); caps != nil {
		return *caps
	}
	return client.All()
}

// learn keeps what me says the desk cannot do.
func (c *Client) learn(me api.Me) {
	caps := client.All()
	for name, why := range me.Unsupported {
		caps = caps.Without(why, client.Capability(name))
	}
	c.caps.Store(&caps)
}

// normalizeBaseURL checks a store URL and returns it with "/api/v1"
// appended (once) and no trailing slash.
func normalizeBaseURL(raw string) (string, error) {
	u, err := client.ParseBaseURL("store URL", "http://127.0.0.1:8080", raw)
	if err != nil {
		return "", err
	}
	return client.WithBase(u, api.Base), nil
}

// BaseURL is the API's base URL this client calls, ending in /api/v1.
func (c *Client) BaseURL() string { return c.base }

// request is one API call.
type request struct {
	method string
	path   string // below /api/v1, already escaped
	query  url.Values
	body   any
	header map[string]string
}

// response is a successful call's raw answer.
type response struct {
	status int
	header http.Header
}

// do sends r (with retries where the policy allows), decodes the envelope
// and unmarshals data into out (if non-nil). A non-2xx answer becomes an
// *APIError; no answer becomes a *TransportError.
func (c *Client) do(ctx context.Context, r request, out any) (response, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return response{}, contextError(ctx, c.base, nil)
	}
	ctx, st := withCallState(ctx)
	req := c.rc.R().SetContext(ctx)
	for k, v := range r.header {
		req.SetHeader(k, v)
	}
	if r.query != nil {
		req.SetQueryParamsFromValues(r.query)
	}
	if r.body != nil {
		// Marshal once so every attempt sends the same bytes: the
		// server's idempotency check compares bodies.
		b, err := json.Marshal(r.body)
		if err != nil {
			return response{}, fmt.Errorf("encode %s %s body: %w", r.method, r.path, err)
		}
		req.SetHeader("Content-Type", "application/json").SetBody(b)
	}
	target := c.base + r.path
	resp, err := req.Execute(r.method, target)
	attempts := int(st.attempts.Load())

	var status int
	if resp != nil {
		status = resp.StatusCode()
	}
	if err != nil && !errors.Is(err, errNoTimeToRetry) {
		var last error
		if status != 0 {
			last = c.answerError(resp, target)
		}
		if ctx.Err() != nil {
			return response{}, contextError(ctx, c.base, last)
		}
		if last != nil {
			// An answer arrived but resty failed after it (e.g. a body
			// over the size limit): report the answer, keep the cause.
			return response{}, fmt.Errorf("%w (%v)", last, err)
		}
		return response{}, &client.TransportError{BaseURL: c.base, Attempts: attempts, Err: err}
	}
	if status < 200 || status > 299 {
		return response{}, c.answerError(resp, target)
	}
	res := response{status: status, header: resp.Header()}
	return res, decodeSuccess(status, resp.Header(), resp.Body(), target, out)
}

// decodeSuccess unwraps a 2xx answer's envelope into out (nil: only check
// the envelope). A body that is not a success envelope, or whose data
// does not fit out, is a *client.APIError with CodeBadResponse.
func decodeSuccess(status int, h http.Header, body []byte, target string, out any) error {
	if status == http.StatusNoContent {
		return nil
	}
	var env api.Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return badSuccess(status, h, body, target, err)
	}
	if env.Status != api.EnvelopeSuccess {
		return badSuccess(status, h, body, target, fmt.Errorf("envelope status %q, want %q", env.Status, api.EnvelopeSuccess))
	}
	if out == nil {
		return nil
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return badSuccess(status, h, body, target, errors.New("no data"))
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return badSuccess(status, h, body, target, err)
	}
	return nil
}

func (c *Client) answerError(resp *resty.Response, url string) error {
	return decodeError(resp.StatusCode(), resp.Header(), resp.Body(), url)
}

// idPath escapes one id as a path segment; ids are opaque strings.
func idPath(kind string, id api.ID) (string, error) {
	s := strings.TrimSpace(string(id))
	if s == "" {
		return "", fmt.Errorf("no %s id given", kind)
	}
	return "/" + url.PathEscape(s), nil
}

// setInt adds a positive integer query parameter.
func setInt(q url.Values, k string, v int) {
	if v > 0 {
		q.Set(k, strconv.Itoa(v))
	}
}

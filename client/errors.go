package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"frontdesk/api"
)

// CodeBadResponse is the Code of an *APIError made by the client, not the
// server: the answer was not the API's JSON envelope (an HTML error page
// from a proxy, a truncated body, the wrong URL).
const CodeBadResponse = "bad_response"

// APIError is an answer from the store that is not a success: an HTTP
// status with the envelope's error code, message and per-field problems.
// Callers branch on it with errors.As or the Is* helpers.
type APIError struct {
	Status  int               // HTTP status
	Code    string            // error.code, e.g. "not_found"; CodeBadResponse for a non-API body
	Message string            // error.message, for people
	Fields  map[string]string // field → problem, on 400 validation errors
	// RequestID is the server's X-Request-Id, to quote in a bug report.
	RequestID string
	// CurrentVersion is the version the server holds, on 412.
	CurrentVersion *int64
	// RetryAfter is the server's Retry-After, on 429 and 503.
	RetryAfter time.Duration
}

// Error reads message first, then the status, code and request id:
// "customer 42 not found (404 not_found, request req_1)".
func (e *APIError) Error() string {
	var b strings.Builder
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
		if msg == "" {
			msg = "request failed"
		}
	}
	b.WriteString(msg)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteString(": ")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k + ": " + e.Fields[k])
		}
	}
	b.WriteString(" (")
	b.WriteString(strconv.Itoa(e.Status))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.RequestID != "" {
		b.WriteString(", request " + e.RequestID)
	}
	if e.RetryAfter > 0 {
		b.WriteString(", retry after " + e.RetryAfter.String())
	}
	b.WriteString(")")
	return b.String()
}

func asAPIError(err error) (*APIError, bool) {
	var ae *APIError
	if errors.As(err, &ae) && ae != nil {
		return ae, true
	}
	return nil, false
}

// IsNotFound reports whether err is a 404 from the store.
func IsNotFound(err error) bool {
	ae, ok := asAPIError(err)
	return ok && ae.Status == http.StatusNotFound
}

// IsPermission reports whether the store refused the caller: 401 (bad or
// revoked key) or 403 (role too weak, over the loyalty limit, agent header
// not allowed).
func IsPermission(err error) bool {
	ae, ok := asAPIError(err)
	return ok && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden)
}

// IsConflict reports whether the request clashed with the store's state:
// 409 (duplicate email, key in flight), 412 (stale version) or 422
// (business rule: insufficient points, key reused, customer disabled).
func IsConflict(err error) bool {
	ae, ok := asAPIError(err)
	return ok && (ae.Status == http.StatusConflict || ae.Status == http.StatusPreconditionFailed ||
		ae.Status == http.StatusUnprocessableEntity)
}

// IsCode reports whether err is an *APIError with error.code code.
func IsCode(err error, code string) bool {
	ae, ok := asAPIError(err)
	return ok && ae.Code == code
}

// TransportError is a call that got no HTTP answer from the store at all:
// refused, reset, timed out, DNS or TLS failure. Its message says what to
// check.
type TransportError struct {
	BaseURL  string // the store's base URL
	Attempts int    // how many times the request was sent
	Err      error  // the underlying error
}

func (e *TransportError) Error() string {
	hint, cause := transportHint(e.Err)
	s := fmt.Sprintf("cannot reach the store at %s: %s", e.BaseURL, cause)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s + " — " + hint
}

func (e *TransportError) Unwrap() error { return e.Err }

// IsTransport reports whether err is a failure to get any answer from the
// store (as opposed to an answer that says no): the console offers
// "retry" for these.
func IsTransport(err error) bool {
	var te *TransportError
	return errors.As(err, &te)
}

// transportHint names the cause briefly and says what to do about it.
func transportHint(err error) (hint, cause string) {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "is the API running, and is the URL's port right?", "connection refused"
	case errors.As(err, &dnsErr):
		return "check the host name in the URL", "no such host " + strconv.Quote(dnsErr.Name)
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return "the store's TLS certificate is not trusted for this host; check the URL", "certificate not trusted"
	case errors.As(err, &recErr):
		return "the server does not speak TLS: try http:// instead of https://", "TLS handshake failed"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "the store is slow or unreachable; try again, or raise the timeout", "no answer in time"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.EPIPE):
		return "the connection was cut; try again (a proxy or the API may be restarting)", "connection closed before an answer"
	}
	return "check the URL and that the API is running", innermost(err)
}

// innermost returns the text of the deepest error in a chain, which for
// url.Error and net.OpError is the part worth showing.
func innermost(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// decodeError turns a non-2xx answer into an *APIError. A body that is not
// the API's error envelope (an HTML 502 from a proxy) still becomes an
// *APIError, with a message saying so.
func decodeError(status int, h http.Header, body []byte, url string) *APIError {
	ae := &APIError{Status: status, RequestID: h.Get(api.HeaderRequestID)}
	ae.RetryAfter, _ = parseRetryAfter(h.Get(api.HeaderRetryAfter), time.Now())
	var env api.Envelope
	if err := json.Unmarshal(body, &env); err == nil && env.Status == api.EnvelopeError && env.Error != nil && env.Error.Code != "" {
		ae.Code = env.Error.Code
		ae.Message = env.Error.Message
		ae.Fields = env.Error.Fields
		ae.CurrentVersion = env.Error.CurrentVersion
		return ae
	}
	ae.Code = CodeBadResponse
	ae.Message = fmt.Sprintf("the store answered %d %s from %s with %s, not the API's JSON envelope — check the URL points at the Customers API and that any proxy in front of it is healthy",
		status, http.StatusText(status), url, describeBody(h, body))
	return ae
}

// badSuccess is a 2xx answer whose body the client cannot read.
func badSuccess(status int, h http.Header, body []byte, url string, err error) *APIError {
	return &APIError{
		Status:    status,
		Code:      CodeBadResponse,
		RequestID: h.Get(api.HeaderRequestID),
		Message: fmt.Sprintf("the store answered %d from %s with %s that the client cannot read (%v) — check the URL points at the Customers API, version v1",
			status, url, describeBody(h, body), err),
	}
}

// describeBody says what a body looks like without printing it whole: its
// media type and a short, printable prefix.
func describeBody(h http.Header, body []byte) string {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if mt == "" {
		mt = "no content type"
	}
	if len(body) == 0 {
		return "an empty body (" + mt + ")"
	}
	// %q escapes control characters, so an untrusted body cannot reach
	// the user's terminal raw from here.
	snippet := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "?")), " ")
	if r := []rune(snippet); len(r) > 60 {
		snippet = string(r[:60]) + "…"
	}
	return fmt.Sprintf("a %s body %q", mt, snippet)
}

// contextError explains a call stopped by its context: the caller's
// deadline passed or it was cancelled. last is the last answer seen
// before giving up, if any; both stay reachable with errors.Is/As.
func contextError(ctx context.Context, baseURL string, last error) error {
	err := ctx.Err()
	if err == nil {
		err = context.Canceled
	}
	what := "cancelled"
	if errors.Is(err, context.DeadlineExceeded) {
		what = "gave up at the deadline"
	}
	if last != nil {
		return fmt.Errorf("%w; %s while retrying %s: %w", last, what, baseURL, err)
	}
	return fmt.Errorf("call to the store at %s %s: %w", baseURL, what, err)
}

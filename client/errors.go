package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
)

// CodeBadResponse is the Code of an *APIError made by a driver, not the
// store: the answer was not the platform's documented body (an HTML error
// page from a proxy, a truncated body, the wrong URL).
const CodeBadResponse = "bad_response"

// CodeUnsupported is the Code of an *APIError of KindUnsupported: the
// platform has no such feature (see Capabilities).
const CodeUnsupported = "unsupported"

// Kind is what callers branch on when a call fails: the same kinds for
// every platform, whatever its wire format says.
type Kind int

// The kinds of failure. KindOther is an answer that fits none of them (an
// unexpected 4xx, an unreadable success body).
const (
	KindOther Kind = iota
	// KindNotFound: the customer, order or session does not exist (or is
	// not the caller's to see).
	KindNotFound
	// KindConflict: the request clashed with the store's state — a stale
	// version (APIError.CurrentVersion says the store's), a duplicate
	// email, an idempotency key in flight or reused, a business rule
	// (insufficient points, customer disabled).
	KindConflict
	// KindForbidden: the caller may not do this (role too weak, over the
	// loyalty limit, token for another customer); Message is the reason.
	KindForbidden
	// KindUnauthenticated: the store does not accept the credentials at
	// all (wrong or revoked key).
	KindUnauthenticated
	// KindUnsupported: the platform has no such feature; Capability names
	// it and Message says why.
	KindUnsupported
	// KindRateLimited: too many requests; RetryAfter says how long the
	// store asked to wait (zero when it did not say).
	KindRateLimited
	// KindUnavailable: no answer at all (*TransportError) or the store or
	// a proxy in front of it failed (5xx): trying again may help.
	KindUnavailable
	// KindInvalid: the request was refused as malformed; Fields names the
	// fields and their problems when the store said.
	KindInvalid
)

var kindNames = [...]string{"other", "not found", "conflict", "forbidden", "unauthenticated", "unsupported", "rate limited", "unavailable", "invalid"}

// String names the kind, e.g. "rate limited".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// APIError is the one error type of every driver: an answer from the
// store that is not a success. Callers branch on its Kind (KindOf,
// IsNotFound, IsConflict, …) and on Code for a specific rule; Status is
// the HTTP status for platforms that speak HTTP, for messages and logs.
type APIError struct {
	// K is the kind the driver decided; zero derives it from Status.
	K       Kind
	Status  int               // HTTP status, 0 when the failure was not an HTTP answer
	Code    string            // the platform's error code, e.g. "not_found"; CodeBadResponse for an unreadable body
	Message string            // for people: the store's message, the reason of a refusal
	Fields  map[string]string // field → problem, on KindInvalid
	// RequestID is the store's request id, to quote in a bug report.
	RequestID string
	// CurrentVersion is the version the store holds, on a stale-version
	// conflict ("" when the store did not say). Versions are opaque.
	CurrentVersion string
	// RetryAfter is how long the store asked to wait, on KindRateLimited
	// (and some KindUnavailable answers).
	RetryAfter time.Duration
	// Capability is what the platform lacks, on KindUnsupported.
	Capability Capability
}

// Kind is the error's kind: K when the driver set it, else derived from
// the HTTP status.
func (e *APIError) Kind() Kind {
	if e.K != KindOther {
		return e.K
	}
	switch s := e.Status; {
	case s == http.StatusNotFound:
		return KindNotFound
	case s == http.StatusConflict, s == http.StatusPreconditionFailed, s == http.StatusUnprocessableEntity:
		return KindConflict
	case s == http.StatusUnauthorized:
		return KindUnauthenticated
	case s == http.StatusForbidden:
		return KindForbidden
	case s == http.StatusTooManyRequests:
		return KindRateLimited
	case s == http.StatusBadRequest, s == http.StatusPreconditionRequired:
		return KindInvalid
	case s >= 500:
		return KindUnavailable
	}
	return KindOther
}

// UserMessage is the store's message, or when it gave none a short
// description of the failure.
func (e *APIError) UserMessage() string {
	if e.Message != "" {
		return e.Message
	}
	if e.Status != 0 {
		if t := http.StatusText(e.Status); t != "" {
			return t
		}
	}
	if e.K != KindOther {
		return e.K.String()
	}
	return "request failed"
}

// Error reads message first, then the status, code and request id:
// "customer 42 not found (404 not_found, request req_1)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.UserMessage())
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
	switch {
	case e.Status != 0:
		b.WriteString(strconv.Itoa(e.Status))
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		}
	case e.Code != "":
		b.WriteString(e.Code)
	default:
		b.WriteString(e.Kind().String())
	}
	if e.Capability != "" {
		b.WriteString(", capability " + string(e.Capability))
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

// AsAPIError finds the *APIError in err's chain.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	if errors.As(err, &ae) && ae != nil {
		return ae, true
	}
	return nil, false
}

// KindOf is the kind of err: the *APIError's kind, KindUnavailable for a
// *TransportError, KindOther for anything else (nil included).
func KindOf(err error) Kind {
	if ae, ok := AsAPIError(err); ok {
		return ae.Kind()
	}
	if IsTransport(err) {
		return KindUnavailable
	}
	return KindOther
}

// IsNotFound reports whether the store said the thing does not exist.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

// IsPermission reports whether the store refused the caller: bad or
// revoked credentials (KindUnauthenticated) or a refusal such as a role
// too weak, over the loyalty limit, agent header not allowed
// (KindForbidden).
func IsPermission(err error) bool {
	k := KindOf(err)
	return k == KindForbidden || k == KindUnauthenticated
}

// IsConflict reports whether the request clashed with the store's state
// (KindConflict): stale version, duplicate email, key in flight or
// reused, a business rule.
func IsConflict(err error) bool { return KindOf(err) == KindConflict }

// IsUnsupported reports whether the platform lacks what was asked for.
func IsUnsupported(err error) bool { return KindOf(err) == KindUnsupported }

// Reason is the sentence a store gave for err (an *APIError's message),
// else err's text: what the console shows for something a platform
// cannot do.
func Reason(err error) string {
	if ae, ok := AsAPIError(err); ok {
		return ae.UserMessage()
	}
	return err.Error()
}

// IsCode reports whether err is an *APIError with the platform's error
// code code.
func IsCode(err error, code string) bool {
	ae, ok := AsAPIError(err)
	return ok && ae.Code == code
}

// RateLimited reports whether err is KindRateLimited, and how long the
// store asked to wait (zero when it did not say).
func RateLimited(err error) (retryAfter time.Duration, ok bool) {
	ae, ok := AsAPIError(err)
	if !ok || ae.Kind() != KindRateLimited {
		return 0, false
	}
	return ae.RetryAfter, true
}

// Unsupported is the error a driver returns for a call its platform
// cannot serve: KindUnsupported with the capability and the reason.
func Unsupported(c Capability, reason string) *APIError {
	return &APIError{K: KindUnsupported, Code: CodeUnsupported, Capability: c, Message: reason}
}

// TransportError is a call that got no answer from the store at all:
// refused, reset, timed out, DNS or TLS failure. Its message says what to
// check. Its kind is KindUnavailable.
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

// noRateLimitWaitKey marks a context whose calls are not retried on 429.
type noRateLimitWaitKey struct{}

// NoRateLimitWait returns a context whose calls give a rate limit back at
// once (KindRateLimited with RetryAfter) instead of waiting and retrying
// inside the call. The console uses it: it says "rate limited, retrying
// in N s" and schedules the retry itself, so the agent sees why nothing
// is happening, instead of a spinner that runs for the whole backoff.
func NoRateLimitWait(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRateLimitWaitKey{}, true)
}

// RateLimitWaitOff reports whether ctx came from NoRateLimitWait: drivers
// ask it before waiting out a rate limit.
func RateLimitWaitOff(ctx context.Context) bool {
	off, _ := ctx.Value(noRateLimitWaitKey{}).(bool)
	return off
}

// NewIdempotencyKey returns a fresh random key for one logical operation.
func NewIdempotencyKey() string { return uuid.NewString() }

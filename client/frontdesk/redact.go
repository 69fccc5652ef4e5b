package frontdesk

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"frontdesk/api"
)

// Redacted replaces every secret the redaction helpers find.
const Redacted = "[REDACTED]"

// sensitiveHeaders are never logged with their value.
var sensitiveHeaders = map[string]bool{
	"Authorization":         true,
	"Proxy-Authorization":   true,
	"Cookie":                true,
	"Set-Cookie":            true,
	"X-Api-Key":             true,
	api.HeaderCustomerToken: true,
}

// secretPatterns match secrets wherever they sit in free text: API
// secrets (cs_…), HTTP auth credentials, and tokens in JSON bodies, query
// strings and key=value logs.
var secretPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	// On-behalf session tokens (X-Customer-Token values), wherever they
	// end up; before cs_, which can occur inside one.
	{regexp.MustCompile(`\bcst_[A-Za-z0-9_\-]{8,}`), "cst_" + Redacted},
	{regexp.MustCompile(`cs_[A-Za-z0-9_\-]+`), "cs_" + Redacted},
	{regexp.MustCompile(`\b(Basic|Bearer|Digest)\s+[A-Za-z0-9+/=._~\-]{8,}`), "$1 " + Redacted},
	{regexp.MustCompile(`(?i)("(?:token|secret|password|api_secret|access_token|refresh_token)"\s*:\s*")[^"]*(")`), "${1}" + Redacted + "${2}"},
	{regexp.MustCompile(`(?i)\b(token|secret|password|api_secret|access_token|refresh_token)=([^&\s"]+)`), "${1}=" + Redacted},
}

// Redact removes secrets from free text before it is logged: cs_ secrets,
// Basic/Bearer credentials, and token/secret/password values in JSON and
// in key=value form. Other text is returned unchanged. It is for logs of
// any package; for a header's value use RedactHeader.
func Redact(s string) string {
	for _, p := range secretPatterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// RedactHeader returns a header's value fit for a log: credential headers
// (Authorization, X-Customer-Token, cookies) lose their value entirely —
// Authorization keeps its scheme ("Basic [REDACTED]") — and every other
// value goes through Redact.
func RedactHeader(name, value string) string {
	if sensitiveHeaders[http.CanonicalHeaderKey(name)] {
		if scheme, _, ok := strings.Cut(strings.TrimSpace(value), " "); ok && http.CanonicalHeaderKey(name) != api.HeaderCustomerToken {
			return scheme + " " + Redacted
		}
		return Redacted
	}
	return Redact(value)
}

// redactor also removes the one secret this client was configured with,
// even when it does not look like cs_… (a mistyped secret is still one).
type redactor struct{ secret string }

func (r redactor) string(s string) string {
	if len(r.secret) >= 4 {
		s = strings.ReplaceAll(s, r.secret, Redacted)
	}
	return Redact(s)
}

// callState is per call (one client method invocation), shared by its
// attempts through the request context.
type callState struct{ attempts atomic.Int32 }

type callStateKey struct{}

func withCallState(ctx context.Context) (context.Context, *callState) {
	st := &callState{}
	return context.WithValue(ctx, callStateKey{}, st), st
}

// logTransport counts the attempts of each call and, with a logger, logs
// each attempt at Debug: method, URL, status, duration, request id,
// attempt, and the request headers — all redacted. It sits outside any
// transport the caller configured so it sees exactly what was sent.
type logTransport struct {
	next   http.RoundTripper
	log    *slog.Logger
	redact redactor
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	attempt := 1
	if st, ok := ctx.Value(callStateKey{}).(*callState); ok {
		attempt = int(st.attempts.Add(1))
	}
	if t.log == nil || !t.log.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", t.redact.string(req.URL.String())),
		slog.Int("attempt", attempt),
		slog.Duration("duration", time.Since(start)),
	}
	if resp != nil {
		attrs = append(attrs,
			slog.Int("status", resp.StatusCode),
			slog.String("request_id", t.redact.string(resp.Header.Get(api.HeaderRequestID))))
		if r := resp.Header.Get(api.HeaderReplayed); r != "" {
			attrs = append(attrs, slog.String("replayed", r))
		}
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.redact.string(err.Error())))
	}
	hdrs := make([]any, 0, len(req.Header))
	for name, vals := range req.Header {
		v := strings.Join(vals, ", ")
		hdrs = append(hdrs, slog.String(name, t.redact.string(RedactHeader(name, v))))
	}
	attrs = append(attrs, slog.Group("headers", hdrs...))
	t.log.LogAttrs(ctx, slog.LevelDebug, "api call", attrs...)
	return resp, err
}

// restyLogger sends resty's own messages (warnings on failed attempts) to
// the debug log, redacted, instead of resty's default of stderr — which
// would scribble over the console.
type restyLogger struct {
	log    *slog.Logger
	redact redactor
}

func (l restyLogger) logf(format string, v ...any) {
	if l.log == nil {
		return
	}
	l.log.Debug(l.redact.string(fmt.Sprintf(format, v...)), slog.String("source", "resty"))
}

func (l restyLogger) Errorf(format string, v ...any) { l.logf(format, v...) }
func (l restyLogger) Warnf(format string, v ...any)  { l.logf(format, v...) }
func (l restyLogger) Debugf(format string, v ...any) { l.logf(format, v...) }

package client

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Helpers for drivers that speak HTTP: the same reading of a Retry-After
// and the same description of an unreadable answer on every platform.

// ParseRetryAfter reads a Retry-After header: delta seconds or an HTTP
// date, capped at a day. ok is false when the header is absent or
// unreadable.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// DescribeBody says what an answer's body looks like without printing it
// whole: its media type (from contentType) and a short, printable prefix.
// %q escapes control characters, so an untrusted body cannot reach the
// user's terminal raw from here.
func DescribeBody(contentType string, body []byte) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "" {
		mt = "no content type"
	}
	if len(body) == 0 {
		return "an empty body (" + mt + ")"
	}
	snippet := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "?")), " ")
	if r := []rune(snippet); len(r) > 60 {
		snippet = string(r[:60]) + "…"
	}
	return fmt.Sprintf("a %s body %q", mt, snippet)
}

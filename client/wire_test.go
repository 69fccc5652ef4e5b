package client_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"frontdesk/client"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"999999999999", 24 * time.Hour, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	} {
		got, ok := client.ParseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("client.ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// An unreadable body is described by its type and a short, quoted prefix:
// control characters never reach the terminal raw.
func TestDescribeBody(t *testing.T) {
	if got := client.DescribeBody("", nil); got != "an empty body (no content type)" {
		t.Errorf("empty: %q", got)
	}
	got := client.DescribeBody("text/html; charset=utf-8", []byte("<h1>502 Bad\x1b[2J   Gateway</h1>"+strings.Repeat("x", 100)))
	if !strings.HasPrefix(got, "a text/html body ") || strings.Contains(got, "\x1b[2J") || !strings.HasSuffix(got, `…"`) {
		t.Errorf("html: %q", got)
	}
}

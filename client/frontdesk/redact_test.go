package frontdesk

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"secret cs_abcDEF123_-x here", "secret cs_[REDACTED] here"},
		{"Authorization: Basic Y2tfYTpjc19i", "Authorization: Basic [REDACTED]"},
		{"Bearer eyJhbGciOiJIUzI1NiJ9.x.y", "Bearer [REDACTED]"},
		{`{"token":"st_123","id":5}`, `{"token":"[REDACTED]","id":5}`},
		{`{"secret": "hunter22"}`, `{"secret": "[REDACTED]"}`},
		{"GET /x?token=abc&page=2", "GET /x?token=[REDACTED]&page=2"},
		{"password=hunter2 user=bob", "password=[REDACTED] user=bob"},
		{"customer 42 not found", "customer 42 not found"},
		{"basic information", "basic information"},
		{"ck_public_key_id", "ck_public_key_id"},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactHeader(t *testing.T) {
	for _, tc := range []struct{ name, value, want string }{
		{"Authorization", "Basic Y2tfYTpjc19i", "Basic [REDACTED]"},
		{"authorization", "Basic Y2tfYTpjc19i", "Basic [REDACTED]"},
		{"Authorization", "opaque", "[REDACTED]"},
		{"X-Customer-Token", "st_abc def", "[REDACTED]"},
		{"x-customer-token", "st_abc", "[REDACTED]"},
		{"Cookie", "session=abc", "[REDACTED]"},
		{"Proxy-Authorization", "Basic abcdefghij", "Basic [REDACTED]"},
		{"User-Agent", "frontdesk/dev", "frontdesk/dev"},
		{"X-Debug", "leaked cs_secret", "leaked cs_[REDACTED]"},
	} {
		if got := RedactHeader(tc.name, tc.value); got != tc.want {
			t.Errorf("RedactHeader(%q, %q) = %q, want %q", tc.name, tc.value, got, tc.want)
		}
	}
}

func TestRedactorRemovesConfiguredSecret(t *testing.T) {
	r := redactor{secret: "not-prefixed-secret"}
	if got := r.string("oops not-prefixed-secret leaked"); strings.Contains(got, "not-prefixed-secret") {
		t.Fatalf("configured secret survived: %q", got)
	}
}

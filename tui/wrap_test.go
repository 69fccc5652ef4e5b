package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"frontdesk/tui/sanitize"
)

func TestWrap(t *testing.T) {
	text := "cannot reach the store at http://127.0.0.1:1/: connection refused — is the API running, and is the URL's port right?"
	lines := Wrap(sanitize.PerCodePoint, text, 40, 0)
	if strings.Join(strings.Fields(strings.Join(lines, " ")), " ") != text {
		t.Fatalf("wrapping lost words: %q", lines)
	}
	for _, l := range lines {
		if sanitize.Width(l) > 40 {
			t.Errorf("line %q is wider than 40", l)
		}
	}
	cut := Wrap(sanitize.PerCodePoint, text, 40, 2)
	if len(cut) != 2 || !strings.HasSuffix(cut[1], "…") || sanitize.Width(cut[1]) > 40 {
		t.Fatalf("two lines of it: %q", cut)
	}
	// A word longer than a line is broken, not left overflowing.
	if l := Wrap(sanitize.PerCodePoint, strings.Repeat("x", 25), 10, 0); len(l) != 3 || l[0] != strings.Repeat("x", 10) {
		t.Errorf("long word: %q", l)
	}
	// Sanitized: what the API said cannot reach the terminal raw.
	if l := Wrap(sanitize.PerCodePoint, "bad \x1b]52;c;aGk=\x07 name", 80, 0); strings.ContainsRune(strings.Join(l, ""), 0x1b) {
		t.Errorf("escape sequence kept: %q", l)
	}
	if Wrap(sanitize.PerCodePoint, "  ", 10, 0) != nil {
		t.Error("blank text gave lines")
	}
}

func TestWrapError(t *testing.T) {
	if WrapError(sanitize.PerCodePoint, nil, 20) != nil {
		t.Error("WrapError(nil) gave lines")
	}
	got := WrapError(sanitize.PerCodePoint, fmt.Errorf("save: %w", userErr{}), 80)
	if len(got) != 1 || got[0] != "do this next" {
		t.Errorf("UserMessage not used: %q", got)
	}
	long := errors.New("the store refused the key (nothing was saved): unauthorized (401 unauthorized, request req_0123456789abcdef)")
	got = WrapError(sanitize.PerCodePoint, long, 30)
	if len(got) < 4 || !strings.Contains(strings.Join(got, " "), "req_0123456789abcdef") {
		t.Errorf("the request id did not survive wrapping: %q", got)
	}
}

// A stacked help list wraps a long reason under its description instead
// of cutting it at the width.
func TestFullHelpWrapsLongReasons(t *testing.T) {
	c := NewCommon(nil, Profile{}, nil, true)
	c.Agent.Role = "agent"
	reason := "only while acting for this customer (o starts it, O ends it)"
	groups := [][]Binding{
		{{Keys: []string{"c"}, Help: "coupons (as the customer)", Disabled: func() string { return reason }}},
		{{Keys: []string{"ctrl+r"}, Help: "refresh"}},
	}
	v := c.FullHelpView(groups, 40)
	for _, l := range strings.Split(v, "\n") {
		if sanitize.Width(l) > 40 {
			t.Errorf("line %q is wider than 40", l)
		}
	}
	if flat := strings.Join(strings.Fields(v), " "); !strings.Contains(flat, "coupons (as the customer) — "+reason) {
		t.Errorf("the reason was cut:\n%s", v)
	}
}

package client_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"frontdesk/client"
)

func TestKindFromStatus(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   client.Kind
	}{
		{404, client.KindNotFound},
		{409, client.KindConflict},
		{412, client.KindConflict},
		{422, client.KindConflict},
		{401, client.KindUnauthenticated},
		{403, client.KindForbidden},
		{429, client.KindRateLimited},
		{400, client.KindInvalid},
		{428, client.KindInvalid},
		{500, client.KindUnavailable},
		{503, client.KindUnavailable},
		{418, client.KindOther},
		{200, client.KindOther},
	} {
		err := fmt.Errorf("get customer 7: %w", &client.APIError{Status: tc.status})
		if got := client.KindOf(err); got != tc.want {
			t.Errorf("KindOf(%d) = %v, want %v", tc.status, got, tc.want)
		}
	}
}

func TestKindHelpers(t *testing.T) {
	te := fmt.Errorf("list: %w", &client.TransportError{BaseURL: "http://x", Err: errors.New("boom")})
	if client.KindOf(te) != client.KindUnavailable || !client.IsTransport(te) {
		t.Errorf("transport error: kind %v", client.KindOf(te))
	}
	if client.KindOf(errors.New("plain")) != client.KindOther || client.KindOf(nil) != client.KindOther {
		t.Error("an error that is not the store's has a kind")
	}
	if !client.IsPermission(&client.APIError{Status: 401}) || !client.IsPermission(&client.APIError{Status: 403}) || client.IsPermission(&client.APIError{Status: 404}) {
		t.Error("IsPermission is wrong")
	}
	// A driver's explicit kind wins over the status.
	if client.KindOf(&client.APIError{K: client.KindNotFound, Status: 400}) != client.KindNotFound {
		t.Error("explicit kind ignored")
	}
	wait, ok := client.RateLimited(fmt.Errorf("x: %w", &client.APIError{Status: 429, RetryAfter: 3 * time.Second}))
	if !ok || wait != 3*time.Second {
		t.Errorf("RateLimited = %v, %v", wait, ok)
	}
	if _, ok := client.RateLimited(&client.APIError{Status: 503, RetryAfter: time.Second}); ok {
		t.Error("a 503 is not a rate limit")
	}
}

func TestAPIErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  *client.APIError
		want string
	}{
		{&client.APIError{Status: 404, Code: "not_found", Message: "customer 42 not found", RequestID: "req_1"}, "customer 42 not found (404 not_found, request req_1)"},
		{&client.APIError{Status: 503}, "Service Unavailable (503)"},
		{&client.APIError{Status: 400, Code: "validation_error", Message: "invalid", Fields: map[string]string{"b": "bad", "a": "short"}}, "invalid: a: short; b: bad (400 validation_error)"},
		{client.Unsupported(client.CapLoyalty, "Commerce.js has no loyalty points"), "Commerce.js has no loyalty points (unsupported, capability loyalty)"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	if m := (&client.APIError{Status: 502}).UserMessage(); m != "Bad Gateway" {
		t.Errorf("UserMessage = %q", m)
	}
}

func TestCapabilities(t *testing.T) {
	all := client.All()
	for _, c := range client.AllCapabilities {
		if !all.Has(c) || all.Why(c) != "" || all.Check(c) != nil {
			t.Errorf("All lacks %s", c)
		}
	}
	some := all.Without("Commerce.js has no loyalty points", client.CapLoyalty).Without("no notes here", client.CapNotes)
	if some.Has(client.CapLoyalty) || some.Has(client.CapNotes) || !some.Has(client.CapOrders) {
		t.Errorf("Without: %v", some.Missing())
	}
	if !all.Has(client.CapLoyalty) {
		t.Error("Without changed the value it was called on")
	}
	if got := some.Why(client.CapNotes); got != "no notes here" {
		t.Errorf("Why = %q", got)
	}
	err := some.Check(client.CapLoyalty)
	ae, ok := client.AsAPIError(err)
	if !client.IsUnsupported(err) || !ok || ae.Capability != client.CapLoyalty || ae.UserMessage() != "Commerce.js has no loyalty points" {
		t.Errorf("Check = %v", err)
	}
	// Without loyalty there is no adjusting either.
	if got := some.Missing(); len(got) != 3 || got[0] != client.CapLoyalty || got[1] != client.CapLoyaltyAdjust || got[2] != client.CapNotes {
		t.Errorf("Missing = %v", got)
	}
}

// A platform without loyalty points cannot adjust them: CapLoyalty's
// reason carries over, and a read-only store may lack adjusting alone.
func TestWithoutLoyaltyMeansNoAdjusting(t *testing.T) {
	c := client.All().Without("no points here", client.CapLoyalty)
	if c.Has(client.CapLoyaltyAdjust) || c.Why(client.CapLoyaltyAdjust) != "no points here" {
		t.Fatalf("without loyalty, adjust: has %v, why %q", c.Has(client.CapLoyaltyAdjust), c.Why(client.CapLoyaltyAdjust))
	}
	ro := client.All().Without("read-only", client.CapLoyaltyAdjust).Without("no points here", client.CapLoyalty)
	if ro.Why(client.CapLoyaltyAdjust) != "read-only" {
		t.Fatalf("an earlier reason was replaced: %q", ro.Why(client.CapLoyaltyAdjust))
	}
	if r := client.All().Without("read-only", client.CapLoyaltyAdjust); !r.Has(client.CapLoyalty) || r.Has(client.CapLoyaltyAdjust) {
		t.Fatal("lacking adjust alone took reading too, or kept adjusting")
	}
}

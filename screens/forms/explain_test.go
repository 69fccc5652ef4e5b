package forms

import (
	"context"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
)

// Every answer from the store that a form shows quotes its request id;
// the transport error's advice ("…is the URL's port right?") is not
// followed by a stray full stop.
func TestExplainQuotesTheRequestIDAndPunctuates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, notFound := e.client(t, "agent").GetCustomer(ctx, api.ID("999999"))
	var ae *client.APIError
	if !asAPIError(notFound, &ae) || ae.RequestID == "" {
		t.Fatalf("the sandbox answered %v without a request id", notFound)
	}
	if got := explain(notFound); !strings.Contains(got, "(request "+ae.RequestID+").") {
		t.Errorf("404 explained without its request id: %q", got)
	}
	// A business rule the loyalty form explains in its own words.
	_, _, insufficient := e.client(t, "supervisor").AdjustLoyalty(ctx, e.firstCustomer(t).ID,
		api.AdjustmentRequest{Points: -1_000_000, Reason: api.ReasonCorrection, Note: "too many"}, "k-1")
	if !client.IsCode(insufficient, api.CodeInsufficientPoints) {
		t.Fatalf("want insufficient_points, got %v", insufficient)
	}
	asAPIError(insufficient, &ae)
	if got := withRequest("Nothing was applied.", insufficient); got != "Nothing was applied. Request "+ae.RequestID+"." {
		t.Errorf("withRequest = %q", got)
	}

	_, refused := e.client(t, "agent", func(c *frontdesk.Config) { c.BaseURL = deadURL(t); c.MaxRetries = -1 }).GetCustomer(ctx, "1")
	got := explain(refused)
	if !strings.HasSuffix(got, "port right?") || strings.Contains(got, "?.") {
		t.Errorf("transport error: %q", got)
	}
	for in, want := range map[string]string{
		"done":         "done.",
		"done.":        "done.",
		"is it right?": "is it right?",
		"cut short…":   "cut short…",
		"trailing  ":   "trailing.",
		"":             "",
	} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

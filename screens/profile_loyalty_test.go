package screens

import (
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/screens/forms"
	"frontdesk/tui"
)

// a waits for the points balance, which the Loyalty tab loads as soon
// as the profile opens; once it is in, a opens the adjust form from any
// tab. An empty ledger says so.
func TestProfileLoyaltyTab(t *testing.T) {
	pf, custs := fakeStoreWith(client.All())
	p := newProfile(testCommon(api.RoleAgent, 120, 40), testEnv(pf), custs[0].ID)
	p.SetSize(120, 40)
	cmd := p.Init()
	if got := helpReason(p, "a"); got != "the customer is still loading" {
		t.Errorf("a before anything loaded: reason %q", got)
	}
	p.Update(customerLoadedMsg{p: p, seq: p.custL.seq, cust: custs[0]})
	if got := helpReason(p, "a"); got != "the points balance is still loading" {
		t.Errorf("a before the balance: reason %q", got)
	}
	settle(t, p, cmd)
	if got := helpReason(p, "a"); got != "" {
		t.Fatalf("a once the balance is in: reason %q", got)
	}
	push, ok := findMsg[tui.PushMsg](press(t, p, "a"))
	if _, isForm := push.Screen.(*forms.AdjustLoyalty); !ok || !isForm {
		t.Fatalf("a on the overview pushed %T", push.Screen)
	}
	press(t, p, "3")
	if v := p.View(); !strings.Contains(v, "balance 0 points") || !strings.Contains(v, "No loyalty activity yet.") {
		t.Fatalf("the loyalty tab of a customer without points:\n%s", v)
	}
}

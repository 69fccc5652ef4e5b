package screens

import (
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/money"
)

func TestProfileOverview(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 120, 40)
	want := apiData[api.CustomerEnvelope](t, env, "/customers/"+string(cust.id)).Customer
	loyalty := apiData[api.Loyalty](t, env, "/customers/"+string(cust.id)+"/loyalty")

	if p.Title() != want.Name() {
		t.Errorf("title %q, want %q", p.Title(), want.Name())
	}
	v := p.View()
	checkView(t, v, 120, 40)
	for _, s := range []string{
		want.Email, want.Phone, "Customer since", "Store metrics", "Spend, last 12 months",
		money.Int(loyalty.PointsBalance) + " points", money.Format(want.StoreMetrics.TotalSpent, want.Currency),
		"1 Overview", "5 Activity",
	} {
		if !strings.Contains(v, s) {
			t.Errorf("overview lacks %q:\n%s", s, v)
		}
	}
	if !strings.Contains(v, "✓ confirmed") && !strings.Contains(v, "not confirmed") {
		t.Errorf("overview does not say whether the email is confirmed:\n%s", v)
	}
}

package screens

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/screens/forms"
	"frontdesk/tui"
)

// A viewer's profile shows the masks the desk sent, never the values; e
// is refused; v opens the reveal form for the masked fields; a reveal's
// answer shows that field in this view, and the reveal is an audit row.
func TestViewerProfileIsMasked(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	want := apiData[api.CustomerEnvelope](t, env, "/customers/"+string(cust.id)).Customer
	if want.Phone == "" || len(want.Addresses) == 0 {
		t.Fatalf("picked customer %s has no phone or address", cust.id)
	}
	p := newTestProfile(t, env, api.RoleViewer, env.URL, cust.id, 120, 40)
	v := p.View()
	checkView(t, v, 120, 40)
	for _, s := range []string{want.Email, want.Phone, want.Addresses[0].Address1} {
		if strings.Contains(v, s) {
			t.Errorf("the viewer's overview shows %q:\n%s", s, v)
		}
	}
	for _, s := range []string{api.MaskEmail(want.Email), api.MaskPhone(want.Phone), want.Addresses[0].City} {
		if !strings.Contains(v, s) {
			t.Errorf("the viewer's overview lacks %q:\n%s", s, v)
		}
	}
	if got := p.maskedFields(); strings.Join(got, ",") != "email,phone,addresses" {
		t.Errorf("masked fields %v", got)
	}
	if why := p.canEdit(); !strings.Contains(why, "masked") {
		t.Errorf("edit on a masked customer: %q, want it refused", why)
	}

	msgs := press(t, p, "v")
	push, ok := findMsg[tui.PushMsg](msgs)
	if !ok {
		t.Fatalf("v pushed nothing: %v", msgs)
	}
	if _, ok := push.Screen.(*forms.Reveal); !ok {
		t.Fatalf("v pushed %T, want the reveal form", push.Screen)
	}

	// The form's request, then its answer handed to the profile.
	res, err := client.Reveal(context.Background(), p.env.cl, cust.id, api.RevealPhone, "caller verification")
	if err != nil {
		t.Fatal(err)
	}
	p.Update(forms.RevealedMsg{Result: res})
	v = p.View()
	if !strings.Contains(v, want.Phone) || strings.Contains(v, want.Email) {
		t.Errorf("after revealing the phone the overview shows:\n%s", v)
	}
	if got := p.maskedFields(); strings.Join(got, ",") != "email,addresses" {
		t.Errorf("masked fields after the reveal %v", got)
	}
	// Another customer's answer changes nothing here.
	p.Update(forms.RevealedMsg{Result: api.RevealResult{CustomerID: "999999", Field: api.RevealEmail, Value: "other@example.com"}})
	if strings.Contains(p.View(), "other@example.com") {
		t.Errorf("another customer's reveal shows on this profile")
	}
	// A new view of the same customer starts masked again.
	again := newTestProfile(t, env, api.RoleViewer, env.URL, cust.id, 120, 40)
	if strings.Contains(again.View(), want.Phone) {
		t.Errorf("a new view of the customer shows the phone revealed in another")
	}

	page := apiData[api.AuditPage](t, env, "/audit?action="+api.ActionCustomerReveal+"&customer_id="+string(cust.id))
	if len(page.Entries) != 1 || page.Entries[0].AgentID != env.Agents["viewer"] {
		t.Fatalf("reveal audit rows: %+v", page.Entries)
	}
	var after map[string]string
	json.Unmarshal(page.Entries[0].After, &after)
	if after["field"] != api.RevealPhone || after["reason"] != "caller verification" {
		t.Errorf("reveal row after = %s", page.Entries[0].After)
	}
}

// A supervisor on a mask_pii profile (client.Mask) sees masks too, and
// the orders' addresses come masked; without the mark the values show.
func TestMaskPIIProfile(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	want := apiData[api.CustomerEnvelope](t, env, "/customers/"+string(cust.id)).Customer
	c := testCommon(api.RoleSupervisor, 120, 40)
	p := newProfile(c, testEnv(client.Mask(newClient(t, env, api.RoleSupervisor, env.URL))), cust.id)
	p.SetSize(120, 40)
	settle(t, p, p.Init())
	v := p.View()
	if strings.Contains(v, want.Email) || strings.Contains(v, want.Phone) || !strings.Contains(v, api.MaskEmail(want.Email)) {
		t.Errorf("the mask_pii overview:\n%s", v)
	}
	if why := p.canEdit(); why == "" {
		t.Errorf("edit is allowed on a masked profile")
	}
	plain := newTestProfile(t, env, api.RoleSupervisor, env.URL, cust.id, 120, 40)
	if !strings.Contains(plain.View(), want.Email) || plain.canEdit() != "" || len(plain.maskedFields()) != 0 {
		t.Errorf("without mask_pii the supervisor's overview:\n%s", plain.View())
	}
}

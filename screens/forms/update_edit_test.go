package forms

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/tui"
)

// Field positions on the edit form.
const (
	posFirst = iota
	posLast
	posEmail
	posPhone
	posStatus
	posAddress1
)

func TestEditEscOnCleanFormPops(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), e.firstCustomer(t)))
	if !s.CapturesKeys() {
		t.Fatal("an open form must capture keys")
	}
	if !isPop(run(send(t, s, key("esc")))) {
		t.Fatal("esc on a clean form should pop")
	}
}

func TestEditEscOnDirtyFormAsksWithNoAsDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), e.firstCustomer(t)))
	send(t, s, typeText("x")...)
	if msgs := run(send(t, s, key("esc"))); isPop(msgs) {
		t.Fatal("esc on a dirty form popped without asking")
	}
	if v := plain(s.View()); !strings.Contains(v, "Discard your changes?") {
		t.Fatalf("no discard question:\n%s", v)
	}
	// enter without moving takes the default: No, back to the form.
	if msgs := run(send(t, s, key("enter"))); isPop(msgs) {
		t.Fatal("the default answer discarded the draft")
	}
	m := s.(*EditProfile)
	if !strings.HasSuffix(m.d.FirstName, "x") || m.ask != nil {
		t.Fatalf("draft lost or question still open: %q", m.d.FirstName)
	}
	// Moving to Yes and confirming discards.
	send(t, s, key("esc"))
	send(t, s, key("left"))
	if !isPop(run(send(t, s, key("enter")))) {
		t.Fatal("Yes did not discard")
	}
}

func TestEditPhoneIsNormalisedAndOnlyChangedFieldsArePatched(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), cust))
	send(t, s, tabs(posPhone)...)
	send(t, s, clearField()...)
	send(t, s, typeText("0712 345 678")...)
	if v := plain(s.View()); !strings.Contains(v, "saved as +254712345678") {
		t.Fatalf("the phone is not shown normalised:\n%s", v)
	}
	p := s.(*EditProfile).patch()
	if p.Phone == nil || *p.Phone != "+254712345678" {
		t.Fatalf("phone in patch = %v", p.Phone)
	}
	p.Phone = nil
	if !p.Empty() {
		t.Fatalf("the patch carries unchanged fields: %+v", p)
	}
}

func TestEditInvalidValuesBlockTheSave(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), e.firstCustomer(t)))
	send(t, s, tabs(posEmail)...)
	send(t, s, clearField()...)
	send(t, s, typeText("not-an-email")...)
	send(t, s, tabs(2)...)
	msgs := run(send(t, s, key("ctrl+s")))
	if _, ok := find[answerMsg](msgs); ok {
		t.Fatal("an invalid email was sent")
	}
	v := plain(s.View())
	if !strings.Contains(v, "is not an email address") || !strings.Contains(v, "Fix the 1 field marked ✗") {
		t.Fatalf("the error is not on the field:\n%s", v)
	}
	if f := s.(*EditProfile).focused(); f == nil || f.key != keyEmail {
		t.Fatalf("focus is not on the bad field: %+v", f)
	}
}

func TestEditUntouchedInvalidValueDoesNotBlock(t *testing.T) {
	t.Parallel()
	// A record the store holds with a value the form would refuse (a
	// hostile name) must not stop the agent fixing another field.
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	cust.FirstName = "bad\x1b]0;title\x07"
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), cust))
	if v := s.View(); strings.Contains(v, "\x1b]0;") {
		t.Fatal("the raw escape sequence reached the view")
	}
	send(t, s, tabs(posPhone)...)
	send(t, s, clearField()...)
	send(t, s, typeText("+254700111222")...)
	p := s.(*EditProfile).patch()
	if p.FirstName != nil {
		t.Fatalf("the untouched (sanitized) name would be sent: %q", *p.FirstName)
	}
	if len(s.(*EditProfile).problems()) != 0 {
		t.Fatal("an untouched value blocks the save")
	}
}

func TestEditAddressIsMergedIntoTheList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	cust.Addresses = append(cust.Addresses, api.Address{Type: "billing", Address1: "PO Box 1", City: "Mombasa", Country: "KE"})
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), cust))
	send(t, s, tabs(posAddress1+2)...) // city
	send(t, s, clearField()...)
	send(t, s, typeText("Kisumu")...)
	p := s.(*EditProfile).patch()
	if p.Addresses == nil || len(*p.Addresses) != len(cust.Addresses) {
		t.Fatalf("addresses = %+v", p.Addresses)
	}
	i := defaultAddress(cust)
	for j, a := range *p.Addresses {
		want := cust.Addresses[j]
		want.ID = ""
		if j == i {
			want.City = "Kisumu"
		}
		if a != want {
			t.Errorf("address %d = %+v, want %+v", j, a, want)
		}
	}
}

func TestEditConflictDiffShowsOnlyDifferingFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), cust))
	m := s.(*EditProfile)
	m.d.Phone = "+254700000001" // the agent's change
	server := cust
	server.Version++
	server.LastName = "Changed-On-Server"
	server.Phone = "+254700000002"
	run(m.showConflict(server))
	v := plain(s.View())
	for _, want := range []string{fmt.Sprintf("version %d → %d", cust.Version, server.Version), "Last name", "Changed-On-Server", "(you did not change it)", "Phone", "+254700000002", "+254700000001", "Re-apply my changes"} {
		if !strings.Contains(v, want) {
			t.Errorf("conflict view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "First name  ") || strings.Contains(v, "Email  ") {
		t.Errorf("conflict view shows fields that do not differ:\n%s", v)
	}
	// esc keeps editing on the new version: the server's last name comes
	// in, the agent's phone stays.
	run(send(t, s, key("esc")))
	if m.conflict != nil || m.d.LastName != "Changed-On-Server" || m.d.Phone != "+254700000001" || m.orig.Version != server.Version {
		t.Fatalf("rebase wrong: conflict=%v draft=%+v version=%d", m.conflict != nil, m.d, m.orig.Version)
	}
	if p := m.patch(); p.LastName != nil || p.Phone == nil {
		t.Fatalf("after the rebase the patch should carry only the phone: %+v", p)
	}
}

// Every address the customer has is on the form, each with its county:
// the agent can fix the billing address and the county of the shipping
// one, and the store keeps both.
func TestEditEveryAddressAndCounty(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust, err := e.client(t, "supervisor").CreateCustomer(context.Background(), api.CustomerCreate{
		Email: "two.addresses@example.co.ke", FirstName: "Baraka", LastName: "Mwangi", Phone: "+254711000333",
		Addresses: []api.Address{
			{Type: "shipping", Address1: "12 Moi Avenue", City: "Nairobi", Zip: "00100", Country: "KE", Default: true},
			{Type: "billing", Address1: "PO Box 1", City: "Mombasa", Country: "KE"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), cust))
	const perAddress = 6               // address, line 2, city, county, postal code, country
	send(t, s, tabs(posAddress1+3)...) // the shipping address's county
	send(t, s, typeText("Nairobi County")...)
	send(t, s, tabs(perAddress-1)...) // the billing address's city
	if f := s.(*EditProfile).focused(); f == nil || f.key != "addresses[1].city" || f.label != "City (billing)" {
		t.Fatalf("focus on %+v, want the billing address's city", f)
	}
	send(t, s, clearField()...)
	send(t, s, typeText("Kilifi")...)
	if v := plain(s.View()); !strings.Contains(v, "City (billing)") {
		t.Fatalf("the billing address's fields do not say whose they are:\n%s", v)
	}
	msgs := run(send(t, s, key("ctrl+s")))
	a, ok := find[answerMsg](msgs)
	if !ok || a.err != nil {
		t.Fatalf("the save did not go through: %+v", msgs)
	}
	send(t, s, a)
	got := e.customer(t, cust.ID)
	if len(got.Addresses) != 2 {
		t.Fatalf("addresses after the save: %+v", got.Addresses)
	}
	ship, bill := got.Addresses[0], got.Addresses[1]
	if ship.State != "Nairobi County" || ship.City != "Nairobi" || !ship.Default || ship.Type != "shipping" {
		t.Errorf("shipping address: %+v", ship)
	}
	if bill.City != "Kilifi" || bill.Address1 != "PO Box 1" || bill.Type != "billing" || bill.Default {
		t.Errorf("billing address: %+v", bill)
	}
}

// The store's "addresses[1]" is the second address the patch sent: with
// the first one cleared, that is the form's third.
func TestEditAddressErrorsLandOnTheirField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	cust.Addresses = []api.Address{
		{Type: "shipping", Address1: "1 A Road", City: "Nairobi", Country: "KE", Default: true},
		{Type: "billing", Address1: "2 B Road", City: "Nakuru", Country: "KE"},
		{Type: "billing", Address1: "3 C Road", City: "Kisumu", Country: "KE"},
	}
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), cust)).(*EditProfile)
	for _, k := range []string{"address1", "city", "country"} {
		*s.d.ptr(addrKey(0, k)) = ""
	}
	s.patch()
	if got := s.fieldKey("addresses[1].city"); got != "addresses[2].city" {
		t.Fatalf("addresses[1].city maps to %q, want the form's third address", got)
	}
}

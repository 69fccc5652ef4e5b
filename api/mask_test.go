package api

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestMaskEmail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"jane@example.com", "j•••@example.com"},
		{"j@example.com", "j•••@example.com"},
		{"Zoë.w@mail.co.ke", "Z•••@mail.co.ke"},
		{"\x1b]52;c;x\x07@evil.com", "•••@evil.com"},
		{"a@b\x1b[2J.com", "a•••@b[2J.com"},
		{"no-at-sign", "n•••"},
		{"@example.com", "•••@example.com"},
		{"", ""},
	} {
		if got := MaskEmail(tc.in); got != tc.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+254712345862", "+254 7•• ••• 862"},
		{"+254 712 345 862", "+254 7•• ••• 862"},
		{"+14155550123", "+1 4•• ••• 123"},
		{"+447911123456", "+44 7•• ••• 456"},
		{"0712345862", "0•• ••• 862"},
		{"+2541234", "+254 ••• •••"},
		{"12345", "••• •••"},
		{"+", "+ ••• •••"},
		{"", ""},
	} {
		if got := MaskPhone(tc.in); got != tc.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskCustomerAndAudit(t *testing.T) {
	ship := Address{Type: "shipping", Address1: "Moi Avenue 12", Address2: "Flat 3", City: "Mombasa", Zip: "80100", Country: "Kenya"}
	c := Customer{Email: "amani@example.com", Phone: "+254712345862", Addresses: []Address{ship},
		Orders: []Order{{ShippingAddress: &ship}}}
	orig := c.Addresses[0]
	MaskCustomer(&c)
	if c.Email != "a•••@example.com" || c.Phone != "+254 7•• ••• 862" {
		t.Errorf("masked customer: %q %q", c.Email, c.Phone)
	}
	want := Address{Type: "shipping", Address1: Masked, Address2: Masked, City: "Mombasa", Zip: Masked, Country: "Kenya"}
	if c.Addresses[0] != want || *c.Orders[0].ShippingAddress != want {
		t.Errorf("masked addresses: %+v %+v", c.Addresses[0], *c.Orders[0].ShippingAddress)
	}
	if ship != orig {
		t.Errorf("masking changed the caller's address: %+v", ship)
	}

	e := AuditEntry{
		Before: json.RawMessage(`{"email":"amani@example.com","phone":"+254712345862","first_name":"Amani"}`),
		After:  json.RawMessage(`{"addresses":[{"type":"shipping","address1":"Moi Avenue 12","city":"Mombasa","country":"Kenya"}]}`),
	}
	MaskAuditEntry(&e)
	for _, secret := range []string{"amani@example.com", "+254712345862", "Moi Avenue"} {
		if strings.Contains(string(e.Before)+string(e.After), secret) {
			t.Errorf("masked audit entry still has %q: %s %s", secret, e.Before, e.After)
		}
	}
	if !strings.Contains(string(e.Before), `"Amani"`) || !strings.Contains(string(e.After), "Mombasa") {
		t.Errorf("masking lost what it keeps: %s %s", e.Before, e.After)
	}
	e = AuditEntry{Before: json.RawMessage(`null`), After: json.RawMessage(`{"field":"email","reason":"x"}`)}
	MaskAuditEntry(&e)
	if string(e.Before) != "null" || string(e.After) != `{"field":"email","reason":"x"}` {
		t.Errorf("an entry without personal data changed: %s %s", e.Before, e.After)
	}
}

// FuzzMask: a mask is valid UTF-8, holds no control character, always
// holds the mask rune, never holds the hidden part, and is refused by the
// validators, so it can never be saved.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"jane@example.com", "+254712345862", "", "@", "x\x1b[2J@y.com", "ü@ë.de", "+1", "\xff@\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, m := range map[string]string{"email": MaskEmail(s), "phone": MaskPhone(s)} {
			if s == "" || strings.TrimSpace(s) == "" && name == "phone" {
				continue
			}
			if !utf8.ValidString(m) {
				t.Fatalf("%s mask of %q is not UTF-8: %q", name, s, m)
			}
			if strings.IndexFunc(m, unicode.IsControl) >= 0 {
				t.Fatalf("%s mask of %q holds a control character: %q", name, s, m)
			}
			if !IsMasked(m) {
				t.Fatalf("%s mask of %q holds no mask: %q", name, s, m)
			}
		}
		if MaskEmail(MaskEmail(s)) != MaskEmail(s) || MaskPhone(MaskPhone(s)) != MaskPhone(s) {
			t.Fatalf("masking %q twice differs from once", s)
		}
		if m := MaskEmail(s); ValidateEmail(m) == nil {
			t.Fatalf("ValidateEmail accepts the mask %q", m)
		}
		if m := MaskPhone(s); m != "" {
			if _, err := NormalizePhone(m); err == nil {
				t.Fatalf("NormalizePhone accepts the mask %q", m)
			}
		}
		// The hidden middle of a long local part never shows.
		if local, _, ok := strings.Cut(s, "@"); ok && utf8.RuneCountInString(local) > 4 && !strings.ContainsRune(local, MaskRune) {
			_, rest := utf8.DecodeRuneInString(local)
			if hidden := local[rest:]; strings.Contains(MaskEmail(s), hidden+"@") {
				t.Fatalf("MaskEmail(%q) = %q shows %q", s, MaskEmail(s), hidden)
			}
		}
	})
}

// Masking keeps a mask, and masks a value that merely contains •.
func TestMaskTwice(t *testing.T) {
	for _, s := range []string{"j•••@example.com", "•••@example.com", "+254 7•• ••• 862", "+254 ••• •••", "0•• ••• 862"} {
		if MaskEmail(s) != s && strings.Contains(s, "@") || MaskPhone(s) != s && !strings.Contains(s, "@") {
			t.Errorf("masking the mask %q changed it: %q %q", s, MaskEmail(s), MaskPhone(s))
		}
	}
	if got := MaskEmail("jane•doe@example.com"); got != "j•••@example.com" {
		t.Errorf("MaskEmail of an email holding • = %q", got)
	}
	if got := MaskEmail("\x1b[2J•••@x.com"); strings.ContainsRune(got, 0x1b) {
		t.Errorf("an escape passed as a mask: %q", got)
	}
}

package api

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct {
		in, want string
		bad      bool
	}{
		{in: "", want: ""},
		{in: "   ", want: ""},
		{in: "+254712345678", want: "+254712345678"},
		{in: "0712345678", want: "+254712345678"},
		{in: "0712 345 678", want: "+254712345678"},
		{in: "0712-345-678", want: "+254712345678"},
		{in: "(0712) 345.678", want: "+254712345678"},
		{in: "  0712345678  ", want: "+254712345678"},
		{in: "712345678", want: "+254712345678"},
		{in: "112345678", want: "+254112345678"},
		{in: "0110345678", want: "+254110345678"},
		{in: "254712345678", want: "+254712345678"},
		{in: "+44 20 7946 0958", want: "+442079460958"},
		{in: "+12025550123", want: "+12025550123"},
		{in: "+12345678", want: "+12345678"},               // 8 digits: the E.164 minimum
		{in: "+123456789012345", want: "+123456789012345"}, // 15: the maximum
		{in: "+1234567", bad: true},                        // 7 digits
		{in: "+1234567890123456", bad: true},               // 16 digits
		{in: "+0712345678", bad: true},                     // country codes never start with 0
		{in: "0712+345678", bad: true},                     // + only in front
		{in: "0712345678x", bad: true},
		{in: "phone", bad: true},
		{in: "07123", bad: true},
		{in: "612345678", bad: true}, // 9 digits must start with 7 or 1
		{in: "07123456789", bad: true},
		{in: "25471234567", bad: true},
		{in: "+", bad: true},
		{in: "٠٧١٢٣٤٥٦٧٨", bad: true}, // Arabic-Indic digits are not accepted
	} {
		got, err := NormalizePhone(c.in)
		switch {
		case c.bad && err == nil:
			t.Errorf("NormalizePhone(%q) = %q, want an error", c.in, got)
		case c.bad && !strings.Contains(err.Error(), "+254712345678") && !strings.Contains(err.Error(), "E.164"):
			t.Errorf("NormalizePhone(%q) error %q does not say what to type", c.in, err)
		case !c.bad && err != nil:
			t.Errorf("NormalizePhone(%q): %v", c.in, err)
		case !c.bad && got != c.want:
			t.Errorf("NormalizePhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestValidateEmail(t *testing.T) {
	long := strings.Repeat("a", 250) + "@x.co" // 255
	for _, c := range []struct {
		in   string
		ok   bool
		hint string
	}{
		{"jane@example.com", true, ""},
		{"jane.doe+tag@sub.example.co.ke", true, ""},
		{strings.Repeat("a", 249) + "@x.co", true, ""}, // 254: the limit
		{"", false, "required"},
		{long, false, "254"},
		{"jane", false, "name@example.com"},
		{"jane@localhost", false, "name@example.com"},
		{"Jane <jane@example.com>", false, "name@example.com"},
		{"jane@@example.com", false, "name@example.com"},
		{" jane@example.com", false, "name@example.com"},
		{"jane@exa mple.com", false, "name@example.com"},
		{"jane@example.com\n", false, "name@example.com"},
	} {
		err := ValidateEmail(c.in)
		if c.ok != (err == nil) {
			t.Errorf("ValidateEmail(%.40q) = %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), c.hint) {
			t.Errorf("ValidateEmail(%.40q) = %q, want it to mention %q", c.in, err, c.hint)
		}
	}
}

func TestValidateAdjustment(t *testing.T) {
	ok := AdjustmentRequest{Points: 50, Reason: ReasonGoodwill, Note: "late delivery"}
	with := func(f func(r *AdjustmentRequest)) AdjustmentRequest {
		r := ok
		f(&r)
		return r
	}
	for _, c := range []struct {
		name string
		in   AdjustmentRequest
		want []string // fields with an error
	}{
		{"valid", ok, nil},
		{"negative", with(func(r *AdjustmentRequest) { r.Points = -50 }), nil},
		{"max", with(func(r *AdjustmentRequest) { r.Points = MaxAbsPoints }), nil},
		{"min", with(func(r *AdjustmentRequest) { r.Points = -MaxAbsPoints }), nil},
		{"every reason", with(func(r *AdjustmentRequest) { r.Reason = ReasonFraudReversal }), nil},
		{"note of 3", with(func(r *AdjustmentRequest) { r.Note = "abc" }), nil},
		{"note of 3 emoji", with(func(r *AdjustmentRequest) { r.Note = "🎉🎉🎉" }), nil},
		{"note of 500 runes", with(func(r *AdjustmentRequest) { r.Note = strings.Repeat("ü", MaxAdjustNoteLen) }), nil},
		{"zero", with(func(r *AdjustmentRequest) { r.Points = 0 }), []string{"points"}},
		{"over max", with(func(r *AdjustmentRequest) { r.Points = MaxAbsPoints + 1 }), []string{"points"}},
		{"under min", with(func(r *AdjustmentRequest) { r.Points = -MaxAbsPoints - 1 }), []string{"points"}},
		{"no reason", with(func(r *AdjustmentRequest) { r.Reason = "" }), []string{"reason"}},
		{"unknown reason", with(func(r *AdjustmentRequest) { r.Reason = "birthday" }), []string{"reason"}},
		{"reason in capitals", with(func(r *AdjustmentRequest) { r.Reason = "Goodwill" }), []string{"reason"}},
		{"short note", with(func(r *AdjustmentRequest) { r.Note = "ok" }), []string{"note"}},
		{"blank note", with(func(r *AdjustmentRequest) { r.Note = "          " }), []string{"note"}},
		{"padded short note", with(func(r *AdjustmentRequest) { r.Note = "  ok  " }), []string{"note"}},
		{"long note", with(func(r *AdjustmentRequest) { r.Note = strings.Repeat("a", MaxAdjustNoteLen+1) }), []string{"note"}},
		{"everything wrong", AdjustmentRequest{}, []string{"note", "points", "reason"}},
	} {
		f := ValidateAdjustment(c.in)
		got := slices.Sorted(maps.Keys(f))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: fields with errors %v, want %v (%v)", c.name, got, c.want, f)
		}
		if (f.Err() == nil) != (len(c.want) == 0) {
			t.Errorf("%s: Err() = %v", c.name, f.Err())
		}
	}
	f := ValidateAdjustment(AdjustmentRequest{Reason: "x"})
	if msg := f.Error(); !strings.HasPrefix(msg, "invalid input: note: ") || strings.Index(msg, "points:") > strings.Index(msg, "reason:") {
		t.Errorf("FieldErrors.Error() should list fields in order: %q", msg)
	}
	if !strings.Contains(f["reason"], strings.Join(AdjustmentReasons, ", ")) {
		t.Errorf("reason error %q should list the reasons", f["reason"])
	}
}

func TestValidatePatch(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		name string
		in   CustomerPatch
		want []string
	}{
		{"empty", CustomerPatch{}, nil},
		{"all valid", CustomerPatch{Email: s("jane@example.com"), FirstName: s("Jane"), LastName: s("Wanjiku"), Phone: s("0712345678"), Status: s(StatusDisabled),
			Addresses: &[]Address{{Type: "billing", Address1: "Moi Avenue 12", City: "Mombasa", Country: "Kenya"}}}, nil},
		{"phone removed", CustomerPatch{Phone: s("")}, nil},
		{"no addresses", CustomerPatch{Addresses: &[]Address{}}, nil},
		{"name with emoji and accents", CustomerPatch{FirstName: s("Zoë 🌍"), LastName: s("N\u0303gugi")}, nil},
		{"name of 100 runes", CustomerPatch{FirstName: s(strings.Repeat("é", MaxNameLen))}, nil},
		{"bad email", CustomerPatch{Email: s("jane@")}, []string{"email"}},
		{"empty email", CustomerPatch{Email: s("")}, []string{"email"}},
		{"blank first name", CustomerPatch{FirstName: s("   ")}, []string{"first_name"}},
		{"long last name", CustomerPatch{LastName: s(strings.Repeat("a", MaxNameLen+1))}, []string{"last_name"}},
		{"escape in name", CustomerPatch{FirstName: s("Jane\x1b[2J")}, []string{"first_name"}},
		{"bad phone", CustomerPatch{Phone: s("call me")}, []string{"phone"}},
		{"bad status", CustomerPatch{Status: s("paused")}, []string{"status"}},
		{"bad addresses", CustomerPatch{Addresses: &[]Address{
			{Type: "shipping", Address1: "Westlands Road", City: "Nairobi", Country: "Kenya"},
			{Type: "home", Address1: " ", City: strings.Repeat("c", MaxAddressLineLen+1), Country: "Kenya", Zip: "001\x07"},
		}}, []string{"addresses[1].address1", "addresses[1].city", "addresses[1].type", "addresses[1].zip"}},
		{"several", CustomerPatch{Email: s("x"), Status: s(""), LastName: s("")}, []string{"email", "last_name", "status"}},
	} {
		p := c.in
		got := slices.Sorted(maps.Keys(ValidatePatch(&p)))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: fields with errors %v, want %v", c.name, got, c.want)
		}
	}

	// A valid phone is normalised in place; an invalid one is left alone.
	p := CustomerPatch{Phone: s("0712 345 678")}
	if f := ValidatePatch(&p); len(f) != 0 || *p.Phone != "+254712345678" {
		t.Errorf("phone after ValidatePatch = %q (%v), want +254712345678", *p.Phone, f)
	}
	p = CustomerPatch{Phone: s("nope")}
	if ValidatePatch(&p); *p.Phone != "nope" {
		t.Errorf("invalid phone was changed to %q", *p.Phone)
	}
}

func TestValidateCreate(t *testing.T) {
	c := CustomerCreate{Email: "otieno@example.com", FirstName: "Otieno", LastName: "Odhiambo", Phone: "712345678"}
	if f := ValidateCreate(&c); len(f) != 0 || c.Phone != "+254712345678" {
		t.Errorf("valid create: %v, phone %q", f, c.Phone)
	}
	bad := CustomerCreate{Addresses: []Address{{}}}
	got := slices.Sorted(maps.Keys(ValidateCreate(&bad)))
	want := []string{"addresses[0].address1", "addresses[0].city", "addresses[0].country", "addresses[0].type", "email", "first_name", "last_name"}
	if !slices.Equal(got, want) {
		t.Errorf("empty create: %v, want %v", got, want)
	}
}

func TestValidateNoteBody(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"Called about ORD-1001.", true},
		{"abc", true},
		{strings.Repeat("ß", MaxNoteBodyLen), true},
		{"", false},
		{" a ", false},
		{strings.Repeat("a", MaxNoteBodyLen+1), false},
	} {
		if err := ValidateNoteBody(c.in); (err == nil) != c.ok {
			t.Errorf("ValidateNoteBody(%.20q) = %v, want ok=%v", c.in, err, c.ok)
		}
	}
}

func TestRoles(t *testing.T) {
	for _, c := range []struct {
		role, min string
		want      bool
	}{
		{RoleAdmin, RoleViewer, true},
		{RoleSupervisor, RoleAgent, true},
		{RoleAgent, RoleAgent, true},
		{RoleViewer, RoleAgent, false},
		{RoleAgent, RoleSupervisor, false},
		{"root", RoleViewer, false},
		{"", RoleViewer, false},
	} {
		if got := RoleAtLeast(c.role, c.min); got != c.want {
			t.Errorf("RoleAtLeast(%q, %q) = %v", c.role, c.min, got)
		}
	}
}

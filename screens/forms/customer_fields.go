package forms

import (
	"strings"

	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/tui/sanitize"
)

// Field keys: the API's names (error.fields uses them), and "address.*"
// for the default address, whose errors the API names "addresses[i].*".
const (
	keyFirstName = "first_name"
	keyLastName  = "last_name"
	keyEmail     = "email"
	keyPhone     = "phone"
	keyStatus    = "status"
	keyAddress1  = "address.address1"
	keyAddress2  = "address.address2"
	keyCity      = "address.city"
	keyZip       = "address.zip"
	keyCountry   = "address.country"
)

// customerDraft is what the agent edits: every value as text, API values
// sanitized (a hostile name shows inert, and is only sent back if the
// agent changes it).
type customerDraft struct {
	FirstName, LastName, Email, Phone, Status string
	Address1, Address2, City, Zip, Country    string
}

// draftKeys is the order fields appear in.
var draftKeys = []string{keyFirstName, keyLastName, keyEmail, keyPhone, keyStatus, keyAddress1, keyAddress2, keyCity, keyZip, keyCountry}

var addressKeys = []string{keyAddress1, keyAddress2, keyCity, keyZip, keyCountry}

var fieldLabels = map[string]string{
	keyFirstName: "First name",
	keyLastName:  "Last name",
	keyEmail:     "Email",
	keyPhone:     "Phone",
	keyStatus:    "Status",
	keyAddress1:  "Address",
	keyAddress2:  "Address line 2",
	keyCity:      "City",
	keyZip:       "Postal code",
	keyCountry:   "Country",
}

func (d *customerDraft) ptr(key string) *string {
	switch key {
	case keyFirstName:
		return &d.FirstName
	case keyLastName:
		return &d.LastName
	case keyEmail:
		return &d.Email
	case keyPhone:
		return &d.Phone
	case keyStatus:
		return &d.Status
	case keyAddress1:
		return &d.Address1
	case keyAddress2:
		return &d.Address2
	case keyCity:
		return &d.City
	case keyZip:
		return &d.Zip
	case keyCountry:
		return &d.Country
	}
	panic("forms: unknown field " + key)
}

func (d customerDraft) get(key string) string { return *d.ptr(key) }

// defaultAddress is the index of the customer's default address (the
// first if none is marked), or -1.
func defaultAddress(c api.Customer) int {
	for i, a := range c.Addresses {
		if a.Default {
			return i
		}
	}
	if len(c.Addresses) > 0 {
		return 0
	}
	return -1
}

// draftOf is the draft of a customer as the server holds it.
func draftOf(c api.Customer) customerDraft {
	d := customerDraft{
		FirstName: sanitize.Line(c.FirstName),
		LastName:  sanitize.Line(c.LastName),
		Email:     sanitize.Line(c.Email),
		Phone:     sanitize.Line(c.Phone),
		Status:    c.Status,
	}
	if d.Status != api.StatusDisabled {
		d.Status = api.StatusActive
	}
	if i := defaultAddress(c); i >= 0 {
		a := c.Addresses[i]
		d.Address1 = sanitize.Line(a.Address1)
		d.Address2 = sanitize.Line(a.Address2)
		d.City = sanitize.Line(a.City)
		d.Zip = sanitize.Line(a.Zip)
		d.Country = sanitize.Line(a.Country)
	}
	return d
}

// changedKeys lists the fields where d differs from was, in form order.
func changedKeys(was, d customerDraft) []string {
	var out []string
	for _, k := range draftKeys {
		if was.get(k) != d.get(k) {
			out = append(out, k)
		}
	}
	return out
}

func addressChanged(was, d customerDraft) bool {
	for _, k := range addressKeys {
		if was.get(k) != d.get(k) {
			return true
		}
	}
	return false
}

// checkField is the form's own validation of one field, with the shared
// rules of package api. An empty field is only flagged when strict (after
// the agent tried to save), so a fresh form is not a wall of errors.
func checkField(key string, v string, d customerDraft, strict bool) (problem, hint string) {
	if !strict && strings.TrimSpace(v) == "" {
		return "", ""
	}
	switch key {
	case keyFirstName:
		if err := api.ValidateName("first name", v); err != nil {
			return sanitize.Line(err.Error()), ""
		}
	case keyLastName:
		if err := api.ValidateName("last name", v); err != nil {
			return sanitize.Line(err.Error()), ""
		}
	case keyEmail:
		if err := api.ValidateEmail(strings.TrimSpace(v)); err != nil {
			return sanitize.Line(err.Error()), ""
		}
	case keyPhone:
		n, err := api.NormalizePhone(v)
		if err != nil {
			return sanitize.Line(err.Error()), ""
		}
		if n != "" && n != strings.TrimSpace(v) {
			return "", "saved as " + n
		}
	case keyStatus:
		if err := api.ValidateStatus(v); err != nil {
			return sanitize.Line(err.Error()), ""
		}
	default:
		a := draftAddress(d)
		if a == (api.Address{Type: a.Type}) {
			return "", "" // no address at all is fine
		}
		if msg := api.ValidateAddress(a)[strings.TrimPrefix(key, "address.")]; msg != "" {
			return sanitize.Line(msg), ""
		}
	}
	return "", ""
}

// draftAddress is the draft's address fields as an address (trimmed).
func draftAddress(d customerDraft) api.Address {
	return api.Address{
		Type:     "shipping",
		Address1: strings.TrimSpace(d.Address1),
		Address2: strings.TrimSpace(d.Address2),
		City:     strings.TrimSpace(d.City),
		Zip:      strings.TrimSpace(d.Zip),
		Country:  strings.TrimSpace(d.Country),
	}
}

// customerFields makes fresh huh fields over d. check decides, per
// field, whether and how it is validated.
func customerFields(d *customerDraft, keys []string, check func(key, v string) (string, string)) []*field {
	out := make([]*field, 0, len(keys))
	for _, k := range keys {
		f := &field{key: k, label: fieldLabels[k], value: d.ptr(k)}
		k := k
		f.check = func(v string) (string, string) { return check(k, v) }
		switch k {
		case keyStatus:
			f.inline = true
			f.sel = huh.NewSelect[string]().Key(k).Inline(true).
				Options(huh.NewOption("active", api.StatusActive), huh.NewOption("disabled", api.StatusDisabled)).
				Value(f.value)
		default:
			in := huh.NewInput().Key(k).Value(f.value)
			switch k {
			case keyFirstName, keyLastName:
				in.CharLimit(api.MaxNameLen)
			case keyEmail:
				in.CharLimit(api.MaxEmailLen).Placeholder("name@example.com")
			case keyPhone:
				in.CharLimit(32).Placeholder("+254712345678 or 0712345678")
			case keyCountry:
				in.CharLimit(api.MaxAddressLineLen).Placeholder("country code, e.g. KE")
			default:
				in.CharLimit(api.MaxAddressLineLen)
			}
			f.input = in
		}
		out = append(out, f)
	}
	return out
}

package forms

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/tui/sanitize"
)

// Field keys: the API's names (error.fields uses them). An address field
// is keyed as the API names it in the list the form sends:
// "addresses[1].city".
const (
	keyFirstName = "first_name"
	keyLastName  = "last_name"
	keyEmail     = "email"
	keyPhone     = "phone"
	keyStatus    = "status"
)

// The fields of an address, in form order, and their labels. "state" is
// the county (Kenya) or region.
var (
	addressFields      = []string{"address1", "address2", "city", "state", "zip", "country"}
	addressFieldLabels = map[string]string{
		"address1": "Address",
		"address2": "Address line 2",
		"city":     "City",
		"state":    "County / region",
		"zip":      "Postal code",
		"country":  "Country",
	}
)

// addrKey is the key of field f of the i-th address.
func addrKey(i int, f string) string { return "addresses[" + strconv.Itoa(i) + "]." + f }

// parseAddrKey splits "addresses[1].city" into 1 and "city".
func parseAddrKey(k string) (int, string, bool) {
	rest, ok := strings.CutPrefix(k, "addresses[")
	if !ok {
		return 0, "", false
	}
	n, f, ok := strings.Cut(rest, "].")
	if !ok {
		return 0, "", false
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 0 {
		return 0, "", false
	}
	return i, f, true
}

// The first address's keys, for the new-customer form (one address).
var (
	keyAddress1 = addrKey(0, "address1")
	keyAddress2 = addrKey(0, "address2")
	keyCity     = addrKey(0, "city")
	keyState    = addrKey(0, "state")
	keyZip      = addrKey(0, "zip")
	keyCountry  = addrKey(0, "country")
)

// customerDraft is what the agent edits: every value as text, API values
// sanitized (a hostile name shows inert, and is only sent back if the
// agent changes it).
type customerDraft struct {
	FirstName, LastName, Email, Phone, Status string
	Addresses                                 []addressDraft
}

// addressDraft is one address of the draft; Type and Default are kept
// from the customer's address, not edited.
type addressDraft struct {
	Type                                          string
	Default                                       bool
	Address1, Address2, City, State, Zip, Country string
}

// personKeys are the fields before the addresses, in form order.
var personKeys = []string{keyFirstName, keyLastName, keyEmail, keyPhone, keyStatus}

// clone is a deep copy: the form's fields point into the copy.
func (d customerDraft) clone() customerDraft {
	d.Addresses = slices.Clone(d.Addresses)
	return d
}

// keys are the draft's fields in form order: the person, then each
// address.
func (d customerDraft) keys() []string {
	out := slices.Clone(personKeys)
	for i := range d.Addresses {
		for _, f := range addressFields {
			out = append(out, addrKey(i, f))
		}
	}
	return out
}

// label is how field key is named on the form and in its confirmations;
// with several addresses each says whose it is: "City (billing)".
func (d customerDraft) label(key string) string {
	i, f, ok := parseAddrKey(key)
	if !ok {
		return fieldLabels[key]
	}
	l := addressFieldLabels[f]
	if len(d.Addresses) > 1 && i < len(d.Addresses) {
		l += " (" + d.addressName(i) + ")"
	}
	return l
}

// addressName tells the i-th address apart: its type, ★ for the
// default, and a number when the type repeats.
func (d customerDraft) addressName(i int) string {
	a := d.Addresses[i]
	name := cmp.Or(sanitize.Line(a.Type), "address")
	n, nth := 0, 0
	for j, b := range d.Addresses {
		if b.Type == a.Type {
			n++
			if j <= i {
				nth++
			}
		}
	}
	if n > 1 {
		name += " " + strconv.Itoa(nth)
	}
	if a.Default {
		name += " ★"
	}
	return name
}

var fieldLabels = map[string]string{
	keyFirstName: "First name",
	keyLastName:  "Last name",
	keyEmail:     "Email",
	keyPhone:     "Phone",
	keyStatus:    "Status",
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
	}
	if i, f, ok := parseAddrKey(key); ok && i < len(d.Addresses) {
		a := &d.Addresses[i]
		switch f {
		case "address1":
			return &a.Address1
		case "address2":
			return &a.Address2
		case "city":
			return &a.City
		case "state":
			return &a.State
		case "zip":
			return &a.Zip
		case "country":
			return &a.Country
		}
	}
	panic("forms: unknown field " + key)
}

// get is the value of field key; "" for an address the draft does not
// have.
func (d customerDraft) get(key string) string {
	if i, _, ok := parseAddrKey(key); ok && i >= len(d.Addresses) {
		return ""
	}
	return *d.ptr(key)
}

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

// draftOf is the draft of a customer as the server holds it: every
// address they have, or one empty shipping address to fill in when they
// have none.
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
	for _, a := range c.Addresses {
		d.Addresses = append(d.Addresses, addressDraft{
			Type:     a.Type,
			Default:  a.Default,
			Address1: sanitize.Line(a.Address1),
			Address2: sanitize.Line(a.Address2),
			City:     sanitize.Line(a.City),
			State:    sanitize.Line(a.State),
			Zip:      sanitize.Line(a.Zip),
			Country:  sanitize.Line(a.Country),
		})
	}
	if len(d.Addresses) == 0 {
		d.Addresses = []addressDraft{{Type: "shipping", Default: true}}
	}
	return d
}

// changedKeys lists the fields where d differs from was, in form order.
func changedKeys(was, d customerDraft) []string {
	var out []string
	for _, k := range d.keys() {
		if was.get(k) != d.get(k) {
			out = append(out, k)
		}
	}
	return out
}

// addressChanged reports whether the agent changed the i-th address.
func addressChanged(was, d customerDraft, i int) bool {
	for _, f := range addressFields {
		if was.get(addrKey(i, f)) != d.get(addrKey(i, f)) {
			return true
		}
	}
	return false
}

// anyAddressChanged reports whether the agent changed any address.
func anyAddressChanged(was, d customerDraft) bool {
	for i := range d.Addresses {
		if addressChanged(was, d, i) {
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
		i, f, ok := parseAddrKey(key)
		if !ok {
			return "", ""
		}
		a := draftAddress(d, i)
		if emptyAddress(a) {
			return "", "" // no address at all is fine: it is left out
		}
		if msg := api.ValidateAddress(a)[f]; msg != "" {
			return sanitize.Line(msg), ""
		}
	}
	return "", ""
}

// draftAddress is the draft's i-th address as an address (trimmed).
func draftAddress(d customerDraft, i int) api.Address {
	if i < 0 || i >= len(d.Addresses) {
		return api.Address{Type: "shipping"}
	}
	a := d.Addresses[i]
	return api.Address{
		Type:     cmp.Or(a.Type, "shipping"),
		Default:  a.Default,
		Address1: strings.TrimSpace(a.Address1),
		Address2: strings.TrimSpace(a.Address2),
		City:     strings.TrimSpace(a.City),
		State:    strings.TrimSpace(a.State),
		Zip:      strings.TrimSpace(a.Zip),
		Country:  strings.TrimSpace(a.Country),
	}
}

// emptyAddress reports whether every field the agent types is empty.
func emptyAddress(a api.Address) bool {
	return a.Address1 == "" && a.Address2 == "" && a.City == "" && a.State == "" && a.Zip == "" && a.Country == ""
}

// customerFields makes fresh huh fields over d. check decides, per
// field, whether and how it is validated.
func customerFields(d *customerDraft, keys []string, check func(key, v string) (string, string)) []*field {
	out := make([]*field, 0, len(keys))
	for _, k := range keys {
		f := &field{key: k, label: d.label(k), value: d.ptr(k)}
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
			default:
				in.CharLimit(api.MaxAddressLineLen)
				if _, af, ok := parseAddrKey(k); ok {
					switch af {
					case "country":
						in.Placeholder("country code, e.g. KE")
					case "state":
						in.Placeholder("e.g. Nairobi, Mombasa, Kiambu")
					}
				}
			}
			f.input = in
		}
		out = append(out, f)
	}
	return out
}

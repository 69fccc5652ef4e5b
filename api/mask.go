package api

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Masking personal data. A viewer's answers (the desk server masks them)
// and every answer on a profile with mask_pii (the client masks them)
// carry email, phone and addresses in these shapes:
//
//	email      jane@example.com   →  j•••@example.com
//	phone      +254712345862      →  +254 7•• ••• 862
//	address    14 Moi Ave, 00100  →  •••, city, state and country kept
//
// The shapes do not depend on the length of what they hide, and masking
// a mask keeps it (a viewer's answers on a mask_pii profile). The one field
// a reveal (POST /customers/{id}/reveal) answers is the real value.

// MaskRune is the character a mask hides with; a value holding it is a
// mask, never a value to save.
const MaskRune = '•'

// Masked is what a hidden part is shown as.
const Masked = "•••"

// The fields a reveal names.
const (
	RevealEmail     = "email"
	RevealPhone     = "phone"
	RevealAddresses = "addresses"
)

// RevealFields lists the fields a reveal may name.
var RevealFields = []string{RevealEmail, RevealPhone, RevealAddresses}

// Reveal reason bounds (characters).
const (
	MinRevealReason = 3
	MaxRevealReason = 500
)

// RevealRequest is the body of POST /customers/{id}/reveal.
type RevealRequest struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// RevealResult is its answer: the one field, unmasked. Value holds an
// email or phone; Addresses the addresses.
type RevealResult struct {
	CustomerID ID        `json:"customer_id"`
	Field      string    `json:"field"`
	Value      string    `json:"value,omitempty"`
	Addresses  []Address `json:"addresses,omitempty"`
}

// ValidateReveal checks a reveal request.
func ValidateReveal(r RevealRequest) FieldErrors {
	f := FieldErrors{}
	switch r.Field {
	case RevealEmail, RevealPhone, RevealAddresses:
	default:
		f["field"] = "field must be one of " + strings.Join(RevealFields, ", ")
	}
	reason := strings.TrimSpace(r.Reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		f["reason"] = "say why you need to see it: the reason goes into the audit trail"
	case n < MinRevealReason || n > MaxRevealReason:
		f["reason"] = "the reason must be 3 to 500 characters"
	case hasControl(reason):
		f["reason"] = "the reason contains control characters"
	}
	return f
}

// The shapes of masks already made, which masking again keeps: only
// printable characters, so a value that merely contains • is masked.
var (
	emailMaskShape = regexp.MustCompile(`^[\p{L}\p{N}]?•••(@[^\s\p{C}•]*)?$`)
	phoneMaskShape = regexp.MustCompile(`^(\+[0-9]{0,3} )?([0-9]•• ••• [0-9]{3}|••• •••)$`)
)

// IsMasked reports whether s holds a mask.
func IsMasked(s string) bool { return strings.ContainsRune(s, MaskRune) }

// MaskEmail keeps the first character of the local part and the domain:
// j•••@example.com. A first character that is not a letter or digit is
// hidden too; the domain keeps only printable characters. Without an @
// everything after the first character is hidden.
func MaskEmail(s string) string {
	if s == "" || emailMaskShape.MatchString(s) {
		return s // masking a mask (a viewer's answer on a masked profile) keeps it
	}
	local, domain, hasAt := cutLast(s, '@')
	first, _ := utf8.DecodeRuneInString(local)
	var b strings.Builder
	if unicode.IsLetter(first) || unicode.IsDigit(first) {
		b.WriteRune(first)
	}
	b.WriteString(Masked)
	if hasAt {
		b.WriteByte('@')
		for _, r := range domain {
			if unicode.IsGraphic(r) && !unicode.IsSpace(r) && r != MaskRune {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

func cutLast(s string, sep byte) (before, after string, found bool) {
	if i := strings.LastIndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// MaskPhone keeps the country code, the first digit of the subscriber
// number and its last three digits: +254 7•• ••• 862. A number without
// a + keeps its first and last three digits (0•• ••• 862); one with
// fewer than seven digits is hidden whole.
func MaskPhone(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if phoneMaskShape.MatchString(s) {
		return s
	}
	var digits []byte
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits = append(digits, byte(r))
		}
	}
	intl := strings.HasPrefix(strings.TrimSpace(s), "+")
	cc := ""
	if intl {
		n := callingCodeLen(digits)
		cc, digits = "+"+string(digits[:n])+" ", digits[n:]
	}
	if len(digits) < 7 {
		return cc + "••• •••"
	}
	return cc + string(digits[0]) + "•• ••• " + string(digits[len(digits)-3:])
}

// callingCodeLen is how many of digits (after the +) are the country
// calling code, by ITU-T E.164's zones: 1 and 7 are one digit, the
// two-digit codes below, the rest three.
func callingCodeLen(d []byte) int {
	if len(d) == 0 {
		return 0
	}
	if d[0] == '1' || d[0] == '7' {
		return 1
	}
	if len(d) < 2 {
		return len(d)
	}
	switch string(d[:2]) {
	case "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
		"51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66",
		"81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98":
		return 2
	}
	return min(3, len(d))
}

// MaskAddress keeps an address's type, id, default mark, city, state and
// country, and hides the street lines and postal code.
func MaskAddress(a Address) Address {
	hide := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return ""
		}
		return Masked
	}
	a.Address1, a.Address2, a.Zip = hide(a.Address1), hide(a.Address2), hide(a.Zip)
	return a
}

// MaskCustomer masks c's email, phone and addresses, and those of the
// orders it carries.
func MaskCustomer(c *Customer) {
	c.Email = MaskEmail(c.Email)
	c.Phone = MaskPhone(c.Phone)
	if c.Addresses != nil {
		out := make([]Address, len(c.Addresses))
		for i, a := range c.Addresses {
			out[i] = MaskAddress(a)
		}
		c.Addresses = out
	}
	if c.Orders != nil {
		out := make([]Order, len(c.Orders))
		copy(out, c.Orders)
		for i := range out {
			MaskOrder(&out[i])
		}
		c.Orders = out
	}
}

// MaskOrder masks an order's addresses.
func MaskOrder(o *Order) {
	if o.ShippingAddress != nil {
		a := MaskAddress(*o.ShippingAddress)
		o.ShippingAddress = &a
	}
	if o.BillingAddress != nil {
		a := MaskAddress(*o.BillingAddress)
		o.BillingAddress = &a
	}
}

// MaskAuditEntry masks the email, phone and addresses an audit row's
// before and after record. A side that is not a JSON object is left as
// it is; one that cannot be read is dropped.
func MaskAuditEntry(e *AuditEntry) {
	e.Before, e.After = maskAuditSide(e.Before), maskAuditSide(e.After)
}

func maskAuditSide(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return raw
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		if strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
			return json.RawMessage("null")
		}
		return raw
	}
	changed := false
	for k, v := range m {
		var masked any
		switch k {
		case "email", "phone":
			var s string
			if json.Unmarshal(v, &s) != nil {
				masked = Masked
			} else if k == "email" {
				masked = MaskEmail(s)
			} else {
				masked = MaskPhone(s)
			}
		case "addresses":
			var as []Address
			if json.Unmarshal(v, &as) != nil {
				masked = Masked
			} else {
				for i := range as {
					as[i] = MaskAddress(as[i])
				}
				masked = as
			}
		default:
			continue
		}
		b, err := json.Marshal(masked)
		if err != nil {
			return json.RawMessage("null")
		}
		m[k], changed = b, true
	}
	if !changed {
		return raw
	}
	b, err := json.Marshal(m)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

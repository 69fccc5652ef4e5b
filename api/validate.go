package api

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits shared by the server's handlers and the console's forms, so both
// edges reject the same input with the same words.
const (
	MaxNameLen        = 100
	MaxEmailLen       = 254
	MinNoteLen        = 3
	MaxAdjustNoteLen  = 500
	MaxNoteBodyLen    = 4000
	MaxAbsPoints      = 1_000_000
	MaxSearchQueryLen = 200
	MaxAddressLineLen = 200
)

// FieldErrors maps a field name to what is wrong with it.
type FieldErrors map[string]string

// Err returns nil when there are no field errors.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + f[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// ValidateEmail checks an email address's syntax.
func ValidateEmail(s string) error {
	if s == "" {
		return fmt.Errorf("email is required")
	}
	if len(s) > MaxEmailLen {
		return fmt.Errorf("email is longer than %d characters", MaxEmailLen)
	}
	if IsMasked(s) {
		return errStillMasked("email")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return fmt.Errorf("%q is not an email address like name@example.com", s)
	}
	return nil
}

// ValidateName checks a first or last name: required, at most MaxNameLen
// characters, no control characters.
func ValidateName(label, s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("%s is required", label)
	}
	if utf8.RuneCountInString(s) > MaxNameLen {
		return fmt.Errorf("%s is longer than %d characters", label, MaxNameLen)
	}
	if hasControl(s) {
		return fmt.Errorf("%s contains control characters", label)
	}
	return nil
}

// NormalizePhone accepts E.164 (+254712345678) or a local Kenyan number
// (0712345678, 712345678, with spaces or dashes) and returns E.164. An
// empty string stays empty (phone is optional).
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if IsMasked(s) {
		return "", errStillMasked("phone")
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", fmt.Errorf("%q is not a phone number: use +254712345678 or 0712345678", s)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+"):
		// already international
	case strings.HasPrefix(d, "254") && len(d) == 12:
		d = "+" + d
	case strings.HasPrefix(d, "0") && len(d) == 10:
		d = "+254" + d[1:]
	case len(d) == 9 && (d[0] == '7' || d[0] == '1'):
		d = "+254" + d
	default:
		return "", fmt.Errorf("%q is not a phone number: use +254712345678 or 0712345678", s)
	}
	if n := len(d) - 1; n < 8 || n > 15 || d[1] == '0' {
		return "", fmt.Errorf("%q is not a phone number: E.164 has 8 to 15 digits after the +", s)
	}
	return d, nil
}

// ValidateStatus checks a customer status.
func ValidateStatus(s string) error {
	if s != StatusActive && s != StatusDisabled {
		return fmt.Errorf("status must be %q or %q", StatusActive, StatusDisabled)
	}
	return nil
}

// ValidateAdjustment checks an adjustment body and returns every problem,
// keyed by field.
func ValidateAdjustment(r AdjustmentRequest) FieldErrors {
	f := FieldErrors{}
	switch {
	case r.Points == 0:
		f["points"] = "points must not be zero"
	case r.Points > MaxAbsPoints || r.Points < -MaxAbsPoints:
		f["points"] = fmt.Sprintf("points must be between -%d and %d", MaxAbsPoints, MaxAbsPoints)
	}
	if !slices.Contains(AdjustmentReasons, r.Reason) {
		f["reason"] = "reason must be one of " + strings.Join(AdjustmentReasons, ", ")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(r.Note)); n < MinNoteLen || utf8.RuneCountInString(r.Note) > MaxAdjustNoteLen {
		f["note"] = fmt.Sprintf("note must be %d to %d characters", MinNoteLen, MaxAdjustNoteLen)
	}
	return f
}

// ValidateNoteBody checks an internal note.
func ValidateNoteBody(s string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(s)); n < MinNoteLen {
		return fmt.Errorf("note must be at least %d characters", MinNoteLen)
	}
	if utf8.RuneCountInString(s) > MaxNoteBodyLen {
		return fmt.Errorf("note is longer than %d characters", MaxNoteBodyLen)
	}
	return nil
}

// ValidateAddress checks one address.
func ValidateAddress(a Address) FieldErrors {
	f := FieldErrors{}
	if a.Type != "shipping" && a.Type != "billing" {
		f["type"] = `type must be "shipping" or "billing"`
	}
	if strings.TrimSpace(a.Address1) == "" {
		f["address1"] = "address line is required"
	}
	if strings.TrimSpace(a.City) == "" {
		f["city"] = "city is required"
	}
	if strings.TrimSpace(a.Country) == "" {
		f["country"] = "country is required"
	}
	for k, v := range map[string]string{"address1": a.Address1, "address2": a.Address2, "city": a.City, "state": a.State, "zip": a.Zip, "country": a.Country} {
		if utf8.RuneCountInString(v) > MaxAddressLineLen {
			f[k] = fmt.Sprintf("longer than %d characters", MaxAddressLineLen)
		} else if hasControl(v) {
			f[k] = "contains control characters"
		} else if IsMasked(v) {
			f[k] = errStillMasked("the address").Error()
		}
	}
	return f
}

// ValidateCreate checks a new customer; it normalises the phone in place.
func ValidateCreate(c *CustomerCreate) FieldErrors {
	f := FieldErrors{}
	if err := ValidateEmail(c.Email); err != nil {
		f["email"] = err.Error()
	}
	if err := ValidateName("first name", c.FirstName); err != nil {
		f["first_name"] = err.Error()
	}
	if err := ValidateName("last name", c.LastName); err != nil {
		f["last_name"] = err.Error()
	}
	if p, err := NormalizePhone(c.Phone); err != nil {
		f["phone"] = err.Error()
	} else {
		c.Phone = p
	}
	for i, a := range c.Addresses {
		for k, v := range ValidateAddress(a) {
			f[fmt.Sprintf("addresses[%d].%s", i, k)] = v
		}
	}
	return f
}

// ValidatePatch checks a partial update; it normalises the phone in place.
func ValidatePatch(p *CustomerPatch) FieldErrors {
	f := FieldErrors{}
	if p.Email != nil {
		if err := ValidateEmail(*p.Email); err != nil {
			f["email"] = err.Error()
		}
	}
	if p.FirstName != nil {
		if err := ValidateName("first name", *p.FirstName); err != nil {
			f["first_name"] = err.Error()
		}
	}
	if p.LastName != nil {
		if err := ValidateName("last name", *p.LastName); err != nil {
			f["last_name"] = err.Error()
		}
	}
	if p.Phone != nil {
		if n, err := NormalizePhone(*p.Phone); err != nil {
			f["phone"] = err.Error()
		} else {
			p.Phone = &n
		}
	}
	if p.Status != nil {
		if err := ValidateStatus(*p.Status); err != nil {
			f["status"] = err.Error()
		}
	}
	if p.Addresses != nil {
		for i, a := range *p.Addresses {
			for k, v := range ValidateAddress(a) {
				f[fmt.Sprintf("addresses[%d].%s", i, k)] = v
			}
		}
	}
	return f
}

// errStillMasked refuses a value that still holds a mask (•••), so a
// save never writes the mask over the real value.
func errStillMasked(what string) error {
	return fmt.Errorf("%s still holds the mask (•••): reveal it and type the real value, or leave it out of the change", what)
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

package api

import (
	"strings"
	"unicode"
)

// OrderNumberPrefix starts every order number of this contract: the
// sandbox numbers its orders FD- and the order id padded to 8 digits
// (FD-00001584).
const OrderNumberPrefix = "FD-"

// orderNumberDigits is how many digits a canonical order number pads to.
const orderNumberDigits = 8

// maxOrderNumberDigits bounds the digits of a quoted number (after its
// leading zeros): more is not an order number of this store.
const maxOrderNumberDigits = 12

// OrderQuote is an order number read from what a customer or an agent
// typed.
type OrderQuote struct {
	// Number is the canonical number: FD- and the digits padded to 8
	// (FD-00001584).
	Number string
	// Marked is true when the quote said it is an order number (FD- or
	// #); false for bare digits, which may as well be part of a phone
	// number.
	Marked bool
}

// ParseOrderNumber reads an order number as customers quote it:
// "FD-00001584", "fd-1584", "FD 1584", "FD1584", "#1584", "#FD-00001584",
// or bare digits "1584" (Marked false). Spaces anywhere, and quotes,
// brackets and a trailing full stop or comma around it, are ignored
// ("  #1584. "). A marked number has 1 to 12 digits, bare digits at most
// 8 (the width of a canonical number: longer digits are a phone number),
// and the number is not zero. ok is false for anything else, such as a
// name, an email, "+254 712…", "0712017275" or "FD-" alone.
func ParseOrderNumber(s string) (q OrderQuote, ok bool) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	s = strings.Trim(s, "\"'`“”‘’()[]<>{}.,;:!?")
	if rest, found := strings.CutPrefix(s, "#"); found {
		s, q.Marked = rest, true
	}
	if len(s) >= 2 && strings.EqualFold(s[:2], "FD") {
		s, q.Marked = strings.TrimPrefix(s[2:], "-"), true
	}
	if s == "" || strings.Trim(s, "0123456789") != "" || !q.Marked && len(s) > orderNumberDigits {
		return OrderQuote{}, false
	}
	s = strings.TrimLeft(s, "0")
	if s == "" || len(s) > maxOrderNumberDigits {
		return OrderQuote{}, false
	}
	if len(s) < orderNumberDigits {
		s = strings.Repeat("0", orderNumberDigits-len(s)) + s
	}
	q.Number = OrderNumberPrefix + s
	return q, true
}

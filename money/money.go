// Package money formats amounts of money held as integer minor units with a
// currency code, the way the Customers API sends them. The CLI and the
// console share it so a balance reads the same everywhere.
package money

import (
	"strconv"
	"strings"
)

// minorDigits lists the ISO 4217 currencies whose minor unit is not two
// digits; every other code (KES, USD, EUR, …) has two.
var minorDigits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0,
	"KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0,
	"XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// Digits returns how many minor-unit digits currency has (2 unless ISO
// 4217 says otherwise).
func Digits(currency string) int {
	if d, ok := minorDigits[strings.ToUpper(currency)]; ok {
		return d
	}
	return 2
}

// Format renders minor units as "KES 1,250.00": the code, a space, the
// amount with thousands separators and the currency's minor digits. A
// negative amount reads "-KES 1,250.00". An empty currency prints the
// number alone.
func Format(minor int64, currency string) string {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	s := Amount(minor, currency)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if currency != "" {
		s = currency + " " + s
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Amount renders minor units as "1,250.00" (no currency code), with the
// currency's minor digits.
func Amount(minor int64, currency string) string {
	digits := Digits(currency)
	neg := minor < 0
	// Work on the unsigned magnitude so math.MinInt64 does not overflow.
	u := uint64(minor)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if len(s) <= digits {
		s = strings.Repeat("0", digits-len(s)+1) + s
	}
	whole, frac := s[:len(s)-digits], s[len(s)-digits:]
	out := Group(whole)
	if digits > 0 {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// Group puts a comma between every three digits of a run of digits:
// "1250000" → "1,250,000". It is for integers such as loyalty points too.
func Group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Int formats an integer with thousands separators: -1250 → "-1,250".
func Int(n int64) string {
	if n < 0 {
		u := -uint64(n)
		return "-" + Group(strconv.FormatUint(u, 10))
	}
	return Group(strconv.FormatInt(n, 10))
}

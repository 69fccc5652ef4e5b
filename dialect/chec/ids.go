package chec

import (
	"math/bits"
	"strconv"
	"strings"

	"frontdesk/api"
)

// Chec ids are a prefix and 14 letters and digits (seed 001:
// cstmr_K1YDR2qy29Qem6, ord_Kvg9l6zvnl1bB7). The sandbox's ids are
// numbers; the dialect encodes each reversibly: the number times an odd
// constant (a bijection on uint64), in 11 base-62 digits, after a 3-digit
// check so that a mistyped id is simply not found.

const (
	alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	mul      = 0x9E3779B97F4A7C15 // odd, so invertible mod 2^64
	bodyLen  = 11                 // 62^11 > 2^64
	checkLen = 3
)

// Prefixes of the ids the dialect hands out.
const (
	PrefixCustomer = "cstmr_"
	PrefixOrder    = "ord_"
	PrefixItem     = "item_"
	PrefixProduct  = "prod_"
)

// inverse of mul mod 2^64 (Newton's iteration doubles the correct bits).
var inv = func() uint64 {
	x := uint64(mul)
	for range 6 {
		x *= 2 - mul*x
	}
	return x
}()

func base62(v uint64, n int) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = alphabet[v%62]
		v /= 62
	}
	return string(b)
}

func unbase62(s string) (uint64, bool) {
	var v uint64
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(alphabet, s[i])
		if d < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(v, 62)
		if hi != 0 {
			return 0, false
		}
		var carry uint64
		v, carry = bits.Add64(lo, uint64(d), 0)
		if carry != 0 {
			return 0, false
		}
	}
	return v, true
}

func check(v uint64) uint64 { return (v * 0xD6E8FEB86659FD93 >> 40) % (62 * 62 * 62) }

// encode is prefix + the 14-character form of n.
func encode(prefix string, n uint64) string {
	v := n * mul
	return prefix + base62(check(v), checkLen) + base62(v, bodyLen)
}

// decode reads an id made by encode with prefix; ok is false for
// anything else.
func decode(prefix, id string) (uint64, bool) {
	rest, found := strings.CutPrefix(id, prefix)
	if !found || len(rest) != checkLen+bodyLen {
		return 0, false
	}
	c, ok1 := unbase62(rest[:checkLen])
	v, ok2 := unbase62(rest[checkLen:])
	if !ok1 || !ok2 || c != check(v) {
		return 0, false
	}
	return v * inv, true
}

// EncodeID turns one of the sandbox's numeric ids into a Chec id with
// prefix; an id that is not a number is returned as it is.
func EncodeID(prefix string, id api.ID) string {
	n, err := strconv.ParseUint(string(id), 10, 64)
	if err != nil {
		return string(id)
	}
	return encode(prefix, n)
}

// DecodeID is EncodeID's inverse; ok is false for an id the dialect did
// not make.
func DecodeID(prefix, id string) (api.ID, bool) {
	n, ok := decode(prefix, id)
	if !ok {
		return "", false
	}
	return api.ID(strconv.FormatUint(n, 10)), true
}

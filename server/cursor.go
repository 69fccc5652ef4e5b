package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"

	"frontdesk/api"
	"frontdesk/store"
)

// listCursor is what an after cursor of GET /customers carries: the
// sort, the search's identity (a hash of its text), the store's key of
// the last customer of the page before, the number of the page it
// leads to, and the total the first page reported (carried, so that
// pages after a key cost no count). On the wire it is base64url JSON:
// opaque to clients, not a secret (it says nothing a client could not
// see), and checked field by field when it comes back.
type listCursor struct {
	Sort     string `json:"s"`
	Query    string `json:"q"`
	K1       string `json:"k1"`
	K2       string `json:"k2,omitempty"`
	ID       string `json:"id"`
	Page     int    `json:"n"`
	Total    int    `json:"t"`
	Estimate bool   `json:"e,omitempty"`
}

// queryIdentity is the cursor's fingerprint of a search text.
func queryIdentity(query string) string {
	h := sha256.Sum256([]byte(query))
	return hex.EncodeToString(h[:8])
}

func (c listCursor) encode() string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // strings and ints only
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// nextCursor is the cursor of the page after one whose last customer has
// key k.
func nextCursor(sort, query string, k *store.SearchKey, page, total int, estimate bool) string {
	return listCursor{Sort: sort, Query: queryIdentity(query), K1: k.K1, K2: k.K2, ID: string(k.ID),
		Page: page, Total: total, Estimate: estimate}.encode()
}

// cursorNotOurs is the field error of a cursor this server did not make.
const cursorNotOurs = "after is not a cursor of this list: use the next cursor of a page, or start again without after"

// decodeCursor reads an after cursor for a search of query in sort, and
// returns the field error to report when it is not one of its cursors.
func decodeCursor(raw, sort, query string) (listCursor, string) {
	const notOurs = cursorNotOurs
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(raw) > 2048 {
		return listCursor{}, notOurs
	}
	var c listCursor
	if err := json.Unmarshal(b, &c); err != nil {
		return listCursor{}, notOurs
	}
	// The key's values are the store's to check (store.ErrInvalidKey).
	if c.ID == "" || c.Page < 2 || c.Page > maxPage || c.Total < 0 || !slices.Contains(api.Sorts, c.Sort) {
		return listCursor{}, notOurs
	}
	if c.Sort != sort || c.Query != queryIdentity(query) {
		return listCursor{}, "after belongs to another search or sort: use it with the search and sort it came from, or start again without after"
	}
	return c, ""
}

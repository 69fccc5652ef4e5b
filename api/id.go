package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// ID is an opaque identifier. The API may send it as a JSON number or a JSON
// string; both decode. It encodes as a number when it is all digits (as the
// sandbox and seed 004 do) and as a string otherwise.
type ID string

// UnmarshalJSON accepts numbers and strings.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*id = ""
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("id: %w", err)
		}
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id: want a number or a string, got %.20q", b)
	}
	*id = ID(n.String())
	return nil
}

// MarshalJSON writes digits-only IDs as numbers, anything else as a string.
func (id ID) MarshalJSON() ([]byte, error) {
	if id.isNumeric() {
		return []byte(id), nil
	}
	return json.Marshal(string(id))
}

func (id ID) isNumeric() bool {
	if id == "" || len(id) > 18 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return id == "0" || id[0] != '0'
}

// String returns the ID as text.
func (id ID) String() string { return string(id) }

// Int64 returns the numeric value of a digits-only ID.
func (id ID) Int64() (int64, bool) {
	if !id.isNumeric() {
		return 0, false
	}
	n, err := strconv.ParseInt(string(id), 10, 64)
	return n, err == nil
}

// IDFromInt makes an ID from a database row id.
func IDFromInt(n int64) ID { return ID(strconv.FormatInt(n, 10)) }

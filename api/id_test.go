package api

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestIDUnmarshal(t *testing.T) {
	for _, c := range []struct {
		in   string
		want ID
	}{
		{`42`, "42"},
		{`"42"`, "42"},
		{`0`, "0"},
		{`"cus_01HZY3"`, "cus_01HZY3"},
		{`"007"`, "007"},
		{`null`, ""},
		{` 42 `, "42"},
		{`""`, ""},
		// Bigger than int64 and float64 can hold exactly: kept as text.
		{`123456789012345678901234567890`, "123456789012345678901234567890"},
		{`9007199254740993`, "9007199254740993"},
		{`"9223372036854775808"`, "9223372036854775808"},
		{`-5`, "-5"},
		{`"ünïcode ✓"`, "ünïcode ✓"},
	} {
		var id ID
		if err := json.Unmarshal([]byte(c.in), &id); err != nil {
			t.Errorf("unmarshal %s: %v", c.in, err)
			continue
		}
		if id != c.want {
			t.Errorf("unmarshal %s = %q, want %q", c.in, id, c.want)
		}
	}
}

func TestIDUnmarshalRejects(t *testing.T) {
	for _, in := range []string{`true`, `{}`, `[1]`, `"unterminated`, `4x`} {
		var id ID
		if err := json.Unmarshal([]byte(in), &id); err == nil {
			t.Errorf("unmarshal %s: no error, got %q", in, id)
		}
	}
	// Inside a struct, a bad id names the problem.
	var c Customer
	err := json.Unmarshal([]byte(`{"id":{"x":1}}`), &c)
	if err == nil || !strings.Contains(err.Error(), "id") {
		t.Errorf("customer with object id: err = %v", err)
	}
}

func TestIDMarshal(t *testing.T) {
	for _, c := range []struct {
		id   ID
		want string
	}{
		{"42", `42`},
		{"0", `0`},
		{"123456789012345678", `123456789012345678`},     // 18 digits: a number
		{"1234567890123456789", `"1234567890123456789"`}, // 19 may overflow int64 readers: a string
		{"007", `"007"`}, // leading zeros survive as a string
		{"00", `"00"`},
		{"-5", `"-5"`},
		{"cus_01HZY3", `"cus_01HZY3"`},
		{"", `""`},
		{`a"b\c`, `"a\"b\\c"`},
	} {
		b, err := json.Marshal(c.id)
		if err != nil {
			t.Errorf("marshal %q: %v", c.id, err)
			continue
		}
		if string(b) != c.want {
			t.Errorf("marshal %q = %s, want %s", c.id, b, c.want)
		}
	}
}

func TestIDRoundTrip(t *testing.T) {
	for _, id := range []ID{"42", "0", "007", "cus_01HZY3", "", "1234567890123456789", "123456789012345678901234567890", "-5", "ünïcode ✓"} {
		b, err := json.Marshal(struct {
			ID  ID  `json:"id"`
			Ptr *ID `json:"ptr"`
		}{id, &id})
		if err != nil {
			t.Fatal(err)
		}
		var back struct {
			ID  ID  `json:"id"`
			Ptr *ID `json:"ptr"`
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q: %s: %v", id, b, err)
		}
		if back.ID != id || back.Ptr == nil || *back.Ptr != id {
			t.Errorf("%q → %s → %q", id, b, back.ID)
		}
	}
}

func TestIDInt64(t *testing.T) {
	for _, c := range []struct {
		id   ID
		n    int64
		isOK bool
	}{
		{"42", 42, true},
		{"0", 0, true},
		{"999999999999999999", 999999999999999999, true},
		{"1234567890123456789", 0, false},
		{"007", 0, false},
		{"", 0, false},
		{"4a", 0, false},
		{"-1", 0, false},
	} {
		n, ok := c.id.Int64()
		if n != c.n || ok != c.isOK {
			t.Errorf("ID(%q).Int64() = %d, %v; want %d, %v", c.id, n, ok, c.n, c.isOK)
		}
	}
	if got := IDFromInt(1001); got != "1001" || got.String() != "1001" {
		t.Errorf("IDFromInt(1001) = %q", got)
	}
}

// FuzzIDRoundTrip: whatever decodes as an ID encodes back to JSON that
// decodes to the same ID.
func FuzzIDRoundTrip(f *testing.F) {
	for _, s := range []string{`42`, `"007"`, `null`, `"cus_1"`, `1e3`, `-0`, `123456789012345678901234567890`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var id ID
		if json.Unmarshal(in, &id) != nil {
			return
		}
		b, err := json.Marshal(id)
		if err != nil {
			t.Fatalf("marshal %q: %v", id, err)
		}
		var back ID
		if err := json.Unmarshal(b, &back); err != nil || back != id {
			t.Fatalf("%s → %q → %s → %q (%v)", in, id, b, back, err)
		}
	})
}

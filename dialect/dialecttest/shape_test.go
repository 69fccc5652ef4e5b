package dialecttest

import (
	"strings"
	"testing"
)

// SameShape finds a missing key, an extra one, a changed type and a
// null where none is allowed, and accepts what matches.
func TestSameShape(t *testing.T) {
	ex := `{"status":"success","data":{"items":[{"id":1,"name":"a","order_id":2}],"elided":[],"total":3}}`
	for _, tc := range []struct {
		got, want string
		nullable  []string
	}{
		{`{"status":"success","data":{"items":[{"id":5,"name":"b","order_id":7},{"id":6,"name":"c","order_id":null}],"elided":[{"x":1}],"total":0}}`,
			"", []string{"data.items[].order_id"}},
		{`{"status":"success","data":{"items":[],"elided":[],"total":0}}`, "", nil},
		{`{"status":"success","data":{"items":[{"id":"5","name":"b","order_id":null}],"elided":[],"total":0}}`,
			"data.items[].id: string, the example has number\ndata.items[].order_id: null, the example has number", nil},
		{`{"status":"success","data":{"items":[],"elided":[],"total":0,"page":1}}`, "data: has page, which the example does not", nil},
		{`{"status":"success","data":{"items":[],"total":0}}`, "data: lacks elided", nil},
	} {
		diff, err := SameShape([]byte(ex), []byte(tc.got), tc.nullable...)
		if err != nil {
			t.Fatal(err)
		}
		if diff != tc.want && !(tc.want != "" && sameLines(diff, tc.want)) {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.got, diff, tc.want)
		}
	}
}

func sameLines(a, b string) bool {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) {
		return false
	}
	for _, l := range la {
		if !strings.Contains(b, l) {
			return false
		}
	}
	return true
}

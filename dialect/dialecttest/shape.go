// Package dialecttest checks that a sandbox dialect answers like the
// platform it imitates: every answer has the keys and JSON types of the
// platform's documented example responses (the driver's testdata).
package dialecttest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// SameShape compares got with the documented example: the same object
// keys at every level, and the same JSON type for every value (numbers
// are numbers, strings strings, …). An array's items are each compared
// with the example's first item; an example array that is empty (the
// document elides its items) accepts any items. nullable lists the
// dotted paths ("data.ledger[].order_id") whose value may also be null.
// It returns every difference, "" when there is none.
func SameShape(example, got []byte, nullable ...string) (string, error) {
	var ex, g any
	if err := json.Unmarshal(example, &ex); err != nil {
		return "", fmt.Errorf("the example is not JSON: %w", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		return "", fmt.Errorf("the answer is not JSON: %w", err)
	}
	var diffs []string
	compare(ex, g, "", nullable, &diffs)
	return strings.Join(diffs, "\n"), nil
}

func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func compare(ex, got any, path string, nullable []string, diffs *[]string) {
	at := path
	if at == "" {
		at = "(top)"
	}
	if got == nil && ex != nil && slices.Contains(nullable, path) {
		return
	}
	if te, tg := typeOf(ex), typeOf(got); te != tg {
		*diffs = append(*diffs, fmt.Sprintf("%s: %s, the example has %s", at, tg, te))
		return
	}
	switch e := ex.(type) {
	case map[string]any:
		g := got.(map[string]any)
		var missing, extra []string
		for k := range e {
			if _, ok := g[k]; !ok {
				missing = append(missing, k)
			}
		}
		for k := range g {
			if _, ok := e[k]; !ok {
				extra = append(extra, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 {
			*diffs = append(*diffs, fmt.Sprintf("%s: lacks %s", at, strings.Join(missing, ", ")))
		}
		if len(extra) > 0 {
			*diffs = append(*diffs, fmt.Sprintf("%s: has %s, which the example does not", at, strings.Join(extra, ", ")))
		}
		for k, ev := range e {
			if gv, ok := g[k]; ok {
				compare(ev, gv, join(path, k), nullable, diffs)
			}
		}
	case []any:
		if len(e) == 0 {
			return
		}
		for _, gv := range got.([]any) {
			compare(e[0], gv, path+"[]", nullable, diffs)
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"frontdesk/api"
)

// fieldSet is a ?fields= selection (seed 000: "name,email,store_metrics.total_spent").
// all means no selection: everything.
type fieldSet struct {
	all    bool
	top    map[string]bool
	nested map[string]map[string]bool // store_metrics → its selected fields
}

var allFields = &fieldSet{all: true}

// jsonNames lists the JSON names of a struct type's fields.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

var (
	customerFieldNames = jsonNames(reflect.TypeFor[api.Customer]())
	metricsFieldNames  = jsonNames(reflect.TypeFor[api.StoreMetrics]())
)

// parseFields reads a fields parameter. "name" stands for first_name and
// last_name; "store_metrics.x" selects one metric; id is always sent.
func parseFields(raw string) (*fieldSet, error) {
	if strings.TrimSpace(raw) == "" {
		return allFields, nil
	}
	fs := &fieldSet{top: map[string]bool{"id": true}, nested: map[string]map[string]bool{}}
	var bad []string
	for part := range strings.SplitSeq(raw, ",") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
		case part == "name":
			fs.top["first_name"], fs.top["last_name"] = true, true
		case strings.HasPrefix(part, "store_metrics."):
			sub := strings.TrimPrefix(part, "store_metrics.")
			if !slices.Contains(metricsFieldNames, sub) {
				bad = append(bad, part)
				continue
			}
			if fs.nested["store_metrics"] == nil {
				fs.nested["store_metrics"] = map[string]bool{}
			}
			fs.nested["store_metrics"][sub] = true
		case slices.Contains(customerFieldNames, part):
			fs.top[part] = true
		default:
			bad = append(bad, part)
		}
	}
	if len(bad) > 0 {
		e := errf(http.StatusBadRequest, api.CodeValidation, "unknown field %s in fields; known: name, %s, store_metrics.<%s>",
			strings.Join(quoteAll(bad), ", "), strings.Join(customerFieldNames, ", "), strings.Join(metricsFieldNames, "|"))
		e.body.Fields = map[string]string{"fields": "unknown field " + strings.Join(quoteAll(bad), ", ")}
		return nil, e
	}
	return fs, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", truncate(s, 40))
	}
	return out
}

// wants reports whether top-level field name is selected (whole or in
// part).
func (fs *fieldSet) wants(name string) bool {
	return fs.all || fs.top[name] || fs.nested[name] != nil
}

// pick returns only the selected fields of c, as JSON object members.
func (fs *fieldSet) pick(c api.Customer) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var full map[string]json.RawMessage
	if err := json.Unmarshal(b, &full); err != nil {
		return nil, err
	}
	out := map[string]json.RawMessage{}
	for name := range fs.top {
		if v, ok := full[name]; ok {
			out[name] = v
		}
	}
	for name, subs := range fs.nested {
		if fs.top[name] {
			continue // the whole object was asked for too
		}
		var obj map[string]json.RawMessage
		if raw, ok := full[name]; !ok || json.Unmarshal(raw, &obj) != nil {
			continue
		}
		part := map[string]json.RawMessage{}
		for sub := range subs {
			if v, ok := obj[sub]; ok {
				part[sub] = v
			}
		}
		if out[name], err = json.Marshal(part); err != nil {
			return nil, err
		}
	}
	return out, nil
}

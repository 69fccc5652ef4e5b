package contract_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdesk/api"

	"github.com/getkin/kin-openapi/openapi3"
)

// The tests in this file hold the contract and api/types.go side by side,
// so a field, enum value or limit added on one side only fails here.

// seedOptional lists Go fields that are always marshalled but optional in
// the contract, because seed 004's example responses leave them out.
var seedOptional = map[string][]string{
	"Customer":     {"email_confirmed", "status", "currency", "updated_at", "version"},
	"CustomerList": {"total_is_estimate"},
	"LedgerEntry":  {"balance_after", "created_at"},
	"Loyalty":      {"customer_id"},
}

func TestSchemasMirrorGoTypes(t *testing.T) {
	doc := loadDoc(t)
	for _, c := range []struct {
		schema string
		typ    reflect.Type
	}{
		{"Me", reflect.TypeFor[api.Me]()},
		{"Address", reflect.TypeFor[api.Address]()},
		{"AddressInput", reflect.TypeFor[api.Address]()},
		{"MonthSpend", reflect.TypeFor[api.MonthSpend]()},
		{"StoreMetrics", reflect.TypeFor[api.StoreMetrics]()},
		{"Customer", reflect.TypeFor[api.Customer]()},
		{"CustomerList", reflect.TypeFor[api.CustomerList]()},
		{"CustomerEnvelope", reflect.TypeFor[api.CustomerEnvelope]()},
		{"CustomerCreate", reflect.TypeFor[api.CustomerCreate]()},
		{"CustomerPatch", reflect.TypeFor[api.CustomerPatch]()},
		{"OrderItem", reflect.TypeFor[api.OrderItem]()},
		{"Order", reflect.TypeFor[api.Order]()},
		{"OrderList", reflect.TypeFor[api.OrderList]()},
		{"OrderEnvelope", reflect.TypeFor[api.OrderEnvelope]()},
		{"OrderMatch", reflect.TypeFor[api.OrderMatch]()},
		{"LedgerEntry", reflect.TypeFor[api.LedgerEntry]()},
		{"Loyalty", reflect.TypeFor[api.Loyalty]()},
		{"LedgerPage", reflect.TypeFor[api.LedgerPage]()},
		{"AdjustmentRequest", reflect.TypeFor[api.AdjustmentRequest]()},
		{"AdjustmentResult", reflect.TypeFor[api.AdjustmentResult]()},
		{"Note", reflect.TypeFor[api.Note]()},
		{"NoteList", reflect.TypeFor[api.NoteList]()},
		{"NoteEnvelope", reflect.TypeFor[api.NoteEnvelope]()},
		{"NoteCreate", reflect.TypeFor[api.NoteCreate]()},
		{"ErrorBody", reflect.TypeFor[api.ErrorBody]()},
	} {
		ref := doc.Components.Schemas[c.schema]
		if ref == nil {
			t.Errorf("components.schemas.%s is missing", c.schema)
			continue
		}
		s := ref.Value
		if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
			t.Errorf("%s: want additionalProperties: false (the Go type %s is closed)", c.schema, c.typ)
		}
		var goNames []string
		for i := range c.typ.NumField() {
			f := c.typ.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			goNames = append(goNames, name)
			where := c.schema + "." + name + " (" + c.typ.Name() + "." + f.Name + ")"
			prop := s.Properties[name]
			if prop == nil {
				t.Errorf("%s: not in the contract", where)
				continue
			}
			omitempty := strings.Contains(opts, "omitempty")
			required := slices.Contains(s.Required, name)
			switch {
			case omitempty && required:
				t.Errorf("%s: required in the contract, but Go leaves it out when empty", where)
			case !omitempty && !required && !slices.Contains(seedOptional[c.schema], name):
				t.Errorf("%s: always sent by Go, so the contract should require it", where)
			}
			isPtr := f.Type.Kind() == reflect.Pointer
			if nullable(prop.Value) != isPtr {
				t.Errorf("%s: nullable=%v in the contract, Go pointer=%v", where, nullable(prop.Value), isPtr)
			}
			if want, got := goSchemaType(f.Type), schemaType(prop); want != got {
				t.Errorf("%s: type %q in the contract, Go %s wants %q", where, got, f.Type, want)
			}
		}
		var specNames []string
		for name := range s.Properties {
			specNames = append(specNames, name)
		}
		slices.Sort(goNames)
		slices.Sort(specNames)
		if !slices.Equal(goNames, specNames) {
			t.Errorf("%s: contract properties %v, Go %s fields %v", c.schema, specNames, c.typ, goNames)
		}
	}
}

// nullable reports whether null is allowed: the schema says so itself,
// or (the form order_id uses) every branch of its anyOf does.
func nullable(s *openapi3.Schema) bool {
	if s.Nullable {
		return true
	}
	if len(s.AnyOf) == 0 {
		return false
	}
	for _, b := range s.AnyOf {
		if b.Value == nil || !b.Value.Nullable {
			return false
		}
	}
	return true
}

// isInlineID reports whether s is an ID spelled out rather than a $ref:
// a choice of exactly an integer and a non-empty string.
func isInlineID(s *openapi3.Schema) bool {
	branches := s.AnyOf
	if len(branches) == 0 {
		branches = s.OneOf
	}
	if len(branches) != 2 {
		return false
	}
	var integer, str bool
	for _, b := range branches {
		switch v := b.Value; {
		case v == nil || v.Type == nil:
			return false
		case v.Type.Is("integer"):
			integer = true
		case v.Type.Is("string") && v.MinLength == 1:
			str = true
		}
	}
	return integer && str
}

// goSchemaType names the contract type a Go field's type should have.
func goSchemaType(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[api.ID]():
		return "ID"
	case t == reflect.TypeFor[time.Time]():
		return "date-time"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64:
		return "integer"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.Kind().String()
}

// schemaType names a property's type, looking through $ref and the
// allOf wrappers the contract uses for nullable references.
func schemaType(ref *openapi3.SchemaRef) string {
	if strings.HasSuffix(ref.Ref, "/ID") {
		return "ID"
	}
	s := ref.Value
	if s.Type == nil && isInlineID(s) {
		return "ID"
	}
	if s.Type == nil && len(s.AllOf) > 0 {
		return schemaType(s.AllOf[0])
	}
	if s.Type == nil && len(s.OneOf) > 0 {
		return "oneOf"
	}
	if s.Type.Is("string") && s.Format == "date-time" {
		return "date-time"
	}
	if s.Type == nil {
		return "(none)"
	}
	return (*s.Type)[0]
}

func enumOf(t *testing.T, s *openapi3.Schema) []string {
	t.Helper()
	var out []string
	for _, e := range s.Enum {
		str, ok := e.(string)
		if !ok {
			t.Fatalf("enum value %v is not a string", e)
		}
		out = append(out, str)
	}
	return out
}

func TestEnumsMirrorGo(t *testing.T) {
	doc := loadDoc(t)
	schema := func(name string) *openapi3.Schema { return doc.Components.Schemas[name].Value }
	param := func(path, method, name string) *openapi3.Schema {
		op := doc.Paths.Value(path).GetOperation(method)
		for _, p := range op.Parameters {
			if p.Value.Name == name {
				return p.Value.Schema.Value
			}
		}
		t.Fatalf("%s %s has no parameter %s", method, path, name)
		return nil
	}
	for _, c := range []struct {
		what string
		spec *openapi3.Schema
		goes []string
	}{
		{"Role", schema("Role"), api.Roles},
		{"CustomerStatus", schema("CustomerStatus"), []string{api.StatusActive, api.StatusDisabled}},
		{"OrderStatus", schema("OrderStatus"), api.OrderStatuses},
		{"LedgerType", schema("LedgerType"), []string{api.LedgerEarn, api.LedgerRedeem, api.LedgerAdjust, api.LedgerExpire}},
		{"AdjustmentReason", schema("AdjustmentReason"), api.AdjustmentReasons},
		{"sort", param("/customers", "GET", "sort"), api.Sorts},
	} {
		got, want := enumOf(t, c.spec), slices.Clone(c.goes)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: contract enum %v, Go %v", c.what, got, want)
		}
	}
	if d := param("/customers", "GET", "sort").Default; d != api.Sorts[0] {
		t.Errorf("sort default %v, want %s", d, api.Sorts[0])
	}

	// Every Code* constant is in ErrorCode, and in the error schema of the
	// HTTP status its comment in api/types.go names.
	var codes []string
	for _, c := range goErrorCodes(t) {
		codes = append(codes, c.value)
		found := false
		for name, ref := range doc.Components.Schemas {
			if !strings.HasPrefix(name, "Error"+strconv.Itoa(c.status)) {
				continue
			}
			if slices.Contains(errorCodesOf(ref.Value), c.value) {
				found = true
			}
		}
		if !found && slices.Contains(enumOf(t, schema("ErrorCode")), c.value) {
			t.Errorf("%s (%q, %d in api/types.go): in no Error%d* schema of the contract", c.name, c.value, c.status, c.status)
		}
	}
	spec := enumOf(t, schema("ErrorCode"))
	slices.Sort(codes)
	slices.Sort(spec)
	for _, c := range codes {
		if !slices.Contains(spec, c) {
			t.Errorf("api/types.go has error code %q, the contract does not: add it to ErrorCode in api/openapi.yaml and to the Error<status> response of every operation that sends it", c)
		}
	}
	for _, c := range spec {
		if !slices.Contains(codes, c) {
			t.Errorf("the contract's ErrorCode has %q, api/types.go has no Code* constant for it", c)
		}
	}
}

// errorCodesOf collects the error.code enum values of an error envelope
// schema (error: allOf[ErrorBody, {code enum} | oneOf[...]]).
func errorCodesOf(s *openapi3.Schema) []string {
	e := s.Properties["error"]
	if e == nil {
		return nil
	}
	var out []string
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if c := s.Properties["code"]; c != nil && c.Ref == "" {
			for _, v := range c.Value.Enum {
				out = append(out, v.(string))
			}
		}
		for _, sub := range append(slices.Clone(s.AllOf), s.OneOf...) {
			if sub.Ref == "" {
				walk(sub.Value)
			}
		}
	}
	walk(e.Value)
	return out
}

// documentedCodes is goErrorCodes less the codes the contract does not
// document yet (TestEnumsMirrorGo reports those, once).
func documentedCodes(t *testing.T) []goCode {
	t.Helper()
	enum := enumOf(t, loadDoc(t).Components.Schemas["ErrorCode"].Value)
	var out []goCode
	for _, c := range goErrorCodes(t) {
		if slices.Contains(enum, c.value) {
			out = append(out, c)
		}
	}
	return out
}

type goCode struct {
	name, value string
	status      int
}

// goErrorCodes parses api/types.go for its Code* constants and the HTTP
// status each one's comment starts with, so a code added there without
// the contract fails a test.
func goErrorCodes(t *testing.T) []goCode {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../types.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var out []goCode
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Code") || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		value, _ := strconv.Unquote(lit.Value)
		c := goCode{name: "api." + vs.Names[0].Name, value: value}
		if vs.Comment != nil {
			fields := strings.Fields(vs.Comment.Text())
			if len(fields) > 0 {
				c.status, _ = strconv.Atoi(fields[0])
			}
		}
		if c.status == 0 {
			t.Errorf("%s: its comment in api/types.go does not start with the HTTP status", c.name)
		}
		out = append(out, c)
		return true
	})
	if len(out) < 17 {
		t.Fatalf("found only %d Code* constants in api/types.go", len(out))
	}
	return out
}

func TestLimitsMirrorValidateGo(t *testing.T) {
	doc := loadDoc(t)
	prop := func(schema, name string) *openapi3.Schema {
		return doc.Components.Schemas[schema].Value.Properties[name].Value
	}
	query := func(name string) *openapi3.Schema { return doc.Components.Parameters[name].Value.Schema.Value }
	num := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	points := prop("AdjustmentRequest", "points")
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"points maximum", num(points.Max), api.MaxAbsPoints},
		{"points minimum", num(points.Min), -api.MaxAbsPoints},
		{"adjustment note minLength", float64(prop("AdjustmentRequest", "note").MinLength), api.MinNoteLen},
		{"adjustment note maxLength", float64(*prop("AdjustmentRequest", "note").MaxLength), api.MaxAdjustNoteLen},
		{"note body minLength", float64(prop("NoteCreate", "body").MinLength), api.MinNoteLen},
		{"note body maxLength", float64(*prop("NoteCreate", "body").MaxLength), api.MaxNoteBodyLen},
		{"first_name maxLength", float64(*prop("CustomerCreate", "first_name").MaxLength), api.MaxNameLen},
		{"last_name maxLength", float64(*prop("CustomerPatch", "last_name").MaxLength), api.MaxNameLen},
		{"email maxLength", float64(*prop("CustomerCreate", "email").MaxLength), api.MaxEmailLen},
		{"address1 maxLength", float64(*prop("AddressInput", "address1").MaxLength), api.MaxAddressLineLen},
		{"search maxLength", float64(*doc.Paths.Value("/customers").Get.Parameters.GetByInAndName("query", "search").Schema.Value.MaxLength), api.MaxSearchQueryLen},
		{"limit maximum", num(query("Limit").Max), api.MaxPageLimit},
		{"limit default", query("Limit").Default.(float64), api.DefaultPageLimit},
		{"page minimum", num(query("Page").Min), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: contract %v, Go %v", c.what, c.got, c.want)
		}
	}
	if points.Not == nil || !slices.Contains(points.Not.Value.Enum, any(float64(0))) {
		t.Errorf("points: the contract must forbid 0 (not: {enum: [0]})")
	}
}

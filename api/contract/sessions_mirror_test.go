package contract_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"frontdesk/api"
)

// The on-behalf session, customer-scope and audit types (api/sessions.go)
// held against their schemas, like TestSchemasMirrorGoTypes does for the
// rest.
func TestSessionSchemasMirrorGoTypes(t *testing.T) {
	doc := loadDoc(t)
	for _, c := range []struct {
		schema string
		typ    reflect.Type
		// without lists Go fields the schema leaves out on purpose.
		without []string
	}{
		{"AgentSessionCreate", reflect.TypeFor[api.AgentSessionCreate](), nil},
		// Lists never carry the token; the grant always does.
		{"AgentSession", reflect.TypeFor[api.AgentSession](), []string{"token"}},
		{"AgentSessionGrant", reflect.TypeFor[api.AgentSession](), nil},
		{"AgentSessionList", reflect.TypeFor[api.AgentSessionList](), nil},
		{"Coupon", reflect.TypeFor[api.Coupon](), nil},
		{"CouponList", reflect.TypeFor[api.CouponList](), nil},
		{"PasswordReset", reflect.TypeFor[api.PasswordReset](), nil},
		{"AuditEntry", reflect.TypeFor[api.AuditEntry](), nil},
		{"AuditPage", reflect.TypeFor[api.AuditPage](), nil},
	} {
		ref := doc.Components.Schemas[c.schema]
		if ref == nil {
			t.Errorf("components.schemas.%s is missing", c.schema)
			continue
		}
		s := ref.Value
		if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
			t.Errorf("%s: want additionalProperties: false", c.schema)
		}
		var goNames []string
		for i := range c.typ.NumField() {
			f := c.typ.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || slices.Contains(c.without, name) {
				continue
			}
			goNames = append(goNames, name)
			where := c.schema + "." + name
			prop := s.Properties[name]
			if prop == nil {
				t.Errorf("%s: not in the contract", where)
				continue
			}
			required := slices.Contains(s.Required, name)
			omitempty := strings.Contains(opts, "omitempty")
			// The grant's token is omitempty in Go (lists leave it out)
			// but always set on a grant.
			if omitempty && required && !(c.schema == "AgentSessionGrant" && name == "token") {
				t.Errorf("%s: required in the contract, but Go leaves it out when empty", where)
			}
			if !omitempty && !required {
				t.Errorf("%s: always sent by Go, so the contract should require it", where)
			}
			raw := f.Type == reflect.TypeFor[json.RawMessage]()
			if want := f.Type.Kind() == reflect.Pointer || raw; prop.Value.Nullable != want {
				t.Errorf("%s: nullable=%v in the contract, want %v", where, prop.Value.Nullable, want)
			}
			want := goSchemaType(f.Type)
			if raw {
				want = "object"
			}
			if got := schemaType(prop); want != got {
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

	for _, c := range []struct {
		what string
		got  []string
		want []string
	}{
		{"AuditAction", enumOf(t, doc.Components.Schemas["AuditAction"].Value), api.AuditActions},
		{"CouponKind", enumOf(t, doc.Components.Schemas["CouponKind"].Value), api.CouponKinds},
	} {
		got, want := slices.Clone(c.got), slices.Clone(c.want)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: contract enum %v, Go %v", c.what, got, want)
		}
	}

	create := doc.Components.Schemas["AgentSessionCreate"].Value
	for _, c := range []struct {
		what      string
		got, want uint64
	}{
		{"reason minLength", create.Properties["reason"].Value.MinLength, api.MinSessionReasonLen},
		{"reason maxLength", *create.Properties["reason"].Value.MaxLength, api.MaxSessionReasonLen},
		{"ticket maxLength", *create.Properties["ticket"].Value.MaxLength, api.MaxTicketLen},
	} {
		if c.got != c.want {
			t.Errorf("AgentSessionCreate %s: contract %d, Go %d", c.what, c.got, c.want)
		}
	}
}

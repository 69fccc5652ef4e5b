package openapi

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"frontdesk/api"
)

// Pelcro's wire format, field for field as client/openapi/testdata
// records it.

type successBody struct {
	Data any `json:"data"`
}

type validationBody struct {
	Errors map[string][]string `json:"errors"`
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// wireAddress is an address as react-pelcro-js sends and shows it.
type wireAddress struct {
	ID         int64  `json:"id"`
	Type       string `json:"type"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	State      string `json:"state"`
	Country    string `json:"country"`
	PostalCode string `json:"postal_code"`
	IsDefault  bool   `json:"is_default"`
}

// wireSDKCustomer is the Open API's customer resource
// (testdata/sdk_customer.json).
type wireSDKCustomer struct {
	ID            int64           `json:"id"`
	Name          string          `json:"name"`
	FullName      string          `json:"full_name"`
	FirstName     string          `json:"first_name"`
	LastName      string          `json:"last_name"`
	DisplayName   string          `json:"display_name"`
	Username      string          `json:"username"`
	Email         string          `json:"email"`
	Phone         string          `json:"phone"`
	Language      string          `json:"language"`
	EmailConfirm  bool            `json:"email_confirm"`
	Metadata      json.RawMessage `json:"metadata"`
	Subscriptions []any           `json:"subscriptions"`
	Memberships   []any           `json:"memberships"`
	Addresses     []wireAddress   `json:"addresses"`
	Sources       []any           `json:"sources"`
	AuthToken     string          `json:"auth_token"`
	Token         string          `json:"token"`
}

// wireCoreCustomer is the Core API's customer object
// (testdata/core_customer.json).
type wireCoreCustomer struct {
	ID           int64           `json:"id"`
	Email        string          `json:"email"`
	EmailConfirm bool            `json:"email_confirm"`
	FirstName    string          `json:"first_name"`
	LastName     string          `json:"last_name"`
	DisplayName  string          `json:"display_name"`
	Username     string          `json:"username"`
	Name         string          `json:"name"`
	Phone        string          `json:"phone"`
	Metadata     json.RawMessage `json:"metadata"`
	Addresses    []wireAddress   `json:"addresses"`
	CreatedAt    int64           `json:"created_at"`
}

// wireCoupon is an eligible coupon (testdata/sdk_coupons.json).
type wireCoupon struct {
	Code       string   `json:"code"`
	PercentOff *float64 `json:"percent_off"`
	AmountOff  *int64   `json:"amount_off"`
	Currency   *string  `json:"currency"`
}

// wireAccount is the Core API's account (testdata/core_account.json).
type wireAccount struct {
	ID               int64  `json:"id"`
	Company          string `json:"company"`
	Country          string `json:"country"`
	DefaultCurrency  string `json:"default_currency"`
	IsEnterprise     bool   `json:"is_enterprise"`
	TaxesEnabled     bool   `json:"taxes_enabled"`
	APICoreRateLimit int    `json:"api_core_rate_limit"`
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// username is a Pelcro-style username ("zakary-bernier") made unique by
// the id: alphanumerics, dashes and underscores only.
func username(c api.Customer) string {
	s := strings.Trim(notSlug.ReplaceAllString(strings.ToLower(c.Name()), "-"), "-")
	if s == "" {
		s = "customer"
	}
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s + "-" + string(c.ID)
}

func numID(id api.ID) int64 {
	n, _ := strconv.ParseInt(string(id), 10, 64)
	return n
}

func addresses(c api.Customer) []wireAddress {
	out := make([]wireAddress, 0, len(c.Addresses))
	for _, a := range c.Addresses {
		out = append(out, wireAddress{
			ID: numID(a.ID), Type: a.Type, FirstName: c.FirstName, LastName: c.LastName,
			Line1: a.Address1, Line2: a.Address2, City: a.City, State: a.State, Country: a.Country,
			PostalCode: a.Zip, IsDefault: a.Default,
		})
	}
	return out
}

var emptyObject = json.RawMessage(`{}`)

// sdkCustomer is c as the Open API's customer resource, carrying tok.
// The sandbox has no subscriptions, memberships or payment methods:
// those lists are empty.
func sdkCustomer(c api.Customer, tok string) wireSDKCustomer {
	return wireSDKCustomer{
		ID: numID(c.ID), Name: c.Name(), FullName: c.Name(), FirstName: c.FirstName, LastName: c.LastName,
		DisplayName: c.Name(), Username: username(c), Email: c.Email, Phone: c.Phone, Language: "en",
		EmailConfirm: c.EmailConfirmed, Metadata: emptyObject, Subscriptions: []any{}, Memberships: []any{},
		Addresses: addresses(c), Sources: []any{}, AuthToken: tok, Token: tok,
	}
}

// coreCustomer is c as the Core API's customer object.
func coreCustomer(c api.Customer) wireCoreCustomer {
	return wireCoreCustomer{
		ID: numID(c.ID), Email: c.Email, EmailConfirm: c.EmailConfirmed, FirstName: c.FirstName, LastName: c.LastName,
		DisplayName: c.Name(), Username: username(c), Name: c.Name(), Phone: c.Phone, Metadata: emptyObject,
		Addresses: addresses(c), CreatedAt: c.CreatedAt.Unix(),
	}
}

// coupon is a sandbox coupon as Pelcro's: a percentage in percent_off,
// a fixed amount in amount_off (minor units) with its currency; free
// shipping has neither.
func coupon(c api.Coupon) wireCoupon {
	out := wireCoupon{Code: c.Code}
	switch c.Kind {
	case api.CouponPercent:
		v := float64(c.Value)
		out.PercentOff = &v
	case api.CouponFixed:
		v, cur := c.Value, strings.ToLower(c.Currency)
		out.AmountOff, out.Currency = &v, &cur
	}
	return out
}

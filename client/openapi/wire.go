package openapi

import (
	"encoding/json"
	"hash/fnv"
	"strings"
	"time"

	"frontdesk/api"
)

// The wire format, field for field as testdata/ records it (see its
// README for where each file came from).

// envelope is every success: {"data": …} (the Open API's customer
// resource is read from data.auth_token / data.token; the Core API's
// envelope is assumed to be the same).
type envelope struct {
	Data json.RawMessage `json:"data"`
}

// errorBody is every failure Pelcro documents: validation errors
// {"errors":{field:[message,…]}} (400), and application and
// authentication errors {"error":{"status":401,"message":"…"}}.
type errorBody struct {
	Errors map[string][]string `json:"errors"`
	Error  *struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"error"`
	// Message is a bare {"message":"…"}, which some endpoints answer
	// (react-pelcro-js reads response.data.message first).
	Message string `json:"message"`
}

// wireAddress is one of a customer's addresses (the fields
// react-pelcro-js sends and shows: AddressCreateContainer.js,
// AddressSelectList.js).
type wireAddress struct {
	ID         json.Number `json:"id"`
	Type       string      `json:"type"`
	FirstName  string      `json:"first_name"`
	LastName   string      `json:"last_name"`
	Line1      string      `json:"line1"`
	Line2      string      `json:"line2"`
	City       string      `json:"city"`
	State      string      `json:"state"`
	Country    string      `json:"country"`
	PostalCode string      `json:"postal_code"`
	IsDefault  bool        `json:"is_default"`
}

// wireCustomer is the customer resource of both APIs: the fields seed
// 002's "Customer Object" and Core's customer object share, plus the
// Open API's token. Values Pelcro documents as nullable (string||null)
// decode to "" when null.
type wireCustomer struct {
	ID           json.Number     `json:"id"`
	Email        string          `json:"email"`
	EmailConfirm bool            `json:"email_confirm"`
	FirstName    *string         `json:"first_name"`
	LastName     *string         `json:"last_name"`
	DisplayName  *string         `json:"display_name"`
	Username     *string         `json:"username"`
	Phone        *string         `json:"phone"`
	Language     *string         `json:"language"`
	Metadata     json.RawMessage `json:"metadata"`
	Addresses    []wireAddress   `json:"addresses"`
	// CreatedAt is Core's unix time (seconds); the Open API's resource
	// is not documented to carry it.
	CreatedAt *int64 `json:"created_at"`
	// AuthToken and Token are the customer's JWT (Open API only): the
	// same token under two names.
	AuthToken string `json:"auth_token"`
	Token     string `json:"token"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// jwt is the customer's token from a customer resource.
func (w wireCustomer) jwt() string {
	if w.AuthToken != "" {
		return w.AuthToken
	}
	return w.Token
}

// customer maps the wire customer onto frontdesk's, with the version
// PatchCustomer compares (Version).
func customer(w wireCustomer) api.Customer {
	out := api.Customer{
		ID:             api.ID(w.ID.String()),
		Email:          w.Email,
		EmailConfirmed: w.EmailConfirm,
		FirstName:      str(w.FirstName),
		LastName:       str(w.LastName),
		Phone:          str(w.Phone),
		Addresses:      make([]api.Address, 0, len(w.Addresses)),
	}
	if w.CreatedAt != nil && *w.CreatedAt > 0 {
		out.CreatedAt = time.Unix(*w.CreatedAt, 0).UTC()
	}
	for _, a := range w.Addresses {
		out.Addresses = append(out.Addresses, api.Address{
			ID: api.ID(a.ID.String()), Type: a.Type, Address1: a.Line1, Address2: a.Line2,
			City: a.City, State: a.State, Zip: a.PostalCode, Country: a.Country, Default: a.IsDefault,
		})
	}
	out.Version = Version(out)
	return out
}

// Version is the version PatchCustomer compares: a hash of the fields an
// agent edits (email, names, phone), so that a change to any of them
// since the agent read the customer is a conflict. Pelcro has no version
// of its own. It is positive and below 2^53, so it survives JSON.
func Version(c api.Customer) int64 {
	h := fnv.New64a()
	for _, s := range []string{strings.ToLower(c.Email), c.FirstName, c.LastName, c.Phone} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return int64(h.Sum64()&(1<<53-1)) + 1
}

// wireUpdate is the body of PUT …/customer (Open API) and PUT
// …/customers/{id} (Core): only the fields sent change.
type wireUpdate struct {
	Email     *string `json:"email,omitempty"`
	FirstName *string `json:"first_name,omitempty"`
	LastName  *string `json:"last_name,omitempty"`
	Phone     *string `json:"phone,omitempty"`
}

// wireCoupon is one eligible coupon. code and percent_off are what
// react-pelcro-js reads of a coupon (PaymentMethodContainer.js);
// amount_off and currency are assumed (docs/platforms.md).
type wireCoupon struct {
	Code       string   `json:"code"`
	PercentOff *float64 `json:"percent_off"`
	AmountOff  *int64   `json:"amount_off"`
	Currency   *string  `json:"currency"`
}

func coupon(w wireCoupon) api.Coupon {
	out := api.Coupon{Code: w.Code, Description: w.Code}
	switch {
	case w.PercentOff != nil && *w.PercentOff > 0:
		out.Kind, out.Value = api.CouponPercent, int64(*w.PercentOff)
	case w.AmountOff != nil && *w.AmountOff > 0:
		out.Kind, out.Value = api.CouponFixed, *w.AmountOff
		out.Currency = strings.ToUpper(str(w.Currency))
	}
	// Neither: Pelcro did not say what the coupon takes off; Kind stays
	// "" rather than guess.
	return out
}

// wireAccount is the data of GET /api/v1/core/account.
type wireAccount struct {
	ID              json.Number `json:"id"`
	Company         string      `json:"company"`
	Country         string      `json:"country"`
	DefaultCurrency string      `json:"default_currency"`
}

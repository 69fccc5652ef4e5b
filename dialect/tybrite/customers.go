package tybrite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"frontdesk/api"
	storage "frontdesk/store"
)

// wireTime is the API's timestamp: microseconds and a numeric zone,
// "2026-06-20T13:47:44.9279+00:00" (schema examples).
func wireTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.999999-07:00") }

// storeMetrics is Customer.store_metrics: null until there are purchases.
type storeMetrics struct {
	TotalPurchases    int     `json:"total_purchases"`
	TotalSpent        float64 `json:"total_spent"`
	FirstPurchaseDate string  `json:"first_purchase_date,omitempty"`
	LastPurchaseDate  string  `json:"last_purchase_date,omitempty"`
}

// wireCustomer is components.schemas.Customer as far as the sandbox can
// fill it: the keys of the schema's examples, plus last_purchase and
// store_metrics (which getCustomer's `fields` names). external_id is
// always null and marketing_consent false (the sandbox keeps neither);
// store credit is 0 (no returns). tier and custom_fields are left out:
// the sandbox has no tiering rules and no merchant fields.
type wireCustomer struct {
	ID                 string        `json:"id"`
	Name               string        `json:"name"`
	Email              string        `json:"email"`
	Phone              string        `json:"phone"`
	Address            *string       `json:"address"`
	Status             string        `json:"status"`
	JoinDate           string        `json:"join_date"`
	ExternalID         *string       `json:"external_id"`
	MarketingConsent   bool          `json:"marketing_consent"`
	TotalPurchases     int           `json:"total_purchases"`
	LastPurchase       *string       `json:"last_purchase"`
	StoreCreditBalance float64       `json:"store_credit_balance"`
	CreatedAt          string        `json:"created_at"`
	UpdatedAt          string        `json:"updated_at"`
	StoreMetrics       *storeMetrics `json:"store_metrics"`
}

// major is an amount of minor units in the API's major units.
func major(minor int64) float64 { return float64(minor) / 100 }

// addressLine is the sandbox customer's first address as Tybrite's one
// address string (shipping first), nil without one.
func addressLine(as []api.Address) *string {
	if len(as) == 0 {
		return nil
	}
	a := as[0]
	for _, x := range as {
		if x.Type == "shipping" {
			a = x
			break
		}
	}
	var parts []string
	for _, p := range []string{a.Address1, a.Address2, a.City, strings.TrimSpace(a.State + " " + a.Zip), a.Country} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	s := strings.Join(parts, ", ")
	return &s
}

// customer renders sandbox customer c (with its store metrics).
func (h *Handler) customer(ctx context.Context, tx storage.Tx, c api.Customer) (wireCustomer, error) {
	u, _ := CustomerUUID(c.ID)
	st := "active"
	if c.Status == api.StatusDisabled {
		st = "inactive"
	}
	w := wireCustomer{
		ID: u, Name: strings.TrimSpace(c.FirstName + " " + c.LastName), Email: c.Email, Phone: c.Phone,
		Address: addressLine(c.Addresses), Status: st, JoinDate: c.CreatedAt.UTC().Format(time.DateOnly),
		TotalPurchases: c.TotalOrders, CreatedAt: wireTime(c.CreatedAt), UpdatedAt: wireTime(c.UpdatedAt),
	}
	first, last, err := tx.OrderDates(ctx, c.ID)
	if err != nil {
		return w, err
	}
	if last != nil {
		s := wireTime(*last)
		w.LastPurchase = &s
	}
	if c.TotalOrders > 0 {
		m := &storeMetrics{TotalPurchases: c.TotalOrders, TotalSpent: major(c.TotalSpent)}
		if first != nil {
			m.FirstPurchaseDate = wireTime(*first)
		}
		if last != nil {
			m.LastPurchaseDate = wireTime(*last)
		}
		w.StoreMetrics = m
	}
	return w, nil
}

// allowedFields is getCustomer's documented `fields` list.
var allowedFields = map[string]bool{
	"id": true, "name": true, "email": true, "phone": true, "address": true, "status": true,
	"join_date": true, "total_purchases": true, "last_purchase": true,
	"created_at": true, "updated_at": true, "store_metrics": true,
}

// selectFields keeps the fields named (dot notation for store_metrics.*).
func selectFields(w wireCustomer, fields string) (any, error) {
	raw, err := json.Marshal(w)
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	out := map[string]any{}
	sub := map[string]json.RawMessage{}
	for _, f := range strings.Split(fields, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(f, "store_metrics."); ok && rest != "" {
			if _, whole := out["store_metrics"]; whole {
				continue
			}
			var m map[string]json.RawMessage
			_ = json.Unmarshal(all["store_metrics"], &m) // null stays nil
			if v, ok := m[rest]; ok {
				sub[rest] = v
			}
			continue
		}
		if !allowedFields[f] {
			return nil, &apiError{status: http.StatusBadRequest, code: codeInvalidRequest, message: "Invalid fields parameter",
				details: fmt.Sprintf("%q is not a field you can select", f),
				hint:    "allowed: id, name, email, phone, address, status, join_date, total_purchases, last_purchase, created_at, updated_at, store_metrics, store_metrics.*"}
		}
		out[f] = all[f]
	}
	if _, whole := out["store_metrics"]; !whole && len(sub) > 0 {
		out["store_metrics"] = sub
	}
	return out, nil
}

// pathCustomer is the sandbox id of a path's customer uuid: 400 for text
// that is no uuid, 404 for a uuid the sandbox cannot have made.
func pathCustomer(p string) (api.ID, error) {
	if !isUUID(p) {
		return "", invalid("the customer id must be a uuid, not %q", p)
	}
	id, ok := CustomerID(p)
	if !ok {
		return "", notFound("Customer")
	}
	return id, nil
}

func (h *Handler) getCustomer(ctx context.Context, r *http.Request, p string) (any, error) {
	if !isUUID(p) {
		return nil, invalid("the customer id must be a uuid, not %q", p)
	}
	if err := h.customerCredential(r, p); err != nil {
		return nil, err
	}
	id, err := pathCustomer(p)
	if err != nil {
		return nil, err
	}
	var w wireCustomer
	err = h.st.Read(ctx, func(tx storage.Tx) error {
		c, err := tx.Customer(ctx, id)
		if err != nil {
			return err
		}
		w, err = h.customer(ctx, tx, c)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, notFound("Customer")
	}
	if err != nil {
		return nil, err
	}
	if f := r.URL.Query().Get("fields"); f != "" {
		return selectFields(w, f)
	}
	return w, nil
}

// decodeBody reads a JSON object body into v.
func decodeBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return invalid("the body could not be read")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return invalid("the body must be a JSON object: %v", err)
	}
	return nil
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// nameParts splits Tybrite's one name as the driver does: the first word
// is the first name, the rest the last name.
func nameParts(name string) (first, last string) {
	name = strings.TrimSpace(name)
	i := strings.IndexAny(name, " \t")
	if i < 0 {
		return name, ""
	}
	return name[:i], strings.TrimSpace(name[i+1:])
}

// oneAddress is Tybrite's address string as the sandbox's one address.
func oneAddress(s string) []api.Address {
	if strings.TrimSpace(s) == "" {
		return []api.Address{}
	}
	return []api.Address{{Type: "shipping", Address1: strings.TrimSpace(s), Default: true}}
}

type createBody struct {
	Email            *string `json:"email"`
	Name             string  `json:"name"`
	Phone            string  `json:"phone"`
	Address          string  `json:"address"`
	Status           string  `json:"status"`
	JoinDate         string  `json:"join_date"`
	ExternalID       *string `json:"external_id"`
	MarketingConsent bool    `json:"marketing_consent"`
}

func (h *Handler) createCustomer(ctx context.Context, r *http.Request) (any, error) {
	var b createBody
	if err := decodeBody(r, &b); err != nil {
		return nil, err
	}
	switch {
	case b.Email == nil || *b.Email == "":
		return nil, invalid("The 'email' field is required")
	case !validEmail(*b.Email):
		return nil, invalid("The 'email' field must be an email address")
	case b.Status != "" && b.Status != "active" && b.Status != "inactive":
		return nil, invalid("status must be active or inactive")
	case b.ExternalID != nil || b.MarketingConsent || b.JoinDate != "":
		return nil, &apiError{status: http.StatusBadRequest, code: codeInvalidRequest, message: "Invalid request parameters",
			details: "the sandbox keeps no external_id, marketing_consent or join_date", hint: "leave them out when testing against the sandbox"}
	}
	first, last := nameParts(b.Name)
	now := h.now()
	var w wireCustomer
	err := h.st.Write(ctx, func(tx storage.Tx) error {
		if owner, err := tx.EmailOwner(ctx, *b.Email, ""); err != nil {
			return err
		} else if owner != "" {
			return &apiError{status: http.StatusConflict, code: codeConflict, message: "A customer with this email already exists for this store"}
		}
		id, err := tx.CreateCustomer(ctx, api.CustomerCreate{Email: *b.Email, FirstName: first, LastName: last,
			Phone: strings.TrimSpace(b.Phone), Addresses: oneAddress(b.Address)}, now)
		if err != nil {
			return err
		}
		c, err := tx.Customer(ctx, id)
		if err != nil {
			return err
		}
		if b.Status == "inactive" {
			st := api.StatusDisabled
			if err := tx.UpdateCustomer(ctx, id, c.Version, storage.CustomerUpdate{CustomerPatch: api.CustomerPatch{Status: &st}, At: now}); err != nil {
				return err
			}
			if c, err = tx.Customer(ctx, id); err != nil {
				return err
			}
		}
		w, err = h.customer(ctx, tx, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]wireCustomer{"customer": w}, nil
}

type patchBody struct {
	Email      *string         `json:"email"`
	Phone      *string         `json:"phone"`
	Name       *string         `json:"name"`
	Address    *string         `json:"address"`
	Status     *string         `json:"status"`
	ExternalID *string         `json:"external_id"`
	StoreID    json.RawMessage `json:"store_id"`
	AuthUserID json.RawMessage `json:"auth_user_id"`
	Env        json.RawMessage `json:"environment"`
}

func (h *Handler) updateCustomer(ctx context.Context, r *http.Request, p string) (any, error) {
	if !isUUID(p) {
		return nil, invalid("the customer id must be a uuid, not %q", p)
	}
	if err := h.customerCredential(r, p); err != nil {
		return nil, err
	}
	id, err := pathCustomer(p)
	if err != nil {
		return nil, err
	}
	var b patchBody
	if err := decodeBody(r, &b); err != nil {
		return nil, err
	}
	var patch api.CustomerPatch
	switch {
	case b.StoreID != nil || b.AuthUserID != nil || b.Env != nil:
		return nil, invalid("store_id, auth_user_id and environment are protected fields and cannot be modified")
	case b.ExternalID != nil:
		return nil, &apiError{status: http.StatusBadRequest, code: codeInvalidRequest, message: "Invalid request parameters",
			details: "the sandbox keeps no external_id", hint: "leave it out when testing against the sandbox"}
	case b.Email != nil && !validEmail(*b.Email):
		return nil, invalid("The 'email' field must be an email address")
	case b.Status != nil && *b.Status != "active" && *b.Status != "inactive":
		return nil, invalid("status must be active or inactive")
	}
	patch.Email, patch.Phone = b.Email, b.Phone
	if b.Name != nil {
		first, last := nameParts(*b.Name)
		patch.FirstName, patch.LastName = &first, &last
	}
	if b.Status != nil {
		st := api.StatusActive
		if *b.Status == "inactive" {
			st = api.StatusDisabled
		}
		patch.Status = &st
	}
	if b.Address != nil {
		as := oneAddress(*b.Address)
		patch.Addresses = &as
	}
	var w wireCustomer
	err = h.st.Write(ctx, func(tx storage.Tx) error {
		c, err := tx.Customer(ctx, id)
		if err != nil {
			return err
		}
		if patch.Email != nil {
			if owner, err := tx.EmailOwner(ctx, *patch.Email, id); err != nil {
				return err
			} else if owner != "" {
				return &apiError{status: http.StatusConflict, code: codeConflict, message: "A customer with this email already exists for this store"}
			}
		}
		if !patch.Empty() {
			if err := tx.UpdateCustomer(ctx, id, c.Version, storage.CustomerUpdate{CustomerPatch: patch, At: h.now()}); err != nil {
				return err
			}
			if c, err = tx.Customer(ctx, id); err != nil {
				return err
			}
		}
		w, err = h.customer(ctx, tx, c)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, notFound("Customer")
	}
	if err != nil {
		return nil, err
	}
	return map[string]wireCustomer{"customer": w}, nil
}

package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"frontdesk/api"
	"frontdesk/client"
)

// Me is who the API key acts as. Pelcro has no agents: Me checks the key
// with GET /api/v1/core/account (a wrong or expired key is 401 there) and
// describes a synthetic agent named after the account, with role
// supervisor. The role is not a grant — the API key is all the
// permission there is, and Pelcro enforces it; it is the role under
// which frontdesk's own role checks never stand in front of Pelcro's
// reasons (see the store driver's Me, docs/platforms.md).
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	var acct wireAccount
	if err := c.do(ctx, call{method: http.MethodGet, path: CoreBase + "/account", bearer: c.cfg.APIKey, retry: true,
		what: "check the API key with GET /account"}, &acct); err != nil {
		return api.Me{}, err
	}
	name := "Pelcro API key for site " + c.cfg.SiteID
	if acct.Company != "" {
		name += " (" + acct.Company + ")"
	}
	return api.Me{AgentID: c.cfg.KeyID, Name: name, Role: api.RoleSupervisor, KeyID: c.cfg.KeyID}, nil
}

// idPath checks a customer id (Pelcro's are integers) and escapes it.
func idPath(id api.ID) (string, error) {
	s := strings.TrimSpace(string(id))
	if s == "" {
		return "", fmt.Errorf("no customer id given")
	}
	if !isDigits(s) {
		return "", &client.APIError{K: client.KindNotFound, Code: api.CodeNotFound,
			Message: fmt.Sprintf("%q is not a Pelcro customer id: Pelcro's customer ids are numbers", truncate(s, 40))}
	}
	return "/" + url.PathEscape(s), nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// GetCustomer reads one customer with the API key (GET
// /api/v1/core/customers/{id}). Its Version is the hash of the editable
// fields (Version).
func (c *Client) GetCustomer(ctx context.Context, id api.ID) (api.Customer, error) {
	p, err := idPath(id)
	if err != nil {
		return api.Customer{}, fmt.Errorf("get customer %s: %w", truncate(string(id), 40), err)
	}
	var w wireCustomer
	if err := c.do(ctx, call{method: http.MethodGet, path: CoreBase + "/customers" + p, bearer: c.cfg.APIKey, retry: true,
		what: "get customer " + string(id)}, &w); err != nil {
		return api.Customer{}, err
	}
	return c.checked(w, id, "get customer "+string(id))
}

// checked maps w, making sure Pelcro answered about customer id.
func (c *Client) checked(w wireCustomer, id api.ID, what string) (api.Customer, error) {
	if w.ID.String() == "" {
		return api.Customer{}, fmt.Errorf("%s: %w", what, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "Pelcro's answer has no customer id in it"})
	}
	cu := customer(w)
	if id != "" && cu.ID != api.ID(strings.TrimSpace(string(id))) {
		return api.Customer{}, fmt.Errorf("%s: %w", what, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: fmt.Sprintf("Pelcro answered with customer %s instead", cu.ID)})
	}
	return cu, nil
}

// update is the body for p; status and addresses cannot be sent (Pelcro
// has no such customer status, and addresses are their own resource).
func update(p api.CustomerPatch) (wireUpdate, error) {
	f := map[string]string{}
	if p.Status != nil {
		f["status"] = "Pelcro customers have no status frontdesk can change"
	}
	if p.Addresses != nil {
		f["addresses"] = "Pelcro keeps addresses as their own resource; frontdesk does not change them"
	}
	if len(f) > 0 {
		return wireUpdate{}, &client.APIError{K: client.KindInvalid, Code: CodeValidation, Message: "these fields cannot be changed on Pelcro", Fields: f}
	}
	if p.Empty() {
		return wireUpdate{}, &client.APIError{K: client.KindInvalid, Code: CodeValidation, Message: "the change is empty: set at least one of email, first name, last name, phone"}
	}
	return wireUpdate{Email: p.Email, FirstName: p.FirstName, LastName: p.LastName, Phone: p.Phone}, nil
}

// conflict is the error for a customer changed since version was read.
func conflict(cur api.Customer, version string) *client.APIError {
	return &client.APIError{K: client.KindConflict, Status: http.StatusPreconditionFailed, Code: CodeVersionMismatch,
		CurrentVersion: client.CustomerVersion(cur),
		Message: fmt.Sprintf("customer %s changed since it was read (version %s, now %s): reload it and make the change again",
			cur.ID, version, client.CustomerVersion(cur))}
}

// PatchCustomer changes the fields set in p with the API key (PUT
// /api/v1/core/customers/{id}, a partial update). Pelcro has no
// optimistic concurrency, so the driver first re-reads the customer and
// compares its version with version: a difference is a KindConflict
// carrying the current version, as a 412 would be. A change made between
// the re-read and the PUT is not detected (docs/platforms.md). It is
// never retried.
func (c *Client) PatchCustomer(ctx context.Context, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	what := "update customer " + string(id)
	body, err := update(p)
	if err != nil {
		return api.Customer{}, fmt.Errorf("%s: %w", what, err)
	}
	path, err := idPath(id)
	if err != nil {
		return api.Customer{}, fmt.Errorf("%s: %w", what, err)
	}
	cur, err := c.GetCustomer(ctx, id)
	if err != nil {
		return api.Customer{}, err
	}
	if v := client.CustomerVersion(cur); version == "" || v != version {
		return api.Customer{}, fmt.Errorf("%s: %w", what, conflict(cur, version))
	}
	var w wireCustomer
	if err := c.do(ctx, call{method: http.MethodPut, path: CoreBase + "/customers" + path, bearer: c.cfg.APIKey, body: body,
		what: what}, &w); err != nil {
		return api.Customer{}, err
	}
	return c.checked(w, id, what)
}

// --- As the customer: the Open API, with the customer's token. ---

// needToken refuses a call without a token before it is sent.
func needToken(token, what string) error {
	if strings.TrimSpace(token) == "" {
		return fmt.Errorf("%s: %w", what, &client.APIError{K: client.KindUnauthenticated, Code: CodeUnauthenticated,
			Message: "no customer token: the Open API runs as the customer, with the token the customer got by logging in"})
	}
	return nil
}

// CustomerAs reads the token's customer (POST /api/v1/sdk/customer:
// "Get customer", which echoes the token) and returns the token the
// answer carries.
func (c *Client) CustomerAs(ctx context.Context, token string) (api.Customer, string, error) {
	const what = "get customer as the customer"
	if err := needToken(token, what); err != nil {
		return api.Customer{}, "", err
	}
	var w wireCustomer
	// Get customer is a POST that only reads: it may be retried.
	if err := c.do(ctx, call{method: http.MethodPost, path: SDKBase + "/customer", bearer: token, retry: true, what: what}, &w); err != nil {
		return api.Customer{}, "", err
	}
	cu, err := c.checked(w, "", what)
	return cu, w.jwt(), err
}

// GetCustomerAs reads customer id as the customer: the token's customer
// must be id (KindForbidden otherwise, like the desk's 403).
func (c *Client) GetCustomerAs(ctx context.Context, token string, id api.ID) (api.Customer, error) {
	cu, _, err := c.CustomerAs(ctx, token)
	if err != nil {
		return api.Customer{}, err
	}
	if err := sameCustomer(cu, id); err != nil {
		return api.Customer{}, fmt.Errorf("get customer %s as the customer: %w", id, err)
	}
	return cu, nil
}

func sameCustomer(cu api.Customer, id api.ID) error {
	if cu.ID != api.ID(strings.TrimSpace(string(id))) {
		return &client.APIError{K: client.KindForbidden, Code: CodeTokenCustomerMismatch,
			Message: fmt.Sprintf("the customer token is for another customer than %s", truncate(string(id), 40))}
	}
	return nil
}

// UpdateAs changes the token's customer (PUT /api/v1/sdk/customer,
// partial) and returns the customer and the fresh token Pelcro answers
// with. A new email resets email_confirm (seed 002). It is never retried.
func (c *Client) UpdateAs(ctx context.Context, token string, p api.CustomerPatch) (api.Customer, string, error) {
	const what = "update customer as the customer"
	if err := needToken(token, what); err != nil {
		return api.Customer{}, "", err
	}
	body, err := update(p)
	if err != nil {
		return api.Customer{}, "", fmt.Errorf("%s: %w", what, err)
	}
	var w wireCustomer
	if err := c.do(ctx, call{method: http.MethodPut, path: SDKBase + "/customer", bearer: token, body: body, what: what}, &w); err != nil {
		return api.Customer{}, "", err
	}
	cu, err := c.checked(w, "", what)
	return cu, w.jwt(), err
}

// PatchCustomerAs edits customer id as the customer, based on version:
// it re-reads the customer with the token, compares (KindConflict with
// the current version on a difference, KindForbidden when the token is
// another customer's) and then updates. Pelcro's fresh token in the
// answer is not kept: the session's token stays valid until it expires
// (UpdateAs returns it for callers that keep tokens).
func (c *Client) PatchCustomerAs(ctx context.Context, token string, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	what := "update customer " + string(id) + " as the customer"
	if _, err := update(p); err != nil {
		return api.Customer{}, fmt.Errorf("%s: %w", what, err)
	}
	cur, err := c.GetCustomerAs(ctx, token, id)
	if err != nil {
		return api.Customer{}, err
	}
	if v := client.CustomerVersion(cur); version == "" || v != version {
		return api.Customer{}, fmt.Errorf("%s: %w", what, conflict(cur, version))
	}
	cu, _, err := c.UpdateAs(ctx, token, p)
	return cu, err
}

// Refresh exchanges the token for a fresh one (POST
// /api/v1/sdk/customer/refresh) and returns it with the customer. It is
// never retried: a lost answer would leave two live tokens, one unknown.
func (c *Client) Refresh(ctx context.Context, token string) (string, api.Customer, error) {
	const what = "refresh the customer token"
	if err := needToken(token, what); err != nil {
		return "", api.Customer{}, err
	}
	var w wireCustomer
	if err := c.do(ctx, call{method: http.MethodPost, path: SDKBase + "/customer/refresh", bearer: token, what: what}, &w); err != nil {
		return "", api.Customer{}, err
	}
	cu, err := c.checked(w, "", what)
	if err == nil && w.jwt() == "" {
		err = fmt.Errorf("%s: %w", what, &client.APIError{Status: 200, Code: client.CodeBadResponse, Message: "Pelcro's answer carries no new token"})
	}
	return w.jwt(), cu, err
}

// Coupons lists the coupons the token's customer may use (GET
// /api/v1/sdk/customer/coupons: coupons of the segments the customer is
// in); the token must be customer id's.
func (c *Client) Coupons(ctx context.Context, token string, id api.ID) ([]api.Coupon, error) {
	what := "list the coupons of customer " + string(id)
	if _, err := c.GetCustomerAs(ctx, token, id); err != nil {
		return nil, err
	}
	var ws []wireCoupon
	if err := c.do(ctx, call{method: http.MethodGet, path: SDKBase + "/customer/coupons", bearer: token, retry: true, what: what}, &ws); err != nil {
		return nil, err
	}
	out := make([]api.Coupon, 0, len(ws))
	for _, w := range ws {
		out = append(out, coupon(w))
	}
	return out, nil
}

// EligiblePlans lists the plans the token's customer may subscribe to
// (GET /api/v1/sdk/customer/plans), as Pelcro's plan resources: their
// shape is not documented where frontdesk could read it, so they are
// handed back unread.
func (c *Client) EligiblePlans(ctx context.Context, token string) ([]json.RawMessage, error) {
	return c.rawList(ctx, token, "/customer/plans", "list the customer's eligible plans")
}

// EligibleSKUs lists the product SKUs the token's customer may buy (GET
// /api/v1/sdk/customer/product_sku), unread like EligiblePlans.
func (c *Client) EligibleSKUs(ctx context.Context, token string) ([]json.RawMessage, error) {
	return c.rawList(ctx, token, "/customer/product_sku", "list the customer's eligible product SKUs")
}

func (c *Client) rawList(ctx context.Context, token, path, what string) ([]json.RawMessage, error) {
	if err := needToken(token, what); err != nil {
		return nil, err
	}
	var out []json.RawMessage
	if err := c.do(ctx, call{method: http.MethodGet, path: SDKBase + path, bearer: token, retry: true, what: what}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// RequestEmailVerification asks Pelcro to mail the token's customer a
// verification link (GET /api/v1/sdk/customer/email/verify). It is
// never retried (each attempt may send a mail).
func (c *Client) RequestEmailVerification(ctx context.Context, token string) error {
	const what = "request an email verification"
	if err := needToken(token, what); err != nil {
		return err
	}
	return c.do(ctx, call{method: http.MethodGet, path: SDKBase + "/customer/email/verify", bearer: token, what: what}, nil)
}

// --- What Pelcro does not have. ---

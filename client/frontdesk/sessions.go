package frontdesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"frontdesk/api"
)

// On-behalf sessions (POST /customers/{id}/agent-sessions and friends) and
// the calls that run as the customer with a session's token in
// X-Customer-Token. The token is a secret: it travels only in that header
// (which the debug log never prints) and is never put in an error.
//
// Most callers want StartSession, whose *Session keeps its token fresh and
// revokes it on Close; the methods here are the plain calls under it.

// CreateSession starts an on-behalf session on a customer (role agent or
// stronger). The answer carries the token; it is never shown again. It is
// never retried: a lost answer would leave a session nobody holds the
// token of (it expires on its own within 15 minutes).
func (c *Client) CreateSession(ctx context.Context, customerID api.ID, reason, ticket string) (api.AgentSession, error) {
	path, err := idPath("customer", customerID)
	if err != nil {
		return api.AgentSession{}, err
	}
	var out api.AgentSession
	_, err = c.do(ctx, request{
		method: http.MethodPost,
		path:   "/customers" + path + "/agent-sessions",
		body:   api.AgentSessionCreate{Reason: reason, Ticket: ticket},
	}, &out)
	if err != nil {
		return api.AgentSession{}, fmt.Errorf("start acting as customer %s: %w", customerID, err)
	}
	if out.Token == "" {
		return api.AgentSession{}, fmt.Errorf("start acting as customer %s: the store's answer has no token", customerID)
	}
	return out, nil
}

// RefreshSession gets a new token and expiry for a session (only the
// agent who started it may). The old token keeps working for
// api.SessionTokenGrace. Past the 8-hour cap the *client.APIError is 422
// session_cap_reached; on an ended or expired session 422 session_ended.
func (c *Client) RefreshSession(ctx context.Context, sessionID api.ID) (api.AgentSession, error) {
	path, err := idPath("session", sessionID)
	if err != nil {
		return api.AgentSession{}, err
	}
	var out api.AgentSession
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/agent-sessions" + path + "/refresh"}, &out); err != nil {
		return api.AgentSession{}, fmt.Errorf("refresh session %s: %w", sessionID, err)
	}
	if out.Token == "" {
		return api.AgentSession{}, fmt.Errorf("refresh session %s: the store's answer has no token", sessionID)
	}
	return out, nil
}

// EndSession revokes a session and every token it was given. Ending a
// session that already ended or expired succeeds again.
func (c *Client) EndSession(ctx context.Context, sessionID api.ID) error {
	path, err := idPath("session", sessionID)
	if err != nil {
		return err
	}
	if _, err := c.do(ctx, request{method: http.MethodDelete, path: "/agent-sessions" + path}, nil); err != nil {
		return fmt.Errorf("end session %s: %w", sessionID, err)
	}
	return nil
}

// ListSessions lists the live sessions (never with tokens), on one
// customer or, with an empty customerID, on all.
func (c *Client) ListSessions(ctx context.Context, customerID api.ID) ([]api.AgentSession, error) {
	q := url.Values{}
	if s := strings.TrimSpace(string(customerID)); s != "" {
		q.Set("customer_id", s)
	}
	var out api.AgentSessionList
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/agent-sessions", query: q}, &out); err != nil {
		if customerID != "" {
			return nil, fmt.Errorf("list sessions on customer %s: %w", customerID, err)
		}
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out.Sessions, nil
}

// tokenHeader is the customer-scope header for one call.
func tokenHeader(token string) (map[string]string, error) {
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("no customer token: start an on-behalf session first")
	}
	if strings.ContainsAny(token, "\r\n") {
		return nil, errors.New("the customer token contains a line break: it was not copied whole")
	}
	return map[string]string{api.HeaderCustomerToken: token}, nil
}

// GetCustomerAs reads a customer as the customer (their own view: no
// internal notes, no store metrics), with an on-behalf session's token.
func (c *Client) GetCustomerAs(ctx context.Context, token string, id api.ID) (api.Customer, error) {
	path, err := idPath("customer", id)
	if err != nil {
		return api.Customer{}, err
	}
	h, err := tokenHeader(token)
	if err != nil {
		return api.Customer{}, err
	}
	var out api.CustomerEnvelope
	res, err := c.do(ctx, request{method: http.MethodGet, path: "/customers" + path, header: h}, &out)
	if err != nil {
		return api.Customer{}, fmt.Errorf("get customer %s as the customer: %w", id, err)
	}
	if out.Customer.Version == 0 {
		if v, ok := parseETagVersion(res.header.Get(api.HeaderETag)); ok {
			out.Customer.Version = v
		}
	}
	return out.Customer, nil
}

// PatchCustomerAs edits a customer as the customer: only names, phone,
// email and addresses (the store refuses status with a 400 field error);
// a new email becomes unconfirmed. Like PatchCustomer it needs the
// version it is based on and is never retried.
func (c *Client) PatchCustomerAs(ctx context.Context, token string, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	path, err := idPath("customer", id)
	if err != nil {
		return api.Customer{}, err
	}
	im, err := ifMatch(id, version)
	if err != nil {
		return api.Customer{}, err
	}
	h, err := tokenHeader(token)
	if err != nil {
		return api.Customer{}, err
	}
	h[api.HeaderIfMatch] = im
	var out api.CustomerEnvelope
	if _, err := c.do(ctx, request{method: http.MethodPatch, path: "/customers" + path, body: p, header: h}, &out); err != nil {
		return api.Customer{}, fmt.Errorf("update customer %s as the customer: %w", id, err)
	}
	return out.Customer, nil
}

// Coupons lists the coupons the customer may use now (customer scope).
func (c *Client) Coupons(ctx context.Context, token string, id api.ID) ([]api.Coupon, error) {
	path, err := idPath("customer", id)
	if err != nil {
		return nil, err
	}
	h, err := tokenHeader(token)
	if err != nil {
		return nil, err
	}
	var out api.CouponList
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/customers" + path + "/coupons", header: h}, &out); err != nil {
		return nil, fmt.Errorf("list coupons of customer %s: %w", id, err)
	}
	return out.Coupons, nil
}

// SendPasswordReset sends the customer a password reset link (customer
// scope). It is never retried: a lost answer could send two mails.
func (c *Client) SendPasswordReset(ctx context.Context, token string, id api.ID) (api.PasswordReset, error) {
	path, err := idPath("customer", id)
	if err != nil {
		return api.PasswordReset{}, err
	}
	h, err := tokenHeader(token)
	if err != nil {
		return api.PasswordReset{}, err
	}
	var out api.PasswordReset
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/customers" + path + "/password-reset", header: h}, &out); err != nil {
		return api.PasswordReset{}, fmt.Errorf("send a password reset to customer %s: %w", id, err)
	}
	return out, nil
}

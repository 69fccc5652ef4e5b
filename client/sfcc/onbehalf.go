package sfcc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// Acting on behalf of a customer. OCAPI's agent call POST
// /customers/{customer_id}/auth returns the customer's JWT in the
// Authorization response header (seed 003 postCustomersByIDAuth; schema
// /customers/{customer_id}/auth); "A token nearing its expiration time
// should be exchanged for a new one by calling this resource once more",
// which is RefreshSession; DELETE /customers/auth "Invalidates the JWT
// provided in the header", which is EndSession. OCAPI keeps no session:
// the driver remembers the sessions this client started (id, customer,
// current token) in memory, so only this process can refresh, list or
// end them; a session of another process runs out with its token (30
// minutes). OCAPI records no reason or ticket: they stay in frontdesk.

// session is an on-behalf session this client started.
type session struct {
	info api.AgentSession // with the current token
}

func newSessionID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "sfcc_obo_" + base64.RawURLEncoding.EncodeToString(b)
}

// jwtExpiry reads the exp claim of a JWT without verifying it (the
// instance verifies; the driver only plans the refresh).
func jwtExpiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, false
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(b, &c) != nil || c.Exp <= 0 {
		return time.Time{}, false
	}
	return time.Unix(c.Exp, 0), true
}

// authOnBehalf is one POST /customers/{customer_id}/auth: the customer
// and the JWT of its Authorization response header. Never retried.
func (c *Client) authOnBehalf(ctx context.Context, customerID api.ID) (wireCustomer, string, time.Time, error) {
	path, err := customerPath(customerID)
	if err != nil {
		return wireCustomer{}, "", time.Time{}, err
	}
	target := c.shop + path + "/auth"
	a, err := c.do(ctx, request{method: http.MethodPost, url: target})
	var w wireCustomer
	if err == nil {
		err = decode(a, target, "customer", &w)
	}
	if err != nil {
		return wireCustomer{}, "", time.Time{}, err
	}
	scheme, tok, _ := strings.Cut(a.header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return wireCustomer{}, "", time.Time{}, &client.APIError{Status: a.status, Code: client.CodeBadResponse,
			Message: "the instance answered the on-behalf call without a customer token in its Authorization header"}
	}
	tok = strings.TrimSpace(tok)
	exp, ok := jwtExpiry(tok)
	if !ok {
		exp = c.cfg.Now().Add(DefaultTokenTTL)
	}
	return w, tok, exp, nil
}

// CreateSession starts acting on behalf of customerID: the customer's
// JWT from POST /customers/{customer_id}/auth. reason and ticket are
// checked as frontdesk checks them and kept in the session; OCAPI has
// nowhere to record them. It is never retried.
func (c *Client) CreateSession(ctx context.Context, customerID api.ID, reason, ticket string) (api.AgentSession, error) {
	if f := api.ValidateSessionCreate(api.AgentSessionCreate{Reason: reason, Ticket: ticket}); len(f) > 0 {
		return api.AgentSession{}, &client.APIError{K: client.KindInvalid, Code: api.CodeValidation, Message: "invalid session request", Fields: f}
	}
	w, tok, exp, err := c.authOnBehalf(ctx, customerID)
	if err != nil {
		return api.AgentSession{}, fmt.Errorf("act on behalf of customer %s: %w", customerID, err)
	}
	cu := customer(w)
	s := api.AgentSession{
		ID: api.ID(newSessionID()), Token: tok, CustomerID: customerID, CustomerName: cu.Name(),
		AgentID: c.cfg.ClientID, AgentName: "SFCC API client " + c.cfg.ClientID, Reason: reason, Ticket: ticket,
		StartedAt: c.cfg.Now(), ExpiresAt: exp,
	}
	c.sessMu.Lock()
	c.session[string(s.ID)] = &session{info: s}
	c.sessMu.Unlock()
	return s, nil
}

func (c *Client) sessionNamed(id api.ID) (*session, error) {
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	s, ok := c.session[string(id)]
	if !ok {
		return nil, &client.APIError{K: client.KindNotFound, Code: api.CodeNotFound,
			Message: fmt.Sprintf("on-behalf session %s was not started by this frontdesk (OCAPI keeps no sessions; start a new one)", id)}
	}
	return s, nil
}

// RefreshSession gets the customer a new JWT by calling the on-behalf
// resource once more, as OCAPI documents.
func (c *Client) RefreshSession(ctx context.Context, sessionID api.ID) (api.AgentSession, error) {
	s, err := c.sessionNamed(sessionID)
	if err != nil {
		return api.AgentSession{}, err
	}
	c.sessMu.Lock()
	cid := s.info.CustomerID
	c.sessMu.Unlock()
	_, tok, exp, err := c.authOnBehalf(ctx, cid)
	if err != nil {
		return api.AgentSession{}, fmt.Errorf("refresh the on-behalf session of customer %s: %w", cid, err)
	}
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	s.info.Token, s.info.ExpiresAt = tok, exp
	return s.info, nil
}

// EndSession invalidates the session's current JWT (DELETE
// /customers/auth with it) and forgets the session. A JWT the instance
// no longer accepts (expired, already invalidated) is ended already; a
// session this client does not know ends with nothing to do.
func (c *Client) EndSession(ctx context.Context, sessionID api.ID) error {
	c.sessMu.Lock()
	s, ok := c.session[string(sessionID)]
	c.sessMu.Unlock()
	if !ok {
		return nil
	}
	c.sessMu.Lock()
	tok := s.info.Token
	c.sessMu.Unlock()
	_, err := c.do(ctx, request{method: http.MethodDelete, url: c.shop + "/customers/auth", bearer: tok})
	if ae, isAPI := client.AsAPIError(err); isAPI && ae.Status == http.StatusUnauthorized {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("end the on-behalf session %s: %w", sessionID, err)
	}
	c.sessMu.Lock()
	delete(c.session, string(sessionID))
	c.sessMu.Unlock()
	return nil
}

// ListSessions lists the live sessions this client started (OCAPI has
// no list of them), without tokens.
func (c *Client) ListSessions(_ context.Context, customerID api.ID) ([]api.AgentSession, error) {
	now := c.cfg.Now()
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	out := []api.AgentSession{}
	for id, s := range c.session {
		if !now.Before(s.info.ExpiresAt) {
			delete(c.session, id)
			continue
		}
		if customerID == "" || s.info.CustomerID == customerID {
			i := s.info
			i.Token = ""
			out = append(out, i)
		}
	}
	return out, nil
}

// GetCustomerAs reads the customer with its own JWT.
func (c *Client) GetCustomerAs(ctx context.Context, token string, id api.ID) (api.Customer, error) {
	if token == "" {
		return api.Customer{}, &client.APIError{K: client.KindUnauthenticated, Code: api.CodeSessionRequired, Message: "no customer token: start an on-behalf session"}
	}
	w, _, err := c.getCustomer(ctx, token, id)
	if err != nil {
		return api.Customer{}, err
	}
	return customer(w), nil
}

// PatchCustomerAs edits the customer with its own JWT, as PatchCustomer
// does (re-read, compare, If-Match).
func (c *Client) PatchCustomerAs(ctx context.Context, token string, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	if token == "" {
		return api.Customer{}, &client.APIError{K: client.KindUnauthenticated, Code: api.CodeSessionRequired, Message: "no customer token: start an on-behalf session"}
	}
	return c.patch(ctx, token, id, version, p)
}

// SendPasswordReset starts a password reset (POST
// /customers/{customer_id}/password_reset with the on-behalf JWT: "The
// user must be an agent logged in on behalf of a customer", seed 003).
// The instance's dw.ocapi.shop.customer.password_reset.afterPOST hook
// sends the mail, if the instance has one; OCAPI answers 204 with no
// id or expiry. SentTo is the customer's email, masked. Never retried.
func (c *Client) SendPasswordReset(ctx context.Context, token string, id api.ID) (api.PasswordReset, error) {
	if token == "" {
		return api.PasswordReset{}, &client.APIError{K: client.KindUnauthenticated, Code: api.CodeSessionRequired, Message: "no customer token: start an on-behalf session"}
	}
	w, _, err := c.getCustomer(ctx, token, id)
	if err != nil {
		return api.PasswordReset{}, fmt.Errorf("password reset: %w", err)
	}
	path, _ := customerPath(id)
	if _, err := c.do(ctx, request{method: http.MethodPost, url: c.shop + path + "/password_reset", bearer: token}); err != nil {
		return api.PasswordReset{}, fmt.Errorf("password reset of customer %s: %w", id, err)
	}
	return api.PasswordReset{CustomerID: id, SentTo: maskEmail(w.Email), RequestedAt: c.cfg.Now()}, nil
}

// maskEmail shows an email's first letter and domain: "j***@example.com".
func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return ""
	}
	return string([]rune(local)[:1]) + "***@" + domain
}

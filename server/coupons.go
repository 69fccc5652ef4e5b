package server

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"frontdesk/api"
	"frontdesk/store"
)

// Customer-scope-only endpoints: they exist only for a customer, so they
// need an on-behalf session's token (seed 003's password reset "must be
// an agent logged in on behalf of a customer").

// passwordResetTTL is how long a reset link works.
const passwordResetTTL = time.Hour

// listCoupons answers GET /customers/{id}/coupons: the coupons the
// customer may use now, from the coupons table's eligibility rules
// (orders, spend, targeting by id, running dates).
func (s *Server) listCoupons(w http.ResponseWriter, r *http.Request, c *caller) error {
	id := c.Session.CustomerID
	ctx := r.Context()
	out := api.CouponList{}
	err := s.read(ctx, func(tx store.Tx) error {
		cust, err := loadCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		out.Coupons, err = tx.EligibleCoupons(ctx, cust, s.now())
		return err
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, out)
}

// passwordReset answers POST /customers/{id}/password-reset: it records
// the request with a fresh reset token (stored hashed; the sandbox sends
// no mail) and answers 202 with where the link went, masked.
func (s *Server) passwordReset(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := emptyBody(r); err != nil {
		return err
	}
	id := c.Session.CustomerID
	ctx := r.Context()
	var out api.PasswordReset
	err := s.write(ctx, func(tx store.Tx) error {
		cust, err := loadCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		if cust.Status == api.StatusDisabled {
			return errf(http.StatusUnprocessableEntity, api.CodeCustomerDisabled,
				"customer %s is disabled: enable the account before resetting its password", id)
		}
		now := s.now()
		exp := now.Add(passwordResetTTL)
		sentTo := api.MaskEmail(cust.Email)
		rid, err := tx.RecordPasswordReset(ctx, store.PasswordReset{
			CustomerID: id, SessionID: c.Session.ID, AgentID: c.AgentID, TokenHash: hashSecret(newSessionToken()),
			SentTo: sentTo, RequestedAt: now, ExpiresAt: exp,
		})
		if err != nil {
			return err
		}
		out = api.PasswordReset{ID: rid, CustomerID: id, SentTo: sentTo, RequestedAt: now, ExpiresAt: exp}
		n, _ := rid.Int64()
		return s.audit(ctx, tx, r, c, api.ActionPasswordReset, id, c.Session.ID, nil,
			map[string]any{"password_reset_id": n, "sent_to": sentTo})
	})
	if err != nil {
		return err
	}
	// Parse back what was stored, so the answer carries the stored
	// millisecond precision like every other time.
	out.RequestedAt, _ = parseTime(formatTime(out.RequestedAt))
	out.ExpiresAt, _ = parseTime(formatTime(out.ExpiresAt))
	return writeData(w, http.StatusAccepted, out)
}

// emptyBody accepts no body, an empty one (with or without a
// Content-Type) or {} sent as application/json: the request has no
// parameters. null, any other value, or a body not declared JSON is a
// mistake worth saying.
func emptyBody(r *http.Request) error {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyErr(err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := jsonContentType(r); err != nil {
		return err
	}
	var v struct{}
	return decodeObject(raw, &v)
}

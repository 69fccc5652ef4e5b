package sandbox

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"frontdesk/api"
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
	now := formatTime(s.now())
	out := api.CouponList{Coupons: []api.Coupon{}}
	err := s.read(ctx, func(tx *sql.Tx) error {
		var orders, spent int64
		err := tx.QueryRowContext(ctx, `SELECT total_orders, total_spent FROM customers WHERE id = ?`, id).Scan(&orders, &spent)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("customer", id)
		}
		if err != nil {
			return fmt.Errorf("load customer %d: %w", id, err)
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT code, description, kind, value, currency, min_order_total, ends_at FROM coupons
			WHERE min_orders <= ?1 AND (max_orders IS NULL OR ?1 <= max_orders)
			  AND min_spent <= ?2 AND ?3 % customer_mod = customer_rem
			  AND (starts_at IS NULL OR starts_at <= ?4) AND (ends_at IS NULL OR ends_at > ?4)
			ORDER BY sort, code`, orders, spent, id, now)
		if err != nil {
			return fmt.Errorf("list coupons: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				cp   api.Coupon
				ends sql.NullString
			)
			if err := rows.Scan(&cp.Code, &cp.Description, &cp.Kind, &cp.Value, &cp.Currency, &cp.MinOrderTotal, &ends); err != nil {
				return fmt.Errorf("list coupons: %w", err)
			}
			if ends.Valid {
				t, err := parseTime(ends.String)
				if err != nil {
					return err
				}
				cp.ExpiresAt = &t
			}
			out.Coupons = append(out.Coupons, cp)
		}
		return rows.Err()
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		var email, status string
		err := tx.QueryRowContext(ctx, `SELECT email, status FROM customers WHERE id = ?`, id).Scan(&email, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("customer", id)
		}
		if err != nil {
			return fmt.Errorf("load customer %d: %w", id, err)
		}
		if status == api.StatusDisabled {
			return errf(http.StatusUnprocessableEntity, api.CodeCustomerDisabled,
				"customer %d is disabled: enable the account before resetting its password", id)
		}
		now := s.now()
		exp := now.Add(passwordResetTTL)
		sentTo := maskEmail(email)
		res, err := tx.ExecContext(ctx, `
			INSERT INTO password_resets (customer_id, session_id, agent_id, token_hash, sent_to, requested_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, c.Session.ID, c.AgentID, hashSecret(newSessionToken()), sentTo, formatTime(now), formatTime(exp))
		if err != nil {
			return fmt.Errorf("record password reset: %w", err)
		}
		rid, err := res.LastInsertId()
		if err != nil {
			return err
		}
		out = api.PasswordReset{ID: api.IDFromInt(rid), CustomerID: api.IDFromInt(id), SentTo: sentTo, RequestedAt: now, ExpiresAt: exp}
		return s.audit(ctx, tx, r, c, api.ActionPasswordReset, id, c.Session.ID, nil,
			map[string]any{"password_reset_id": rid, "sent_to": sentTo})
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

// maskEmail keeps the first character of the local part and the domain:
// "j•••@example.com", enough for the agent to confirm with the customer
// without reading the address out.
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "•••"
	}
	first, _ := utf8.DecodeRuneInString(local)
	return string(first) + "•••@" + domain
}

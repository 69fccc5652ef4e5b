package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"frontdesk/api"
	"frontdesk/store"
)

// exportPage is how many orders, ledger entries, notes or audit rows the
// export reads per query.
const exportPage = 500

// unsupportedErase is the answer of a desk whose customers a platform
// keeps: the platform holds the profile, addresses and orders, and only
// it can erase them.
func unsupportedErase(what string) error {
	return &store.UnsupportedError{Capability: what,
		Reason: "this desk keeps its customers on a platform; " + what + " a customer's data there (only a desk with its own store, SQLite or PostgreSQL, can)"}
}

// exportCustomerData answers GET /customers/{id}/data-export: everything
// kept about the customer in one document, and an audit row saying who
// exported whom (with no personal data in it). Read and append happen in
// one write transaction, so the document is one snapshot and the row
// commits with it.
func (s *Server) exportCustomerData(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	ctx := r.Context()
	out := api.CustomerDataExport{ExportedAt: s.now(), ExportedBy: c.AgentID}
	err = s.write(ctx, func(tx store.Tx) error {
		eraser, ok := tx.(store.Eraser)
		if !ok {
			return unsupportedErase("export")
		}
		var err error
		if out.Customer, err = loadCustomer(ctx, tx, id); err != nil {
			return err
		}
		if out.Orders, err = allPages(func(limit, offset int) ([]api.Order, error) {
			return tx.OrdersOf(ctx, store.OrderFilter{CustomerID: id}, limit, offset)
		}); err != nil {
			return err
		}
		// The list leaves out addresses; each order in full has them.
		for i, o := range out.Orders {
			if out.Orders[i], err = tx.Order(ctx, id, o.ID); err != nil {
				return err
			}
		}
		out.Loyalty.CustomerID = id
		if out.Loyalty.PointsBalance, out.Loyalty.LifetimeEarned, err = tx.LoyaltyAccount(ctx, id); err != nil {
			return err
		}
		if out.Loyalty.Ledger, err = allPages(func(limit, offset int) ([]api.LedgerEntry, error) {
			return tx.LedgerOf(ctx, id, limit, offset)
		}); err != nil {
			return err
		}
		if out.Notes, err = allPages(func(limit, offset int) ([]api.Note, error) {
			return tx.NotesOf(ctx, id, limit, offset)
		}); err != nil {
			return err
		}
		sessions, err := eraser.SessionsOf(ctx, id)
		if err != nil {
			return err
		}
		out.Sessions = make([]api.AgentSession, 0, len(sessions))
		for _, ses := range sessions {
			out.Sessions = append(out.Sessions, apiSession(ses))
		}
		rows, err := allPages(func(limit, offset int) ([]api.AuditEntry, error) {
			rows, err := tx.AuditRows(ctx, store.AuditFilter{CustomerID: id}, limit, offset)
			if err != nil {
				return nil, err
			}
			entries := make([]api.AuditEntry, 0, len(rows))
			for _, row := range rows {
				e, err := auditEntry(row)
				if err != nil {
					return nil, err
				}
				entries = append(entries, e)
			}
			return entries, nil
		})
		if err != nil {
			return err
		}
		slices.Reverse(rows)
		out.Audit = rows
		return s.audit(ctx, tx, r, c, api.ActionCustomerExport, id, sessionOf(c), nil, nil)
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, out)
}

// allPages reads every page of a listing.
func allPages[T any](page func(limit, offset int) ([]T, error)) ([]T, error) {
	out := []T{}
	for {
		items, err := page(exportPage, len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if len(items) < exportPage {
			return out, nil
		}
	}
}

// eraseCustomer answers POST /customers/{id}/erase: the customer's
// personal data is replaced with a tombstone everywhere the store keeps
// it (store.Eraser), an audit row records who erased whom and why, and
// after the commit the engine removes the old bytes from its files
// (store.Scrubber). Erasing an erased customer changes nothing and
// answers the same tombstone (already_erased).
func (s *Server) eraseCustomer(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var in api.CustomerErase
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if f := api.ValidateErase(in); len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	var out api.CustomerEraseResult
	err = s.write(ctx, func(tx store.Tx) error {
		eraser, ok := tx.(store.Eraser)
		if !ok {
			return unsupportedErase("erase")
		}
		cust, err := loadCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		erased := cust.Email == store.ErasedEmail(id)
		if in.ConfirmEmail != "" && !erased && !strings.EqualFold(strings.TrimSpace(in.ConfirmEmail), cust.Email) {
			return validationErr(api.FieldErrors{"confirm_email": "confirm_email is not the customer's email; type the email shown on the profile to confirm the erasure"})
		}
		res, err := eraser.EraseCustomer(ctx, id, s.now())
		if err != nil {
			return err
		}
		out.AlreadyErased, out.LegacyAuditRows = res.Already, res.LegacyAuditRows
		out.Erased = map[string]int{
			"addresses": res.Addresses, "orders": res.Orders, "notes": res.Notes, "ledger": res.Ledger,
			"sessions": res.Sessions, "password_resets": res.Resets, "idempotency_keys": res.Keys, "audit_rows": res.AuditRows,
		}
		if !res.Already {
			if err := s.audit(ctx, tx, r, c, api.ActionCustomerErase, id, sessionOf(c), nil,
				map[string]any{"reason": strings.TrimSpace(in.Reason)}); err != nil {
				return err
			}
		}
		out.Customer, err = loadCustomer(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	s.scrub(ctx)
	return writeData(w, http.StatusOK, out)
}

// scrub asks the engine to remove what an erasure left in its files. The
// erasure has committed; a failure is logged, and the next erasure (of
// anyone, or the same customer again) scrubs again.
func (s *Server) scrub(ctx context.Context) {
	sc, ok := s.st.(store.Scrubber)
	if !ok {
		return
	}
	if err := sc.ScrubErased(context.WithoutCancel(ctx)); err != nil && !errors.Is(err, context.Canceled) {
		s.log.LogAttrs(ctx, slog.LevelWarn, "erase: scrub the engine's files",
			slog.String("request_id", RequestID(ctx)), slog.String("error", err.Error()))
	}
}

package sandbox

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"frontdesk/api"
)

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request, _ *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := api.FieldErrors{}
	page, limit := pageParams(q, f)
	where := []string{"customer_id = ?"}
	args := []any{id}
	if st := filterParam(q, "status", f); st != "" {
		if !slices.Contains(api.OrderStatuses, st) {
			f["status"] = "status must be one of " + strings.Join(api.OrderStatuses, ", ")
		}
		where = append(where, "status = ?")
		args = append(args, st)
	}
	// from is inclusive and until exclusive, exactly: stored times and
	// both bounds are milliseconds in one fixed-width layout, so the text
	// comparison is the time comparison.
	from, okFrom := timeParam(q, "from", f)
	until, okUntil := timeParam(q, "until", f)
	if okFrom {
		where = append(where, "created_at >= ?")
		args = append(args, formatTime(from))
	}
	if okUntil {
		where = append(where, "created_at < ?")
		args = append(args, formatTime(until))
	}
	if okFrom && okUntil && !from.Before(until) {
		f["until"] = "until must be later than from (from is inclusive, until exclusive)"
	}
	if len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	out := api.OrderList{Page: page, Limit: limit}
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		cond := strings.Join(where, " AND ")
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM orders WHERE `+cond, args...).Scan(&out.Total); err != nil {
			return fmt.Errorf("count orders: %w", err)
		}
		out.Orders, err = recentOrders(ctx, tx, cond, args, limit, (page-1)*limit)
		return err
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, out)
}

// timeParam reads from or until (api/openapi.yaml, listOrders): a date
// (2026-03-14), which stands for midnight UTC at its start, or an RFC 3339
// date-time with "T" or, as RFC 3339 §5.6 allows, a space between date
// and time ("2026-03-14 15:09:26Z"). Times are stored to the millisecond,
// so a finer bound is rounded up to the next millisecond: "at or after
// from" and "before until" then pick exactly the stored times they
// describe, and nothing is added to an exact bound.
func timeParam(q url.Values, name string, f api.FieldErrors) (time.Time, bool) {
	raw := filterParam(q, name, f)
	if raw == "" {
		return time.Time{}, false
	}
	if d, err := time.Parse(time.DateOnly, raw); err == nil {
		return d, true
	}
	norm := strings.ToUpper(raw) // RFC 3339 allows t and z in lower case
	if len(norm) > len(time.DateOnly) && norm[len(time.DateOnly)] == ' ' {
		norm = norm[:len(time.DateOnly)] + "T" + norm[len(time.DateOnly)+1:]
	}
	t, err := time.Parse(time.RFC3339Nano, norm)
	if err != nil {
		f[name] = name + " must be a date (2026-01-31) or an RFC 3339 date-time (2026-01-31T12:00:00Z)"
		return time.Time{}, false
	}
	t = t.UTC()
	if ms := t.Truncate(time.Millisecond); ms.Before(t) {
		return ms.Add(time.Millisecond), true
	}
	return t, true
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request, _ *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	oid, err := pathID(r, "order_id", "order")
	if err != nil {
		return err
	}
	ctx := r.Context()
	var o api.Order
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		var items string
		var ship, bill sql.NullString
		o, err = scanOrder(tx.QueryRowContext(ctx, `SELECT `+orderCols+`, items, shipping_address, billing_address
			FROM orders WHERE id = ? AND customer_id = ?`, oid, id), &items, &ship, &bill)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("order", fmt.Sprintf("%d of customer %d", oid, id))
		}
		if err != nil {
			return fmt.Errorf("load order %d: %w", oid, err)
		}
		o.Items = []api.OrderItem{}
		if items != "" {
			if err := json.Unmarshal([]byte(items), &o.Items); err != nil {
				return fmt.Errorf("order %d items: %w", oid, err)
			}
		}
		if o.ShippingAddress, err = unmarshalAddress(ship); err != nil {
			return fmt.Errorf("order %d: %w", oid, err)
		}
		if o.BillingAddress, err = unmarshalAddress(bill); err != nil {
			return fmt.Errorf("order %d: %w", oid, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, api.OrderEnvelope{Order: o})
}

func (s *Server) listNotes(w http.ResponseWriter, r *http.Request, _ *caller) error {
	p, err := readCustomerPage(s, r, "notes", "notes", recentNotes)
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, api.NoteList{Notes: p.rows, Total: p.total, Page: p.page, Limit: p.limit})
}

func (s *Server) createNote(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var in api.NoteCreate
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if err := api.ValidateNoteBody(in.Body); err != nil {
		return validationErr(api.FieldErrors{"body": err.Error()})
	}
	ctx := r.Context()
	var n api.Note
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO notes (customer_id, body, agent_id, agent_name, created_at) VALUES (?, ?, ?, ?, ?)`,
			id, in.Body, c.AgentID, c.Name, formatTime(s.now()))
		if err != nil {
			return fmt.Errorf("save note: %w", err)
		}
		nid, err := res.LastInsertId()
		if err != nil {
			return err
		}
		n, err = scanNote(tx.QueryRowContext(ctx, `SELECT id, customer_id, body, agent_id, agent_name, created_at FROM notes WHERE id = ?`, nid))
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, r, c, api.ActionNoteCreate, id, "", nil, map[string]any{"note_id": nid, "body": in.Body})
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusCreated, api.NoteEnvelope{Note: n})
}

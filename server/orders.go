package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/store"
)

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request, _ *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := api.FieldErrors{}
	page, limit := pageParams(q, f)
	filter := store.OrderFilter{CustomerID: id}
	if st := filterParam(q, "status", f); st != "" {
		if !slices.Contains(api.OrderStatuses, st) {
			f["status"] = "status must be one of " + strings.Join(api.OrderStatuses, ", ")
		}
		filter.Status = st
	}
	// from is inclusive and until exclusive, exactly: stored times and
	// both bounds are milliseconds in one fixed-width layout, so the text
	// comparison is the time comparison.
	from, okFrom := timeParam(q, "from", f)
	until, okUntil := timeParam(q, "until", f)
	if okFrom {
		filter.From = from
	}
	if okUntil {
		filter.Until = until
	}
	if okFrom && okUntil && !from.Before(until) {
		f["until"] = "until must be later than from (from is inclusive, until exclusive)"
	}
	if len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	out := api.OrderList{Page: page, Limit: limit}
	err = s.read(ctx, func(tx store.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		var err error
		if out.Total, err = tx.CountOrders(ctx, filter); err != nil {
			return err
		}
		out.Orders, err = tx.OrdersOf(ctx, filter, limit, (page-1)*limit)
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

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request, c *caller) error {
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
	err = s.read(ctx, func(tx store.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		var err error
		o, err = tx.Order(ctx, id, oid)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("order", fmt.Sprintf("%s of customer %s", oid, id))
		}
		return err
	})
	if err != nil {
		return err
	}
	if policy.MasksPII(c.Role) {
		api.MaskOrder(&o)
	}
	return writeData(w, http.StatusOK, api.OrderEnvelope{Order: o})
}

// maxOrderNumber bounds the number parameter of GET /orders.
const maxOrderNumber = 64

// findOrder answers GET /orders?number=: the order with that number and
// the customer who placed it, from one snapshot. The number is read as
// customers quote it (api.ParseOrderNumber: FD-00001584, fd-1584, #1584,
// 1584) and looked up as the store numbers orders (FD-00001584); a
// number of another form (a platform's own behind the desk, such as
// OCAPI's 00000356-101) is looked up as sent, without spaces.
func (s *Server) findOrder(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	raw := strings.TrimSpace(q.Get("number"))
	switch {
	case raw == "":
		return validationErr(api.FieldErrors{"number": "number is required: the order number as the customer quotes it (FD-00001584, #1584 or 1584)"})
	case len(raw) > maxOrderNumber || strings.IndexFunc(raw, unicode.IsControl) >= 0:
		return validationErr(api.FieldErrors{"number": fmt.Sprintf("number must be at most %d printable characters: an order number such as FD-00001584", maxOrderNumber)})
	}
	var numbers []string
	if quote, ok := api.ParseOrderNumber(raw); ok {
		numbers = append(numbers, quote.Number)
	}
	if plain := strings.Join(strings.Fields(raw), ""); !slices.Contains(numbers, plain) {
		numbers = append(numbers, plain)
	}
	ctx := r.Context()
	var out api.OrderMatch
	err := s.read(ctx, func(tx store.Tx) error {
		for _, n := range numbers {
			o, err := tx.OrderByNumber(ctx, n)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out.Order = o
			out.Customer, err = loadCustomer(ctx, tx, o.CustomerID)
			return err
		}
		return notFound("order", numbers[0])
	})
	if err != nil {
		return err
	}
	if policy.MasksPII(c.Role) {
		api.MaskOrder(&out.Order)
	}
	maskCustomerFor(c, &out.Customer)
	return writeData(w, http.StatusOK, out)
}

func (s *Server) listNotes(w http.ResponseWriter, r *http.Request, _ *caller) error {
	p, err := readCustomerPage(s, r, "notes", store.Tx.CountNotes, store.Tx.NotesOf)
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
	err = s.write(ctx, func(tx store.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		var err error
		n, err = tx.AddNote(ctx, store.NewNote{CustomerID: id, Body: in.Body, AgentID: c.AgentID, AgentName: c.Name, At: s.now()})
		if err != nil {
			return err
		}
		nid, _ := n.ID.Int64()
		return s.audit(ctx, tx, r, c, api.ActionNoteCreate, id, "", nil, map[string]any{"note_id": nid, "body": in.Body})
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusCreated, api.NoteEnvelope{Note: n})
}

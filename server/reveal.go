package server

import (
	"net/http"
	"strings"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/store"
)

// maskCustomerFor masks c's email, phone and addresses (and those of the
// orders it carries) when the caller's role sees them masked (viewer):
// what a viewer's answer never carries, no client can show.
func maskCustomerFor(caller *caller, c *api.Customer) {
	if policy.MasksPII(caller.Role) {
		api.MaskCustomer(c)
	}
}

// reveal answers POST /customers/{id}/reveal {field, reason}: the one
// field unmasked, after appending an audit row (customer.reveal) that
// names the field and the reason, never the value. Every role may reveal;
// the reason is required. A repeated reveal is another audit row: it
// showed the value again.
func (s *Server) reveal(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var in api.RevealRequest
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if f := api.ValidateReveal(in); len(f) > 0 {
		return validationErr(f)
	}
	reason := strings.TrimSpace(in.Reason)
	ctx := r.Context()
	out := api.RevealResult{CustomerID: id, Field: in.Field}
	err = s.write(ctx, func(tx store.Tx) error {
		cust, err := loadCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		switch in.Field {
		case api.RevealEmail:
			out.Value = cust.Email
		case api.RevealPhone:
			out.Value = cust.Phone
		case api.RevealAddresses:
			out.Addresses = cust.Addresses
			if out.Addresses == nil {
				out.Addresses = []api.Address{}
			}
		}
		return s.audit(ctx, tx, r, c, api.ActionCustomerReveal, id, sessionOf(c), nil,
			map[string]any{"field": in.Field, "reason": reason})
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, out)
}

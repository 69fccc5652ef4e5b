package client

import (
	"context"
	"strconv"
	"strings"

	"frontdesk/api"
)

// Masking personal data on the client. The desk server masks a viewer's
// answers itself; a profile with mask_pii masks whatever the role, and
// on a platform other than the desk that mask is the only one: the
// platform sent the values, the client hides them (api.MaskCustomer's
// shapes) before any screen, line of output or --json sees them.

// Revealer shows one masked field unmasked (api.RevealEmail, RevealPhone,
// RevealAddresses) and records the reveal with its reason in the audit
// trail. The frontdesk driver implements it (POST /customers/{id}/reveal).
type Revealer interface {
	Reveal(ctx context.Context, id api.ID, field, reason string) (api.RevealResult, error)
}

// Unwrapper is a wrapper around a Platform (the gateway's role checks, a
// mask) that says which, so optional interfaces such as Revealer are found
// through it.
type Unwrapper interface {
	Unwrap() Platform
}

// Reveal asks p for one field of customer id unmasked, with a reason (3
// to 500 characters, refused with KindInvalid otherwise). A platform that
// cannot record the reveal in an audit trail refuses it (KindUnsupported):
// a reveal without its audit row is not offered.
func Reveal(ctx context.Context, p Platform, id api.ID, field, reason string) (api.RevealResult, error) {
	if f := api.ValidateReveal(api.RevealRequest{Field: field, Reason: reason}); len(f) > 0 {
		return api.RevealResult{}, &APIError{K: KindInvalid, Code: api.CodeValidation, Message: f.Error(), Fields: f}
	}
	for p != nil {
		if r, ok := p.(Revealer); ok {
			return r.Reveal(ctx, id, field, strings.TrimSpace(reason))
		}
		u, ok := p.(Unwrapper)
		if !ok {
			break
		}
		p = u.Unwrap()
	}
	return api.RevealResult{}, Unsupported(CapAudit, "this platform keeps no audit trail of who saw what, so masked fields stay masked: put the desk server in front of it (frontdesk server --upstream) to reveal with a reason")
}

// IsMasking reports whether p masks personal data on the client (Mask
// wrapped it, perhaps under other wrappers).
func IsMasking(p Platform) bool {
	for p != nil {
		if _, ok := p.(*masked); ok {
			return true
		}
		u, ok := p.(Unwrapper)
		if !ok {
			return false
		}
		p = u.Unwrap()
	}
	return false
}

// Mask wraps p so that every customer, order and audit row it answers
// carries email, phone and addresses masked, and no change it sends may
// hold a mask (KindInvalid: a save never writes the mask back). Reveal
// passes through to p's Revealer. Masking twice is masking once.
func Mask(p Platform) Platform {
	if IsMasking(p) {
		return p
	}
	return &masked{Platform: p}
}

type masked struct {
	Platform
}

func (m *masked) Unwrap() Platform { return m.Platform }

func (m *masked) Reveal(ctx context.Context, id api.ID, field, reason string) (api.RevealResult, error) {
	return Reveal(ctx, m.Platform, id, field, reason)
}

func maskCustomer(c api.Customer, err error) (api.Customer, error) {
	api.MaskCustomer(&c)
	return c, err
}

func (m *masked) SearchCustomers(ctx context.Context, p SearchParams) (Page[api.Customer], error) {
	pg, err := m.Platform.SearchCustomers(ctx, p)
	items := make([]api.Customer, len(pg.Items))
	for i, c := range pg.Items {
		api.MaskCustomer(&c)
		items[i] = c
	}
	if pg.Items != nil {
		pg.Items = items
	}
	return pg, err
}

// ExportCustomers streams through the wrapped platform when it can,
// masking each customer before each sees it.
func (m *masked) ExportCustomers(ctx context.Context, p SearchParams, each func(*api.Customer) error) (int, error) {
	ex, ok := m.Platform.(CustomerExporter)
	if !ok {
		return 0, ErrExportUnsupported
	}
	return ex.ExportCustomers(ctx, p, func(c *api.Customer) error {
		api.MaskCustomer(c)
		return each(c)
	})
}

func (m *masked) GetCustomer(ctx context.Context, id api.ID) (api.Customer, error) {
	return maskCustomer(m.Platform.GetCustomer(ctx, id))
}

func (m *masked) CreateCustomer(ctx context.Context, in api.CustomerCreate) (api.Customer, error) {
	f := api.FieldErrors{}
	stillMasked(f, "email", in.Email)
	stillMasked(f, "phone", in.Phone)
	stillMaskedAddresses(f, in.Addresses)
	if len(f) > 0 {
		return api.Customer{}, invalid(f)
	}
	return maskCustomer(m.Platform.CreateCustomer(ctx, in))
}

func (m *masked) PatchCustomer(ctx context.Context, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	if err := patchUnmasked(p); err != nil {
		return api.Customer{}, err
	}
	return maskCustomer(m.Platform.PatchCustomer(ctx, id, version, p))
}

func (m *masked) GetCustomerAs(ctx context.Context, token string, id api.ID) (api.Customer, error) {
	return maskCustomer(m.Platform.GetCustomerAs(ctx, token, id))
}

func (m *masked) PatchCustomerAs(ctx context.Context, token string, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	if err := patchUnmasked(p); err != nil {
		return api.Customer{}, err
	}
	return maskCustomer(m.Platform.PatchCustomerAs(ctx, token, id, version, p))
}

func (m *masked) ListOrders(ctx context.Context, customerID api.ID, p OrderParams) (Page[api.Order], error) {
	pg, err := m.Platform.ListOrders(ctx, customerID, p)
	for i := range pg.Items {
		api.MaskOrder(&pg.Items[i])
	}
	return pg, err
}

func (m *masked) GetOrder(ctx context.Context, customerID, orderID api.ID) (api.Order, error) {
	o, err := m.Platform.GetOrder(ctx, customerID, orderID)
	api.MaskOrder(&o)
	return o, err
}

func (m *masked) FindOrder(ctx context.Context, number string) (api.OrderMatch, error) {
	om, err := m.Platform.FindOrder(ctx, number)
	api.MaskOrder(&om.Order)
	api.MaskCustomer(&om.Customer)
	return om, err
}

func (m *masked) ListAudit(ctx context.Context, p AuditParams) (Page[api.AuditEntry], error) {
	pg, err := m.Platform.ListAudit(ctx, p)
	for i := range pg.Items {
		api.MaskAuditEntry(&pg.Items[i])
	}
	return pg, err
}

func patchUnmasked(p api.CustomerPatch) error {
	f := api.FieldErrors{}
	if p.Email != nil {
		stillMasked(f, "email", *p.Email)
	}
	if p.Phone != nil {
		stillMasked(f, "phone", *p.Phone)
	}
	if p.Addresses != nil {
		stillMaskedAddresses(f, *p.Addresses)
	}
	if len(f) > 0 {
		return invalid(f)
	}
	return nil
}

func stillMasked(f api.FieldErrors, key, v string) {
	if api.IsMasked(v) {
		f[key] = key + " still holds the mask (•••): reveal it and type the real value, or leave it out of the change"
	}
}

func stillMaskedAddresses(f api.FieldErrors, as []api.Address) {
	for i, a := range as {
		for k, v := range map[string]string{"address1": a.Address1, "address2": a.Address2, "zip": a.Zip} {
			if api.IsMasked(v) {
				f["addresses["+strconv.Itoa(i)+"]."+k] = "the address still holds the mask (•••): reveal it and type the real value"
			}
		}
	}
}

func invalid(f api.FieldErrors) error {
	return &APIError{K: KindInvalid, Code: api.CodeValidation, Message: f.Error(), Fields: f}
}

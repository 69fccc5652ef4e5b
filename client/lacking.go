package client

import (
	"context"
	"fmt"

	"frontdesk/api"
)

// Lacking answers every call of a Platform (but Capabilities and Me) with
// a refusal: KindUnsupported with the reason Caps gives for the
// capability the call needs. A driver embeds it with its capabilities and
// defines the calls its platform can serve; the rest refuse with the same
// sentence `frontdesk info` and the console show. A call whose capability
// Caps claims but the driver did not define is a driver bug, and says so.
type Lacking struct {
	Caps Capabilities
}

// refuse is the error for a call needing c.
func (l Lacking) refuse(c Capability, call string) error {
	if err := l.Caps.Check(c); err != nil {
		return err
	}
	return &APIError{K: KindUnsupported, Code: string(c),
		Message: fmt.Sprintf("this driver claims %s but does not implement %s: a driver bug", c, call)}
}

func (l Lacking) SearchCustomers(context.Context, SearchParams) (Page[api.Customer], error) {
	return Page[api.Customer]{}, l.refuse(CapSearch, "SearchCustomers")
}

func (l Lacking) GetCustomer(context.Context, api.ID) (api.Customer, error) {
	return api.Customer{}, l.refuse(CapReadProfile, "GetCustomer")
}

func (l Lacking) CreateCustomer(context.Context, api.CustomerCreate) (api.Customer, error) {
	return api.Customer{}, l.refuse(CapCreateCustomer, "CreateCustomer")
}

func (l Lacking) PatchCustomer(context.Context, api.ID, string, api.CustomerPatch) (api.Customer, error) {
	return api.Customer{}, l.refuse(CapEditCustomer, "PatchCustomer")
}

func (l Lacking) ListOrders(context.Context, api.ID, OrderParams) (Page[api.Order], error) {
	return Page[api.Order]{}, l.refuse(CapOrders, "ListOrders")
}

func (l Lacking) GetOrder(context.Context, api.ID, api.ID) (api.Order, error) {
	return api.Order{}, l.refuse(CapOrders, "GetOrder")
}

func (l Lacking) FindOrder(context.Context, string) (api.OrderMatch, error) {
	return api.OrderMatch{}, l.refuse(CapFindOrder, "FindOrder")
}

func (l Lacking) GetLoyalty(context.Context, api.ID) (api.Loyalty, error) {
	return api.Loyalty{}, l.refuse(CapLoyalty, "GetLoyalty")
}

func (l Lacking) ListLedger(context.Context, api.ID, PageParams) (Page[api.LedgerEntry], error) {
	return Page[api.LedgerEntry]{}, l.refuse(CapLoyalty, "ListLedger")
}

func (l Lacking) AdjustLoyalty(context.Context, api.ID, api.AdjustmentRequest, string) (api.AdjustmentResult, bool, error) {
	return api.AdjustmentResult{}, false, l.refuse(CapLoyaltyAdjust, "AdjustLoyalty")
}

func (l Lacking) ListNotes(context.Context, api.ID, PageParams) (Page[api.Note], error) {
	return Page[api.Note]{}, l.refuse(CapNotes, "ListNotes")
}

func (l Lacking) AddNote(context.Context, api.ID, string) (api.Note, error) {
	return api.Note{}, l.refuse(CapNotes, "AddNote")
}

func (l Lacking) CreateSession(context.Context, api.ID, string, string) (api.AgentSession, error) {
	return api.AgentSession{}, l.refuse(CapOnBehalf, "CreateSession")
}

func (l Lacking) RefreshSession(context.Context, api.ID) (api.AgentSession, error) {
	return api.AgentSession{}, l.refuse(CapOnBehalf, "RefreshSession")
}

func (l Lacking) EndSession(context.Context, api.ID) error {
	return l.refuse(CapOnBehalf, "EndSession")
}

func (l Lacking) ListSessions(context.Context, api.ID) ([]api.AgentSession, error) {
	return nil, l.refuse(CapOnBehalf, "ListSessions")
}

func (l Lacking) GetCustomerAs(context.Context, string, api.ID) (api.Customer, error) {
	return api.Customer{}, l.refuse(CapOnBehalf, "GetCustomerAs")
}

func (l Lacking) PatchCustomerAs(context.Context, string, api.ID, string, api.CustomerPatch) (api.Customer, error) {
	return api.Customer{}, l.refuse(CapOnBehalf, "PatchCustomerAs")
}

func (l Lacking) Coupons(context.Context, string, api.ID) ([]api.Coupon, error) {
	return nil, l.refuse(CapCoupons, "Coupons")
}

func (l Lacking) SendPasswordReset(context.Context, string, api.ID) (api.PasswordReset, error) {
	return api.PasswordReset{}, l.refuse(CapPasswordReset, "SendPasswordReset")
}

func (l Lacking) ListAudit(context.Context, AuditParams) (Page[api.AuditEntry], error) {
	return Page[api.AuditEntry]{}, l.refuse(CapAudit, "ListAudit")
}

func (l Lacking) PreviewMerge(context.Context, api.ID, api.ID) (api.MergePreview, error) {
	return api.MergePreview{}, l.refuse(CapMerge, "PreviewMerge")
}

func (l Lacking) MergeCustomers(context.Context, api.ID, api.ID, string) (api.MergeResult, bool, error) {
	return api.MergeResult{}, false, l.refuse(CapMerge, "MergeCustomers")
}

func (l Lacking) Heartbeat(context.Context, api.ID, bool) (api.Presence, error) {
	return api.Presence{}, l.refuse(CapPresence, "Heartbeat")
}

func (l Lacking) LeavePresence(context.Context, api.ID) error {
	return l.refuse(CapPresence, "LeavePresence")
}

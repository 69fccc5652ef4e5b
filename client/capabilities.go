package client

import (
	"maps"
	"slices"
)

// Capability is something a platform may or may not do.
type Capability string

// The capabilities a screen or command may ask about.
const (
	CapSearch         Capability = "search"          // SearchCustomers
	CapSearchFilters  Capability = "search-filters"  // field filters in the search (orders:>5, email:…)
	CapReadProfile    Capability = "read-profile"    // GetCustomer
	CapCreateCustomer Capability = "create-customer" // CreateCustomer
	CapEditCustomer   Capability = "edit-customer"   // PatchCustomer
	CapOrders         Capability = "orders"          // ListOrders, GetOrder
	CapFindOrder      Capability = "find-order"      // FindOrder: an order by its number
	CapLoyalty        Capability = "loyalty"         // GetLoyalty, ListLedger
	CapLoyaltyAdjust  Capability = "loyalty-adjust"  // AdjustLoyalty
	CapNotes          Capability = "notes"           // ListNotes, AddNote
	CapOnBehalf       Capability = "on-behalf"       // sessions and the calls as the customer
	CapCoupons        Capability = "coupons"         // Coupons
	CapPasswordReset  Capability = "password-reset"  // SendPasswordReset
	CapAudit          Capability = "audit"           // ListAudit
	CapMerge          Capability = "merge"           // PreviewMerge, MergeCustomers
	CapPresence       Capability = "presence"        // Heartbeat, LeavePresence: who else has a customer open
)

// AllCapabilities lists every capability, in a stable order.
var AllCapabilities = []Capability{
	CapSearch, CapSearchFilters, CapReadProfile, CapCreateCustomer, CapEditCustomer, CapOrders, CapFindOrder, CapLoyalty, CapLoyaltyAdjust, CapNotes,
	CapOnBehalf, CapCoupons, CapPasswordReset, CapAudit, CapMerge, CapPresence,
}

// ReasonNoPresence is why a platform other than the frontdesk desk
// server lacks CapPresence: presence is the desk's own record, which a
// store's platform does not keep.
const ReasonNoPresence = "only a frontdesk desk server knows which other agents have a customer open"

// Capabilities is what a platform can do. The zero value has every
// capability; Without takes one away with the sentence that says why.
// It is a value: copies do not share.
type Capabilities struct {
	missing map[Capability]string
}

// All is every capability (the frontdesk contract's set).
func All() Capabilities { return Capabilities{} }

// Without returns c lacking each of caps, for reason (a sentence for
// people: "Commerce.js has no loyalty points"). A platform without
// loyalty points cannot adjust them either: lacking CapLoyalty takes
// CapLoyaltyAdjust too, with the same reason, unless it is already gone;
// lacking CapOrders takes CapFindOrder the same way.
func (c Capabilities) Without(reason string, caps ...Capability) Capabilities {
	m := maps.Clone(c.missing)
	if m == nil {
		m = map[Capability]string{}
	}
	for _, k := range caps {
		m[k] = reason
		if _, gone := m[CapLoyaltyAdjust]; k == CapLoyalty && !gone {
			m[CapLoyaltyAdjust] = reason
		}
		if _, gone := m[CapFindOrder]; k == CapOrders && !gone {
			m[CapFindOrder] = reason
		}
		if _, gone := m[CapSearchFilters]; k == CapSearch && !gone {
			m[CapSearchFilters] = reason
		}
	}
	return Capabilities{missing: m}
}

// Has reports whether the platform can do k.
func (c Capabilities) Has(k Capability) bool {
	_, missing := c.missing[k]
	return !missing
}

// Why is the reason the platform cannot do k, "" when it can.
func (c Capabilities) Why(k Capability) string { return c.missing[k] }

// Missing lists what the platform cannot do, sorted.
func (c Capabilities) Missing() []Capability {
	return slices.Sorted(maps.Keys(c.missing))
}

// Check is nil when the platform can do k, else the KindUnsupported
// error a caller would get for it.
func (c Capabilities) Check(k Capability) error {
	if why, missing := c.missing[k]; missing {
		if why == "" {
			why = "this platform cannot do that"
		}
		return Unsupported(k, why)
	}
	return nil
}

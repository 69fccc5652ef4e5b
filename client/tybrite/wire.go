package tybrite

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"strings"
	"time"

	"frontdesk/api"
)

// The wire format of the Galactic Core schema
// (tybrite-galactic-core.openapi.yaml, components.schemas), field for
// field as far as the driver reads it. testdata/ holds the documented
// examples.

// Error codes the schema documents (info.description "Common Error
// Codes", components.responses).
const (
	CodeUnauthorized   = "unauthorized"
	CodeForbidden      = "forbidden"
	CodeNotFound       = "not_found"
	CodeInvalidRequest = "invalid_request"
	CodeConflict       = "conflict"
	CodeRateLimited    = "rate_limited"
	CodeQuotaExceeded  = "quota_exceeded"
	CodeServerError    = "server_error"
)

// wireError is components.schemas.Error: {"error":{code, message,
// details?, hint?, …}}.
type wireError struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details string `json:"details"`
		Hint    string `json:"hint"`
		Reset   int64  `json:"reset"`
	} `json:"error"`
}

// wireStoreMetrics is Customer.store_metrics.
type wireStoreMetrics struct {
	TotalPurchases    int     `json:"total_purchases"`
	TotalSpent        float64 `json:"total_spent"`
	FirstPurchaseDate string  `json:"first_purchase_date"`
	LastPurchaseDate  string  `json:"last_purchase_date"`
	Status            string  `json:"status"`
}

// wireCustomer is components.schemas.Customer.
type wireCustomer struct {
	ID                 string            `json:"id"`
	Name               string            `json:"name"`
	Email              string            `json:"email"`
	Phone              string            `json:"phone"`
	Address            *string           `json:"address"`
	Status             string            `json:"status"`
	Tier               string            `json:"tier"`
	JoinDate           string            `json:"join_date"`
	ExternalID         *string           `json:"external_id"`
	MarketingConsent   bool              `json:"marketing_consent"`
	TotalPurchases     int               `json:"total_purchases"`
	LastPurchase       *string           `json:"last_purchase"`
	StoreCreditBalance float64           `json:"store_credit_balance"`
	CreatedAt          string            `json:"created_at"`
	UpdatedAt          string            `json:"updated_at"`
	StoreMetrics       *wireStoreMetrics `json:"store_metrics"`
}

// wireCustomerEnvelope is createCustomer's 201 and updateCustomer's 200:
// {"customer":{…}}. getCustomer answers the Customer bare.
type wireCustomerEnvelope struct {
	Customer *wireCustomer `json:"customer"`
}

// wireCustomerCreate is createCustomer's request body.
type wireCustomerCreate struct {
	Email   string `json:"email"`
	Name    string `json:"name,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
}

// wireCustomerPatch is updateCustomer's request body: only the fields
// set are sent.
type wireCustomerPatch struct {
	Email   *string `json:"email,omitempty"`
	Phone   *string `json:"phone,omitempty"`
	Name    *string `json:"name,omitempty"`
	Address *string `json:"address,omitempty"`
	Status  *string `json:"status,omitempty"`
}

// wireAddress is components.schemas.Address (orders' billing and
// shipping addresses).
type wireAddress struct {
	Street  string `json:"street"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

// wireOrderItem is components.schemas.OrderItem.
type wireOrderItem struct {
	ProductName string  `json:"product_name"`
	ProductSKU  string  `json:"product_sku"`
	Quantity    int     `json:"quantity"`
	UnitPrice   float64 `json:"unit_price"`
	Subtotal    float64 `json:"subtotal"`
}

// wireOrder is components.schemas.Order; the list leaves items (and most
// else) out.
type wireOrder struct {
	ID              string          `json:"id"`
	OrderNumber     string          `json:"order_number"`
	CustomerID      string          `json:"customer_id"`
	CustomerName    string          `json:"customer_name"`
	OrderStatus     string          `json:"order_status"`
	PaymentStatus   string          `json:"payment_status"`
	Subtotal        float64         `json:"subtotal"`
	TaxAmount       float64         `json:"tax_amount"`
	ShippingAmount  float64         `json:"shipping_amount"`
	DiscountAmount  float64         `json:"discount_amount"`
	TotalAmount     float64         `json:"total_amount"`
	BillingAddress  *wireAddress    `json:"billing_address"`
	ShippingAddress *wireAddress    `json:"shipping_address"`
	Items           []wireOrderItem `json:"items"`
	CreatedAt       string          `json:"created_at"`
}

// wireOrderList is listOrders' answer.
type wireOrderList struct {
	Orders     []wireOrder `json:"orders"`
	Pagination *struct {
		Limit      int     `json:"limit"`
		NextCursor *string `json:"next_cursor"`
		HasMore    bool    `json:"has_more"`
	} `json:"pagination"`
}

// SplitName maps Tybrite's one `name` onto frontdesk's first and last
// name: the first word is the first name, the rest (trimmed, inner
// spaces kept) the last name. "John Doe" is John / Doe, "Mary Ann Smith"
// Mary / Ann Smith, "Cher" Cher / "". JoinName writes them back as one
// name, so a name survives the round trip up to runs of spaces.
func SplitName(name string) (first, last string) {
	name = strings.TrimSpace(name)
	i := strings.IndexFunc(name, func(r rune) bool { return r == ' ' || r == '\t' })
	if i < 0 {
		return name, ""
	}
	return name[:i], strings.TrimSpace(name[i+1:])
}

// JoinName is the one name for a first and last name.
func JoinName(first, last string) string {
	return strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
}

// Minor turns an amount in major units (the API's, "369.99") into
// frontdesk's minor units, assuming two decimals (36999).
func Minor(major float64) int64 { return int64(math.Round(major * 100)) }

// parseTime reads the API's times: RFC 3339 with or without fractions
// ("2026-06-20T13:47:44.9279+00:00", "2026-06-20T11:02:00Z"), or a date.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t
	}
	return time.Time{}
}

func timePtr(s string) *time.Time {
	if t := parseTime(s); !t.IsZero() {
		return &t
	}
	return nil
}

// customerVersion derives a version from what an edit can change (name,
// email, phone, address, status): the API has none, no ETag on
// customers, and updated_at is not reliably moved by a PATCH (the
// schema's updateCustomer example keeps it). Positive, 53 bits.
func customerVersion(w wireCustomer) int64 {
	addr := ""
	if w.Address != nil {
		addr = *w.Address
	}
	h := sha256.New()
	for _, f := range []string{w.Name, w.Email, w.Phone, addr, w.Status} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	v := int64(binary.BigEndian.Uint64(h.Sum(nil)) >> 11)
	if v == 0 {
		v = 1
	}
	return v
}

// status maps active|inactive onto frontdesk's active|disabled.
func status(s string) string {
	if s == "inactive" {
		return api.StatusDisabled
	}
	return s
}

// customer maps the wire customer onto frontdesk's. What the API does not
// carry stays zero (email confirmation, addresses beyond the one line).
func (c *Client) customer(w wireCustomer) api.Customer {
	first, last := SplitName(w.Name)
	out := api.Customer{
		ID: api.ID(w.ID), Email: w.Email, FirstName: first, LastName: last, Phone: w.Phone,
		Status: status(w.Status), TotalOrders: w.TotalPurchases, Currency: c.cfg.Currency,
		CreatedAt: parseTime(w.CreatedAt), UpdatedAt: parseTime(w.UpdatedAt),
		Version: customerVersion(w), Addresses: []api.Address{},
	}
	if w.Address != nil && strings.TrimSpace(*w.Address) != "" {
		out.Addresses = append(out.Addresses, api.Address{Type: "shipping", Address1: *w.Address})
	}
	if m := w.StoreMetrics; m != nil {
		out.TotalOrders = m.TotalPurchases
		out.TotalSpent = Minor(m.TotalSpent)
		sm := &api.StoreMetrics{
			TotalOrders: m.TotalPurchases, TotalSpent: out.TotalSpent, Currency: c.cfg.Currency,
			FirstOrderAt: timePtr(m.FirstPurchaseDate), LastOrderAt: timePtr(m.LastPurchaseDate),
		}
		if m.TotalPurchases > 0 {
			sm.AverageOrderValue = sm.TotalSpent / int64(m.TotalPurchases)
		}
		out.StoreMetrics = sm
	}
	return out
}

// addressLine is one address as Tybrite's single address string.
func addressLine(a api.Address) string {
	var parts []string
	for _, p := range []string{a.Address1, a.Address2, a.City, strings.TrimSpace(a.State + " " + a.Zip), a.Country} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// orderStatus is frontdesk's one status for Tybrite's two: a refund or a
// failed payment says more than the fulfilment; a pending order that is
// paid is "paid"; otherwise the fulfilment status (pending, processing,
// shipped, delivered, cancelled), which frontdesk shares.
func orderStatus(orderStatus, payment string) string {
	switch {
	case payment == "refunded":
		return api.OrderRefunded
	case orderStatus == "pending" && payment == "paid":
		return api.OrderPaid
	}
	return orderStatus
}

func address(w *wireAddress) *api.Address {
	if w == nil {
		return nil
	}
	return &api.Address{Address1: w.Street, City: w.City, State: w.State, Zip: w.Zip, Country: w.Country}
}

// order maps the wire order onto frontdesk's; customerID fills in the
// customer when the list leaves it out.
func (c *Client) order(w wireOrder, customerID api.ID) api.Order {
	out := api.Order{
		ID: api.ID(w.ID), Number: w.OrderNumber, CustomerID: api.ID(w.CustomerID),
		Status: orderStatus(w.OrderStatus, w.PaymentStatus), PaymentStatus: w.PaymentStatus, FulfillmentStatus: w.OrderStatus,
		Currency: c.cfg.Currency, Subtotal: Minor(w.Subtotal), Shipping: Minor(w.ShippingAmount), Tax: Minor(w.TaxAmount),
		Discount: Minor(w.DiscountAmount), Total: Minor(w.TotalAmount), CreatedAt: parseTime(w.CreatedAt),
		ShippingAddress: address(w.ShippingAddress), BillingAddress: address(w.BillingAddress),
	}
	if out.CustomerID == "" {
		out.CustomerID = customerID
	}
	for _, it := range w.Items {
		out.Items = append(out.Items, api.OrderItem{SKU: it.ProductSKU, Name: it.ProductName, Quantity: it.Quantity,
			UnitPrice: Minor(it.UnitPrice), Total: Minor(it.Subtotal)})
		out.ItemCount += it.Quantity
	}
	if out.ShippingAddress != nil {
		out.ShippingAddress.Type = "shipping"
	}
	if out.BillingAddress != nil {
		out.BillingAddress.Type = "billing"
	}
	return out
}

package tybrite

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"frontdesk/api"
	storage "frontdesk/store"
)

// listOrders' documented limits (1–200, default 50).
const (
	DefaultOrderLimit = 50
	MaxOrderLimit     = 200
	// maxCustomerOrders bounds the orders of one customer the dialect
	// filters in memory.
	maxCustomerOrders = 10000
)

// wireAddress is components.schemas.Address.
type wireAddress struct {
	Street  string `json:"street"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

// wireOrderItem is components.schemas.OrderItem as the sandbox fills it.
type wireOrderItem struct {
	ProductName string  `json:"product_name"`
	ProductSKU  string  `json:"product_sku"`
	Quantity    int     `json:"quantity"`
	UnitPrice   float64 `json:"unit_price"`
	Subtotal    float64 `json:"subtotal"`
}

// wireOrderHeader is one order of the list: the keys of listOrders'
// example ("order headers without line items").
type wireOrderHeader struct {
	ID            string  `json:"id"`
	OrderNumber   string  `json:"order_number"`
	CustomerName  string  `json:"customer_name"`
	PaymentStatus string  `json:"payment_status"`
	OrderStatus   string  `json:"order_status"`
	TotalAmount   float64 `json:"total_amount"`
	CreatedAt     string  `json:"created_at"`
}

// wireOrder is getOrder's answer (components.schemas.Order).
type wireOrder struct {
	ID              string          `json:"id"`
	OrderNumber     string          `json:"order_number"`
	CustomerID      string          `json:"customer_id"`
	CustomerEmail   string          `json:"customer_email"`
	CustomerPhone   string          `json:"customer_phone"`
	CustomerName    string          `json:"customer_name"`
	OrderStatus     string          `json:"order_status"`
	PaymentStatus   string          `json:"payment_status"`
	Subtotal        float64         `json:"subtotal"`
	TaxAmount       float64         `json:"tax_amount"`
	ShippingAmount  float64         `json:"shipping_amount"`
	DiscountAmount  float64         `json:"discount_amount"`
	TotalAmount     float64         `json:"total_amount"`
	BillingAddress  *wireAddress    `json:"billing_address,omitempty"`
	ShippingAddress *wireAddress    `json:"shipping_address,omitempty"`
	Items           []wireOrderItem `json:"items"`
	CreatedAt       string          `json:"created_at"`
	UpdatedAt       string          `json:"updated_at"`
	Environment     string          `json:"environment"`
}

// statuses maps the sandbox's order onto Tybrite's two statuses:
// order_status (pending, processing, shipped, delivered, cancelled) and
// payment_status (pending, paid, failed, refunded). A paid order not yet
// processing is pending; a refunded one is cancelled; a voided payment
// failed.
func statuses(o api.Order) (order, payment string) {
	switch o.Status {
	case api.OrderPending, api.OrderPaid:
		order = "pending"
	case api.OrderRefunded:
		order = "cancelled"
	default:
		order = o.Status
	}
	switch o.PaymentStatus {
	case "voided":
		payment = "failed"
	case "pending", "paid", "refunded":
		payment = o.PaymentStatus
	default:
		payment = "pending"
	}
	if o.Status == api.OrderRefunded {
		payment = "refunded"
	}
	return order, payment
}

func address(a *api.Address) *wireAddress {
	if a == nil {
		return nil
	}
	return &wireAddress{Street: strings.TrimSpace(a.Address1 + " " + a.Address2), City: a.City, State: a.State, Zip: a.Zip, Country: a.Country}
}

// cursor is listOrders' opaque cursor: the offset, base64url.
func cursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func readCursor(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
	if !strings.HasPrefix(string(b), "o:") || err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

var (
	orderStatuses   = map[string]bool{"pending": true, "processing": true, "shipped": true, "delivered": true, "cancelled": true}
	paymentStatuses = map[string]bool{"pending": true, "paid": true, "failed": true, "refunded": true}
)

// listOrders is GET /v1/orders. The sandbox keeps orders per customer, so
// it lists one customer's: customer_id is required here (the real API
// lists the whole store without it).
func (h *Handler) listOrders(ctx context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	limit := DefaultOrderLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxOrderLimit {
			return nil, invalid("limit must be a whole number from 1 to %d", MaxOrderLimit)
		}
		limit = n
	}
	offset := 0
	if v := q.Get("cursor"); v != "" {
		n, ok := readCursor(v)
		if !ok {
			return nil, invalid("cursor is not one this API returned: pass pagination.next_cursor back verbatim")
		}
		offset = n
	}
	os, ps := q.Get("order_status"), q.Get("payment_status")
	switch {
	case os != "" && !orderStatuses[os]:
		return nil, invalid("order_status must be one of pending, processing, shipped, delivered, cancelled")
	case ps != "" && !paymentStatuses[ps]:
		return nil, invalid("payment_status must be one of pending, paid, failed, refunded")
	}
	cu := q.Get("customer_id")
	if cu == "" {
		return nil, &apiError{status: http.StatusBadRequest, code: codeInvalidRequest, message: "Invalid request parameters",
			details: "the sandbox lists the orders of one customer at a time", hint: "pass customer_id"}
	}
	if !isUUID(cu) {
		return nil, invalid("customer_id must be a uuid, not %q", cu)
	}
	out := struct {
		Orders     []wireOrderHeader `json:"orders"`
		Pagination struct {
			Limit      int     `json:"limit"`
			NextCursor *string `json:"next_cursor"`
			HasMore    bool    `json:"has_more"`
		} `json:"pagination"`
	}{Orders: []wireOrderHeader{}}
	out.Pagination.Limit = limit
	id, ok := CustomerID(cu)
	if !ok {
		return out, nil // no such customer: no orders
	}
	var matched []wireOrderHeader
	err := h.st.Read(ctx, func(tx storage.Tx) error {
		c, err := tx.Customer(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		all, err := tx.OrdersOf(ctx, storage.OrderFilter{CustomerID: id}, maxCustomerOrders, 0)
		if err != nil {
			return err
		}
		name := strings.TrimSpace(c.FirstName + " " + c.LastName)
		for _, o := range all {
			st, pay := statuses(o)
			if (os != "" && st != os) || (ps != "" && pay != ps) {
				continue
			}
			u, _ := OrderUUID(id, o.ID)
			matched = append(matched, wireOrderHeader{ID: u, OrderNumber: o.Number, CustomerName: name, PaymentStatus: pay,
				OrderStatus: st, TotalAmount: major(o.Total), CreatedAt: wireTime(o.CreatedAt)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if offset < len(matched) {
		end := min(len(matched), offset+limit)
		out.Orders = matched[offset:end]
		if end < len(matched) {
			next := cursor(end)
			out.Pagination.NextCursor, out.Pagination.HasMore = &next, true
		}
	}
	return out, nil
}

// getOrder is GET /v1/orders/{id}.
func (h *Handler) getOrder(ctx context.Context, r *http.Request, p string) (any, error) {
	if !isUUID(p) {
		return nil, invalid("the order id must be a uuid, not %q", p)
	}
	if f := r.URL.Query().Get("fields"); f != "" {
		return nil, invalid("the sandbox does not select order fields")
	}
	cid, oid, ok := OrderID(p)
	if !ok {
		return nil, notFound("Order")
	}
	var w wireOrder
	err := h.st.Read(ctx, func(tx storage.Tx) error {
		c, err := tx.Customer(ctx, cid)
		if err != nil {
			return err
		}
		o, err := tx.Order(ctx, cid, oid)
		if err != nil {
			return err
		}
		cu, _ := CustomerUUID(cid)
		st, pay := statuses(o)
		w = wireOrder{ID: p, OrderNumber: o.Number, CustomerID: cu, CustomerEmail: c.Email, CustomerPhone: c.Phone,
			CustomerName: strings.TrimSpace(c.FirstName + " " + c.LastName), OrderStatus: st, PaymentStatus: pay,
			Subtotal: major(o.Subtotal), TaxAmount: major(o.Tax), ShippingAmount: major(o.Shipping), DiscountAmount: major(o.Discount),
			TotalAmount: major(o.Total), BillingAddress: address(o.BillingAddress), ShippingAddress: address(o.ShippingAddress),
			Items: []wireOrderItem{}, CreatedAt: wireTime(o.CreatedAt), UpdatedAt: wireTime(o.CreatedAt), Environment: "sandbox"}
		for _, it := range o.Items {
			w.Items = append(w.Items, wireOrderItem{ProductName: it.Name, ProductSKU: it.SKU, Quantity: it.Quantity,
				UnitPrice: major(it.UnitPrice), Subtotal: major(it.Total)})
		}
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, notFound("Order")
	}
	if err != nil {
		return nil, fmt.Errorf("get order: %w", err)
	}
	return w, nil
}

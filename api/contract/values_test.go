package contract_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"frontdesk/api"
)

// Realistic instances of every response type, in full and with their
// optional parts nil or zero, for the tests that hold them against the
// contract.

var t0 = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

func ptrTime(t time.Time) *time.Time { return &t }
func ptrID(id api.ID) *api.ID        { return &id }

func adjustEntry() api.LedgerEntry {
	return api.LedgerEntry{ID: "9001", Type: api.LedgerAdjust, Points: 50, BalanceAfter: 370,
		Reason: api.ReasonGoodwill, Note: "late delivery", AgentID: "ag_1", AgentName: "Wanjiru Kamau", CreatedAt: t0}
}

func earnEntry() api.LedgerEntry {
	return api.LedgerEntry{ID: "8999", Type: api.LedgerEarn, Points: 120, BalanceAfter: 320,
		OrderID: ptrID("1001"), Note: "Earned on order ORD-1001", CreatedAt: t0.Add(-48 * time.Hour)}
}

// expireEntry has every optional field empty.
func expireEntry() api.LedgerEntry {
	return api.LedgerEntry{ID: "8000", Type: api.LedgerExpire, Points: -30, BalanceAfter: 0, CreatedAt: t0.Add(-90 * 24 * time.Hour)}
}

func note() api.Note {
	return api.Note{ID: "7", CustomerID: "42", Body: "Called about order ORD-1001", AgentID: "ag_1", AgentName: "Wanjiru Kamau", CreatedAt: t0}
}

func address() api.Address {
	return api.Address{ID: "1", Type: "shipping", Address1: "Westlands Road", Address2: "Apt 4B", City: "Nairobi",
		State: "Nairobi", Zip: "00100", Country: "Kenya", Default: true}
}

// minimalAddress leaves out every optional field (no id: not yet saved).
func minimalAddress() api.Address {
	return api.Address{Type: "billing", Address1: "Moi Avenue 12", City: "Mombasa", Country: "Kenya"}
}

func orderSummary() api.Order {
	return api.Order{ID: "1001", Number: "ORD-1001", CustomerID: "42", Status: api.OrderDelivered,
		PaymentStatus: "paid", FulfillmentStatus: "fulfilled", Currency: "KES",
		Subtotal: 250000, Shipping: 30000, Tax: 40000, Discount: 0, Total: 320000, ItemCount: 3, CreatedAt: t0}
}

func orderDetail() api.Order {
	o := orderSummary()
	o.Items = []api.OrderItem{
		{SKU: "TEA-500", Name: "Kericho Gold tea 500 g", Quantity: 2, UnitPrice: 75000, Total: 150000},
		{SKU: "MUG-01", Name: "Enamel mug", Quantity: 1, UnitPrice: 100000, Total: 100000},
	}
	sa, ba := address(), minimalAddress()
	o.ShippingAddress, o.BillingAddress = &sa, &ba
	return o
}

func fullCustomer() api.Customer {
	return api.Customer{
		ID: "42", Email: "jane.wanjiku@example.co.ke", EmailConfirmed: true, FirstName: "Jane", LastName: "Wanjiku",
		Phone: "+254712345678", Status: api.StatusActive, TotalOrders: 5, TotalSpent: 1250000, Currency: "KES",
		Addresses: []api.Address{address(), minimalAddress()},
		CreatedAt: t0, UpdatedAt: t0.Add(time.Hour), Version: 3,
		StoreMetrics: &api.StoreMetrics{
			TotalOrders: 5, TotalSpent: 1250000, AverageOrderValue: 250000,
			FirstOrderAt: ptrTime(t0.AddDate(-1, 0, 0)), LastOrderAt: ptrTime(t0), LTVPercentile: 87,
			MonthlySpend: []api.MonthSpend{{Month: "2025-12", Amount: 320000}, {Month: "2026-01", Amount: 0}},
			Currency:     "KES",
		},
		Notes:  []api.Note{note()},
		Orders: []api.Order{orderSummary()},
	}
}

// bareCustomer is a new customer: string id, no phone, no addresses, no
// orders, metrics with null order dates, nothing optional set.
func bareCustomer() api.Customer {
	return api.Customer{
		ID: "cus_01HZY3", Email: "otieno@example.com", FirstName: "Otieno", LastName: "Odhiambo",
		Status: api.StatusDisabled, Currency: "KES", Addresses: []api.Address{},
		CreatedAt: t0, UpdatedAt: t0, Version: 1,
	}
}

func neverOrdered() api.Customer {
	c := bareCustomer()
	c.StoreMetrics = &api.StoreMetrics{Currency: "KES"}
	return c
}

// success marshals data into the success envelope, as the sandbox does.
func success(t testing.TB, data any) []byte {
	t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(api.Envelope{Status: api.EnvelopeSuccess, Data: raw})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// failure marshals an error envelope.
func failure(t testing.TB, eb api.ErrorBody) []byte {
	t.Helper()
	b, err := json.Marshal(api.Envelope{Status: api.EnvelopeError, Error: &eb})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hdr is a response header set as the sandbox sends it, plus kv pairs.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set(api.HeaderRequestID, "req_0123456789ab")
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func gatewayLease() api.GatewaySession {
	return api.GatewaySession{ID: "gwl_1", AgentID: "ag_1", Gateway: "gw-nairobi-1", StartedAt: t0, ExpiresAt: t0.Add(90 * time.Second)}
}

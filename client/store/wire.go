package store

import (
	"encoding/json"
	"time"

	"frontdesk/api"
)

// The wire format of seed 004, field for field as its example responses
// show it (testdata/ holds them). Nothing else is read.

// envelope is every answer: {"status":"success","data":{…}}. Errors are
// {"status":"error","error":{…}} (DESIGN.md reads seed 004 so; the seed
// shows only successes).
type envelope struct {
	Status string          `json:"status"`
	Data   json.RawMessage `json:"data"`
	Error  *errorBody      `json:"error"`
}

type errorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// wireAddress is one entry of a customer's "addresses".
type wireAddress struct {
	ID       api.ID `json:"id"`
	Type     string `json:"type"`
	Address1 string `json:"address1"`
	City     string `json:"city"`
	State    string `json:"state"`
	Zip      string `json:"zip"`
	Country  string `json:"country"`
}

// wireCustomer is a customer of the list and of GET /customers/:id. The
// single customer also carries "notes" and "orders", whose items the
// seed elides ("[...]"): the driver does not read them.
type wireCustomer struct {
	ID          api.ID        `json:"id"`
	Email       string        `json:"email"`
	FirstName   string        `json:"first_name"`
	LastName    string        `json:"last_name"`
	Phone       string        `json:"phone"`
	TotalOrders int           `json:"total_orders"`
	TotalSpent  int64         `json:"total_spent"`
	Addresses   []wireAddress `json:"addresses"`
	CreatedAt   time.Time     `json:"created_at"`
}

// wireList is the data of GET /customers.
type wireList struct {
	Customers []wireCustomer `json:"customers"`
	Total     int            `json:"total"`
	Page      int            `json:"page"`
	Limit     int            `json:"limit"`
}

// wireOne is the data of GET /customers/:id.
type wireOne struct {
	Customer *wireCustomer `json:"customer"`
}

// wireLedgerEntry is one entry of "ledger" (earn, redeem, adjust; the
// seed's example is an earn with its order).
type wireLedgerEntry struct {
	ID      api.ID  `json:"id"`
	Type    string  `json:"type"`
	Points  int64   `json:"points"`
	OrderID *api.ID `json:"order_id"`
	Note    string  `json:"note"`
}

// wireLoyalty is the data of GET /customers/:id/loyalty.
type wireLoyalty struct {
	PointsBalance  *int64            `json:"points_balance"`
	LifetimeEarned int64             `json:"lifetime_earned"`
	Ledger         []wireLedgerEntry `json:"ledger"`
}

// customer maps the wire customer onto frontdesk's. What the seed does
// not carry stays zero: no version (the store cannot be edited), no
// status (the seed names none), no store metrics beyond the two totals.
func (c *Client) customer(w wireCustomer) api.Customer {
	out := api.Customer{
		ID:          w.ID,
		Email:       w.Email,
		FirstName:   w.FirstName,
		LastName:    w.LastName,
		Phone:       w.Phone,
		TotalOrders: w.TotalOrders,
		TotalSpent:  w.TotalSpent,
		Currency:    c.cfg.Currency,
		CreatedAt:   w.CreatedAt,
		Addresses:   make([]api.Address, 0, len(w.Addresses)),
	}
	for _, a := range w.Addresses {
		out.Addresses = append(out.Addresses, api.Address{
			ID: a.ID, Type: a.Type, Address1: a.Address1, City: a.City, State: a.State, Zip: a.Zip, Country: a.Country,
		})
	}
	return out
}

// loyalty maps the wire loyalty onto frontdesk's. The seed's entries
// carry no balance after them or time: those stay zero.
func loyalty(id api.ID, w wireLoyalty) api.Loyalty {
	out := api.Loyalty{CustomerID: id, LifetimeEarned: w.LifetimeEarned, Ledger: make([]api.LedgerEntry, 0, len(w.Ledger))}
	if w.PointsBalance != nil {
		out.PointsBalance = *w.PointsBalance
	}
	for _, e := range w.Ledger {
		out.Ledger = append(out.Ledger, api.LedgerEntry{ID: e.ID, Type: e.Type, Points: e.Points, OrderID: e.OrderID, Note: e.Note})
	}
	return out
}

package store

import (
	"frontdesk/api"
)

// The seed's wire format, field for field (client/store/testdata).

// successEnvelope is {"status":"success","data":{…}}.
type successEnvelope struct {
	Status string `json:"status"`
	Data   any    `json:"data"`
}

// errorEnvelope is {"status":"error","error":{"code","message","fields"?}}.
type errorEnvelope struct {
	Status string    `json:"status"`
	Error  errorBody `json:"error"`
}

type errorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// timeFormat is the seed's "2026-01-15T10:00:00.000Z".
const timeFormat = "2006-01-02T15:04:05.000Z"

type wireAddress struct {
	ID       api.ID `json:"id"`
	Type     string `json:"type"`
	Address1 string `json:"address1"`
	City     string `json:"city"`
	State    string `json:"state"`
	Zip      string `json:"zip"`
	Country  string `json:"country"`
}

type wireCustomer struct {
	ID          api.ID        `json:"id"`
	Email       string        `json:"email"`
	FirstName   string        `json:"first_name"`
	LastName    string        `json:"last_name"`
	Phone       string        `json:"phone"`
	TotalOrders int           `json:"total_orders"`
	TotalSpent  int64         `json:"total_spent"`
	Addresses   []wireAddress `json:"addresses"`
	CreatedAt   string        `json:"created_at"`
}

// detail is GET /customers/:id's customer: the list's fields, plus the
// recent notes and orders, whose items the seed elides ("[...]"); the
// sandbox sends the desk's own shapes for them.
type detail struct {
	wireCustomer
	Notes  []api.Note  `json:"notes"`
	Orders []api.Order `json:"orders"`
}

type listData struct {
	Customers []wireCustomer `json:"customers"`
	Total     int            `json:"total"`
	Page      int            `json:"page"`
	Limit     int            `json:"limit"`
}

type oneData struct {
	Customer detail `json:"customer"`
}

type ledgerEntry struct {
	ID      api.ID  `json:"id"`
	Type    string  `json:"type"`
	Points  int64   `json:"points"`
	OrderID *api.ID `json:"order_id"` // null on entries of no order
	Note    string  `json:"note"`
}

type loyaltyData struct {
	PointsBalance  int64         `json:"points_balance"`
	LifetimeEarned int64         `json:"lifetime_earned"`
	Ledger         []ledgerEntry `json:"ledger"`
}

func customer(c api.Customer) wireCustomer {
	out := wireCustomer{
		ID: c.ID, Email: c.Email, FirstName: c.FirstName, LastName: c.LastName, Phone: c.Phone,
		TotalOrders: c.TotalOrders, TotalSpent: c.TotalSpent, Addresses: []wireAddress{},
		CreatedAt: c.CreatedAt.UTC().Format(timeFormat),
	}
	for _, a := range c.Addresses {
		out.Addresses = append(out.Addresses, wireAddress{ID: a.ID, Type: a.Type, Address1: a.Address1, City: a.City,
			State: a.State, Zip: a.Zip, Country: a.Country})
	}
	return out
}

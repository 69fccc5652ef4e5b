package chec

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"frontdesk/api"
)

// The wire format of Chec's v1 API, as testdata/ records it (see its
// README for where each field came from).

// Customer is a Chec customer: GET /v1/customers/{id} answers one bare,
// lists carry them in data.
type Customer struct {
	ID         string  `json:"id"`
	ExternalID *string `json:"external_id"`
	FirstName  *string `json:"firstname"`
	LastName   *string `json:"lastname"`
	Email      string  `json:"email"`
	Phone      *string `json:"phone"`
	Created    int64   `json:"created"`
	Updated    int64   `json:"updated"`
}

// Pagination is meta.pagination of every list.
type Pagination struct {
	Total       int             `json:"total"`
	Count       int             `json:"count"`
	PerPage     int             `json:"per_page"`
	CurrentPage int             `json:"current_page"`
	TotalPages  int             `json:"total_pages"`
	Links       json.RawMessage `json:"links"` // {next?, previous?}; not read
}

// List is a list answer: {data:[…], meta:{pagination:{…}}}.
type List[T any] struct {
	Data []T `json:"data"`
	Meta struct {
		Pagination *Pagination `json:"pagination"`
	} `json:"meta"`
}

// Price is Chec's price object; raw is in the currency's major unit.
type Price struct {
	Raw                 float64 `json:"raw"`
	Formatted           string  `json:"formatted"`
	FormattedWithSymbol string  `json:"formatted_with_symbol"`
	FormattedWithCode   string  `json:"formatted_with_code"`
}

// Address is an order's shipping or billing address.
type Address struct {
	Name          string `json:"name"`
	Street        string `json:"street"`
	TownCity      string `json:"town_city"`
	CountyState   string `json:"county_state"`
	PostalZipCode string `json:"postal_zip_code"`
	Country       string `json:"country"`
}

// LineItem is one line of an order.
type LineItem struct {
	ID          string `json:"id"`
	ProductID   string `json:"product_id"`
	ProductName string `json:"product_name"`
	SKU         string `json:"sku"`
	Quantity    int    `json:"quantity"`
	Price       Price  `json:"price"`
	LineTotal   Price  `json:"line_total"`
}

// Order is a Chec order (list item and single answer alike).
type Order struct {
	ID                string `json:"id"`
	CustomerReference string `json:"customer_reference"`
	Created           int64  `json:"created"`
	Status            string `json:"status"`
	StatusPayment     string `json:"status_payment"`
	StatusFulfillment string `json:"status_fulfillment"`
	Currency          struct {
		Code   string `json:"code"`
		Symbol string `json:"symbol"`
	} `json:"currency"`
	OrderValue Price `json:"order_value"`
	Order      struct {
		Subtotal     Price `json:"subtotal"`
		Total        Price `json:"total"`
		TotalWithTax Price `json:"total_with_tax"`
		Shipping     struct {
			Price Price `json:"price"`
		} `json:"shipping"`
		Tax struct {
			Amount Price `json:"amount"`
		} `json:"tax"`
		Discount struct {
			AmountSaved Price `json:"amount_saved"`
		} `json:"discount"`
		LineItems []LineItem `json:"line_items"`
	} `json:"order"`
	Shipping *Address `json:"shipping"`
	Billing  *Address `json:"billing"`
	Customer struct {
		ID string `json:"id"`
	} `json:"customer"`
}

// Update is the body of PUT /v1/customers/{id}: only the fields set are
// sent.
type Update struct {
	Email      *string `json:"email,omitempty"`
	FirstName  *string `json:"firstname,omitempty"`
	LastName   *string `json:"lastname,omitempty"`
	Phone      *string `json:"phone,omitempty"`
	ExternalID *string `json:"external_id,omitempty"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func unix(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// Version is the opaque version frontdesk gives a Chec customer, which has
// none: a hash of the fields PUT can change and of `updated`, as a
// positive integer (api.Customer.Version). Any edit changes it.
func Version(w Customer) int64 {
	h := sha256.New()
	for _, s := range []string{w.ID, w.Email, str(w.FirstName), str(w.LastName), str(w.Phone), str(w.ExternalID), strconv.FormatInt(w.Updated, 10)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	v := int64(binary.BigEndian.Uint64(h.Sum(nil)) & (1<<53 - 1)) // exact in a JSON number everywhere
	if v == 0 {
		v = 1
	}
	return v
}

// customer maps a Chec customer onto frontdesk's. Chec keeps no status,
// addresses on the customer, or totals: those stay zero (GetCustomer
// fills TotalOrders from the orders list).
func customer(w Customer) api.Customer {
	return api.Customer{
		ID:        api.ID(w.ID),
		Email:     w.Email,
		FirstName: str(w.FirstName),
		LastName:  str(w.LastName),
		Phone:     str(w.Phone),
		Addresses: []api.Address{},
		CreatedAt: unix(w.Created),
		UpdatedAt: unix(w.Updated),
		Version:   Version(w),
	}
}

// minor converts a Chec price (raw: major units, a JSON number) to minor
// units. The currency's minor digits are read from the price itself: as
// many as `formatted` shows after its decimal point ("48.50": 2,
// "1,250": 0); 2 when formatted is empty.
func minor(p Price) int64 {
	return int64(math.Round(p.Raw * math.Pow10(decimals(p.Formatted))))
}

func decimals(formatted string) int {
	f := strings.TrimSpace(formatted)
	if f == "" {
		return 2
	}
	i := strings.LastIndexByte(f, '.')
	if i < 0 {
		return 0
	}
	n := 0
	for _, r := range f[i+1:] {
		if r < '0' || r > '9' {
			break
		}
		n++
	}
	return n
}

// orderStatus maps Chec's three statuses onto frontdesk's one: a
// cancelled order is cancelled, a refunded payment refunded, a fulfilled
// order shipped (delivered once Chec closes it), a partly fulfilled one
// processing, a paid one paid, anything else pending.
func orderStatus(o Order) string {
	switch {
	case o.Status == "cancelled":
		return api.OrderCancelled
	case o.StatusPayment == "refunded":
		return api.OrderRefunded
	case o.StatusFulfillment == "fulfilled" && o.Status == "closed":
		return api.OrderDelivered
	case o.StatusFulfillment == "fulfilled":
		return api.OrderShipped
	case o.StatusFulfillment == "partially_fulfilled":
		return api.OrderProcessing
	case o.StatusPayment == "paid":
		return api.OrderPaid
	}
	return api.OrderPending
}

func address(a *Address, typ string) *api.Address {
	if a == nil {
		return nil
	}
	return &api.Address{Type: typ, Address1: a.Street, City: a.TownCity, State: a.CountyState, Zip: a.PostalZipCode, Country: a.Country}
}

// order maps a Chec order onto frontdesk's; detail keeps its lines and
// addresses (lists leave them out, as frontdesk's do).
func order(w Order, customerID api.ID, detail bool) api.Order {
	cur := strings.ToUpper(w.Currency.Code)
	o := api.Order{
		ID:                api.ID(w.ID),
		Number:            w.CustomerReference,
		CustomerID:        customerID,
		Status:            orderStatus(w),
		PaymentStatus:     w.StatusPayment,
		FulfillmentStatus: w.StatusFulfillment,
		Currency:          cur,
		Subtotal:          minor(w.Order.Subtotal),
		Shipping:          minor(w.Order.Shipping.Price),
		Tax:               minor(w.Order.Tax.Amount),
		Discount:          minor(w.Order.Discount.AmountSaved),
		Total:             minor(w.OrderValue),
		CreatedAt:         unix(w.Created),
	}
	if w.Customer.ID != "" {
		o.CustomerID = api.ID(w.Customer.ID)
	}
	for _, li := range w.Order.LineItems {
		o.ItemCount += li.Quantity
	}
	if detail {
		o.Items = make([]api.OrderItem, 0, len(w.Order.LineItems))
		for _, li := range w.Order.LineItems {
			o.Items = append(o.Items, api.OrderItem{SKU: li.SKU, Name: li.ProductName, Quantity: li.Quantity,
				UnitPrice: minor(li.Price), Total: minor(li.LineTotal)})
		}
		o.ShippingAddress = address(w.Shipping, "shipping")
		o.BillingAddress = address(w.Billing, "billing")
	}
	return o
}

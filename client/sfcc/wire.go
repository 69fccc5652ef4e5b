package sfcc

import (
	"hash/fnv"
	"math"
	"strings"
	"time"

	"frontdesk/api"
)

// The OCAPI 20.4 documents the driver reads, field for field as the
// schemas define them (Shop: ocapi-shop-20_4.swagger.json definitions;
// Data: the Data API 20.4 swagger, definitions customer_search_result,
// customer_search_hit, customer). Nothing else is read.

type wireAddress struct {
	Address1    string `json:"address1"`
	Address2    string `json:"address2"`
	AddressID   string `json:"address_id"`
	City        string `json:"city"`
	CountryCode string `json:"country_code"`
	PostalCode  string `json:"postal_code"`
	Preferred   bool   `json:"preferred"`
	StateCode   string `json:"state_code"`
}

// wireCustomer is the Shop API's customer and the Data API's (a search
// hit's data: credentials instead of enabled, no addresses).
type wireCustomer struct {
	Type          string        `json:"_type"`
	Addresses     []wireAddress `json:"addresses"`
	CreationDate  time.Time     `json:"creation_date"`
	CustomerID    string        `json:"customer_id"`
	CustomerNo    string        `json:"customer_no"`
	Email         string        `json:"email"`
	Enabled       *bool         `json:"enabled"`
	FirstName     string        `json:"first_name"`
	LastModified  time.Time     `json:"last_modified"`
	LastName      string        `json:"last_name"`
	PhoneHome     string        `json:"phone_home"`
	PhoneMobile   string        `json:"phone_mobile"`
	PhoneBusiness string        `json:"phone_business"`
	Credentials   *struct {
		Enabled *bool `json:"enabled"`
		Locked  bool  `json:"locked"`
	} `json:"credentials"`
}

type wireSearchResult struct {
	Count int `json:"count"`
	Hits  []struct {
		Data wireCustomer `json:"data"`
	} `json:"hits"`
	Start int `json:"start"`
	Total int `json:"total"`
}

type wireOrderAddress struct {
	Address1    string `json:"address1"`
	Address2    string `json:"address2"`
	City        string `json:"city"`
	CountryCode string `json:"country_code"`
	PostalCode  string `json:"postal_code"`
	StateCode   string `json:"state_code"`
}

type wireOrder struct {
	BillingAddress *wireOrderAddress `json:"billing_address"`
	CreationDate   time.Time         `json:"creation_date"`
	Currency       string            `json:"currency"`
	CustomerInfo   struct {
		CustomerID string `json:"customer_id"`
		CustomerNo string `json:"customer_no"`
	} `json:"customer_info"`
	OrderNo      string  `json:"order_no"`
	OrderTotal   float64 `json:"order_total"`
	PaymentState string  `json:"payment_status"`
	ProductItems []struct {
		BasePrice   float64 `json:"base_price"`
		Price       float64 `json:"price"`
		ProductID   string  `json:"product_id"`
		ProductName string  `json:"product_name"`
		Quantity    float64 `json:"quantity"`
	} `json:"product_items"`
	ProductSubTotal float64 `json:"product_sub_total"`
	ProductTotal    float64 `json:"product_total"`
	Shipments       []struct {
		ShippingAddress *wireOrderAddress `json:"shipping_address"`
	} `json:"shipments"`
	ShippingState string  `json:"shipping_status"`
	ShippingTotal float64 `json:"shipping_total"`
	Status        string  `json:"status"`
	TaxTotal      float64 `json:"tax_total"`
}

type wireOrderResult struct {
	Count int         `json:"count"`
	Data  []wireOrder `json:"data"`
	Start int         `json:"start"`
	Total int         `json:"total"`
}

// phone is the customer's one phone for frontdesk: home, else mobile,
// else business. An edit writes phone_home (see PatchCustomer).
func (w wireCustomer) phone() string {
	for _, p := range []string{w.PhoneHome, w.PhoneMobile, w.PhoneBusiness} {
		if strings.TrimSpace(p) != "" {
			return p
		}
	}
	return ""
}

// addressType reads frontdesk's address type from OCAPI's address name:
// OCAPI has no type, only a name the shopper chose ("home", "billing").
func addressType(name string) string {
	if strings.HasPrefix(strings.ToLower(name), "billing") {
		return "billing"
	}
	return "shipping"
}

// version is the version frontdesk shows for an SFCC customer: OCAPI
// has no version number, so it is a hash of what an agent can edit and
// last_modified. Any change the agent could see moves it.
func version(w wireCustomer) int64 {
	h := fnv.New64a()
	for _, s := range []string{w.LastModified.UTC().Format(time.RFC3339Nano), w.Email, w.FirstName, w.LastName,
		w.PhoneHome, w.PhoneMobile, w.PhoneBusiness} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	v := int64(h.Sum64() & math.MaxInt64 >> 1)
	if v == 0 {
		v = 1
	}
	return v
}

// customer maps an OCAPI customer onto frontdesk's. OCAPI keeps no
// order totals on a customer: TotalOrders and TotalSpent stay 0.
func customer(w wireCustomer) api.Customer {
	enabled := true
	switch {
	case w.Enabled != nil:
		enabled = *w.Enabled
	case w.Credentials != nil && w.Credentials.Enabled != nil:
		enabled = *w.Credentials.Enabled && !w.Credentials.Locked
	}
	status := api.StatusActive
	if !enabled {
		status = api.StatusDisabled
	}
	out := api.Customer{
		ID: api.ID(w.CustomerID), Email: w.Email, FirstName: w.FirstName, LastName: w.LastName, Phone: w.phone(),
		Status: status, CreatedAt: w.CreationDate, UpdatedAt: w.LastModified, Version: version(w),
		Addresses: make([]api.Address, 0, len(w.Addresses)),
	}
	for _, a := range w.Addresses {
		out.Addresses = append(out.Addresses, api.Address{ID: api.ID(a.AddressID), Type: addressType(a.AddressID),
			Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.StateCode, Zip: a.PostalCode,
			Country: a.CountryCode, Default: a.Preferred})
	}
	return out
}

// minor is an OCAPI amount (a decimal number of major units) in minor
// units, assuming two decimals.
func minor(v float64) int64 { return int64(math.Round(v * 100)) }

// orderStatus maps OCAPI's three statuses onto frontdesk's one
// (docs/platforms.md, sfcc, "order statuses").
func orderStatus(status, payment, shipping string) string {
	switch status {
	case "created":
		return api.OrderPending
	case "new":
		return api.OrderPaid
	case "completed":
		return api.OrderDelivered
	case "cancelled", "failed", "replaced":
		if status == "cancelled" && payment == "paid" {
			return api.OrderRefunded
		}
		return api.OrderCancelled
	}
	if shipping == "shipped" {
		return api.OrderShipped
	}
	return api.OrderProcessing
}

// sfccStatusFilter is the OCAPI status that covers frontdesk's status s.
func sfccStatusFilter(s string) string {
	switch s {
	case api.OrderPending:
		return "created"
	case api.OrderPaid:
		return "new"
	case api.OrderProcessing, api.OrderShipped:
		return "open"
	case api.OrderDelivered:
		return "completed"
	case api.OrderCancelled, api.OrderRefunded:
		return "cancelled"
	}
	return ""
}

func paymentStatus(s string) string {
	switch s {
	case "not_paid":
		return "pending"
	case "part_paid":
		return "partial"
	}
	return s
}

func fulfillmentStatus(s string) string {
	switch s {
	case "not_shipped":
		return "unfulfilled"
	case "part_shipped":
		return "partial"
	case "shipped":
		return "fulfilled"
	}
	return s
}

func orderAddress(a *wireOrderAddress, typ string) *api.Address {
	if a == nil {
		return nil
	}
	return &api.Address{Type: typ, Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.StateCode,
		Zip: a.PostalCode, Country: a.CountryCode}
}

// order maps an OCAPI order onto frontdesk's. The id is order_no.
func order(w wireOrder, withItems bool) api.Order {
	out := api.Order{
		ID: api.ID(w.OrderNo), Number: w.OrderNo, CustomerID: api.ID(w.CustomerInfo.CustomerID),
		Status:        orderStatus(w.Status, w.PaymentState, w.ShippingState),
		PaymentStatus: paymentStatus(w.PaymentState), FulfillmentStatus: fulfillmentStatus(w.ShippingState),
		Currency: w.Currency, Subtotal: minor(w.ProductSubTotal), Shipping: minor(w.ShippingTotal), Tax: minor(w.TaxTotal),
		Discount: max(0, minor(w.ProductSubTotal)-minor(w.ProductTotal)), Total: minor(w.OrderTotal), CreatedAt: w.CreationDate,
	}
	for _, it := range w.ProductItems {
		out.ItemCount += int(it.Quantity)
		if withItems {
			out.Items = append(out.Items, api.OrderItem{SKU: it.ProductID, Name: it.ProductName, Quantity: int(it.Quantity),
				UnitPrice: minor(it.BasePrice), Total: minor(it.Price)})
		}
	}
	if withItems {
		if out.Items == nil {
			out.Items = []api.OrderItem{}
		}
		out.BillingAddress = orderAddress(w.BillingAddress, "billing")
		if len(w.Shipments) > 0 {
			out.ShippingAddress = orderAddress(w.Shipments[0].ShippingAddress, "shipping")
		}
	}
	return out
}

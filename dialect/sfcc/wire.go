package sfcc

import (
	"math"
	"strings"
	"time"

	"frontdesk/api"
)

// The OCAPI wire format, field for field as the 20.4 schemas define it
// (Shop: ../shared/vendor-schemas/ocapi-shop-20_4.swagger.json; Data:
// ranveer5289/sfcc_tools packages/core/ocapi/meta-api/swagger-dataapi.json,
// "Data API" 20.4). Every document carries "_v" (the API version) and
// "_type" (the document's type), as OCAPI's documents do.

// Version is the OCAPI version the dialect speaks, in the path form
// ("v20_4") and the document form ("20.4").
const (
	PathVersion = "v20_4"
	DocVersion  = "20.4"
)

// timeFormat is OCAPI's date-time, e.g. "2020-05-14T09:22:51.000Z".
const timeFormat = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string { return t.UTC().Format(timeFormat) }

// faultDoc is every error: {"_v":…, "fault":{"type","message","arguments"?}}
// (OCAPI "HTTP status codes and faults"; client/sfcc/testdata/fault.json).
type faultDoc struct {
	V     string    `json:"_v"`
	Fault faultBody `json:"fault"`
}

type faultBody struct {
	Type      string         `json:"type"`
	Message   string         `json:"message"`
	Arguments map[string]any `json:"arguments,omitempty"`
}

type customerAddress struct {
	Type        string `json:"_type"`
	Address1    string `json:"address1"`
	Address2    string `json:"address2,omitempty"`
	AddressID   string `json:"address_id"`
	City        string `json:"city"`
	CountryCode string `json:"country_code"`
	FirstName   string `json:"first_name"`
	FullName    string `json:"full_name"`
	LastName    string `json:"last_name"`
	PostalCode  string `json:"postal_code"`
	Preferred   bool   `json:"preferred"`
	StateCode   string `json:"state_code"`
}

// customer is the Shop API's customer document.
type customer struct {
	V             string            `json:"_v,omitempty"`
	Type          string            `json:"_type"`
	Addresses     []customerAddress `json:"addresses"`
	AuthType      string            `json:"auth_type"`
	CreationDate  string            `json:"creation_date"`
	CustomerID    string            `json:"customer_id"`
	CustomerNo    string            `json:"customer_no"`
	Email         string            `json:"email"`
	Enabled       bool              `json:"enabled"`
	FirstName     string            `json:"first_name"`
	LastModified  string            `json:"last_modified"`
	LastName      string            `json:"last_name"`
	Login         string            `json:"login"`
	PhoneHome     string            `json:"phone_home"`
	PhoneBusiness string            `json:"phone_business"`
	PhoneMobile   string            `json:"phone_mobile"`
}

func addressID(a api.Address) string {
	t := a.Type
	if t == "" {
		t = "address"
	}
	if a.ID != "" {
		return t + "-" + string(a.ID)
	}
	return t
}

func shopAddress(c api.Customer, a api.Address) customerAddress {
	return customerAddress{Type: "customer_address", Address1: a.Address1, Address2: a.Address2, AddressID: addressID(a),
		City: a.City, CountryCode: strings.ToUpper(a.Country), FirstName: c.FirstName, LastName: c.LastName,
		FullName: strings.TrimSpace(c.FirstName + " " + c.LastName), PostalCode: a.Zip, Preferred: a.Default, StateCode: a.State}
}

// shopCustomer is the sandbox's customer as the Shop API shows it. The
// sandbox has one phone: it is phone_home.
func shopCustomer(c api.Customer) customer {
	out := customer{
		V: DocVersion, Type: "customer", Addresses: []customerAddress{}, AuthType: "registered",
		CreationDate: ts(c.CreatedAt), CustomerID: CustomerID(c.ID), CustomerNo: CustomerNo(c.ID),
		Email: c.Email, Enabled: c.Status != api.StatusDisabled, FirstName: c.FirstName, LastName: c.LastName,
		LastModified: ts(c.UpdatedAt), Login: c.Email, PhoneHome: c.Phone,
	}
	for _, a := range c.Addresses {
		out.Addresses = append(out.Addresses, shopAddress(c, a))
	}
	return out
}

// credentials is the Data API customer's login.
type credentials struct {
	Type    string `json:"_type"`
	Enabled bool   `json:"enabled"`
	Locked  bool   `json:"locked"`
	Login   string `json:"login"`
}

// dataCustomer is the Data API's customer, as a search hit carries it.
type dataCustomer struct {
	Type          string      `json:"_type"`
	CreationDate  string      `json:"creation_date"`
	Credentials   credentials `json:"credentials"`
	CustomerID    string      `json:"customer_id"`
	CustomerNo    string      `json:"customer_no"`
	Email         string      `json:"email"`
	FirstName     string      `json:"first_name"`
	LastModified  string      `json:"last_modified"`
	LastName      string      `json:"last_name"`
	PhoneBusiness string      `json:"phone_business"`
	PhoneHome     string      `json:"phone_home"`
	PhoneMobile   string      `json:"phone_mobile"`
}

func dataCust(c api.Customer) dataCustomer {
	return dataCustomer{
		Type: "customer", CreationDate: ts(c.CreatedAt),
		Credentials: credentials{Type: "credentials", Enabled: c.Status != api.StatusDisabled, Login: c.Email},
		CustomerID:  CustomerID(c.ID), CustomerNo: CustomerNo(c.ID), Email: c.Email, FirstName: c.FirstName,
		LastModified: ts(c.UpdatedAt), LastName: c.LastName, PhoneHome: c.Phone,
	}
}

type searchHit struct {
	Type      string       `json:"_type"`
	Data      dataCustomer `json:"data"`
	Relevance float64      `json:"relevance"`
}

type resultPage struct {
	Type  string `json:"_type"`
	Count int    `json:"count"`
	Start int    `json:"start"`
}

// searchResult is customer_search_result (Data API 20.4).
type searchResult struct {
	V        string         `json:"_v"`
	Type     string         `json:"_type"`
	Count    int            `json:"count"`
	Hits     []searchHit    `json:"hits"`
	Next     *resultPage    `json:"next,omitempty"`
	Previous *resultPage    `json:"previous,omitempty"`
	Query    map[string]any `json:"query"`
	Select   string         `json:"select,omitempty"`
	Start    int            `json:"start"`
	Total    int            `json:"total"`
}

// listResult is customer_address_result and customer_order_result: {count,
// data, next?, previous?, start, total}; next and previous are URLs.
type listResult[T any] struct {
	V        string `json:"_v"`
	Type     string `json:"_type"`
	Count    int    `json:"count"`
	Data     []T    `json:"data"`
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
	Start    int    `json:"start"`
	Total    int    `json:"total"`
}

type orderAddress struct {
	Type        string `json:"_type"`
	Address1    string `json:"address1"`
	Address2    string `json:"address2,omitempty"`
	City        string `json:"city"`
	CountryCode string `json:"country_code"`
	FirstName   string `json:"first_name"`
	FullName    string `json:"full_name"`
	LastName    string `json:"last_name"`
	PostalCode  string `json:"postal_code"`
	StateCode   string `json:"state_code"`
}

type customerInfo struct {
	Type         string `json:"_type"`
	CustomerID   string `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	CustomerNo   string `json:"customer_no"`
	Email        string `json:"email"`
}

type productItem struct {
	Type        string  `json:"_type"`
	BasePrice   float64 `json:"base_price"`
	ItemID      string  `json:"item_id"`
	Price       float64 `json:"price"`
	ProductID   string  `json:"product_id"`
	ProductName string  `json:"product_name"`
	Quantity    float64 `json:"quantity"`
}

type shipment struct {
	Type            string        `json:"_type"`
	ShipmentID      string        `json:"shipment_id"`
	ShippingAddress *orderAddress `json:"shipping_address,omitempty"`
	ShippingStatus  string        `json:"shipping_status"`
}

// order is the Shop API's order document.
type order struct {
	V               string        `json:"_v,omitempty"`
	Type            string        `json:"_type"`
	BillingAddress  *orderAddress `json:"billing_address,omitempty"`
	CreationDate    string        `json:"creation_date"`
	Currency        string        `json:"currency"`
	CustomerInfo    customerInfo  `json:"customer_info"`
	CustomerName    string        `json:"customer_name"`
	OrderNo         string        `json:"order_no"`
	OrderTotal      float64       `json:"order_total"`
	PaymentStatus   string        `json:"payment_status"`
	ProductItems    []productItem `json:"product_items"`
	ProductSubTotal float64       `json:"product_sub_total"`
	ProductTotal    float64       `json:"product_total"`
	Shipments       []shipment    `json:"shipments"`
	ShippingStatus  string        `json:"shipping_status"`
	ShippingTotal   float64       `json:"shipping_total"`
	Status          string        `json:"status"`
	TaxTotal        float64       `json:"tax_total"`
}

// major is an amount in minor units as OCAPI's decimal number of major
// units. The sandbox's currencies have two decimals.
func major(minor int64) float64 { return math.Round(float64(minor)) / 100 }

func orderAddr(c api.Customer, a *api.Address) *orderAddress {
	if a == nil {
		return nil
	}
	return &orderAddress{Type: "order_address", Address1: a.Address1, Address2: a.Address2, City: a.City,
		CountryCode: strings.ToUpper(a.Country), FirstName: c.FirstName, LastName: c.LastName,
		FullName: strings.TrimSpace(c.FirstName + " " + c.LastName), PostalCode: a.Zip, StateCode: a.State}
}

// The order statuses of the 20.4 schema (definitions.order): status
// created|new|open|completed|cancelled|replaced|failed, payment_status
// not_paid|part_paid|paid, shipping_status not_shipped|part_shipped|shipped.
// The sandbox's statuses map onto them so that the driver can map them
// back (docs/platforms.md, sfcc, "order statuses"):
//
//	pending    created    not_paid  not_shipped
//	paid       new        paid      not_shipped
//	processing open       paid      not_shipped or part_shipped
//	shipped    open       paid      shipped
//	delivered  completed  paid      shipped
//	cancelled  cancelled  not_paid  not_shipped
//	refunded   cancelled  paid      shipped or not_shipped
func sfccStatus(desk string) string {
	switch desk {
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
	return "open"
}

// deskStatuses are the sandbox statuses one OCAPI status covers.
func deskStatuses(sfcc string) []string {
	switch sfcc {
	case "created":
		return []string{api.OrderPending}
	case "new":
		return []string{api.OrderPaid}
	case "open":
		return []string{api.OrderProcessing, api.OrderShipped}
	case "completed":
		return []string{api.OrderDelivered}
	case "cancelled":
		return []string{api.OrderCancelled, api.OrderRefunded}
	}
	return nil // replaced, failed: the sandbox has none
}

func paymentStatus(o api.Order) string {
	switch {
	case o.Status == api.OrderRefunded:
		return "paid"
	case o.Status == api.OrderPending, o.Status == api.OrderCancelled:
		return "not_paid"
	case o.PaymentStatus == "partial":
		return "part_paid"
	}
	return "paid"
}

func shippingStatus(o api.Order) string {
	switch {
	case o.Status == api.OrderShipped, o.Status == api.OrderDelivered:
		return "shipped"
	case o.Status == api.OrderPending, o.Status == api.OrderPaid, o.Status == api.OrderCancelled:
		return "not_shipped"
	}
	switch o.FulfillmentStatus {
	case "partial":
		return "part_shipped"
	case "fulfilled", "returned":
		return "shipped"
	}
	return "not_shipped"
}

func shopOrder(c api.Customer, o api.Order) order {
	out := order{
		V: DocVersion, Type: "order", BillingAddress: orderAddr(c, o.BillingAddress), CreationDate: ts(o.CreatedAt),
		Currency: o.Currency, CustomerName: c.Name(), OrderNo: OrderNo(c.ID, o.ID), OrderTotal: major(o.Total),
		CustomerInfo: customerInfo{Type: "customer_info", CustomerID: CustomerID(c.ID), CustomerName: c.Name(),
			CustomerNo: CustomerNo(c.ID), Email: c.Email},
		PaymentStatus: paymentStatus(o), ProductItems: []productItem{},
		ProductSubTotal: major(o.Subtotal), ProductTotal: major(o.Subtotal - o.Discount),
		ShippingStatus: shippingStatus(o), ShippingTotal: major(o.Shipping), Status: sfccStatus(o.Status), TaxTotal: major(o.Tax),
	}
	for i, it := range o.Items {
		out.ProductItems = append(out.ProductItems, productItem{Type: "product_item", BasePrice: major(it.UnitPrice),
			ItemID: "item-" + itoa(i+1), Price: major(it.Total), ProductID: it.SKU, ProductName: it.Name, Quantity: float64(it.Quantity)})
	}
	out.Shipments = []shipment{{Type: "shipment", ShipmentID: "me", ShippingAddress: orderAddr(c, o.ShippingAddress), ShippingStatus: out.ShippingStatus}}
	return out
}

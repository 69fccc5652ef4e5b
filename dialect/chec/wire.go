package chec

// Chec's wire format, field for field as client/chec/testdata records it.

type errorBody struct {
	Type    string              `json:"type"`
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors,omitempty"`
}

// errorEnvelope is {"error":{"type","message","errors"?}}.
type errorEnvelope struct {
	Error errorBody `json:"error"`
}

type wireCustomer struct {
	ID         string  `json:"id"`
	ExternalID *string `json:"external_id"`
	FirstName  string  `json:"firstname"`
	LastName   string  `json:"lastname"`
	Email      string  `json:"email"`
	Phone      *string `json:"phone"`
	Created    int64   `json:"created"`
	Updated    int64   `json:"updated"`
}

// updateBody is PUT /v1/customers/{id}'s body: every field optional.
type updateBody struct {
	Email      *string `json:"email"`
	FirstName  *string `json:"firstname"`
	LastName   *string `json:"lastname"`
	Phone      *string `json:"phone"`
	ExternalID *string `json:"external_id"`
}

type paginationBody struct {
	Total       int               `json:"total"`
	Count       int               `json:"count"`
	PerPage     int               `json:"per_page"`
	CurrentPage int               `json:"current_page"`
	TotalPages  int               `json:"total_pages"`
	Links       map[string]string `json:"links"`
}

type meta struct {
	Pagination paginationBody `json:"pagination"`
}

// list is {data:[…], meta:{pagination:{…}}}.
type list[T any] struct {
	Data []T  `json:"data"`
	Meta meta `json:"meta"`
}

type wirePrice struct {
	Raw                 float64 `json:"raw"`
	Formatted           string  `json:"formatted"`
	FormattedWithSymbol string  `json:"formatted_with_symbol"`
	FormattedWithCode   string  `json:"formatted_with_code"`
}

type wireAddress struct {
	Name          string `json:"name"`
	Street        string `json:"street"`
	TownCity      string `json:"town_city"`
	CountyState   string `json:"county_state"`
	PostalZipCode string `json:"postal_zip_code"`
	Country       string `json:"country"`
}

type wireLineItem struct {
	ID          string    `json:"id"`
	ProductID   string    `json:"product_id"`
	ProductName string    `json:"product_name"`
	SKU         string    `json:"sku"`
	Quantity    int       `json:"quantity"`
	Price       wirePrice `json:"price"`
	LineTotal   wirePrice `json:"line_total"`
}

type orderCustomer struct {
	ID        string  `json:"id"`
	FirstName string  `json:"firstname"`
	LastName  string  `json:"lastname"`
	Email     string  `json:"email"`
	Phone     *string `json:"phone"`
}

type wireOrder struct {
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
	OrderValue wirePrice `json:"order_value"`
	Order      struct {
		Subtotal     wirePrice `json:"subtotal"`
		Total        wirePrice `json:"total"`
		TotalWithTax wirePrice `json:"total_with_tax"`
		Shipping     struct {
			Price wirePrice `json:"price"`
		} `json:"shipping"`
		Tax struct {
			Amount wirePrice `json:"amount"`
		} `json:"tax"`
		Discount struct {
			AmountSaved wirePrice `json:"amount_saved"`
		} `json:"discount"`
		LineItems []wireLineItem `json:"line_items"`
	} `json:"order"`
	Shipping wireAddress   `json:"shipping"`
	Billing  wireAddress   `json:"billing"`
	Customer orderCustomer `json:"customer"`
}

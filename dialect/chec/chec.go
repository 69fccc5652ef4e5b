// Package chec is the sandbox speaking Commerce.js (Chec) REST API v1, for
// `frontdesk sandbox serve --dialect chec` and the chec driver's tests:
// the customer calls a merchant's server makes with its secret key, in
// Chec's wire format, over the sandbox's storage.
//
//	GET /v1/customers?query=&limit=&page=           list and search
//	GET /v1/customers/{customer_id}                 one customer
//	PUT /v1/customers/{customer_id}                 email, firstname, lastname, phone (external_id: see below)
//	GET /v1/customers/{customer_id}/orders?limit=&page=
//	GET /v1/customers/{customer_id}/orders/{order_id}
//
// Auth is the secret key in X-Authorization. The sandbox's key pairs
// (ck_…/cs_…) become Chec-style keys (Keys): the secret key
// sk_test_<key>_<secret> carries the pair and is checked against the
// sandbox's keys; the public key pk_test_<key> is refused for customers
// (403), as Chec's public keys have no customer scope. Ids are the
// sandbox's numbers encoded reversibly as cstmr_…/ord_… (EncodeID).
// Single resources are sent bare, lists as {data, meta:{pagination}},
// errors as {error:{type, message, errors?}}; times are unix seconds and
// prices {raw, formatted, formatted_with_symbol, formatted_with_code}.
// Answers have the keys and JSON types of client/chec/testdata.
//
// The sandbox keeps no external ids: customers carry "external_id": null
// and a PUT that sets one is refused (422) rather than dropped.
package chec

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/dialect"
	storage "frontdesk/store"
)

// Paging: Chec's default page size (20) and the most the sandbox lists.
const (
	DefaultLimit = 20
	MaxLimit     = api.MaxPageLimit
)

// Key prefixes: Chec's test-mode keys.
const (
	SecretPrefix = "sk_test_"
	PublicPrefix = "pk_test_"
)

// Keys are the Chec-style keys of one sandbox key pair: the public key
// names the key; the secret key carries key and secret, so the dialect
// can check it against the sandbox's keys.
func Keys(keyID, secret string) (public, secretKey string) {
	k := strings.TrimPrefix(keyID, "ck_")
	return PublicPrefix + k, SecretPrefix + k + "_" + strings.TrimPrefix(secret, "cs_")
}

// Credentials are the lines `sandbox serve --dialect chec` prints after
// `url:` for the sandbox key pair keyID/secret: `key:` the public key (the
// profile's key id) and `secret:` the secret key (kept in the keyring).
// The driver appends /v1 to the URL.
func Credentials(_, keyID, secret string) []dialect.Credential {
	pk, sk := Keys(keyID, secret)
	return []dialect.Credential{{Name: "key", Value: pk}, {Name: "secret", Value: sk}}
}

// Handler serves the dialect over a storage engine.
type Handler struct {
	st  storage.Store
	log *slog.Logger
	now func() time.Time
}

// New builds the dialect's handler over st (not closed by it). A nil
// logger logs nothing.
func New(st storage.Store, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{st: st, log: logger, now: time.Now}
}

// apiError is an answer in Chec's error envelope.
type apiError struct {
	status        int
	typ, message  string
	errors        map[string][]string
	allowedMethod string
}

func (e *apiError) Error() string { return e.message }

func notFound(format string, args ...any) *apiError {
	return &apiError{status: http.StatusNotFound, typ: "not_found", message: fmt.Sprintf(format, args...)}
}

func invalid(errs map[string][]string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, typ: "validation", message: "The given data was invalid.", errors: errs}
}

const endpoints = "this API has GET /v1/customers, GET and PUT /v1/customers/{id}, GET /v1/customers/{id}/orders and /orders/{order_id}"

// ServeHTTP authenticates, routes and answers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status, err := h.serve(w, r)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			h.log.Error("chec dialect", "method", r.Method, "path", r.URL.Path, "err", err)
			ae = &apiError{status: http.StatusInternalServerError, typ: "internal_error", message: "The store failed; try again."}
		}
		if ae.allowedMethod != "" {
			w.Header().Set("Allow", ae.allowedMethod)
		}
		status = ae.status
		body := errorBody{Type: ae.typ, Message: ae.message, Errors: ae.errors}
		writeJSON(w, status, errorEnvelope{Error: body})
	}
	h.log.Info("request", "dialect", "chec", "method", r.Method, "path", r.URL.Path, "status", status,
		"duration", time.Since(start).Round(time.Microsecond))
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) (int, error) {
	ctx := r.Context()
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/customers")
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return 0, notFound("No such endpoint: %s %s (%s).", r.Method, truncate(r.URL.Path, 80), endpoints)
	}
	if err := h.authenticate(ctx, r); err != nil {
		return 0, err
	}
	parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	method := func(allowed ...string) error {
		for _, m := range allowed {
			if r.Method == m {
				return nil
			}
		}
		return &apiError{status: http.StatusMethodNotAllowed, typ: "method_not_allowed", allowedMethod: strings.Join(allowed, ", "),
			message: fmt.Sprintf("%s is not allowed here (%s).", r.Method, endpoints)}
	}
	var (
		data any
		err  error
	)
	switch {
	case rest == "" || rest == "/":
		if err = method(http.MethodGet); err == nil {
			data, err = h.list(ctx, r)
		}
	case len(parts) == 1:
		if err = method(http.MethodGet, http.MethodPut); err != nil {
			break
		}
		var id api.ID
		if id, err = customerID(parts[0]); err != nil {
			break
		}
		if r.Method == http.MethodPut {
			data, err = h.update(ctx, r, id)
		} else {
			data, err = h.one(ctx, id)
		}
	case len(parts) == 2 && parts[1] == "orders":
		if err = method(http.MethodGet); err != nil {
			break
		}
		var id api.ID
		if id, err = customerID(parts[0]); err == nil {
			data, err = h.orders(ctx, r, id)
		}
	case len(parts) == 3 && parts[1] == "orders":
		if err = method(http.MethodGet); err != nil {
			break
		}
		var id api.ID
		if id, err = customerID(parts[0]); err == nil {
			data, err = h.order(ctx, id, parts[2])
		}
	default:
		err = notFound("No such endpoint: %s %s (%s).", r.Method, truncate(r.URL.Path, 80), endpoints)
	}
	if err != nil {
		return 0, err
	}
	writeJSON(w, http.StatusOK, data)
	return http.StatusOK, nil
}

func customerID(s string) (api.ID, error) {
	id, ok := DecodeID(PrefixCustomer, s)
	if !ok {
		return "", notFound("Customer %s not found.", truncate(s, 64))
	}
	return id, nil
}

// authenticate checks X-Authorization's secret key against the sandbox's
// keys. A public key is known but has no customer scope (403).
func (h *Handler) authenticate(ctx context.Context, r *http.Request) error {
	unauthorized := func(msg string) error {
		return &apiError{status: http.StatusUnauthorized, typ: "authentication_error", message: msg}
	}
	key := strings.TrimSpace(r.Header.Get("X-Authorization"))
	if key == "" {
		return unauthorized("No API key was provided: send your secret key in the X-Authorization header.")
	}
	if strings.HasPrefix(key, "pk_") {
		return &apiError{status: http.StatusForbidden, typ: "forbidden",
			message: "A public key cannot access customers: use your secret key."}
	}
	body, ok := strings.CutPrefix(key, SecretPrefix)
	cut := strings.LastIndexByte(body, '_')
	if !ok || cut <= 0 || len(key) > 300 {
		return unauthorized("The API key provided is not valid.")
	}
	keyID, secret := "ck_"+body[:cut], "cs_"+body[cut+1:]
	switch _, err := dialect.CheckKey(ctx, h.st, keyID, secret); {
	case errors.Is(err, dialect.ErrBadKey):
		return unauthorized("The API key provided is not valid.")
	case err != nil:
		return fmt.Errorf("look up key: %w", err)
	}
	return nil
}

// paging reads limit and page.
func paging(r *http.Request) (page, limit int, err error) {
	errs := map[string][]string{}
	num := func(name string, def int) int {
		v := r.URL.Query().Get(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs[name] = []string{fmt.Sprintf("The %s must be an integer of at least 1.", name)}
			return def
		}
		return n
	}
	page, limit = num("page", 1), num("limit", DefaultLimit)
	if limit > MaxLimit {
		errs["limit"] = []string{fmt.Sprintf("The limit may not be greater than %d.", MaxLimit)}
	}
	if len(errs) > 0 {
		return 0, 0, invalid(errs)
	}
	return page, limit, nil
}

// pagination is meta.pagination, with links to the next and previous
// pages when there are such pages.
func pagination(r *http.Request, total, count, page, limit int) meta {
	pages := (total + limit - 1) / limit
	links := map[string]string{}
	link := func(p int) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		if r.TLS != nil {
			u.Scheme = "https"
		}
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("limit", strconv.Itoa(limit))
		u.RawQuery = q.Encode()
		return u.String()
	}
	if page < pages {
		links["next"] = link(page + 1)
	}
	if page > 1 {
		links["previous"] = link(min(page-1, max(pages, 1)))
	}
	return meta{Pagination: paginationBody{Total: total, Count: count, PerPage: limit, CurrentPage: page, TotalPages: pages, Links: links}}
}

func (h *Handler) list(ctx context.Context, r *http.Request) (list[wireCustomer], error) {
	page, limit, err := paging(r)
	if err != nil {
		return list[wireCustomer]{}, err
	}
	query := strings.TrimSpace(r.URL.Query().Get("query"))
	if utf8.RuneCountInString(query) > api.MaxSearchQueryLen || !utf8.ValidString(query) {
		return list[wireCustomer]{}, invalid(map[string][]string{"query": {fmt.Sprintf("The query may not be greater than %d characters.", api.MaxSearchQueryLen)}})
	}
	out := list[wireCustomer]{Data: []wireCustomer{}}
	var total int
	err = h.st.Read(ctx, func(tx storage.Tx) error {
		res, err := tx.SearchCustomers(ctx, storage.SearchParams{Query: query, Sort: api.SortNewest, Page: page, Limit: limit})
		if err != nil {
			return fmt.Errorf("search customers %q: %w", query, err)
		}
		total = res.Total
		custs, err := tx.CustomersByID(ctx, res.IDs)
		if err != nil {
			return err
		}
		for _, c := range custs {
			out.Data = append(out.Data, customer(c))
		}
		return nil
	})
	out.Meta = pagination(r, total, len(out.Data), page, limit)
	return out, err
}

func (h *Handler) one(ctx context.Context, id api.ID) (wireCustomer, error) {
	var out wireCustomer
	err := h.st.Read(ctx, func(tx storage.Tx) error {
		c, err := load(ctx, tx, id)
		out = customer(c)
		return err
	})
	return out, err
}

func load(ctx context.Context, tx storage.Tx, id api.ID) (api.Customer, error) {
	c, err := tx.Customer(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return c, notFound("Customer %s not found.", EncodeID(PrefixCustomer, id))
	}
	return c, err
}

// update is PUT /v1/customers/{id}: every field optional; email unique
// among the merchant's customers (seed 001 §Update customer). There is
// no version: the last write wins, as on Chec.
func (h *Handler) update(ctx context.Context, r *http.Request, id api.ID) (wireCustomer, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return wireCustomer{}, &apiError{status: http.StatusBadRequest, typ: "bad_request", message: "Could not read the request body."}
	}
	var in updateBody
	if len(strings.TrimSpace(string(raw))) > 0 {
		if err := json.Unmarshal(raw, &in); err != nil {
			return wireCustomer{}, &apiError{status: http.StatusBadRequest, typ: "bad_request", message: "The request body is not a JSON object of customer fields."}
		}
	}
	errs := map[string][]string{}
	if in.ExternalID != nil && *in.ExternalID != "" {
		errs["external_id"] = []string{"The sandbox does not keep external ids."}
	}
	p := api.CustomerPatch{Email: in.Email, FirstName: in.FirstName, LastName: in.LastName, Phone: in.Phone}
	for k, v := range api.ValidatePatch(&p) {
		switch k {
		case "first_name":
			k = "firstname"
		case "last_name":
			k = "lastname"
		}
		errs[k] = append(errs[k], v)
	}
	if len(errs) > 0 {
		return wireCustomer{}, invalid(errs)
	}
	var out wireCustomer
	err = h.st.Write(ctx, func(tx storage.Tx) error {
		c, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Email != nil {
			owner, err := tx.EmailOwner(ctx, *p.Email, id)
			if err != nil {
				return err
			}
			if owner != "" {
				return invalid(map[string][]string{"email": {"The email has already been taken."}})
			}
		}
		if !p.Empty() {
			if err := tx.UpdateCustomer(ctx, id, c.Version, storage.CustomerUpdate{CustomerPatch: p, At: h.now().UTC()}); err != nil {
				return fmt.Errorf("update customer %s: %w", id, err)
			}
			if c, err = tx.Customer(ctx, id); err != nil {
				return err
			}
		}
		out = customer(c)
		return nil
	})
	return out, err
}

func (h *Handler) orders(ctx context.Context, r *http.Request, id api.ID) (list[wireOrder], error) {
	page, limit, err := paging(r)
	if err != nil {
		return list[wireOrder]{}, err
	}
	out := list[wireOrder]{Data: []wireOrder{}}
	var total int
	err = h.st.Read(ctx, func(tx storage.Tx) error {
		c, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		f := storage.OrderFilter{CustomerID: id}
		if total, err = tx.CountOrders(ctx, f); err != nil {
			return err
		}
		os, err := tx.OrdersOf(ctx, f, limit, (page-1)*limit)
		if err != nil {
			return err
		}
		for _, o := range os {
			full, err := tx.Order(ctx, id, o.ID)
			if err != nil {
				return fmt.Errorf("order %s: %w", o.ID, err)
			}
			out.Data = append(out.Data, order(full, c))
		}
		return nil
	})
	out.Meta = pagination(r, total, len(out.Data), page, limit)
	return out, err
}

func (h *Handler) order(ctx context.Context, id api.ID, orderID string) (wireOrder, error) {
	oid, ok := DecodeID(PrefixOrder, orderID)
	if !ok {
		return wireOrder{}, notFound("Order %s not found.", truncate(orderID, 64))
	}
	var out wireOrder
	err := h.st.Read(ctx, func(tx storage.Tx) error {
		c, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		o, err := tx.Order(ctx, id, oid)
		if errors.Is(err, storage.ErrNotFound) {
			return notFound("Order %s not found.", truncate(orderID, 64))
		}
		if err != nil {
			return err
		}
		out = order(o, c)
		return nil
	})
	return out, err
}

// The wire mapping.

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func customer(c api.Customer) wireCustomer {
	updated := c.UpdatedAt
	if updated.Before(c.CreatedAt) {
		updated = c.CreatedAt
	}
	return wireCustomer{
		ID: EncodeID(PrefixCustomer, c.ID), ExternalID: nil,
		FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Phone: nullable(c.Phone),
		Created: c.CreatedAt.Unix(), Updated: updated.Unix(),
	}
}

var symbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "KES": "KSh", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}

func symbol(cur string) string {
	if s, ok := symbols[cur]; ok {
		return s
	}
	return cur
}

func price(minor int64, cur string) wirePrice {
	amount := formatAmount(minor, digits(cur))
	raw := float64(minor) / math.Pow10(digits(cur))
	sym := symbol(cur)
	withSym := sym + amount
	if strings.HasPrefix(amount, "-") {
		withSym = "-" + sym + strings.TrimPrefix(amount, "-")
	}
	return wirePrice{Raw: raw, Formatted: amount, FormattedWithSymbol: withSym, FormattedWithCode: amount + " " + cur}
}

// statuses maps frontdesk's order status onto Chec's three.
func statuses(s string) (status, payment, fulfillment string) {
	switch s {
	case api.OrderPaid:
		return "open", "paid", "not_fulfilled"
	case api.OrderProcessing:
		return "open", "paid", "partially_fulfilled"
	case api.OrderShipped:
		return "open", "paid", "fulfilled"
	case api.OrderDelivered:
		return "closed", "paid", "fulfilled"
	case api.OrderCancelled:
		return "cancelled", "not_paid", "not_fulfilled"
	case api.OrderRefunded:
		return "closed", "refunded", "fulfilled"
	}
	return "open", "not_paid", "not_fulfilled"
}

func address(a *api.Address, name string) wireAddress {
	if a == nil {
		return wireAddress{Name: name}
	}
	street := a.Address1
	if a.Address2 != "" {
		street += ", " + a.Address2
	}
	return wireAddress{Name: name, Street: street, TownCity: a.City, CountyState: a.State, PostalZipCode: a.Zip, Country: a.Country}
}

func productID(sku string) string {
	h := fnv.New64a()
	h.Write([]byte(sku))
	return encode(PrefixProduct, h.Sum64()>>1)
}

func order(o api.Order, c api.Customer) wireOrder {
	cur := strings.ToUpper(o.Currency)
	st, pay, ful := statuses(o.Status)
	var w wireOrder
	w.ID = EncodeID(PrefixOrder, o.ID)
	w.CustomerReference = o.Number
	w.Created = o.CreatedAt.Unix()
	w.Status, w.StatusPayment, w.StatusFulfillment = st, pay, ful
	w.Currency.Code, w.Currency.Symbol = cur, symbol(cur)
	w.OrderValue = price(o.Total, cur)
	w.Order.Subtotal = price(o.Subtotal, cur)
	w.Order.Total = price(o.Total-o.Tax, cur)
	w.Order.TotalWithTax = price(o.Total, cur)
	w.Order.Shipping.Price = price(o.Shipping, cur)
	w.Order.Tax.Amount = price(o.Tax, cur)
	w.Order.Discount.AmountSaved = price(o.Discount, cur)
	w.Order.LineItems = make([]wireLineItem, 0, len(o.Items))
	orderNum, _ := strconv.ParseUint(string(o.ID), 10, 64)
	for i, it := range o.Items {
		w.Order.LineItems = append(w.Order.LineItems, wireLineItem{
			ID: encode(PrefixItem, orderNum<<8|uint64(i&0xff)), ProductID: productID(it.SKU), ProductName: it.Name, SKU: it.SKU,
			Quantity: it.Quantity, Price: price(it.UnitPrice, cur), LineTotal: price(it.Total, cur),
		})
	}
	name := c.Name()
	w.Shipping = address(o.ShippingAddress, name)
	w.Billing = address(o.BillingAddress, name)
	if w.Billing.Street == "" {
		w.Billing = w.Shipping
	}
	w.Customer = orderCustomer{ID: EncodeID(PrefixCustomer, c.ID), FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Phone: nullable(c.Phone)}
	return w
}

// minorDigits are the ISO 4217 currencies whose minor unit is not two
// digits. (frontdesk/money has the same table; a dialect may use only api
// and store — layers_test.go — so it keeps its own.)
var minorDigits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0,
	"KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0,
	"XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

func digits(cur string) int {
	if d, ok := minorDigits[cur]; ok {
		return d
	}
	return 2
}

// FormatPrice is a price's `formatted` text for minor units of cur.
func FormatPrice(minor int64, cur string) string { return formatAmount(minor, digits(cur)) }

// formatAmount is Chec's `formatted`: "1,250.00" (thousands with
// commas, the currency's minor digits after a point).
func formatAmount(minor int64, d int) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	whole, frac := s[:len(s)-d], s[len(s)-d:]
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if d > 0 {
		b.WriteString("." + frac)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"type":"internal_error","message":"Could not encode the answer."}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// Package openapi is the sandbox speaking Pelcro: the Open API's
// customer endpoints (seed 002, ../shared/seeds/002_93454927f8322ba3.txt)
// with customer tokens, and the Core API's account and customer calls
// with an API key, over the sandbox's storage — for `frontdesk sandbox
// serve --dialect openapi` and the openapi driver's tests.
//
//	GET  /api/v1/core/account                 the account (checks the key)
//	GET  /api/v1/core/customers/{id}          one customer
//	PUT  /api/v1/core/customers/{id}          partial update
//	POST /api/v1/sdk/customer                 get the token's customer (echoes the token)
//	PUT  /api/v1/sdk/customer                 partial update (fresh token)
//	POST /api/v1/sdk/customer/refresh         a fresh token
//	GET  /api/v1/sdk/customer/coupons         eligible coupons
//	GET  /api/v1/sdk/customer/plans           eligible plans (the sandbox has none)
//	GET  /api/v1/sdk/customer/product_sku     eligible product SKUs (none)
//	GET  /api/v1/sdk/customer/email/verify    request a verification mail (sends none)
//
// Every call carries site_id in the query; the sandbox is one site,
// SiteID. Core calls authenticate with an API key as a bearer token:
// the sandbox's key pairs, encoded by APIKey. Open API calls
// authenticate with a customer JWT; the sandbox has no passwords, so
// IssueToken stands in for the customer's login (tests use it). Errors
// are Pelcro's shapes: {"errors":{field:[message]}} for validation
// (400) and {"error":{"status":N,"message":"…"}} otherwise; 401 without
// a credential, 403 for a customer token that is invalid or expired.
// A new email resets email_confirm (seed 002). Answers carry the keys
// and JSON types of client/openapi/testdata.
package openapi

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"frontdesk/api"
	storage "frontdesk/store"
)

// SiteID is the sandbox's one Pelcro site.
const SiteID = "1"

// TokenTTL is how long a customer token lives (Pelcro does not document
// its tokens' lifetime; an hour is the sandbox's choice).
const TokenTTL = time.Hour

// Handler serves the dialect over a storage engine.
type Handler struct {
	st  storage.Store
	log *slog.Logger
	key []byte // signs customer tokens; new each process
	// Now is the clock tokens are issued and checked by (default
	// time.Now).
	Now func() time.Time
}

// New builds the dialect's handler over st (not closed by it). A nil
// logger logs nothing.
func New(st storage.Store, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("openapi dialect: no randomness for the token key: " + err.Error())
	}
	return &Handler{st: st, log: logger, key: key, Now: time.Now}
}

// apiError is an answer in one of Pelcro's error shapes.
type apiError struct {
	status  int
	message string
	fields  map[string][]string // validation: {"errors":{…}}
}

func (e *apiError) Error() string { return e.message }

func fail(status int, format string, args ...any) *apiError {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

func invalid(field, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, message: msg, fields: map[string][]string{field: {msg}}}
}

// ServeHTTP checks the site, routes, and answers errors in Pelcro's
// shapes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status, err := h.serve(w, r)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			h.log.Error("openapi dialect", "method", r.Method, "path", r.URL.Path, "err", err)
			ae = fail(http.StatusInternalServerError, "Server Error")
		}
		status = ae.status
		if ae.fields != nil {
			writeJSON(w, status, validationBody{Errors: ae.fields})
		} else {
			writeJSON(w, status, errorBody{Error: errorDetail{Status: status, Message: ae.message}})
		}
	}
	// Never a header: they carry the API key or a customer's token.
	h.log.Info("request", "dialect", "openapi", "method", r.Method, "path", r.URL.Path, "status", status,
		"duration", time.Since(start).Round(time.Microsecond))
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) (int, error) {
	switch site := r.URL.Query().Get("site_id"); {
	case site == "":
		return 0, invalid("site_id", "The site id field is required.")
	case site != SiteID:
		return 0, fail(http.StatusNotFound, "Site not found.")
	}
	path := strings.TrimRight(r.URL.Path, "/")
	var (
		status = http.StatusOK
		data   any
		err    error
	)
	switch {
	case path == "/api/v1/core/account":
		data, err = h.account(r)
	case strings.HasPrefix(path, "/api/v1/core/customers/"):
		data, err = h.core(r, strings.TrimPrefix(path, "/api/v1/core/customers/"))
	case strings.HasPrefix(path, "/api/v1/sdk/customer"):
		data, err = h.sdk(r, strings.TrimPrefix(path, "/api/v1/sdk/customer"))
	default:
		err = fail(http.StatusNotFound, "Not found.")
	}
	if err != nil {
		return 0, err
	}
	writeJSON(w, status, successBody{Data: data})
	return status, nil
}

// methodNotAllowed is the answer for a known path and another method.
func methodNotAllowed(r *http.Request) error {
	return fail(http.StatusMethodNotAllowed, "The %s method is not supported for this route.", r.Method)
}

func (h *Handler) account(r *http.Request) (any, error) {
	if r.Method != http.MethodGet {
		return nil, methodNotAllowed(r)
	}
	if _, err := h.apiKey(r); err != nil {
		return nil, err
	}
	return wireAccount{ID: 1, Company: "frontdesk sandbox", Country: "KE", DefaultCurrency: "kes", APICoreRateLimit: 60}, nil
}

// core serves GET and PUT /api/v1/core/customers/{id}.
func (h *Handler) core(r *http.Request, rawID string) (any, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodPut {
		return nil, methodNotAllowed(r)
	}
	k, err := h.apiKey(r)
	if err != nil {
		return nil, err
	}
	id, err := customerID(rawID)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	if r.Method == http.MethodGet {
		c, err := h.customer(ctx, id)
		if err != nil {
			return nil, err
		}
		return coreCustomer(c), nil
	}
	if k.Agent.Role == api.RoleViewer {
		return nil, fail(http.StatusForbidden, "This API key cannot change customers.")
	}
	c, err := h.update(r, id)
	if err != nil {
		return nil, err
	}
	return coreCustomer(c), nil
}

// sdk serves the Open API's customer endpoints, as the token's customer.
func (h *Handler) sdk(r *http.Request, rest string) (any, error) {
	type route struct{ method, rest string }
	known := map[route]bool{
		{http.MethodPost, ""}: true, {http.MethodPut, ""}: true, {http.MethodPost, "/refresh"}: true,
		{http.MethodGet, "/coupons"}: true, {http.MethodGet, "/plans"}: true, {http.MethodGet, "/product_sku"}: true,
		{http.MethodGet, "/email/verify"}: true,
	}
	if !known[route{r.Method, rest}] {
		for k := range known {
			if k.rest == rest {
				return nil, methodNotAllowed(r)
			}
		}
		return nil, fail(http.StatusNotFound, "Not found.")
	}
	tok, err := h.customerToken(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	switch {
	case rest == "" && r.Method == http.MethodPost, rest == "/email/verify":
		// Get customer echoes the bearer token (seed 002). Requesting a
		// verification mail sends none in the sandbox and answers the
		// customer (Pelcro's answer is not documented).
		c, err := h.customer(ctx, tok.id)
		if err != nil {
			return nil, err
		}
		return sdkCustomer(c, tok.raw), nil
	case rest == "" && r.Method == http.MethodPut:
		c, err := h.update(r, tok.id)
		if err != nil {
			return nil, err
		}
		fresh, err := h.IssueToken(tok.id)
		if err != nil {
			return nil, err
		}
		return sdkCustomer(c, fresh), nil
	case rest == "/refresh":
		c, err := h.customer(ctx, tok.id)
		if err != nil {
			return nil, err
		}
		fresh, err := h.IssueToken(tok.id)
		if err != nil {
			return nil, err
		}
		return sdkCustomer(c, fresh), nil
	case rest == "/coupons":
		return h.coupons(ctx, tok.id)
	}
	// Plans and product SKUs: the sandbox sells none.
	return []any{}, nil
}

// customerID reads a path id: Pelcro's customer ids are integers.
func customerID(raw string) (api.ID, error) {
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 1 || strings.Contains(raw, "/") {
		return "", fail(http.StatusNotFound, "Customer not found.")
	}
	return api.ID(strconv.FormatInt(n, 10)), nil
}

func (h *Handler) customer(ctx context.Context, id api.ID) (api.Customer, error) {
	var c api.Customer
	err := h.st.Read(ctx, func(tx storage.Tx) error {
		var err error
		c, err = tx.Customer(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return fail(http.StatusNotFound, "Customer not found.")
		}
		return err
	})
	return c, err
}

// updateBody is what PUT accepts of a customer: the fields frontdesk
// edits. Other fields are ignored (Pelcro has many more).
type updateBody struct {
	Email     *string `json:"email"`
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	Phone     *string `json:"phone"`
}

// update applies a partial update to customer id: only the fields sent
// change; a different email must be free and resets email_confirm.
func (h *Handler) update(r *http.Request, id api.ID) (api.Customer, error) {
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/json") {
		return api.Customer{}, invalid("body", "Send the body as JSON (Content-Type: application/json).")
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return api.Customer{}, fmt.Errorf("read body: %w", err)
	}
	var in updateBody
	if err := json.Unmarshal(b, &in); err != nil {
		return api.Customer{}, invalid("body", "The body must be a JSON object.")
	}
	p := api.CustomerPatch{Email: in.Email, FirstName: in.FirstName, LastName: in.LastName, Phone: in.Phone}
	if f := api.ValidatePatch(&p); len(f) > 0 {
		ae := &apiError{status: http.StatusBadRequest, message: "The given data was invalid.", fields: map[string][]string{}}
		for k, v := range f {
			ae.fields[k] = []string{v}
		}
		return api.Customer{}, ae
	}
	ctx := r.Context()
	var out api.Customer
	err = h.st.Write(ctx, func(tx storage.Tx) error {
		before, err := tx.Customer(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return fail(http.StatusNotFound, "Customer not found.")
		}
		if err != nil {
			return err
		}
		if !p.Empty() {
			u := storage.CustomerUpdate{CustomerPatch: p, At: h.Now().UTC()}
			if p.Email != nil && !strings.EqualFold(*p.Email, before.Email) {
				owner, err := tx.EmailOwner(ctx, *p.Email, id)
				if err != nil {
					return err
				}
				if owner != "" {
					return invalid("email", "The email has already been taken.")
				}
				// Seed 002: a new email is not confirmed.
				unconfirmed := false
				u.EmailConfirmed = &unconfirmed
			}
			if err := tx.UpdateCustomer(ctx, id, before.Version, u); err != nil {
				return fmt.Errorf("update customer %s: %w", id, err)
			}
		}
		out, err = tx.Customer(ctx, id)
		return err
	})
	return out, err
}

func (h *Handler) coupons(ctx context.Context, id api.ID) ([]wireCoupon, error) {
	out := []wireCoupon{}
	err := h.st.Read(ctx, func(tx storage.Tx) error {
		c, err := tx.Customer(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return fail(http.StatusNotFound, "Customer not found.")
		}
		if err != nil {
			return err
		}
		cs, err := tx.EligibleCoupons(ctx, c, h.Now())
		if err != nil {
			return err
		}
		for _, cp := range cs {
			out = append(out, coupon(cp))
		}
		return nil
	})
	return out, err
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
		b = []byte(`{"error":{"status":500,"message":"Server Error"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

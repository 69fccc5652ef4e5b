// Package sfcc is the sandbox speaking Salesforce B2C Commerce's Open
// Commerce API (OCAPI) 20.4, for `frontdesk sandbox serve --dialect sfcc`
// and the sfcc driver's tests: the calls a support desk needs, in OCAPI's
// paths, documents, auth and faults, over the sandbox's storage.
//
//	POST /dw/oauth2/access_token                                   OAuth client credentials (Basic client_id:password)
//	POST /s/-/dw/data/v20_4/customer_lists/{list}/customer_search  Data API customer search (text_query, match_all_query)
//	GET  /s/{site}/dw/shop/v20_4/customers/{customer_id}           customer (ETag)
//	PATCH /s/{site}/dw/shop/v20_4/customers/{customer_id}          change it (If-Match honoured: 412 when stale)
//	GET  /s/{site}/dw/shop/v20_4/customers/{customer_id}/addresses start, count
//	GET  /s/{site}/dw/shop/v20_4/customers/{customer_id}/orders    start, count, from, until, status
//	GET  /s/{site}/dw/shop/v20_4/orders/{order_no}                 one order
//	POST /s/{site}/dw/shop/v20_4/customers/{customer_id}/auth      agent on behalf: the customer's JWT in the Authorization header
//	POST /s/{site}/dw/shop/v20_4/customers/{customer_id}/password_reset  with that JWT: 204
//	DELETE /s/{site}/dw/shop/v20_4/customers/auth                  invalidates the JWT sent
//
// The API client is a sandbox key pair: its id (ck_…) is the client id,
// its secret (cs_…) the client's password, checked against the keys the
// desk server mints. Access tokens live 30 minutes (expires_in 1799); the
// customer JWTs the on-behalf call issues live 30 minutes too. Both live
// in this process's memory: a restart forgets them, as a real token
// service would not. Every error is a fault document. The site is Site,
// the customer list List.
package sfcc

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/dialect"
	storage "frontdesk/store"
)

// The site and customer list the sandbox serves, and the token lifetimes.
const (
	Site = "RefArch"
	List = "RefArch"
	// TokenPath is the OAuth token endpoint under the sandbox's root, as
	// on account.demandware.com.
	TokenPath = "/dw/oauth2/access_token"
	// TokenTTL is how long an access token and a customer JWT live.
	TokenTTL = 30 * time.Minute
	// MaxCount is the largest page (search_request.count, Data API
	// CustomerSearchRequest: maxIntegerValue=200).
	MaxCount = 200
	// DefaultCount is the Shop API's default page size ("The default
	// page size is 10", seed 003 getCustomersByIDOrders).
	DefaultCount = 10
	// scanPages bounds the pages of candidates a text query walks.
	scanPages = 50
)

// Handler serves the dialect over a storage engine.
type Handler struct {
	st  storage.Store
	log *slog.Logger
	now func() time.Time
	key []byte // signs customer JWTs

	mu      sync.Mutex
	tokens  map[string]accessToken // access token → its client
	revoked map[string]time.Time   // JWT id → expiry, for DELETE /customers/auth
}

type accessToken struct {
	clientID string
	expires  time.Time
}

// New builds the dialect's handler over st (not closed by it). A nil
// logger logs nothing.
func New(st storage.Store, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	key := make([]byte, 32)
	rand.Read(key)
	return &Handler{st: st, log: logger, now: time.Now, key: key, tokens: map[string]accessToken{}, revoked: map[string]time.Time{}}
}

// SetClock makes the handler judge token expiry by now (tests).
func (h *Handler) SetClock(now func() time.Time) { h.now = now }

// Credentials are the lines `sandbox serve --dialect sfcc` prints after
// the URL: the API client id (the profile's key), its password (the
// keyring secret), the site, the customer list and the token URL.
func Credentials(baseURL, keyID, secret string) []dialect.Credential {
	return []dialect.Credential{
		{Name: "key", Value: keyID},
		{Name: "secret", Value: secret},
		{Name: "site", Value: Site},
		{Name: "list", Value: List},
		{Name: "auth-url", Value: strings.TrimRight(baseURL, "/") + TokenPath},
	}
}

// fault is an answer in the fault document.
type fault struct {
	status        int
	typ, message  string
	args          map[string]any
	authenticate  string // WWW-Authenticate, on 401
	oauth         bool   // the token endpoint answers OAuth's error body
	oauthErrorKey string
}

func (f *fault) Error() string { return f.message }

func newFault(status int, typ, format string, args ...any) *fault {
	return &fault{status: status, typ: typ, message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *fault {
	return newFault(http.StatusNotFound, "NotFoundException", format, args...)
}

// ServeHTTP routes a request and answers faults for every failure.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusWriter{ResponseWriter: w}
	if err := h.serve(rec, r); err != nil {
		var f *fault
		if !errors.As(err, &f) {
			h.log.Error("sfcc dialect", "method", r.Method, "path", r.URL.Path, "err", err)
			f = newFault(http.StatusInternalServerError, "InternalServerErrorException", "the sandbox failed; try again")
		}
		if f.authenticate != "" {
			w.Header().Set("WWW-Authenticate", f.authenticate)
		}
		if f.oauth {
			writeJSON(rec, f.status, map[string]string{"error": f.oauthErrorKey, "error_description": f.message})
		} else {
			writeJSON(rec, f.status, faultDoc{V: DocVersion, Fault: faultBody{Type: f.typ, Message: f.message, Arguments: f.args}})
		}
	}
	h.log.Info("request", "dialect", "sfcc", "method", r.Method, "path", r.URL.Path, "status", rec.status,
		"duration", time.Since(start).Round(time.Microsecond))
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) error {
	p := r.URL.Path
	if p == TokenPath {
		if r.Method != http.MethodPost {
			return newFault(http.StatusMethodNotAllowed, "MethodNotAllowedException", "use POST for %s", TokenPath)
		}
		return h.token(w, r)
	}
	unknown := notFound("Unknown resource '%s'. Please provide a valid resource.", truncate(p, 200))
	unknown.args = map[string]any{"path": map[string]any{"type": "string", "value": truncate(p, 200)}}
	site, rest, ok := strings.Cut(strings.TrimPrefix(p, "/s/"), "/")
	if !strings.HasPrefix(p, "/s/") || !ok {
		return unknown
	}
	dw, rest, _ := strings.Cut(rest, "/")
	if dw != "dw" {
		return unknown
	}
	kind, rest, _ := strings.Cut(rest, "/")
	version, rest, _ := strings.Cut(rest, "/")
	if version != PathVersion {
		return newFault(http.StatusBadRequest, "InvalidVersionException", "the sandbox speaks OCAPI %s only, not %q", PathVersion, truncate(version, 20))
	}
	parts := strings.Split(rest, "/")
	switch kind {
	case "data":
		if site != "-" || len(parts) != 3 || parts[0] != "customer_lists" || parts[2] != "customer_search" {
			return unknown
		}
		if r.Method != http.MethodPost {
			return newFault(http.StatusMethodNotAllowed, "MethodNotAllowedException", "customer_search takes POST")
		}
		if _, err := h.agent(r); err != nil {
			return err
		}
		if parts[1] != List {
			return notFound("customer list '%s' not found", truncate(parts[1], 100))
		}
		return h.search(w, r)
	case "shop":
		if site != Site {
			return newFault(http.StatusNotFound, "SiteNotFoundException", "site '%s' not found (the sandbox serves %s)", truncate(site, 100), Site)
		}
		return h.shop(w, r, parts, unknown)
	}
	return unknown
}

// shop routes the Shop API's calls.
func (h *Handler) shop(w http.ResponseWriter, r *http.Request, parts []string, unknown error) error {
	m := r.Method
	switch {
	case len(parts) == 2 && parts[0] == "customers" && parts[1] == "auth" && m == http.MethodDelete:
		return h.logout(w, r)
	case len(parts) == 2 && parts[0] == "orders" && m == http.MethodGet:
		return h.order(w, r, parts[1])
	case len(parts) < 2 || parts[0] != "customers":
		return unknown
	}
	cid := parts[1]
	switch {
	case len(parts) == 2 && m == http.MethodGet:
		return h.getCustomer(w, r, cid)
	case len(parts) == 2 && m == http.MethodPatch:
		return h.patchCustomer(w, r, cid)
	case len(parts) == 3 && parts[2] == "addresses" && m == http.MethodGet:
		return h.addresses(w, r, cid)
	case len(parts) == 3 && parts[2] == "orders" && m == http.MethodGet:
		return h.orders(w, r, cid)
	case len(parts) == 3 && parts[2] == "auth" && m == http.MethodPost:
		return h.onBehalf(w, r, cid)
	case len(parts) == 3 && parts[2] == "password_reset" && m == http.MethodPost:
		return h.passwordReset(w, r, cid)
	}
	return unknown
}

// --- auth -----------------------------------------------------------------

// token is the OAuth client-credentials grant: Basic client_id:password,
// body grant_type=client_credentials.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) error {
	oauthErr := func(status int, key, msg string) error {
		f := &fault{status: status, message: msg, oauth: true, oauthErrorKey: key}
		if status == http.StatusUnauthorized {
			f.authenticate = `Basic realm="account"`
		}
		return f
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		return oauthErr(http.StatusUnauthorized, "invalid_client", "send the API client id and password as HTTP Basic auth")
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		return oauthErr(http.StatusBadRequest, "unsupported_grant_type", "the sandbox grants grant_type=client_credentials only")
	}
	if !strings.HasPrefix(id, "ck_") || len(id) > 100 || !strings.HasPrefix(secret, "cs_") || len(secret) > 200 {
		return oauthErr(http.StatusUnauthorized, "invalid_client", "unknown client or wrong password")
	}
	switch _, err := dialect.CheckKey(r.Context(), h.st, id, secret); {
	case errors.Is(err, dialect.ErrBadKey):
		return oauthErr(http.StatusUnauthorized, "invalid_client", "unknown client or wrong password")
	case err != nil:
		return fmt.Errorf("look up key: %w", err)
	}
	tok := randomToken()
	h.mu.Lock()
	now := h.now()
	for t, a := range h.tokens { // forget expired tokens
		if now.After(a.expires) {
			delete(h.tokens, t)
		}
	}
	h.tokens[tok] = accessToken{clientID: id, expires: now.Add(TokenTTL)}
	h.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "scope": "mail", "token_type": "Bearer", "expires_in": int(TokenTTL/time.Second) - 1,
	})
	return nil
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func bearer(r *http.Request) (string, bool) {
	v := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

func unauthorized(typ, format string, args ...any) *fault {
	f := newFault(http.StatusUnauthorized, typ, format, args...)
	f.authenticate = `Bearer realm="ocapi"`
	return f
}

// agent checks the agent's OAuth access token and returns its client id.
func (h *Handler) agent(r *http.Request) (string, error) {
	tok, ok := bearer(r)
	if !ok {
		return "", unauthorized("UnauthorizedException", "send the OAuth access token as Authorization: Bearer")
	}
	h.mu.Lock()
	a, found := h.tokens[tok]
	h.mu.Unlock()
	switch {
	case !found:
		return "", unauthorized("InvalidAccessTokenException", "the access token is unknown")
	case !h.now().Before(a.expires):
		return "", unauthorized("ExpiredTokenException", "the access token expired")
	}
	return a.clientID, nil
}

// claims is the customer JWT's payload. OCAPI's payload "contains
// customer information, client id, issue and expiration time" (seed 003
// postCustomersByIDAuth); the claim names are the dialect's.
type claims struct {
	Sub      string `json:"sub"` // the customer_id
	ClientID string `json:"client_id"`
	Agent    string `json:"agent,omitempty"` // the client that acts on behalf
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"`
	ID       string `json:"jti"`
}

func (h *Handler) sign(c claims) string {
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body, _ := json.Marshal(c)
	msg := head + "." + base64.RawURLEncoding.EncodeToString(body)
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(msg))
	return msg + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// customerJWT checks a customer JWT: its signature, expiry and that it
// was not invalidated.
func (h *Handler) customerJWT(tok string) (claims, error) {
	var c claims
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return c, unauthorized("InvalidAccessTokenException", "the token is neither an access token nor a customer JWT")
	}
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return c, unauthorized("InvalidAccessTokenException", "the customer JWT's signature does not verify")
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(body, &c) != nil {
		return c, unauthorized("InvalidAccessTokenException", "the customer JWT is malformed")
	}
	if h.now().Unix() >= c.Expires {
		return c, unauthorized("ExpiredTokenException", "the customer JWT expired")
	}
	h.mu.Lock()
	_, gone := h.revoked[c.ID]
	h.mu.Unlock()
	if gone {
		return c, unauthorized("InvalidAccessTokenException", "the customer JWT was invalidated")
	}
	return c, nil
}

// caller authenticates a customer-scoped Shop call: an agent's access
// token, or a customer JWT for the customer in the path (400 otherwise,
// as the schema says: "If customerId URL parameter does not match the
// verified customer represented by the JWT").
func (h *Handler) caller(r *http.Request, customerID string) (jwt *claims, err error) {
	tok, ok := bearer(r)
	if !ok {
		return nil, unauthorized("UnauthorizedException", "send an OAuth access token or a customer JWT as Authorization: Bearer")
	}
	if strings.Count(tok, ".") != 2 {
		_, err := h.agent(r)
		return nil, err
	}
	c, err := h.customerJWT(tok)
	if err != nil {
		return nil, err
	}
	if c.Sub != customerID {
		return nil, newFault(http.StatusBadRequest, "CustomerIdMismatchException", "the customer id in the URL does not match the customer of the JWT")
	}
	return &c, nil
}

// --- customers --------------------------------------------------------------

// load reads the customer a customer_id names.
func (h *Handler) load(ctx context.Context, tx storage.Tx, customerID string) (api.Customer, error) {
	id, ok := sandboxID(customerID)
	if !ok {
		return api.Customer{}, customerNotFound(customerID)
	}
	c, err := tx.Customer(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return api.Customer{}, customerNotFound(customerID)
	}
	return c, err
}

func customerNotFound(customerID string) *fault {
	f := newFault(http.StatusNotFound, "CustomerNotFoundException", "No customer with id '%s' found.", truncate(customerID, 64))
	f.args = map[string]any{"customerId": truncate(customerID, 64)}
	return f
}

// etag is a customer's entity tag: its version in the sandbox.
func etag(c api.Customer) string { return `"` + strconv.FormatInt(c.Version, 10) + `"` }

func (h *Handler) getCustomer(w http.ResponseWriter, r *http.Request, cid string) error {
	if _, err := h.caller(r, cid); err != nil {
		return err
	}
	var c api.Customer
	if err := h.st.Read(r.Context(), func(tx storage.Tx) error {
		var err error
		c, err = h.load(r.Context(), tx, cid)
		return err
	}); err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c))
	writeJSON(w, http.StatusOK, shopCustomer(c))
	return nil
}

// patchBody is what PATCH /customers/{id} may change in the sandbox.
type patchBody struct {
	Email         *string `json:"email"`
	FirstName     *string `json:"first_name"`
	LastName      *string `json:"last_name"`
	PhoneHome     *string `json:"phone_home"`
	PhoneMobile   *string `json:"phone_mobile"`
	PhoneBusiness *string `json:"phone_business"`
}

func (h *Handler) patchCustomer(w http.ResponseWriter, r *http.Request, cid string) error {
	if _, err := h.caller(r, cid); err != nil {
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return err
	}
	var b patchBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return newFault(http.StatusBadRequest, "BodyDecodingException", "the request document could not be decoded: %v", err)
	}
	if b.PhoneMobile != nil || b.PhoneBusiness != nil {
		return newFault(http.StatusBadRequest, "InvalidPropertyException", "the sandbox keeps one phone per customer: change phone_home")
	}
	var patch api.CustomerPatch
	patch.Email, patch.FirstName, patch.LastName, patch.Phone = b.Email, b.FirstName, b.LastName, b.PhoneHome
	if patch.Email != nil && !validEmail(*patch.Email) {
		return newFault(http.StatusBadRequest, "InvalidEmailException", "'%s' is not a valid email address", truncate(*patch.Email, 100))
	}
	if f := api.ValidatePatch(&patch); len(f) > 0 {
		for k, v := range f {
			return newFault(http.StatusBadRequest, "InvalidPropertyException", "%s: %s", k, v)
		}
	}
	var out api.Customer
	err = h.st.Write(r.Context(), func(tx storage.Tx) error {
		c, err := h.load(r.Context(), tx, cid)
		if err != nil {
			return err
		}
		if im := r.Header.Get("If-Match"); im != "" && im != "*" && im != etag(c) {
			f := newFault(http.StatusPreconditionFailed, "InvalidIfMatchException",
				"the customer was changed since it was read: If-Match %s does not match the ETag %s", truncate(im, 40), etag(c))
			return f
		}
		if patch.Email != nil {
			owner, err := tx.EmailOwner(r.Context(), *patch.Email, c.ID)
			if err != nil {
				return err
			}
			if owner != "" {
				return newFault(http.StatusBadRequest, "CustomerEmailAlreadyInUseException", "another customer has the email '%s'", truncate(*patch.Email, 100))
			}
		}
		if err := tx.UpdateCustomer(r.Context(), c.ID, c.Version, storage.CustomerUpdate{CustomerPatch: patch, At: h.now()}); err != nil {
			var vc *storage.VersionConflictError
			if errors.As(err, &vc) {
				return newFault(http.StatusPreconditionFailed, "InvalidIfMatchException", "the customer was changed meanwhile")
			}
			return err
		}
		out, err = tx.Customer(r.Context(), c.ID)
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(out))
	writeJSON(w, http.StatusOK, shopCustomer(out))
	return nil
}

func validEmail(s string) bool {
	at := strings.LastIndex(s, "@")
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n") && utf8.RuneCountInString(s) <= 256
}

// paging reads start and count (Shop API: default count 10).
func paging(r *http.Request) (start, count int, err error) {
	q := r.URL.Query()
	start, count = 0, DefaultCount
	if v := q.Get("start"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 0 {
			return 0, 0, malformed("start", v)
		}
		start = n
	}
	if v := q.Get("count"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 || n > MaxCount {
			return 0, 0, malformed("count", v)
		}
		count = n
	}
	return start, count, nil
}

func malformed(param, value string) *fault {
	f := newFault(http.StatusBadRequest, "MalformedParameterException", "the value '%s' of parameter '%s' is malformed", truncate(value, 40), param)
	f.args = map[string]any{"parameter": param, "value": truncate(value, 40)}
	return f
}

func (h *Handler) addresses(w http.ResponseWriter, r *http.Request, cid string) error {
	if _, err := h.caller(r, cid); err != nil {
		return err
	}
	start, count, err := paging(r)
	if err != nil {
		return err
	}
	var c api.Customer
	if err := h.st.Read(r.Context(), func(tx storage.Tx) error {
		var err error
		c, err = h.load(r.Context(), tx, cid)
		return err
	}); err != nil {
		return err
	}
	all := shopCustomer(c).Addresses
	from := min(start, len(all))
	page := all[from:min(from+count, len(all))]
	out := listResult[customerAddress]{V: DocVersion, Type: "customer_address_result", Count: len(page), Data: page, Start: start, Total: len(all)}
	out.Next, out.Previous = links(r, start, count, len(all))
	writeJSON(w, http.StatusOK, out)
	return nil
}

// links are the next and previous page URLs of a Shop list.
func links(r *http.Request, start, count, total int) (next, prev string) {
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	if r.TLS != nil {
		u.Scheme = "https"
	}
	at := func(s int) string {
		q := u.Query()
		q.Set("start", strconv.Itoa(s))
		q.Set("count", strconv.Itoa(count))
		v := u
		v.RawQuery = q.Encode()
		return v.String()
	}
	if start+count < total {
		next = at(start + count)
	}
	if start > 0 {
		prev = at(max(0, start-count))
	}
	return next, prev
}

// --- orders -----------------------------------------------------------------

// orderTime reads from/until: an ISO date-time or a date (OCAPI dates).
func orderTime(param, v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02T15:04Z", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, malformed(param, v)
}

func (h *Handler) orders(w http.ResponseWriter, r *http.Request, cid string) error {
	if _, err := h.caller(r, cid); err != nil {
		return err
	}
	start, count, err := paging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := storage.OrderFilter{}
	if v := q.Get("from"); v != "" {
		if f.From, err = orderTime("from", v); err != nil {
			return err
		}
	}
	if v := q.Get("until"); v != "" {
		if f.Until, err = orderTime("until", v); err != nil {
			return err
		}
	}
	var statuses []string
	if v := q.Get("status"); v != "" {
		switch v {
		case "created", "new", "open", "completed", "cancelled", "replaced", "failed":
			statuses = deskStatuses(v)
		default:
			// Schema: 400 "Thrown if specified status is unknown."
			f := newFault(http.StatusBadRequest, "InvalidOrderStatusException", "unknown order status '%s'", truncate(v, 40))
			f.args = map[string]any{"status": truncate(v, 40)}
			return f
		}
	}
	out := listResult[order]{V: DocVersion, Type: "customer_order_result", Data: []order{}, Start: start}
	err = h.st.Read(r.Context(), func(tx storage.Tx) error {
		c, err := h.load(r.Context(), tx, cid)
		if err != nil {
			return err
		}
		f.CustomerID = c.ID
		var page []api.Order
		switch {
		case q.Get("status") != "" && len(statuses) == 0:
		case len(statuses) <= 1:
			if len(statuses) == 1 {
				f.Status = statuses[0]
			}
			if out.Total, err = tx.CountOrders(r.Context(), f); err != nil {
				return err
			}
			if page, err = tx.OrdersOf(r.Context(), f, count, start); err != nil {
				return err
			}
		default: // one OCAPI status covers several of the sandbox's
			var all []api.Order
			for _, s := range statuses {
				f.Status = s
				n, err := tx.CountOrders(r.Context(), f)
				if err != nil {
					return err
				}
				os, err := tx.OrdersOf(r.Context(), f, min(n, start+count), 0)
				if err != nil {
					return err
				}
				out.Total += n
				all = append(all, os...)
			}
			sortNewest(all)
			from := min(start, len(all))
			page = all[from:min(from+count, len(all))]
		}
		for _, o := range page {
			full, err := tx.Order(r.Context(), c.ID, o.ID)
			if err != nil {
				return err
			}
			out.Data = append(out.Data, shopOrder(c, full))
		}
		return nil
	})
	if err != nil {
		return err
	}
	out.Count = len(out.Data)
	out.Next, out.Previous = links(r, start, count, out.Total)
	writeJSON(w, http.StatusOK, out)
	return nil
}

func sortNewest(os []api.Order) {
	for i := 1; i < len(os); i++ {
		for j := i; j > 0 && os[j].CreatedAt.After(os[j-1].CreatedAt); j-- {
			os[j], os[j-1] = os[j-1], os[j]
		}
	}
}

func (h *Handler) order(w http.ResponseWriter, r *http.Request, orderNo string) error {
	cid, oid, ok := sandboxOrder(orderNo)
	if !ok { // no order of this sandbox: an agent learns so, anyone else is refused first
		if _, err := h.agent(r); err != nil {
			return err
		}
		return notFound("No order with number '%s' found.", truncate(orderNo, 64))
	}
	if _, err := h.caller(r, CustomerID(cid)); err != nil {
		return err
	}
	var out order
	err := h.st.Read(r.Context(), func(tx storage.Tx) error {
		c, err := tx.Customer(r.Context(), cid)
		if err != nil {
			return err
		}
		o, err := tx.Order(r.Context(), cid, oid)
		if err != nil {
			return err
		}
		out = shopOrder(c, o)
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return notFound("No order with number '%s' found.", truncate(orderNo, 64))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// --- on behalf --------------------------------------------------------------

// onBehalf issues a customer JWT to an agent (POST
// /customers/{customer_id}/auth): the customer document in the body, the
// token in the Authorization response header. Calling it again is the
// refresh (seed 003: "A token nearing its expiration time should be
// exchanged for a new one by calling this resource once more").
func (h *Handler) onBehalf(w http.ResponseWriter, r *http.Request, cid string) error {
	client, err := h.agent(r)
	if err != nil {
		return err
	}
	var c api.Customer
	if err := h.st.Read(r.Context(), func(tx storage.Tx) error {
		var err error
		c, err = h.load(r.Context(), tx, cid)
		return err
	}); err != nil {
		return err
	}
	if c.Status == api.StatusDisabled {
		return newFault(http.StatusBadRequest, "CustomerDisabledException", "the customer is disabled and cannot be acted for")
	}
	now := h.now()
	tok := h.sign(claims{Sub: cid, ClientID: client, Agent: client, IssuedAt: now.Unix(), Expires: now.Add(TokenTTL).Unix(), ID: randomToken()})
	w.Header().Set("Authorization", "Bearer "+tok)
	w.Header().Set("ETag", etag(c))
	writeJSON(w, http.StatusOK, shopCustomer(c))
	return nil
}

// logout invalidates the customer JWT sent (DELETE /customers/auth).
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	tok, ok := bearer(r)
	if !ok {
		return unauthorized("UnauthorizedException", "send the customer JWT as Authorization: Bearer")
	}
	c, err := h.customerJWT(tok)
	if err != nil {
		return err
	}
	h.mu.Lock()
	now := h.now()
	for id, exp := range h.revoked {
		if now.After(exp) {
			delete(h.revoked, id)
		}
	}
	h.revoked[c.ID] = time.Unix(c.Expires, 0)
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// passwordReset starts a password reset: "The user must be an agent
// logged in on behalf of a customer" (seed 003): the customer JWT of an
// on-behalf session. The sandbox sends no mail: it logs the request.
func (h *Handler) passwordReset(w http.ResponseWriter, r *http.Request, cid string) error {
	jwt, err := h.caller(r, cid)
	if err != nil {
		return err
	}
	if jwt == nil || jwt.Agent == "" {
		return newFault(http.StatusForbidden, "ForbiddenException", "a password reset needs the on-behalf token of an agent (POST /customers/{customer_id}/auth)")
	}
	if err := h.st.Read(r.Context(), func(tx storage.Tx) error {
		_, err := h.load(r.Context(), tx, cid)
		return err
	}); err != nil {
		return err
	}
	h.log.Info("password reset requested", "dialect", "sfcc", "customer_id", cid, "agent", jwt.Agent)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- helpers ----------------------------------------------------------------

func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func itoa(n int) string { return strconv.Itoa(n) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"_v":"` + DocVersion + `","fault":{"type":"InternalServerErrorException","message":"could not encode the answer"}}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

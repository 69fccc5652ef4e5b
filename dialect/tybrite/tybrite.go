// Package tybrite is the sandbox speaking Tybrite Labs' Galactic Core API
// (../shared/vendor-schemas/tybrite-galactic-core.openapi.yaml, seed 000),
// for `frontdesk sandbox serve --dialect tybrite` and the tybrite
// driver's tests: the calls an agent's secret key and a customer's token
// make, in the schema's wire format and auth, over the sandbox's storage.
//
//	GET   /v1/connect/sessions        the key's connected apps (none): a key check
//	POST  /v1/customers               create a customer (secret key)
//	GET   /v1/customers/{id}?fields=  the profile, with exactly one customer credential
//	PATCH /v1/customers/{id}          partial update, with the customer's credential
//	GET   /v1/orders?customer_id=     a customer's orders, newest first, cursor paging
//	GET   /v1/orders/{id}             one order with its items
//
// Keys are "Authorization: Bearer tybrite_sk_test_<ck_…>_<cs_…>": the
// sandbox's key pair inside the documented secret-key form (SecretKey),
// checked against the keys the desk server mints. A publishable key is
// 403 and anything else 401, as documented. Ids are uuids mapped
// reversibly from the sandbox's integers (CustomerUUID, OrderUUID).
// Customer tokens (x-auth-token) are HS256 JWTs the handler signs
// (CustomerToken): the real API issues them at the customer's login or
// OTP, which the sandbox's customers have none of. Every error is
// {"error":{"code","message","details"?,"hint"?}}; every authenticated
// answer carries "Tybrite-Environment: sandbox".
package tybrite

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/dialect"
	storage "frontdesk/store"
)

// Handler serves the dialect over a storage engine.
type Handler struct {
	st  storage.Store
	log *slog.Logger
	now func() time.Time
	// tokenKey signs the customer tokens this handler issues.
	tokenKey []byte
}

// New builds the dialect's handler over st (not closed by it). A nil
// logger logs nothing.
func New(st storage.Store, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return &Handler{st: st, log: logger, now: time.Now, tokenKey: key}
}

// SecretKeyPrefix starts every key the sandbox hands out: a secret key of
// the sandbox (test) environment.
const SecretKeyPrefix = "tybrite_sk_test_"

// SecretKey is the Galactic Core secret key that carries the sandbox's
// key pair: tybrite_sk_test_<keyID>_<secret>.
func SecretKey(keyID, secret string) string { return SecretKeyPrefix + keyID + "_" + secret }

// splitSecretKey is SecretKey's inverse.
func splitSecretKey(key string) (keyID, secret string, ok bool) {
	rest, ok := strings.CutPrefix(key, SecretKeyPrefix)
	if !ok {
		return "", "", false
	}
	keyID, after, ok := strings.Cut(rest, "_cs_")
	if !ok || !strings.HasPrefix(keyID, "ck_") || len(keyID) > 100 || after == "" || len(after) > 200 {
		return "", "", false
	}
	return keyID, "cs_" + after, true
}

// apiError is an answer in the error envelope.
type apiError struct {
	status        int
	code, message string
	details, hint string
}

func (e *apiError) Error() string { return e.message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// The error codes the schema documents.
const (
	codeUnauthorized   = "unauthorized"
	codeForbidden      = "forbidden"
	codeNotFound       = "not_found"
	codeInvalidRequest = "invalid_request"
	codeConflict       = "conflict"
	codeServerError    = "server_error"
)

func invalid(details string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeInvalidRequest, message: "Invalid request parameters", details: fmt.Sprintf(details, args...)}
}

func notFound(what string) *apiError {
	return &apiError{status: http.StatusNotFound, code: codeNotFound, message: what + " not found"}
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
	Hint    string `json:"hint,omitempty"`
}

// ServeHTTP authenticates, routes the documented calls and answers 404
// for everything else.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status, err := h.serve(w, r)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			h.log.Error("tybrite dialect", "method", r.Method, "path", r.URL.Path, "err", err)
			ae = &apiError{status: http.StatusInternalServerError, code: codeServerError, message: "An unexpected error occurred"}
		}
		status = ae.status
		writeJSON(w, status, map[string]errorBody{"error": {Code: ae.code, Message: ae.message, Details: ae.details, Hint: ae.hint}})
	}
	h.log.Info("request", "dialect", "tybrite", "method", r.Method, "path", r.URL.Path, "status", status,
		"duration", time.Since(start).Round(time.Microsecond))
}

const endpoints = "this API has POST /v1/customers, GET and PATCH /v1/customers/{id}, GET /v1/orders, GET /v1/orders/{id} and GET /v1/connect/sessions"

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) (int, error) {
	ctx := r.Context()
	if err := h.authenticate(ctx, r); err != nil {
		return 0, err
	}
	// "Present on every authenticated response, including error
	// responses" (components.headers.TybriteEnvironment).
	w.Header().Set("Tybrite-Environment", "sandbox")
	p := strings.TrimSuffix(r.URL.Path, "/")
	var (
		status = http.StatusOK
		data   any
		err    error
	)
	switch rest, isCustomer := strings.CutPrefix(p, "/v1/customers/"); {
	case p == "/v1/connect/sessions" && r.Method == http.MethodGet:
		data = map[string][]any{"sessions": {}}
	case p == "/v1/customers" && r.Method == http.MethodPost:
		status = http.StatusCreated
		data, err = h.createCustomer(ctx, r)
	case isCustomer && !strings.Contains(rest, "/") && r.Method == http.MethodGet:
		data, err = h.getCustomer(ctx, r, rest)
	case isCustomer && !strings.Contains(rest, "/") && r.Method == http.MethodPatch:
		data, err = h.updateCustomer(ctx, r, rest)
	case p == "/v1/orders" && r.Method == http.MethodGet:
		data, err = h.listOrders(ctx, r)
	case strings.HasPrefix(p, "/v1/orders/") && !strings.Contains(strings.TrimPrefix(p, "/v1/orders/"), "/") && r.Method == http.MethodGet:
		data, err = h.getOrder(ctx, r, strings.TrimPrefix(p, "/v1/orders/"))
	default:
		err = &apiError{status: http.StatusNotFound, code: codeNotFound, message: "Resource not found",
			details: fmt.Sprintf("no such endpoint in the sandbox: %s %s", r.Method, r.URL.Path), hint: endpoints}
	}
	if err != nil {
		return 0, err
	}
	writeJSON(w, status, data)
	return status, nil
}

// authenticate checks the bearer key: a publishable key is 403 (the
// documented "Key Type Enforcement" body), a secret key must carry one
// of the sandbox's key pairs.
func (h *Handler) authenticate(ctx context.Context, r *http.Request) error {
	unauthorized := func(details string) error {
		return &apiError{status: http.StatusUnauthorized, code: codeUnauthorized, message: "Missing or invalid Authorization header", details: details}
	}
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || key == "" {
		return unauthorized("send the API key as Authorization: Bearer tybrite_sk_test_…")
	}
	if parts := strings.SplitN(key, "_", 4); len(parts) == 4 && parts[1] == "pk" {
		return &apiError{status: http.StatusForbidden, code: codeForbidden,
			message: "This operation requires a secret key. Publishable keys have read-only access.",
			hint:    "Use a secret key (tybrite_sk_*) for write operations"}
	}
	keyID, secret, ok := splitSecretKey(key)
	if !ok {
		return unauthorized("this sandbox accepts the secret keys it prints: tybrite_sk_test_ck_…_cs_…")
	}
	switch _, err := dialect.CheckKey(ctx, h.st, keyID, secret); {
	case errors.Is(err, dialect.ErrBadKey):
		return unauthorized("unknown or revoked API key")
	case err != nil:
		return fmt.Errorf("look up key: %w", err)
	}
	return nil
}

// Customer tokens. The real API issues a session JWT at the customer's
// login or OTP (POST /v1/auth/login, /v1/auth/verify-otp; "Token expires
// after session timeout (default 1 hour)"). The sandbox's customers have
// no passwords, so the handler signs tokens for tests and demos with its
// own key: {"sub": customer uuid, "exp": unix seconds}, HS256.

// DefaultTokenTTL is the documented default session timeout.
const DefaultTokenTTL = time.Hour

var b64 = base64.RawURLEncoding

// CustomerToken is an x-auth-token for the customer with sandbox id or
// uuid id, valid for ttl (DefaultTokenTTL when ≤ 0).
func (h *Handler) CustomerToken(id string, ttl time.Duration) (string, error) {
	u := id
	if !isUUID(u) {
		var ok bool
		if u, ok = CustomerUUID(api.ID(id)); !ok {
			return "", fmt.Errorf("no sandbox customer can have the id %q", id)
		}
	}
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	claims, _ := json.Marshal(map[string]any{"sub": strings.ToLower(u), "exp": h.now().Add(ttl).Unix()})
	head := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	signing := head + "." + b64.EncodeToString(claims)
	return signing + "." + b64.EncodeToString(h.sign(signing)), nil
}

func (h *Handler) sign(s string) []byte {
	m := hmac.New(sha256.New, h.tokenKey)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// tokenCustomer is the customer uuid a token of this handler names.
func (h *Handler) tokenCustomer(tok string) (string, error) {
	bad := &apiError{status: http.StatusUnauthorized, code: codeUnauthorized, message: "Invalid or expired customer session token",
		hint: "sign the customer in again (POST /v1/auth/login or /v1/auth/verify-otp) and send the new access_token as x-auth-token"}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", bad
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, h.sign(parts[0]+"."+parts[1])) {
		return "", bad
	}
	raw, err := b64.DecodeString(parts[1])
	var c struct {
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	if err != nil || json.Unmarshal(raw, &c) != nil || !isUUID(c.Sub) || h.now().Unix() >= c.Exp {
		return "", bad
	}
	return c.Sub, nil
}

// customerCredential checks the customer credential of getCustomer and
// updateCustomer: exactly one of the three headers (more is 400, none
// 401), and it must resolve to the customer in the path (403).
func (h *Handler) customerCredential(r *http.Request, pathID string) error {
	var present []string
	for _, name := range []string{"x-auth-token", "x-external-auth", "x-idp-token"} {
		if r.Header.Get(name) != "" {
			present = append(present, name)
		}
	}
	switch {
	case len(present) > 1:
		return invalid("send exactly one of x-auth-token, x-external-auth or x-idp-token, not %s", strings.Join(present, " and "))
	case len(present) == 0:
		return &apiError{status: http.StatusUnauthorized, code: codeUnauthorized, message: "Missing customer authentication",
			details: "this endpoint needs the customer's own credential: x-auth-token, x-external-auth or x-idp-token"}
	case present[0] == "x-idp-token":
		// Fail-closed without a configured Auth verifier (schema
		// getCustomer).
		return &apiError{status: http.StatusUnauthorized, code: codeUnauthorized, message: "Invalid customer identity token",
			details: "no Auth verifier is configured for this sandbox store"}
	case present[0] == "x-external-auth":
		return &apiError{status: http.StatusUnauthorized, code: codeUnauthorized, message: "Invalid external auth assertion",
			details: "this sandbox store has no hmac_secret and its customers no external_id"}
	}
	sub, err := h.tokenCustomer(r.Header.Get("x-auth-token"))
	if err != nil {
		return err
	}
	if !strings.EqualFold(sub, pathID) {
		return &apiError{status: http.StatusForbidden, code: codeForbidden, message: "Forbidden",
			details: "the customer token does not match the customer id in the path"}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"server_error","message":"An unexpected error occurred"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// Credentials are the lines `sandbox serve --dialect tybrite` prints
// after `url:`: the key id as the profile's label (`key`), the test
// secret key carrying the sandbox's key pair (`secret`, kept in the
// keyring), and the sandbox's currency (`currency`, a platform option:
// the API's amounts carry none).
func Credentials(_, keyID, secret string) []dialect.Credential {
	return []dialect.Credential{
		{Name: "key", Value: keyID},
		{Name: "secret", Value: SecretKey(keyID, secret)},
		{Name: "currency", Value: SandboxCurrency},
	}
}

// SandboxCurrency is the currency the sandbox's seeded amounts are in.
const SandboxCurrency = "KES"

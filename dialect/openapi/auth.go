package openapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"frontdesk/api"
	"frontdesk/dialect"
	storage "frontdesk/store"
)

// apiKeyPrefix marks the sandbox's Core API keys. A real Pelcro API key
// is an opaque token ("eyJ0eXA…" in Pelcro's Core API overview); the
// sandbox's encodes one of its own key pairs so it can check it.
const apiKeyPrefix = "pelcro_sandbox_"

// APIKey is the sandbox's Core API key for the key pair keyID/secret
// (ck_…/cs_…): what `sandbox serve --dialect openapi` prints as the
// secret.
func APIKey(keyID, secret string) string {
	return apiKeyPrefix + base64.RawURLEncoding.EncodeToString([]byte(keyID+":"+secret))
}

// Credentials are the lines `sandbox serve --dialect openapi` prints
// after `url:` for the sandbox key pair keyID/secret: the key id as the
// profile's label (`key`), the Core API key that encodes the pair
// (`secret`, kept in the keyring), and the site (`site`, a platform
// option). The driver adds /api/v1/sdk and /api/v1/core to the URL.
func Credentials(_, keyID, secret string) []dialect.Credential {
	return []dialect.Credential{
		{Name: "key", Value: keyID},
		{Name: "secret", Value: APIKey(keyID, secret)},
		{Name: "site", Value: SiteID},
	}
}

// bearer is the Authorization header's bearer token, "" without one.
func bearer(r *http.Request) string {
	v := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

func unauthenticated() *apiError { return fail(http.StatusUnauthorized, "Unauthenticated.") }

// apiKey checks the Core API key against the sandbox's keys: 401 when it
// is missing, malformed, unknown, wrong or revoked (Core: "missing your
// API key, or if it has expired").
func (h *Handler) apiKey(r *http.Request) (storage.APIKey, error) {
	tok := bearer(r)
	raw, ok := strings.CutPrefix(tok, apiKeyPrefix)
	if !ok || len(raw) > 400 {
		return storage.APIKey{}, unauthenticated()
	}
	pair, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return storage.APIKey{}, unauthenticated()
	}
	keyID, secret, ok := strings.Cut(string(pair), ":")
	if !ok || !strings.HasPrefix(keyID, "ck_") || !strings.HasPrefix(secret, "cs_") {
		return storage.APIKey{}, unauthenticated()
	}
	k, err := dialect.CheckKey(r.Context(), h.st, keyID, secret)
	if errors.Is(err, dialect.ErrBadKey) {
		return storage.APIKey{}, unauthenticated()
	}
	return k, err
}

// claims are a customer token's payload.
type claims struct {
	Sub    int64  `json:"sub"`
	SiteID int64  `json:"site_id"`
	Iat    int64  `json:"iat"`
	Exp    int64  `json:"exp"`
	Jti    string `json:"jti"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"HS256"}`))

// IssueToken is a customer token for customer id, valid for TokenTTL:
// the sandbox's stand-in for the customer logging in (Pelcro's login
// needs a password, which the sandbox's customers do not have). Tests
// call it; `sandbox serve` never prints one.
func (h *Handler) IssueToken(id api.ID) (string, error) {
	n, err := strconv.ParseInt(string(id), 10, 64)
	if err != nil || n < 1 {
		return "", fmt.Errorf("customer id %q is not a Pelcro customer id", truncate(string(id), 40))
	}
	site, _ := strconv.ParseInt(SiteID, 10, 64)
	jti := make([]byte, 12)
	rand.Read(jti)
	now := h.Now()
	c := claims{Sub: n, SiteID: site, Iat: now.Unix(), Exp: now.Add(TokenTTL).Unix(), Jti: hex.EncodeToString(jti)}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	signing := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	return signing + "." + h.sign(signing), nil
}

func (h *Handler) sign(s string) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// token is a checked customer token.
type token struct {
	id  api.ID
	raw string
}

// customerToken checks the customer's bearer token: 401 without one, 403
// when it is invalid or expired (Open API "Errors": "403 Forbidden — The
// token is invalid, expired, or blacklisted").
func (h *Handler) customerToken(r *http.Request) (token, error) {
	raw := bearer(r)
	if raw == "" {
		return token{}, unauthenticated()
	}
	invalid := func() error { return fail(http.StatusForbidden, "Token is invalid.") }
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || len(raw) > 2000 {
		return token{}, invalid()
	}
	if !hmac.Equal([]byte(h.sign(parts[0]+"."+parts[1])), []byte(parts[2])) {
		return token{}, invalid()
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return token{}, invalid()
	}
	var c claims
	if err := json.Unmarshal(b, &c); err != nil || c.Sub < 1 || strconv.FormatInt(c.SiteID, 10) != SiteID {
		return token{}, invalid()
	}
	if h.Now().Unix() >= c.Exp {
		return token{}, fail(http.StatusForbidden, "Token has expired.")
	}
	return token{id: api.ID(strconv.FormatInt(c.Sub, 10)), raw: raw}, nil
}

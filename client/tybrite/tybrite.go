// Package tybrite is the client.Platform driver for Tybrite Labs'
// Galactic Core API (../shared/seeds/000_4f9911b12e627e0e.txt and the
// vendor's OpenAPI 3.1 schema
// ../shared/vendor-schemas/tybrite-galactic-core.openapi.yaml), exactly
// as documented there:
//
//	POST  /v1/customers            create a customer (secret key)
//	GET   /v1/customers/{id}       the customer's profile, as the customer
//	PATCH /v1/customers/{id}       partial update, as the customer
//	GET   /v1/orders?customer_id=  a customer's orders, newest first (secret key)
//	GET   /v1/orders/{id}          one order with its items (secret key)
//
// Every call carries the store's secret key as "Authorization: Bearer
// tybrite_sk_…". Reading and changing a profile also needs exactly one
// customer credential (x-auth-token, x-external-auth or x-idp-token) that
// resolves to the customer in the path (403 otherwise). An agent holds no
// such credential: Tybrite mints customer tokens only for the customer's
// own login or one-time code. So the driver creates customers and reads
// their orders with the secret key, and reads or edits a profile only
// with a customer token handed to it (GetCustomerAs, PatchCustomerAs);
// GetCustomer, PatchCustomer, search and on-behalf sessions fail with
// client.Unsupported and the sentences below.
//
// docs/platforms.md, section "tybrite", lists every fact this driver
// relies on and where it came from.
package tybrite

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"frontdesk/client"
)

// Defaults of Config's zero values.
const (
	DefaultUserAgent = "frontdesk/dev"
	// DefaultURL is the one endpoint of the API (schema `servers`); the
	// environment follows the key's prefix.
	DefaultURL = "https://api.tybritelabs.com"
	// DefaultLimit is the page the driver asks for when the caller names
	// none; MaxLimit is listOrders' documented maximum (1–200).
	DefaultLimit = 20
	MaxLimit     = 200
	// maxResponseBytes bounds what one answer may make us hold.
	maxResponseBytes = 16 << 20
)

// CustomerFields is the `fields` selection GetCustomerAs asks for: what
// the driver maps, from getCustomer's documented allowed list.
const CustomerFields = "id,name,email,phone,address,status,join_date,total_purchases,last_purchase,created_at,updated_at,store_metrics"

// The sentences the driver says for what the platform cannot do. They
// are what the console greys a key with and the CLI prints on exit 6.
const (
	// ReasonNoSearch is said for search: the console then lets the agent
	// open a customer by the id typed.
	ReasonNoSearch = "Tybrite has no customer list or search (there is no GET /v1/customers): open a customer by their id, the uuid in customer_id on their orders"
	// ReasonProfileIsTheCustomers is said for reading and editing a
	// profile as the agent.
	ReasonProfileIsTheCustomers = "Tybrite shows and changes a customer's profile only to the customer (their own login token, or a sign-in from the store's identity provider): an agent's secret key can create customers and read their orders, not open or edit their profile"
	// ReasonNoOnBehalf is said for on-behalf sessions.
	ReasonNoOnBehalf = "Tybrite cannot give an agent a session as a customer: a customer token comes only from the customer's own login or one-time email code"
	// ReasonNoLoyalty is said for loyalty points.
	ReasonNoLoyalty = "Tybrite has no loyalty points API (a customer's tier and store credit are part of the profile only the customer can read)"
	// ReasonNoNotes is said for internal notes.
	ReasonNoNotes = "Tybrite has no internal notes on customers"
	// ReasonNoCoupons is said for coupons.
	ReasonNoCoupons = "Tybrite lists no coupons for a customer (promotions are worked out per cart)"
	// ReasonNoPasswordReset is said for password resets, which need the
	// customer's email, so their profile.
	ReasonNoPasswordReset = "Tybrite sends a password reset to the email on the customer's profile, which only the customer can read"
	// ReasonNoAudit is said for the audit trail.
	ReasonNoAudit = "Tybrite's API offers no audit trail"
	// ReasonNoMerge is said for merging duplicate customers: no endpoint of
	// the platform's documented API merges customers.
	ReasonNoMerge = "Tybrite cannot merge two customers (it merges carts only, POST /v1/cart/merge)"
	// ReasonNoDateFilter is said when orders are asked for by date.
	ReasonNoDateFilter = "Tybrite cannot filter orders by date: list them without from/until"
	// ReasonNoFindOrder is said for finding an order by its number.
	ReasonNoFindOrder = "Tybrite cannot find an order by its order_number: GET /v1/orders/{id} takes the order's uuid, and GET /v1/orders filters by customer and status only; open the customer by their id, then their Orders"
)

// capabilities is what the documented API gives an agent's secret key.
var capabilities = client.All().
	Without(ReasonNoSearch, client.CapSearch).
	Without(ReasonProfileIsTheCustomers, client.CapReadProfile, client.CapEditCustomer).
	Without(ReasonNoOnBehalf, client.CapOnBehalf).
	Without(ReasonNoLoyalty, client.CapLoyalty, client.CapLoyaltyAdjust).
	Without(ReasonNoNotes, client.CapNotes).
	Without(ReasonNoCoupons, client.CapCoupons).
	Without(ReasonNoPasswordReset, client.CapPasswordReset).
	Without(ReasonNoAudit, client.CapAudit).
	Without(ReasonNoFindOrder, client.CapFindOrder).
	Without(ReasonNoMerge, client.CapMerge).
	Without(client.ReasonNoPresence, client.CapPresence)

// Config says which API to call, as which key, and how patiently.
type Config struct {
	// BaseURL is the API's root, https://api.tybritelabs.com ("" for
	// that); the driver adds the /v1/… paths.
	BaseURL string
	// KeyID names the key in frontdesk (the profile's key id); it is
	// never sent. "" uses a masked form of the secret key.
	KeyID string
	// SecretKey is the store's secret key, tybrite_sk_live_… or
	// tybrite_sk_test_… (white-label vendors replace "tybrite").
	SecretKey string
	// Currency is the ISO 4217 code of the store's amounts, which the
	// API gives in major units without a currency; "" shows bare
	// numbers.
	Currency string
	// Timeout bounds each attempt (default 10s).
	Timeout time.Duration
	// UserAgent defaults to "frontdesk/dev".
	UserAgent string
	// Logger receives one Debug record per attempt (method, path,
	// status, time: never a header, never a query). nil logs nothing.
	Logger *slog.Logger
	// Transport sends the requests; nil uses a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// MaxRetries is how many times a failed read is retried (default 2;
	// negative means never). Writes are never retried.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff (defaults 200ms
	// and 5s); a Retry-After is honoured up to RetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
}

// Client calls one store's Galactic Core API with its secret key. It is
// safe for concurrent use.
type Client struct {
	// Lacking refuses what the platform cannot do, with capabilities'
	// sentences.
	client.Lacking
	cfg  Config
	base string // scheme://host[:port][/prefix], no trailing slash
	hc   *http.Client
}

// The driver is a Platform.
var _ client.Platform = (*Client)(nil)

// New checks cfg and builds a client. It does not contact the API.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.BaseURL) == "" {
		cfg.BaseURL = DefaultURL
	}
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.SecretKey = strings.TrimSpace(cfg.SecretKey)
	switch kind := KeyKind(cfg.SecretKey); {
	case cfg.SecretKey == "":
		return nil, errors.New("no secret key: pass the store's secret key (tybrite_sk_live_… or tybrite_sk_test_…)")
	case strings.ContainsAny(cfg.SecretKey, " \t\r\n"):
		return nil, errors.New("the secret key must not contain spaces or line breaks: check how it was pasted")
	case kind == "pk":
		return nil, errors.New("that is a publishable key (…_pk_…): frontdesk needs the store's secret key (…_sk_…), which creates customers and reads orders")
	case kind != "sk":
		return nil, errors.New("that does not look like a Galactic Core secret key: it has the form tybrite_sk_live_… or tybrite_sk_test_…")
	}
	if cfg.KeyID = strings.TrimSpace(cfg.KeyID); cfg.KeyID == "" {
		cfg.KeyID = MaskKey(cfg.SecretKey)
	}
	pat := client.Patience{Timeout: cfg.Timeout, Retries: cfg.MaxRetries, WaitMin: cfg.RetryWaitMin, WaitMax: cfg.RetryWaitMax}.OrDefault()
	cfg.Timeout, cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = pat.Timeout, pat.Retries, pat.WaitMin, pat.WaitMax
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	hc := pat.HTTPClient(cfg.Transport)
	return &Client{Lacking: client.Lacking{Caps: capabilities}, cfg: cfg, base: base, hc: hc}, nil
}

// KeyKind is "sk" or "pk" for a key of the documented form
// {vendor}_{sk|pk}_{live|test}_…, "" for anything else. The docs say to
// parse these segments rather than match "tybrite_": white-label
// platforms put their own vendor name first.
func KeyKind(key string) string {
	parts := strings.SplitN(key, "_", 4)
	if len(parts) != 4 || parts[0] == "" || parts[3] == "" || (parts[2] != "live" && parts[2] != "test") {
		return ""
	}
	if parts[1] == "sk" || parts[1] == "pk" {
		return parts[1]
	}
	return ""
}

// MaskKey shows a key's prefix and last four characters only.
func MaskKey(key string) string {
	parts := strings.SplitN(key, "_", 4)
	if len(parts) != 4 || len(parts[3]) < 8 {
		return "tybrite key"
	}
	return strings.Join(parts[:3], "_") + "_…" + parts[3][len(parts[3])-4:]
}

// Capabilities of the Galactic Core API with a secret key: create
// customers, list and read their orders; everything else is missing,
// each with its sentence. It does not call the API.
func (c *Client) Capabilities() client.Capabilities { return capabilities }

// Capabilities is what every Client of this driver can do, for callers
// that have no credentials yet (`frontdesk info`).
func Capabilities() client.Capabilities { return capabilities }

// BaseURL is the API root this client calls.
func (c *Client) BaseURL() string { return c.base }

// normalizeBaseURL checks the API URL and returns it without a trailing
// slash (and without a trailing /v1, which the paths add).
func normalizeBaseURL(raw string) (string, error) {
	u, err := client.ParseBaseURL("API URL", "https://api.tybritelabs.com", raw)
	if err != nil {
		return "", err
	}
	u.Path = strings.TrimSuffix(u.Path, "/v1")
	return u.String(), nil
}

// Package chec is the client.Platform driver for Commerce.js (Chec), REST
// API v1, as a merchant's server calls it: the secret key in
// X-Authorization (with X-Chec-Agent, as the vendor's SDK sends them),
// GET /v1/customers (list and search: query, limit, page), GET and PUT
// /v1/customers/{id} (firstname, lastname, email, phone, external_id),
// GET /v1/customers/{id}/orders and …/orders/{order_id}. Single
// resources come bare; lists are {data:[…], meta:{pagination:{total,
// count, per_page, current_page, total_pages, links}}}; errors are
// {error:{type, message, errors?}}. Times are unix seconds, prices
// {raw, formatted, formatted_with_symbol, formatted_with_code}, ids
// cstmr_… and ord_….
//
// Chec's PUT has no version and no If-Match: PatchCustomer re-reads the
// customer, compares its version (a hash of the editable fields and
// `updated`, see CustomerVersion) with the one the agent read, and
// reports a difference exactly as the frontdesk driver reports a 412
// (KindConflict, api.CodeVersionMismatch, the current version). A change
// that lands between the re-read and the PUT is not caught: Chec gives
// no way to.
//
// Commerce.js stores have no loyalty points, no internal notes, no audit
// trail, and no documented way for a merchant to act as a customer (the
// email-token / exchange-token login is the customer's own): those calls
// return client.Unsupported with a sentence for the agent.
//
// docs/platforms.md, section "chec", lists every fact this driver relies
// on and where it came from.
package chec

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
	DefaultBaseURL   = "https://api.chec.io"
	DefaultUserAgent = "frontdesk/dev"
	// Base is where the API lives under the host (seed 001's cURL
	// examples: https://api.chec.io/v1/…).
	Base = "/v1"
	// Agent is the X-Chec-Agent the driver sends (the SDK sends
	// "commerce.js/v2").
	Agent = "frontdesk"
	// DefaultLimit and MaxLimit bound a page. Chec documents a default of
	// 20 (products list); the driver asks for at most frontdesk's own
	// maximum.
	DefaultLimit = 20
	MaxLimit     = 100
	// maxResponseBytes bounds what one answer may make us hold.
	maxResponseBytes = 16 << 20
)

// The sentences the driver says for what the platform cannot do.
const (
	ReasonNoLoyalty  = "Commerce.js stores have no loyalty points"
	ReasonNoNotes    = "Commerce.js has no internal support notes on customers"
	ReasonNoOnBehalf = "Commerce.js has no way for a merchant to act as a customer: a customer signs in only through their own emailed login link"
	ReasonNoAudit    = "Commerce.js keeps no audit trail that its API shows"
	// ReasonNoMerge is said for merging duplicate customers: no endpoint of
	// the platform's documented API merges customers.
	ReasonNoMerge  = "Commerce.js cannot merge two customers: its documented Customers API logs customers in, reads and updates them and lists their orders, and none of its calls merges two"
	ReasonNoCreate = "frontdesk cannot create Commerce.js customers: Chec creates them at checkout (or add them in the Chec dashboard)"
	// ReasonNoFindOrder is said for finding an order by its number.
	ReasonNoFindOrder = "frontdesk cannot find a Commerce.js order by its number: the documented calls read a customer's orders by the customer's id (GET /v1/customers/{id}/orders) and one order by its ord_ id, none by the order's customer_reference; open the customer, then their Orders"
)

// ReasonNoSearchFilters is said for field filters (orders:>5, email:…).
const ReasonNoSearchFilters = "Commerce.js's customer list takes one free-text query and no field filters: search without filters (email:, orders:>5 …), or use the desk's own store"

var capabilities = client.All().
	Without(ReasonNoSearchFilters, client.CapSearchFilters).
	Without(ReasonNoLoyalty, client.CapLoyalty, client.CapLoyaltyAdjust).
	Without(ReasonNoNotes, client.CapNotes).
	Without(ReasonNoOnBehalf, client.CapOnBehalf, client.CapCoupons, client.CapPasswordReset).
	Without(ReasonNoAudit, client.CapAudit).
	Without(ReasonNoCreate, client.CapCreateCustomer).
	Without(ReasonNoFindOrder, client.CapFindOrder).
	Without(ReasonNoMerge, client.CapMerge).
	Without(client.ReasonNoPresence, client.CapPresence)

// Capabilities is what every Client of this driver can do, for callers
// that have no credentials yet (`frontdesk info`).
func Capabilities() client.Capabilities { return capabilities }

// Config says which Chec API to call, with which keys, how patiently.
type Config struct {
	// BaseURL is the API's host, default https://api.chec.io; the driver
	// appends /v1 unless the URL already ends with it.
	BaseURL string
	// PublicKey (pk_…) names the store in Me; it is never sent (a public
	// key cannot read customers).
	PublicKey string
	// SecretKey (sk_…) is sent in X-Authorization on every call.
	SecretKey string
	// Timeout bounds each attempt (default 10s).
	Timeout time.Duration
	// UserAgent defaults to "frontdesk/dev".
	UserAgent string
	// Logger receives one Debug record per attempt (method, URL, status,
	// time: never a header, so never the key). nil logs nothing.
	Logger *slog.Logger
	// Transport sends the requests; nil uses a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// MaxRetries is how many times a failed GET is retried (default 2;
	// negative means never): 429, 502, 503, 504 and no answer. A PUT is
	// never retried.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff (defaults 200ms and
	// 5s); a Retry-After is honoured up to RetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
}

// Client calls one Chec store's API with its secret key. It is safe for
// concurrent use.
type Client struct {
	// Lacking refuses what Commerce.js cannot do, with capabilities'
	// sentences.
	client.Lacking
	cfg  Config
	base string // scheme://host[:port]/…/v1
	hc   *http.Client
}

// The driver is a Platform.
var _ client.Platform = (*Client)(nil)

// New checks cfg and builds a client. It does not contact the store.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.BaseURL) == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.PublicKey = strings.TrimSpace(cfg.PublicKey)
	cfg.SecretKey = strings.TrimSpace(cfg.SecretKey)
	switch {
	case cfg.SecretKey == "":
		return nil, errors.New("no Chec secret key: pass the store's secret key (sk_…, Chec dashboard → Settings → Developer)")
	case strings.HasPrefix(cfg.SecretKey, "pk_"):
		return nil, errors.New("that is a Chec public key (pk_…): customers need the secret key (sk_…)")
	case !strings.HasPrefix(cfg.SecretKey, "sk_"):
		return nil, errors.New("a Chec secret key starts with sk_: check what was pasted")
	case strings.ContainsAny(cfg.SecretKey, " \t\r\n"), strings.ContainsAny(cfg.PublicKey, " \t\r\n"):
		return nil, errors.New("a Chec key must not contain spaces or line breaks: check how it was pasted")
	case cfg.PublicKey != "" && !strings.HasPrefix(cfg.PublicKey, "pk_"):
		return nil, errors.New("a Chec public key starts with pk_: check what was pasted")
	}
	pat := client.Patience{Timeout: cfg.Timeout, Retries: cfg.MaxRetries, WaitMin: cfg.RetryWaitMin, WaitMax: cfg.RetryWaitMax}.OrDefault()
	cfg.Timeout, cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = pat.Timeout, pat.Retries, pat.WaitMin, pat.WaitMax
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	hc := pat.HTTPClient(cfg.Transport)
	return &Client{Lacking: client.Lacking{Caps: capabilities}, cfg: cfg, base: base, hc: hc}, nil
}

// Capabilities: search, profiles, edit (re-read and compare), orders;
// no loyalty, notes, on-behalf sessions, audit or customer creation.
func (c *Client) Capabilities() client.Capabilities { return capabilities }

// BaseURL is the API's base URL this client calls, ending in /v1.
func (c *Client) BaseURL() string { return c.base }

// normalizeBaseURL checks an API URL and returns it with "/v1" appended
// (once) and no trailing slash.
func normalizeBaseURL(raw string) (string, error) {
	u, err := client.ParseBaseURL("Chec API URL", "https://api.chec.io", raw)
	if err != nil {
		return "", err
	}
	return client.WithBase(u, Base), nil
}

// redactKey shows a key's kind and last four characters: "sk_…a1b2".
func redactKey(k string) string {
	if len(k) <= 8 {
		return "sk_…"
	}
	return k[:3] + "…" + k[len(k)-4:]
}

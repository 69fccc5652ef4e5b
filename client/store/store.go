// Package store is the client.Platform driver for the plain store
// Customers API of seed 004 (../shared/seeds/004_a679ea25c4de115c.txt),
// exactly as documented there and nothing more: HTTP Basic with the key
// pair ck_…:cs_…, GET /api/v1/customers (page, limit, search by email,
// first name or last name), GET /customers/:id and GET
// /customers/:id/loyalty, answers in {"status":"success","data":{…}}.
//
// That API is read-only: every other call fails with
// client.Unsupported and the sentence of Capabilities, so the console,
// the CLI and the gateway refuse it before asking. The API has no /me:
// Me checks the key with the cheapest documented call and describes a
// synthetic agent (see Me). Pages are numbered; the driver hands them out
// as cursors like the frontdesk driver does (frontdesk.PageCursor's
// "page:N").
//
// docs/platforms.md, section "store", lists every fact this driver
// relies on and where it came from.
package store

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"frontdesk/client"
)

// Defaults of Config's zero values.
const (
	DefaultUserAgent = "frontdesk/dev"
	// Base is where the seed puts the API under the store's URL.
	Base = "/api/v1"
	// DefaultLimit and MaxLimit bound a page: 20 is the seed's default;
	// the seed names no maximum, so the driver asks for no more than
	// frontdesk's own contract allows (100).
	DefaultLimit = 20
	MaxLimit     = 100
	// RecentLedger is how many ledger entries GET /loyalty carries at
	// most (seed 004: "up to 50 recent ledger entries").
	RecentLedger = 50
	// maxResponseBytes bounds what one answer may make us hold.
	maxResponseBytes = 16 << 20
)

// The sentences the driver says for what the platform cannot do. They
// are what the console greys a key with and the CLI prints on exit 6.
const (
	// ReasonReadOnly is said for every change.
	ReasonReadOnly = "this store's API is read-only: it lists and shows customers and their loyalty points, and cannot change anything"
	// ReasonNoOrders is said for orders.
	ReasonNoOrders = "this store's API does not list orders: it shows customers and their loyalty points only"
	// ReasonNoNotes is said for internal notes.
	ReasonNoNotes = "this store's API has no internal notes"
	// ReasonNoOnBehalf is said for on-behalf sessions and what runs
	// through them (coupons, password resets).
	ReasonNoOnBehalf = "this store's API cannot act on behalf of a customer"
	// ReasonNoAudit is said for the audit trail.
	ReasonNoAudit = "this store's API keeps no audit trail"
	// ReasonNoMerge is said for merging duplicate customers: no endpoint of
	// the platform's documented API merges customers.
	ReasonNoMerge = "this store's API cannot merge customers"
	// ReasonNoLedger is said when a page past the recent loyalty entries
	// is asked for.
	ReasonNoLedger = "this store's API shows only the 50 most recent loyalty entries, not the whole ledger"
)

// capabilities is what the seed-004 API can do: search and read
// customers, read loyalty. Loyalty stays (it can be read); adjusting it
// is refused by AdjustLoyalty with ReasonReadOnly.
// ReasonNoSearchFilters is said for field filters (orders:>5, email:…).
const ReasonNoSearchFilters = "the store's customer list (seed 004) takes one search text and no field filters: search without filters (email:, orders:>5 …)"

var capabilities = client.All().
	Without(ReasonNoSearchFilters, client.CapSearchFilters).
	Without(ReasonReadOnly, client.CapCreateCustomer, client.CapEditCustomer, client.CapLoyaltyAdjust).
	Without(ReasonNoOrders, client.CapOrders).
	Without(ReasonNoNotes, client.CapNotes).
	Without(ReasonNoOnBehalf, client.CapOnBehalf, client.CapCoupons, client.CapPasswordReset).
	Without(ReasonNoAudit, client.CapAudit).
	Without(ReasonNoMerge, client.CapMerge).
	Without(client.ReasonNoPresence, client.CapPresence)

// Config says which store to call, as which key, and how patiently.
type Config struct {
	// BaseURL is the store's URL, e.g. "https://your-store.com"; the
	// driver appends "/api/v1" unless the URL already ends with it.
	BaseURL string
	// KeyID and Secret are the API key pair (ck_…, cs_…).
	KeyID, Secret string
	// Currency is the code the store's amounts (total_spent) are in; the
	// seed names none, so "" shows them as bare numbers.
	Currency string
	// Timeout bounds each attempt (default 10s).
	Timeout time.Duration
	// UserAgent defaults to "frontdesk/dev".
	UserAgent string
	// Logger receives one Debug record per attempt (method, URL, status,
	// time: never a header). nil logs nothing.
	Logger *slog.Logger
	// Transport sends the requests; nil uses a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// MaxRetries is how many times a failed read is retried (default 2;
	// negative means never). Only 429, 502, 503, 504 and no answer at
	// all are retried; every call of this API is a read.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff (defaults 200ms
	// and 5s); a Retry-After is honoured up to RetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
}

// Client calls one store's seed-004 API as one key. It is safe for
// concurrent use.
type Client struct {
	// Lacking refuses what the platform cannot do, with capabilities'
	// sentences.
	client.Lacking
	cfg  Config
	base string // scheme://host[:port]/…/api/v1
	hc   *http.Client
}

// The driver is a Platform.
var _ client.Platform = (*Client)(nil)

// New checks cfg and builds a client. It does not contact the store.
func New(cfg Config) (*Client, error) {
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.KeyID = strings.TrimSpace(cfg.KeyID)
	switch {
	case cfg.KeyID == "":
		return nil, errors.New("no API key id: pass the store's key id (ck_…)")
	case cfg.Secret == "":
		return nil, errors.New("no API secret: pass the secret (cs_…) that belongs to key " + cfg.KeyID)
	case strings.ContainsAny(cfg.KeyID, ":\r\n"):
		return nil, errors.New("the API key id must not contain ':' or line breaks: check you did not paste key and secret together")
	case strings.ContainsAny(cfg.Secret, "\r\n"):
		return nil, errors.New("the API secret must not contain line breaks: check how it was pasted")
	case cfg.Currency != "" && !isCurrencyCode(cfg.Currency):
		return nil, fmt.Errorf("currency %q is not an ISO 4217 code: write three capital letters, e.g. KES", cfg.Currency)
	}
	pat := client.Patience{Timeout: cfg.Timeout, Retries: cfg.MaxRetries, WaitMin: cfg.RetryWaitMin, WaitMax: cfg.RetryWaitMax}.OrDefault()
	cfg.Timeout, cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = pat.Timeout, pat.Retries, pat.WaitMin, pat.WaitMax
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	hc := pat.HTTPClient(cfg.Transport)
	return &Client{Lacking: client.Lacking{Caps: capabilities}, cfg: cfg, base: base, hc: hc}, nil
}

// Capabilities of the seed-004 API: search, read profiles, read
// loyalty; every change, orders, notes, on-behalf sessions and the audit
// trail are missing, each with its sentence. It does not call the store.
func (c *Client) Capabilities() client.Capabilities { return capabilities }

// Capabilities is what every Client of this driver can do, for callers
// that have no credentials yet (`frontdesk info`).
func Capabilities() client.Capabilities { return capabilities }

// BaseURL is the API's base URL this client calls, ending in /api/v1.
func (c *Client) BaseURL() string { return c.base }

// normalizeBaseURL checks a store URL and returns it with "/api/v1"
// appended (once) and no trailing slash.
func normalizeBaseURL(raw string) (string, error) {
	u, err := client.ParseBaseURL("store URL", "https://your-store.com", raw)
	if err != nil {
		return "", err
	}
	return client.WithBase(u, Base), nil
}

// isCurrencyCode reports whether s is three capital letters.
func isCurrencyCode(s string) bool {
	return len(s) == 3 && !strings.ContainsFunc(s, func(r rune) bool { return r < 'A' || r > 'Z' })
}

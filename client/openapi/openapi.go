// Package openapi is the client.Platform driver for Pelcro's "Open API"
// customer endpoints (seed 002, ../shared/seeds/002_93454927f8322ba3.txt)
// and, for the agent's side, Pelcro's Core API.
//
// The Open API (/api/v1/sdk/customer…) is the customer's own: every
// protected call carries the customer's bearer JWT, which only the
// customer gets, by logging in. A support agent has no such token, so
// the agent's calls go to Pelcro's Core API (/api/v1/core/…), which
// authenticates with the account's API key as a bearer token:
//
//	GET /api/v1/core/account                 Me (checks the key)
//	GET /api/v1/core/customers/{id}          GetCustomer
//	PUT /api/v1/core/customers/{id}          PatchCustomer (partial)
//
// Every call carries site_id in the query. Pelcro documents no customer
// list or search for either API, so SearchCustomers is unsupported: the
// agent opens a customer by the id. The Open API calls run as the
// customer with a customer token (GetCustomerAs, PatchCustomerAs,
// Coupons, and the driver's own CustomerAs, UpdateAs, Refresh,
// EligiblePlans, EligibleSKUs, RequestEmailVerification); Pelcro
// documents no way for an agent to obtain such a token, so
// CreateSession is unsupported and the console offers no on-behalf
// session on this platform. Neither API has optimistic concurrency:
// PatchCustomer and PatchCustomerAs re-read the customer, compare its
// version (a hash of the editable fields) with the one the agent read,
// and report a conflict the way a 412 is reported.
//
// docs/platforms.md, section "openapi", lists every fact this driver
// relies on and where it came from. Customer tokens and the API key are
// secrets: they are never logged, and never put in an error message.
package openapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"frontdesk/client"
)

// Defaults of Config's zero values.
const (
	DefaultUserAgent = "frontdesk/dev"
	// SDKBase is the Open API's path under the site's URL
	// (https://www.pelcro.com/api/v1/sdk).
	SDKBase = "/api/v1/sdk"
	// CoreBase is the Core API's path (https://www.pelcro.com/api/v1/core).
	CoreBase = "/api/v1/core"
	// maxResponseBytes bounds what one answer may make us hold.
	maxResponseBytes = 16 << 20
)

// The sentences the driver says for what the platform cannot do: what
// the console greys a key with and the CLI prints on exit 6.
const (
	// ReasonNoSearch is said for customer search and lists.
	ReasonNoSearch = "Pelcro's APIs have no customer search or list: open a customer by their Pelcro customer id (a number)"
	// ReasonNoOnBehalf is said for on-behalf sessions and what needs
	// one (coupons, password resets): only the customer gets a token.
	ReasonNoOnBehalf = "Pelcro issues a customer token only to the customer who logs in; it has no way for an agent to act as a customer"
	// ReasonNoOrders is said for orders.
	// (Pelcro's customer resource lists the customer's e-commerce
	// orders, but only the customer's own token reads it.)
	ReasonNoOrders = "Pelcro shows a customer's orders only to the customer, in their own account; frontdesk has no customer token and reads none"
	// ReasonNoLoyalty is said for loyalty points.
	ReasonNoLoyalty = "Pelcro's documented APIs have no loyalty points"
	// ReasonNoNotes is said for internal notes.
	ReasonNoNotes = "Pelcro's documented APIs have no internal support notes"
	// ReasonNoAudit is said for the audit trail.
	ReasonNoAudit = "Pelcro's APIs keep no audit trail that frontdesk can read"
	// ReasonNoMerge is said for merging duplicate customers: no endpoint of
	// the platform's documented API merges customers.
	ReasonNoMerge = "Pelcro's documented APIs cannot merge two customers: merge them in Pelcro's own platform"
	// ReasonNoCreate is said for creating customers.
	ReasonNoCreate = "frontdesk does not create Pelcro customers: customers register on the site"
)

var capabilities = client.All().
	Without(ReasonNoSearch, client.CapSearch).
	Without(ReasonNoCreate, client.CapCreateCustomer).
	Without(ReasonNoOrders, client.CapOrders).
	Without(ReasonNoLoyalty, client.CapLoyalty, client.CapLoyaltyAdjust).
	Without(ReasonNoNotes, client.CapNotes).
	Without(ReasonNoOnBehalf, client.CapOnBehalf, client.CapCoupons, client.CapPasswordReset).
	Without(ReasonNoAudit, client.CapAudit).
	Without(ReasonNoMerge, client.CapMerge).
	Without(client.ReasonNoPresence, client.CapPresence)

// Config says which Pelcro site to call, with which API key, and how
// patiently.
type Config struct {
	// BaseURL is Pelcro's URL, e.g. "https://www.pelcro.com" (the
	// driver adds /api/v1/sdk and /api/v1/core).
	BaseURL string
	// SiteID is the site's id, sent as site_id on every call (not a
	// secret: Pelcro likens it to a publishable key).
	SiteID string
	// KeyID names the API key for people (the profile's key id); Pelcro
	// API keys have no separate id, so it is only a label.
	KeyID string
	// APIKey is the Core API key (secret), sent as a bearer token.
	APIKey string
	// Timeout bounds each attempt (default 10s).
	Timeout time.Duration
	// UserAgent defaults to "frontdesk/dev".
	UserAgent string
	// Logger receives one Debug record per attempt (method, path, status,
	// time: never a header, a body or a token). nil logs nothing.
	Logger *slog.Logger
	// Transport sends the requests; nil uses a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// MaxRetries is how many times a failed read is retried (default 2;
	// negative means never). Writes and token refreshes are never retried.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff (defaults 200ms
	// and 5s); a Retry-After is honoured up to RetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
}

// Client calls one Pelcro site. It is safe for concurrent use.
type Client struct {
	// Lacking refuses what the platform cannot do, with capabilities'
	// sentences.
	client.Lacking
	cfg  Config
	root string // scheme://host[:port][/prefix], no trailing slash
	hc   *http.Client
}

// The driver is a Platform.
var _ client.Platform = (*Client)(nil)

// New checks cfg and builds a client. It does not contact Pelcro.
func New(cfg Config) (*Client, error) {
	root, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.SiteID = strings.TrimSpace(cfg.SiteID)
	switch {
	case cfg.SiteID == "":
		return nil, errors.New("no Pelcro site id: pass the site's id (the number at the end of the dashboard's URL), option site")
	case !isDigits(cfg.SiteID):
		return nil, fmt.Errorf("the Pelcro site id %q must be a number", cfg.SiteID)
	case cfg.APIKey == "":
		return nil, errors.New("no Pelcro API key: pass the Core API key (Account settings → API keys) as the secret")
	case strings.ContainsAny(cfg.APIKey, " \t\r\n"):
		return nil, errors.New("the Pelcro API key must not contain spaces or line breaks: check how it was pasted")
	}
	if cfg.KeyID == "" {
		cfg.KeyID = "site-" + cfg.SiteID
	}
	pat := client.Patience{Timeout: cfg.Timeout, Retries: cfg.MaxRetries, WaitMin: cfg.RetryWaitMin, WaitMax: cfg.RetryWaitMax}.OrDefault()
	cfg.Timeout, cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = pat.Timeout, pat.Retries, pat.WaitMin, pat.WaitMax
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	hc := pat.HTTPClient(cfg.Transport)
	return &Client{Lacking: client.Lacking{Caps: capabilities}, cfg: cfg, root: root, hc: hc}, nil
}

// Capabilities of Pelcro as this driver speaks it: read and edit a
// customer opened by id; everything else is missing, each with its
// sentence. It does not call Pelcro.
func (c *Client) Capabilities() client.Capabilities { return capabilities }

// Capabilities is what every Client of this driver can do, for callers
// that have no credentials yet (`frontdesk info`).
func Capabilities() client.Capabilities { return capabilities }

// BaseURL is the root URL this client calls (without /api/v1/…).
func (c *Client) BaseURL() string { return c.root }

func isDigits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 63)
	return err == nil
}

// normalizeBaseURL checks Pelcro's URL and returns it without a
// trailing slash, and without /api/v1/sdk or /api/v1/core if given.
func normalizeBaseURL(raw string) (string, error) {
	u, err := client.ParseBaseURL("Pelcro URL", "https://www.pelcro.com", raw)
	if err != nil {
		return "", err
	}
	for _, suffix := range []string{SDKBase, CoreBase, "/api/v1"} {
		if strings.HasSuffix(u.Path, suffix) {
			u.Path = strings.TrimSuffix(u.Path, suffix)
			break
		}
	}
	return strings.TrimRight(u.String(), "/"), nil
}

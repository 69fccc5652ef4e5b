// Package sfcc is the client.Platform driver for Salesforce B2C Commerce
// (SFCC) through its Open Commerce API (OCAPI), version 20.4, as a
// support desk needs it:
//
//   - an OAuth access token from the Account Manager (client credentials:
//     POST {auth-url} with Basic client_id:password,
//     grant_type=client_credentials), sent as Authorization: Bearer;
//   - finding customers with the Data API,
//     POST /s/-/dw/data/v20_4/customer_lists/{list}/customer_search, a
//     text_query over email, first and last name and the three phones;
//   - the Shop API under /s/{site}/dw/shop/v20_4 for the customer (GET,
//     PATCH with If-Match), its addresses, its orders (start/count,
//     from/until/status) and one order (/orders/{order_no});
//   - acting on behalf of a customer: POST /customers/{customer_id}/auth
//     answers the customer's JWT in the Authorization response header;
//     calling it again is the refresh; DELETE /customers/auth
//     invalidates it; POST /customers/{customer_id}/password_reset with
//     it starts a password reset;
//   - every error is a fault document {"_v","fault":{type,message,arguments?}}.
//
// OCAPI has no loyalty points, internal notes, coupon list, audit trail or
// customer creation for an agent: those calls fail with
// client.Unsupported and the sentence of Capabilities.
//
// docs/platforms.md, section "sfcc", lists every fact this driver relies
// on and where it came from.
package sfcc

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"frontdesk/client"
)

// Defaults of Config's zero values.
const (
	DefaultUserAgent = "frontdesk/dev"
	// DefaultAuthURL is Salesforce's Account Manager token endpoint
	// (schema ocapi-shop-20_4.swagger.json,
	// securityDefinitions.oauth2_application.tokenUrl).
	DefaultAuthURL = "https://account.demandware.com/dw/oauth2/access_token"
	// Version is the OCAPI version the driver speaks, as in its paths.
	Version = "v20_4"
	// DefaultLimit is OCAPI's page size ("The default page size is 10",
	// seed 003); MaxLimit the Data API search's largest count (200);
	// the driver asks for at most frontdesk's 100.
	DefaultLimit = 10
	MaxLimit     = 100
	// TokenSkew: an access token is renewed this long before it expires.
	TokenSkew = time.Minute
	// DefaultTokenTTL is assumed for a customer JWT whose expiry cannot
	// be read (OCAPI's JWTs live 30 minutes).
	DefaultTokenTTL = 30 * time.Minute
	// maxResponseBytes bounds what one answer may make us hold.
	maxResponseBytes = 16 << 20
)

// The sentences the driver says for what OCAPI cannot do.
const (
	ReasonNoLoyalty = "Salesforce B2C Commerce (OCAPI) has no loyalty points"
	ReasonNoNotes   = "Salesforce B2C Commerce (OCAPI) keeps no internal support notes on a customer"
	ReasonNoAudit   = "Salesforce B2C Commerce (OCAPI) has no audit trail frontdesk can read"
	// ReasonNoMerge is said for merging duplicate customers: no endpoint of
	// the platform's documented API merges customers.
	ReasonNoMerge  = "Salesforce B2C Commerce (OCAPI) has no customer merge: merge them in Business Manager"
	ReasonNoCreate = "SFCC customers register on the storefront; frontdesk does not create them"
	// ReasonNoSearchFilters is said for field filters (orders:>5, email:…).
	ReasonNoSearchFilters = "frontdesk sends SFCC's customer search one text query over the name, email and phone fields; it has no order count, spend or points to filter on, and column filters (email:, name:, phone:) are not mapped to its term queries yet: search without filters"
	ReasonNoCoupons       = "OCAPI lists no coupons for a customer: coupons are applied to a basket at checkout"
	// ReasonStatus is said when a patch would enable or disable a
	// customer: the Shop API's PATCH cannot change the login.
	ReasonStatus = "the Shop API cannot enable or disable a customer's login: do it in Business Manager"
	// ReasonAddresses is said when a patch would replace the addresses.
	ReasonAddresses = "frontdesk edits no SFCC addresses: change them in Business Manager or the storefront"
)

var capabilities = client.All().
	Without(ReasonNoCreate, client.CapCreateCustomer).
	Without(ReasonNoSearchFilters, client.CapSearchFilters).
	Without(ReasonNoLoyalty, client.CapLoyalty, client.CapLoyaltyAdjust).
	Without(ReasonNoNotes, client.CapNotes).
	Without(ReasonNoCoupons, client.CapCoupons).
	Without(ReasonNoAudit, client.CapAudit).
	Without(ReasonNoMerge, client.CapMerge).
	Without(client.ReasonNoPresence, client.CapPresence)

// Capabilities is what every Client of this driver can do, for callers
// without credentials (`frontdesk info`).
func Capabilities() client.Capabilities { return capabilities }

// Config says which instance, site and customer list to call, as which
// API client, and how patiently.
type Config struct {
	// BaseURL is the instance, e.g. "https://dev01-realm-org.demandware.net";
	// the driver adds /s/{site}/dw/shop/v20_4 and /s/-/dw/data/v20_4.
	BaseURL string
	// Site is the site id of the Shop API path ("RefArch").
	Site string
	// List is the customer list id the Data API searches (often the
	// site's id).
	List string
	// ClientID and Secret are the API client's id and password (Account
	// Manager).
	ClientID, Secret string
	// AuthURL is the OAuth token endpoint (default DefaultAuthURL).
	AuthURL string
	// Timeout bounds each attempt (default 10s).
	Timeout time.Duration
	// UserAgent defaults to "frontdesk/dev".
	UserAgent string
	// Logger receives one Debug record per attempt (method, URL without
	// query secrets, status, time: never a header or a body). nil logs
	// nothing.
	Logger *slog.Logger
	// Transport sends the requests; nil uses a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// MaxRetries is how many times a failed read is retried (default 2;
	// negative means never). Writes are never retried.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff (defaults 200ms and
	// 5s); a Retry-After is honoured up to RetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
	// Now is the clock tokens are judged by (default time.Now).
	Now func() time.Time
}

// Client calls one SFCC instance as one API client. It is safe for
// concurrent use.
type Client struct {
	// Lacking refuses what OCAPI cannot do, with capabilities'
	// sentences.
	client.Lacking
	cfg        Config
	shop, data string // …/s/{site}/dw/shop/v20_4, …/s/-/dw/data/v20_4
	hc         *http.Client

	tokMu   sync.Mutex
	tok     string
	tokExp  time.Time
	sessMu  sync.Mutex
	session map[string]*session // on-behalf sessions this client started
}

// The driver is a Platform.
var _ client.Platform = (*Client)(nil)

// New checks cfg and builds a client. It does not contact the instance.
func New(cfg Config) (*Client, error) {
	base, err := checkURL("instance URL", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.AuthURL == "" {
		cfg.AuthURL = DefaultAuthURL
	}
	if _, err := checkURL("auth-url", cfg.AuthURL); err != nil {
		return nil, err
	}
	cfg.ClientID, cfg.Site, cfg.List = strings.TrimSpace(cfg.ClientID), strings.TrimSpace(cfg.Site), strings.TrimSpace(cfg.List)
	switch {
	case cfg.ClientID == "":
		return nil, errors.New("no API client id: pass the SFCC API client's id (Account Manager) as the key")
	case cfg.Secret == "":
		return nil, errors.New("no API client password: pass the password of API client " + cfg.ClientID)
	case strings.ContainsAny(cfg.ClientID, ":\r\n"):
		return nil, errors.New("the API client id must not contain ':' or line breaks")
	case strings.ContainsAny(cfg.Secret, "\r\n"):
		return nil, errors.New("the API client password must not contain line breaks")
	case cfg.Site == "":
		return nil, errors.New("no site: set the SFCC site id (e.g. RefArch) with --option site=…")
	case cfg.List == "":
		return nil, errors.New("no customer list: set the SFCC customer list id (e.g. RefArch) with --option list=…")
	case strings.ContainsAny(cfg.Site, "/?#% ") || strings.ContainsAny(cfg.List, "/?#% "):
		return nil, errors.New("the site and customer list ids must not contain '/', '?', '#', '%' or spaces")
	}
	pat := client.Patience{Timeout: cfg.Timeout, Retries: cfg.MaxRetries, WaitMin: cfg.RetryWaitMin, WaitMax: cfg.RetryWaitMax}.OrDefault()
	cfg.Timeout, cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = pat.Timeout, pat.Retries, pat.WaitMin, pat.WaitMax
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hc := pat.HTTPClient(cfg.Transport)
	return &Client{
		Lacking: client.Lacking{Caps: capabilities},
		cfg:     cfg, hc: hc, session: map[string]*session{},
		shop: base + "/s/" + url.PathEscape(cfg.Site) + "/dw/shop/" + Version,
		data: base + "/s/-/dw/data/" + Version,
	}, nil
}

// Capabilities: search, profiles, edits, orders, on-behalf sessions and
// password resets; no loyalty, notes, coupons, audit or creation.
func (c *Client) Capabilities() client.Capabilities { return capabilities }

// ShopURL and DataURL are the API bases this client calls.
func (c *Client) ShopURL() string { return c.shop }
func (c *Client) DataURL() string { return c.data }

// checkURL checks an http(s) URL and returns it without a trailing slash.
func checkURL(what, raw string) (string, error) {
	u, err := client.ParseBaseURL(what, "https://dev01-realm-org.demandware.net", raw)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

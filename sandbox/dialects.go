package sandbox

import (
	"log/slog"
	"net/http"
	"slices"

	"frontdesk/dialect"
	checdialect "frontdesk/dialect/chec"
	pelcrodialect "frontdesk/dialect/openapi"
	sfccdialect "frontdesk/dialect/sfcc"
	storedialect "frontdesk/dialect/store"
	tybritedialect "frontdesk/dialect/tybrite"
	"frontdesk/sandbox/seed"
	"frontdesk/store"
)

// Dialect is a wire format the sandbox can serve over its storage: the
// desk's own API, or another platform's (dialect/<name>).
type Dialect struct {
	// Name is the platform's name, as in --dialect and --platform.
	Name string
	// About is one line for --help.
	About string
	// New builds the handler over st; nil for the desk's own server,
	// which Start builds itself.
	New func(st store.Store, logger *slog.Logger) http.Handler
	// Credentials are the lines printed after `url:` for the sandbox key
	// pair keyID/secret, served at baseURL (the server's root).
	Credentials func(baseURL, keyID, secret string) []dialect.Credential
}

// The dialects Start serves by name.
const (
	DialectFrontdesk = "frontdesk"
	DialectStore     = "store"
)

// dialects are the wire formats Start serves, default first. A platform
// with a dialect under dialect/ is listed here (one entry each).
var dialects = []Dialect{
	{
		Name:  DialectFrontdesk,
		About: "frontdesk's own Customers API (the desk server)",
		Credentials: func(_, keyID, secret string) []dialect.Credential {
			return dialect.Pair(keyID, secret)
		},
	},
	{
		Name:  DialectStore,
		About: "the plain store API of seed 004 (read-only customers and loyalty)",
		New: func(st store.Store, logger *slog.Logger) http.Handler {
			return storedialect.New(st, logger)
		},
		Credentials: func(_, keyID, secret string) []dialect.Credential {
			// The seeded store's money is Kenyan shillings (sandbox/seed).
			return append(dialect.Pair(keyID, secret), dialect.Credential{Name: "currency", Value: seed.Currency})
		},
	},
	{
		Name:  "chec",
		About: "Commerce.js (Chec) REST API v1: customers with the secret key, their orders",
		New: func(st store.Store, logger *slog.Logger) http.Handler {
			return checdialect.New(st, logger)
		},
		Credentials: checdialect.Credentials,
	},
	{
		Name:  "sfcc",
		About: "Salesforce B2C Commerce OCAPI 20.4 (Data API search, Shop API customers and orders, OAuth, on-behalf JWTs)",
		New: func(st store.Store, logger *slog.Logger) http.Handler {
			return sfccdialect.New(st, logger)
		},
		Credentials: sfccdialect.Credentials,
	},
	{
		Name:  "tybrite",
		About: "Tybrite Galactic Core (secret key: create customers, read their orders; profiles only with the customer's token)",
		New: func(st store.Store, logger *slog.Logger) http.Handler {
			return tybritedialect.New(st, logger)
		},
		Credentials: tybritedialect.Credentials,
	},
	{
		Name:  "openapi",
		About: `Pelcro: the "Open API" customer endpoints (seed 002) and the Core API's customers, site_id on every call`,
		New: func(st store.Store, logger *slog.Logger) http.Handler {
			return pelcrodialect.New(st, logger)
		},
		Credentials: pelcrodialect.Credentials,
	},
}

// Dialects lists the names of the dialects Start serves, default first.
var Dialects = func() []string {
	names := make([]string, len(dialects))
	for i, d := range dialects {
		names[i] = d.Name
	}
	return names
}()

// DialectNamed finds a dialect by name ("" is the default).
func DialectNamed(name string) (Dialect, bool) {
	if name == "" {
		return dialects[0], true
	}
	i := slices.IndexFunc(dialects, func(d Dialect) bool { return d.Name == name })
	if i < 0 {
		return Dialect{}, false
	}
	return dialects[i], true
}

// Credentials are the lines a driver of r's dialect needs to call it
// with the key pair k (`key:`/`secret:` and the platform's options).
func (r *Running) Credentials(k Key) []dialect.Credential {
	d, _ := DialectNamed(r.Dialect)
	return d.Credentials(r.URL, k.KeyID, k.Secret)
}

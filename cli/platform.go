package cli

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"frontdesk/client"
	checdriver "frontdesk/client/chec"
	"frontdesk/client/frontdesk"
	"frontdesk/client/openapi"
	sfccdriver "frontdesk/client/sfcc"
	storedriver "frontdesk/client/store"
	tybritedriver "frontdesk/client/tybrite"
	"frontdesk/config"
)

// Platform names: the drivers connect can build.
const (
	PlatformFrontdesk = "frontdesk"
	PlatformStore     = "store"
	// EnvPlatform chooses the platform for a run (after --platform,
	// before the profile's).
	EnvPlatform = "FRONTDESK_PLATFORM"
)

// platformDriver is one platform connect can speak.
type platformDriver struct {
	name  string
	about string // for help and `info`
	// caps is the driver's Capabilities, without credentials.
	caps func() client.Capabilities
	// options are the platform's own profile settings (none secret).
	options []PlatformOption
	// build makes the driver from the frontdesk configuration the tunes
	// adjusted (URL, key, secret, timeout, logger, retries) and the
	// profile's options (checked against options).
	build func(cfg frontdesk.Config, opts map[string]string) (client.Platform, error)
}

// PlatformOption is a setting a platform needs beyond URL, key and
// secret: an SFCC site, a client id. It is kept in the profile's
// `options` table, set with `auth login --option NAME=VALUE`, and never
// secret (secrets go in the keyring).
type PlatformOption struct {
	Name     string
	About    string
	Required bool
}

// checkOptions says what is wrong with opts for drv: an option it does
// not have, or a required one missing. from says where they came from.
func (drv platformDriver) checkOptions(opts map[string]string, from string) error {
	for name := range opts {
		if !slices.ContainsFunc(drv.options, func(o PlatformOption) bool { return o.Name == name }) {
			return UsageError{Err: fmt.Errorf("%s: the %s platform has no option %q (%s)", from, drv.name, name, drv.optionList())}
		}
	}
	var missing []string
	for _, o := range drv.options {
		if o.Required && strings.TrimSpace(opts[o.Name]) == "" {
			missing = append(missing, o.Name+" ("+o.About+")")
		}
	}
	if len(missing) > 0 {
		return UsageError{Err: fmt.Errorf("%s: the %s platform needs %s: set it with `frontdesk auth login --platform %s --option NAME=VALUE`",
			from, drv.name, strings.Join(missing, ", "), drv.name)}
	}
	return nil
}

// optionList names drv's options for messages.
func (drv platformDriver) optionList() string {
	if len(drv.options) == 0 {
		return "it takes none"
	}
	names := make([]string, len(drv.options))
	for i, o := range drv.options {
		names[i] = o.Name
	}
	return "its options: " + strings.Join(names, ", ")
}

// parseOptions reads NAME=VALUE pairs (from --option flags or
// FRONTDESK_API_OPTIONS' comma-separated list).
func parseOptions(pairs []string, from string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	opts := make(map[string]string, len(pairs))
	for _, kv := range pairs {
		name, value, ok := strings.Cut(kv, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return nil, UsageError{Err: fmt.Errorf("%s %q: write it as NAME=VALUE, e.g. site=RefArch", from, kv)}
		}
		if err := config.ValidateOption(name, value); err != nil {
			return nil, UsageError{Err: fmt.Errorf("%s: %w", from, err)}
		}
		opts[name] = value
	}
	return opts, nil
}

// platforms are the drivers, default first.
var platforms = []platformDriver{
	{
		name:  PlatformFrontdesk,
		about: "frontdesk's own Customers API (the desk server, `sandbox serve`): every capability",
		caps:  client.All,
		build: func(cfg frontdesk.Config, _ map[string]string) (client.Platform, error) {
			p, err := frontdesk.New(cfg)
			if err != nil {
				return nil, err // a nil Platform, not a nil *frontdesk.Client in one
			}
			return p, nil
		},
	},
	{
		name:  PlatformStore,
		about: "a plain store API as in seed 004: read-only customers and loyalty",
		caps:  storedriver.Capabilities,
		options: []PlatformOption{
			{Name: "currency", About: "the ISO 4217 code of the store's amounts, e.g. KES (seed 004 does not say)"},
		},
		build: func(cfg frontdesk.Config, opts map[string]string) (client.Platform, error) {
			p, err := storedriver.New(storedriver.Config{
				Currency: strings.ToUpper(opts["currency"]),
				BaseURL:  cfg.BaseURL, KeyID: cfg.KeyID, Secret: cfg.Secret, Timeout: cfg.Timeout, UserAgent: cfg.UserAgent,
				Logger: cfg.Logger, Transport: cfg.Transport, MaxRetries: cfg.MaxRetries,
				RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax,
			})
			if err != nil {
				return nil, err
			}
			return p, nil
		},
	},
	{
		name:  "chec",
		about: "Commerce.js (Chec) REST API v1: public key as the key id, secret key (sk_…) as the secret; no loyalty",
		caps:  checdriver.Capabilities,
		build: func(cfg frontdesk.Config, _ map[string]string) (client.Platform, error) {
			p, err := checdriver.New(checdriver.Config{
				BaseURL: cfg.BaseURL, PublicKey: cfg.KeyID, SecretKey: cfg.Secret, Timeout: cfg.Timeout, UserAgent: cfg.UserAgent,
				Logger: cfg.Logger, Transport: cfg.Transport, MaxRetries: cfg.MaxRetries,
				RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax,
			})
			if err != nil {
				return nil, err
			}
			return p, nil
		},
	},
	{
		name:  "sfcc",
		about: "Salesforce B2C Commerce (OCAPI 20.4): Data API search, Shop API customers and orders, on-behalf sessions",
		caps:  sfccdriver.Capabilities,
		options: []PlatformOption{
			{Name: "site", About: "the site id of the Shop API, e.g. RefArch", Required: true},
			{Name: "list", About: "the customer list id the Data API searches, e.g. RefArch", Required: true},
			{Name: "auth-url", About: "the OAuth token URL (default " + sfccdriver.DefaultAuthURL + ")"},
		},
		build: func(cfg frontdesk.Config, opts map[string]string) (client.Platform, error) {
			p, err := sfccdriver.New(sfccdriver.Config{
				BaseURL: cfg.BaseURL, ClientID: cfg.KeyID, Secret: cfg.Secret, Site: opts["site"], List: opts["list"],
				AuthURL: opts["auth-url"], Timeout: cfg.Timeout, UserAgent: cfg.UserAgent, Logger: cfg.Logger,
				Transport: cfg.Transport, MaxRetries: cfg.MaxRetries, RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax,
			})
			if err != nil {
				return nil, err
			}
			return p, nil
		},
	},
	{
		name:  "tybrite",
		about: "Tybrite Galactic Core with the store's secret key: create customers, read their orders; no customer search or profiles for an agent",
		caps:  tybritedriver.Capabilities,
		options: []PlatformOption{
			{Name: "currency", About: "ISO 4217 code of the store's amounts, e.g. KES (the API names none)"},
		},
		build: func(cfg frontdesk.Config, opts map[string]string) (client.Platform, error) {
			p, err := tybritedriver.New(tybritedriver.Config{
				BaseURL: cfg.BaseURL, KeyID: cfg.KeyID, SecretKey: cfg.Secret, Currency: opts["currency"], Timeout: cfg.Timeout,
				UserAgent: cfg.UserAgent, Logger: cfg.Logger, Transport: cfg.Transport, MaxRetries: cfg.MaxRetries,
				RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax,
			})
			if err != nil {
				return nil, err
			}
			return p, nil
		},
	},
	{
		name:  "openapi",
		about: `Pelcro ("Open API"): open a customer by id and edit them with the Core API key; no search, no on-behalf sessions`,
		caps:  openapi.Capabilities,
		options: []PlatformOption{
			{Name: "site", About: "the Pelcro site id (the number at the end of the dashboard's URL)", Required: true},
		},
		build: func(cfg frontdesk.Config, opts map[string]string) (client.Platform, error) {
			p, err := openapi.New(openapi.Config{
				BaseURL: cfg.BaseURL, SiteID: opts["site"], KeyID: cfg.KeyID, APIKey: cfg.Secret, Timeout: cfg.Timeout,
				UserAgent: cfg.UserAgent, Logger: cfg.Logger, Transport: cfg.Transport, MaxRetries: cfg.MaxRetries,
				RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax,
			})
			if err != nil {
				return nil, err
			}
			return p, nil
		},
	},
}

// PlatformNames lists the platforms connect can build, default first.
func PlatformNames() []string {
	names := make([]string, len(platforms))
	for i, p := range platforms {
		names[i] = p.name
	}
	return names
}

// platformNamed finds a platform's driver; "" is the default. An unknown
// name is a usage error naming the known ones.
func platformNamed(name string) (platformDriver, error) {
	if name == "" {
		return platforms[0], nil
	}
	for _, p := range platforms {
		if p.name == name {
			return p, nil
		}
	}
	return platformDriver{}, UsageError{Err: fmt.Errorf("unknown platform %q: frontdesk speaks %s (see docs/platforms.md)",
		name, strings.Join(PlatformNames(), ", "))}
}

// connect is the one place the CLI builds a platform: the driver of
// creds.Platform (frontdesk's own contract when empty) on creds, as
// frontdesk/<version>, via api. Each tune adjusts the configuration (a
// logger, the agent a gateway key acts for, fewer retries); drivers
// other than frontdesk's take what applies to them. It does not call the
// store.
func connect(creds Credentials, tune ...func(*frontdesk.Config)) (client.Platform, error) {
	drv, err := platformNamed(creds.Platform)
	if err != nil {
		return nil, err
	}
	cfg := frontdesk.Config{
		BaseURL:   creds.URL,
		KeyID:     creds.KeyID,
		Secret:    creds.Secret,
		Via:       frontdesk.ViaAPI,
		Timeout:   creds.Timeout,
		UserAgent: "frontdesk/" + Version,
	}
	for _, f := range tune {
		f(&cfg)
	}
	if err := drv.checkOptions(creds.Options, "the profile's options"); err != nil {
		return nil, err
	}
	p, err := drv.build(cfg, creds.Options)
	if err != nil || !creds.MaskPII {
		return p, err
	}
	return client.Mask(p), nil
}

// logTo sends the driver's debug records (secrets redacted) to l; nil
// logs nothing.
func logTo(l *slog.Logger) func(*frontdesk.Config) {
	return func(c *frontdesk.Config) { c.Logger = l }
}

// viaSSH marks the requests as the gateway's, acting for agent ("" for
// the gateway key itself).
func viaSSH(agent string) func(*frontdesk.Config) {
	return func(c *frontdesk.Config) { c.Via, c.Agent = frontdesk.ViaSSH, agent }
}

// platformOrDefault names the platform "" stands for.
func platformOrDefault(name string) string {
	if name == "" {
		return PlatformFrontdesk
	}
	return name
}

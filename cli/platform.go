package cli

import (
	"fmt"
	"log/slog"
	"strings"

	"frontdesk/client"
	"frontdesk/client/frontdesk"
	storedriver "frontdesk/client/store"
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
	// build makes the driver from the frontdesk configuration the tunes
	// adjusted (URL, key, secret, timeout, logger, retries).
	build func(cfg frontdesk.Config) (client.Platform, error)
}

// platforms are the drivers, default first.
var platforms = []platformDriver{
	{
		name:  PlatformFrontdesk,
		about: "frontdesk's own Customers API (the desk server, `sandbox serve`): every capability",
		caps:  client.All,
		build: func(cfg frontdesk.Config) (client.Platform, error) {
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
		build: func(cfg frontdesk.Config) (client.Platform, error) {
			p, err := storedriver.New(storedriver.Config{
				BaseURL: cfg.BaseURL, KeyID: cfg.KeyID, Secret: cfg.Secret, Timeout: cfg.Timeout, UserAgent: cfg.UserAgent,
				Logger: cfg.Logger, Transport: cfg.Transport, MaxRetries: cfg.MaxRetries,
				RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax,
			})
			if err != nil {
				return nil, err
			}
			return p, nil
		},
	},
}

// plannedPlatforms are named in docs/platforms.md but have no driver yet.
var plannedPlatforms = []string{"chec", "sfcc", "tybrite", "openapi"}

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
	return platformDriver{}, UsageError{Err: fmt.Errorf("unknown platform %q: frontdesk speaks %s (%s are planned; see docs/platforms.md)",
		name, strings.Join(PlatformNames(), ", "), strings.Join(plannedPlatforms, ", "))}
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
	return drv.build(cfg)
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

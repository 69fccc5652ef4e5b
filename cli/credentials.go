package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"frontdesk/config"
)

// Environment variables that configure credentials for one run.
const (
	EnvAPIURL    = config.EnvAPIURL
	EnvAPIKey    = config.EnvAPIKey
	EnvAPISecret = config.EnvSecret
	// EnvAPIOptions gives the platform's options with FRONTDESK_API_URL
	// and _KEY: "site=RefArch,client-id=…".
	EnvAPIOptions = "FRONTDESK_API_OPTIONS"
	EnvProfile    = "FRONTDESK_PROFILE"
	EnvConfig     = config.EnvConfig
)

// Secret sources reported by `auth status`.
const (
	SecretFromEnv     = "environment"
	SecretFromKeyring = "keyring"
)

// Credentials is what a run needs to call the API.
type Credentials struct {
	Profile string // profile name, "" when from the environment only
	// Platform is the store's platform (see connect); "" is frontdesk's
	// own. PlatformFrom says what chose it ("" for the default).
	Platform     string
	PlatformFrom string
	URL          string
	KeyID        string
	Secret       string
	SecretSource string // SecretFromEnv or SecretFromKeyring
	Production   bool
	ReadOnly     bool
	// MaskPII is the profile's mask_pii: the platform is wrapped in
	// client.Mask, so no screen or output shows email, phone or
	// addresses unmasked.
	MaskPII bool
	Agent   string // optional label
	Timeout time.Duration
	// Options are the platform's own settings (PlatformOption): the
	// profile's, or FRONTDESK_API_OPTIONS'.
	Options map[string]string

	// profilePlatform is the profile's platform, before --platform and
	// the environment have their say.
	profilePlatform string
}

// ErrNoCredentials means nothing is set up to call an API with: no profile
// and no FRONTDESK_API_* variables, or a profile whose secret is not stored.
// The console shows its onboarding screen on it; match it with errors.Is.
var ErrNoCredentials = errors.New("no credentials")

// NoCredentialsError is the ErrNoCredentials a run gets, with what is known
// so far (an onboarding form can start from it) and what to do.
type NoCredentialsError struct {
	// Profile, URL and KeyID are set when a profile exists but its secret
	// is not stored.
	Profile, URL, KeyID string
	// ConfigFile is the config file that was read.
	ConfigFile string
}

func (e *NoCredentialsError) Error() string {
	if e.Profile != "" {
		return fmt.Sprintf("no secret stored for profile %q (key %s): run `frontdesk auth login --profile %s --url %s --key %s` "+
			"and paste the secret, or set %s", e.Profile, e.KeyID, e.Profile, e.URL, e.KeyID, EnvAPISecret)
	}
	return "no credentials: run `frontdesk auth login --url URL --key ck_…` (it asks for the secret), " +
		"or try the sandbox with `frontdesk demo`; on a server without a keyring set " +
		EnvAPIURL + ", " + EnvAPIKey + " and " + EnvAPISecret
}

// Is makes errors.Is(err, ErrNoCredentials) true.
func (e *NoCredentialsError) Is(target error) bool { return target == ErrNoCredentials }

// ConfigPath is the config file this run reads and writes: --config, then
// FRONTDESK_CONFIG, then $XDG_CONFIG_HOME/frontdesk/config.toml.
func (a *App) ConfigPath() (string, error) {
	return config.ResolveFile(a.Flags.Config, a.Getenv)
}

// LoadConfig reads this run's config file (an empty config if it does not
// exist yet).
func (a *App) LoadConfig() (*config.Config, error) {
	path, err := a.ConfigPath()
	if err != nil {
		return nil, err
	}
	return config.Load(path)
}

// SecretStore is the keyring this run keeps secrets in. It is the system
// keyring; tests swap what that talks to with keyring.MockInit.
func (a *App) SecretStore() *config.SecretStore {
	return config.NewSecretStore(nil)
}

// Profile selection sources, for messages.
const (
	fromFlag   = "--profile"
	fromEnv    = EnvProfile
	fromConfig = "current_profile"
)

// selectedProfile is the profile this run asks for and where that came
// from: --profile, then FRONTDESK_PROFILE, then the config's current
// profile. Empty when none is chosen.
func (a *App) selectedProfile(f *config.File) (name, from string) {
	switch {
	case a.Flags.Profile != "":
		return a.Flags.Profile, fromFlag
	case strings.TrimSpace(a.Getenv(EnvProfile)) != "":
		return strings.TrimSpace(a.Getenv(EnvProfile)), fromEnv
	case f.CurrentProfile != "":
		return f.CurrentProfile, fromConfig
	}
	return "", ""
}

// Credentials resolves the credentials for this run.
//
// The profile is --profile, then FRONTDESK_PROFILE, then the config's
// current_profile; its secret comes from FRONTDESK_API_SECRET when set, else
// from the keyring. FRONTDESK_API_URL and FRONTDESK_API_KEY together
// override the profile's URL and key (headless machines and CI); their
// secret is FRONTDESK_API_SECRET, or the keyring entry of the profile with
// that key id. With nothing configured the error is a *NoCredentialsError
// (errors.Is ErrNoCredentials).
func (a *App) Credentials(ctx context.Context) (Credentials, error) {
	c, err := a.credentials(ctx)
	if err != nil {
		return Credentials{}, err
	}
	if c.Platform, c.PlatformFrom = a.selectedPlatform(c.profilePlatform); c.Platform != "" {
		if _, err := platformNamed(c.Platform); err != nil {
			return Credentials{}, err
		}
	}
	c.profilePlatform = ""
	return c, nil
}

// Platform sources, for messages.
const (
	platformFromFlag    = "--platform"
	platformFromEnv     = EnvPlatform
	platformFromProfile = "the profile"
)

// selectedPlatform is the platform this run asks for: --platform, then
// FRONTDESK_PLATFORM, then the profile's (fromProfile), and where that
// came from; "" for the default (frontdesk).
func (a *App) selectedPlatform(fromProfile string) (name, from string) {
	switch {
	case strings.TrimSpace(a.Flags.Platform) != "":
		return strings.TrimSpace(a.Flags.Platform), platformFromFlag
	case strings.TrimSpace(a.Getenv(EnvPlatform)) != "":
		return strings.TrimSpace(a.Getenv(EnvPlatform)), platformFromEnv
	case fromProfile != "":
		return fromProfile, platformFromProfile
	}
	return "", ""
}

// credentials is Credentials before the platform is chosen.
func (a *App) credentials(ctx context.Context) (Credentials, error) {
	envURL := strings.TrimSpace(a.Getenv(EnvAPIURL))
	envKey := strings.TrimSpace(a.Getenv(EnvAPIKey))
	envSecret := a.Getenv(EnvAPISecret)
	var cfg *config.Config
	path, err := a.ConfigPath()
	switch {
	case err != nil && envURL != "" && envKey != "":
		// A service with no HOME (systemd without User=) can still run on
		// the environment alone.
		cfg = &config.Config{}
	case err != nil:
		return Credentials{}, err
	default:
		if cfg, err = config.Load(path); err != nil {
			return Credentials{}, err
		}
	}
	name, from := a.selectedProfile(&cfg.File)

	if envURL != "" || envKey != "" {
		return a.envCredentials(ctx, cfg, envURL, envKey, envSecret, name)
	}
	if name == "" {
		return Credentials{}, &NoCredentialsError{ConfigFile: cfg.Path}
	}
	p, ok := cfg.Profile(name)
	if !ok {
		return Credentials{}, fmt.Errorf("no profile %q (chosen by %s) in %s; profiles: %s. Run `frontdesk auth login --profile %s --url URL --key ck_…` to create it",
			name, from, cfg.Path, joinOrNone(cfg.Names()), name)
	}
	c := fromProfile(name, p)
	if envSecret != "" {
		c.Secret, c.SecretSource = envSecret, SecretFromEnv
		return c, nil
	}
	secret, err := a.SecretStore().Get(ctx, name, p.KeyID)
	if errors.Is(err, config.ErrSecretNotFound) {
		return Credentials{}, &NoCredentialsError{Profile: name, URL: p.URL, KeyID: p.KeyID, ConfigFile: cfg.Path}
	}
	if err != nil {
		return Credentials{}, err
	}
	c.Secret, c.SecretSource = secret, SecretFromKeyring
	return c, nil
}

func fromProfile(name string, p config.Profile) Credentials {
	return Credentials{
		Profile:    name,
		URL:        p.URL,
		KeyID:      p.KeyID,
		Production: p.Production,
		ReadOnly:   p.ReadOnly,
		MaskPII:    p.MaskPII,
		Agent:      p.Agent,
		Timeout:    time.Duration(p.Timeout),
		Options:    p.Options,

		profilePlatform: p.Platform,
	}
}

// envCredentials builds credentials from FRONTDESK_API_URL and _KEY. A
// profile with the same key id lends its name (for the keyring entry) and
// its production and read-only marks, so the environment never makes a
// production key look harmless.
func (a *App) envCredentials(ctx context.Context, cfg *config.Config, url, key, secret, selected string) (Credentials, error) {
	if url == "" || key == "" {
		set, unset := EnvAPIURL, EnvAPIKey
		if url == "" {
			set, unset = unset, set
		}
		return Credentials{}, fmt.Errorf("%s is set but %s is not: set both (and %s, or store the secret with `frontdesk auth login`), or unset %s to use a profile",
			set, unset, EnvAPISecret, set)
	}
	if err := config.ValidateURL(url); err != nil {
		return Credentials{}, fmt.Errorf("%s: %w", EnvAPIURL, err)
	}
	if err := config.ValidateKeyID(key); err != nil {
		return Credentials{}, fmt.Errorf("%s: %w", EnvAPIKey, err)
	}
	c := Credentials{URL: url, KeyID: key}
	// The profile lending its settings: the selected one if its key matches,
	// else the only one with that key.
	var owner string
	if p, ok := cfg.Profile(selected); ok && p.KeyID == key {
		owner = selected
	} else {
		for _, n := range cfg.Names() {
			if cfg.Profiles[n].KeyID == key {
				owner = n
				break
			}
		}
	}
	if owner != "" {
		p := cfg.Profiles[owner]
		c.Profile, c.Production, c.ReadOnly, c.Agent, c.Timeout = owner, p.Production, p.ReadOnly, p.Agent, time.Duration(p.Timeout)
		c.MaskPII = p.MaskPII
		c.Options, c.profilePlatform = p.Options, p.Platform
	}
	if env := strings.TrimSpace(a.Getenv(EnvAPIOptions)); env != "" {
		opts, err := parseOptions(strings.Split(env, ","), EnvAPIOptions)
		if err != nil {
			return Credentials{}, err
		}
		c.Options = opts
	}
	if secret != "" {
		c.Secret, c.SecretSource = secret, SecretFromEnv
		return c, nil
	}
	if owner == "" {
		return Credentials{}, fmt.Errorf("%s and %s are set but %s is not, and no profile has key %s to find a stored secret by: set %s, or run `frontdesk auth login --url %s --key %s`",
			EnvAPIURL, EnvAPIKey, EnvAPISecret, key, EnvAPISecret, url, key)
	}
	s, err := a.SecretStore().Get(ctx, owner, key)
	if errors.Is(err, config.ErrSecretNotFound) {
		return Credentials{}, &NoCredentialsError{Profile: owner, URL: url, KeyID: key, ConfigFile: cfg.Path}
	}
	if err != nil {
		return Credentials{}, err
	}
	c.Secret, c.SecretSource = s, SecretFromKeyring
	return c, nil
}

func joinOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

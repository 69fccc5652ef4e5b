package cli

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Environment variables that configure credentials for one run.
const (
	EnvAPIURL    = "FRONTDESK_API_URL"
	EnvAPIKey    = "FRONTDESK_API_KEY"
	EnvAPISecret = "FRONTDESK_API_SECRET"
	EnvProfile   = "FRONTDESK_PROFILE"
	EnvConfig    = "FRONTDESK_CONFIG"
)

// Secret sources reported by `auth status`.
const (
	SecretFromEnv     = "environment"
	SecretFromKeyring = "keyring"
)

// Credentials is what a run needs to call the API.
type Credentials struct {
	Profile      string // profile name, "" when from the environment only
	URL          string
	KeyID        string
	Secret       string
	SecretSource string // SecretFromEnv or SecretFromKeyring
	Production   bool
	ReadOnly     bool
	Agent        string // optional label
	Timeout      time.Duration
}

// Credentials resolves the credentials for this run. For now they come from
// the environment only; profiles and the keyring land with the credentials
// issue.
func (a *App) Credentials(context.Context) (Credentials, error) {
	c := Credentials{
		URL:          strings.TrimSpace(a.Getenv(EnvAPIURL)),
		KeyID:        strings.TrimSpace(a.Getenv(EnvAPIKey)),
		Secret:       a.Getenv(EnvAPISecret),
		SecretSource: SecretFromEnv,
	}
	var missing []string
	for _, v := range []struct{ name, val string }{{EnvAPIURL, c.URL}, {EnvAPIKey, c.KeyID}, {EnvAPISecret, c.Secret}} {
		if v.val == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return Credentials{}, fmt.Errorf("no credentials: set %s (start a sandbox with `frontdesk sandbox serve` to get a key)", strings.Join(missing, ", "))
	}
	return c, nil
}

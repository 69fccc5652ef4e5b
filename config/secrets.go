package config

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keyring service every frontdesk secret is stored under.
const Service = AppName

// EnvSecret overrides the keyring: when set, it is the secret for this run.
const EnvSecret = "FRONTDESK_API_SECRET"

// EnvAPIURL and EnvAPIKey, set together with EnvSecret, give a run its
// store and key without any profile or keyring (the cli package reads
// them; they are named here for the keyring's error message).
const (
	EnvAPIURL = "FRONTDESK_API_URL"
	EnvAPIKey = "FRONTDESK_API_KEY"
)

// Keyring is the part of an OS keyring the secret store uses.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// SystemKeyring is the operating system's keyring through go-keyring:
// Keychain on macOS, Credential Manager on Windows, the Secret Service over
// D-Bus elsewhere. keyring.MockInit swaps what it talks to, for tests
// (which then need some DBUS_SESSION_BUS_ADDRESS set: with none, the
// Secret Service is not asked at all, see checkSessionBus).
type SystemKeyring struct{}

// Get reads a secret.
func (SystemKeyring) Get(service, user string) (string, error) {
	if err := checkSessionBus(); err != nil {
		return "", err
	}
	return keyring.Get(service, user)
}

// Set stores a secret.
func (SystemKeyring) Set(service, user, secret string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return keyring.Set(service, user, secret)
}

// Delete removes a secret.
func (SystemKeyring) Delete(service, user string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// ErrSecretNotFound means the keyring works but holds no secret for the
// profile and key.
var ErrSecretNotFound = errors.New("no secret stored in the keyring")

// KeyringUnavailableError means there is no usable keyring here: no Secret
// Service on the session bus, no session bus at all, a locked keyring that
// would not unlock, or a keyring that did not answer in time.
type KeyringUnavailableError struct {
	Op      string // "read", "store" or "delete"
	Backend string
	Err     error
}

func (e *KeyringUnavailableError) Error() string {
	const start = "start a keyring service (on Linux a Secret Service such as gnome-keyring or KWallet, " +
		"e.g. `dbus-run-session -- sh` and then `gnome-keyring-daemon --unlock`)"
	if e.Op == "store" {
		// Storing is what `auth login` and onboarding do: without a
		// keyring the way forward is not to store the secret at all.
		return fmt.Sprintf("no keyring here to store the API secret in: the %s is not available (%v). Either %s "+
			"and log in again, or skip the login and give this machine its credentials in the environment: "+
			"%s, %s and %s (see docs/credentials.md, \"Headless Linux servers\")",
			e.Backend, e.Err, start, EnvAPIURL, EnvAPIKey, EnvSecret)
	}
	return fmt.Sprintf("no keyring here: the %s is not available to %s secrets (%v). Either %s, "+
		"or set %s in the environment instead (see docs/credentials.md)",
		e.Backend, e.Op, e.Err, start, EnvSecret)
}

func (e *KeyringUnavailableError) Unwrap() error { return e.Err }

// DefaultKeyringTimeout bounds one keyring call. Keyrings have no
// cancellation and can hang (a D-Bus peer that never answers, an unlock
// prompt nobody sees); generous, because a desktop may show a prompt.
const DefaultKeyringTimeout = 2 * time.Minute

// SecretStore keeps API secrets in a keyring under service "frontdesk" and
// user "<profile>/<key_id>". It never writes a secret anywhere else.
type SecretStore struct {
	Keyring Keyring
	// Timeout bounds each call when ctx has no earlier deadline; 0 means
	// DefaultKeyringTimeout.
	Timeout time.Duration
}

// NewSecretStore returns a store on kr; nil means the system keyring.
func NewSecretStore(kr Keyring) *SecretStore {
	if kr == nil {
		kr = SystemKeyring{}
	}
	return &SecretStore{Keyring: kr}
}

// SecretUser is the keyring user a profile's secret is stored under.
func SecretUser(profile, keyID string) string { return profile + "/" + keyID }

// Backend names the keyring this platform's SystemKeyring talks to.
func Backend() string {
	switch runtime.GOOS {
	case "darwin":
		return "macOS Keychain"
	case "windows":
		return "Windows Credential Manager"
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return "Secret Service (D-Bus)"
	default:
		return "no keyring (" + runtime.GOOS + " is not supported)"
	}
}

// Get returns the stored secret for a profile and key. It returns
// ErrSecretNotFound when the keyring has none, and a
// *KeyringUnavailableError when there is no keyring to ask.
func (s *SecretStore) Get(ctx context.Context, profile, keyID string) (string, error) {
	var secret string
	err := s.do(ctx, "read", func() error {
		v, err := s.Keyring.Get(Service, SecretUser(profile, keyID))
		secret = v
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// Set stores the secret for a profile and key, replacing any old one.
func (s *SecretStore) Set(ctx context.Context, profile, keyID, secret string) error {
	if secret == "" {
		return errors.New("refusing to store an empty secret")
	}
	return s.do(ctx, "store", func() error { return s.Keyring.Set(Service, SecretUser(profile, keyID), secret) })
}

// Delete removes the secret for a profile and key; ErrSecretNotFound when
// there was none.
func (s *SecretStore) Delete(ctx context.Context, profile, keyID string) error {
	return s.do(ctx, "delete", func() error { return s.Keyring.Delete(Service, SecretUser(profile, keyID)) })
}

// Probe checks that the keyring answers, by looking up an entry that does
// not exist: "not found" is the healthy answer.
func (s *SecretStore) Probe(ctx context.Context) error {
	_, err := s.Get(ctx, "frontdesk-probe", "none")
	if errors.Is(err, ErrSecretNotFound) {
		return nil
	}
	return err
}

// ProbeStore is Probe before storing a secret (login, onboarding): the
// check is the same lookup, but a missing keyring is reported as one that
// cannot store the secret, with what to do instead.
func (s *SecretStore) ProbeStore(ctx context.Context) error {
	err := s.Probe(ctx)
	var ku *KeyringUnavailableError
	if errors.As(err, &ku) {
		ku.Op = "store"
	}
	return err
}

// do runs one keyring call, bounded by ctx and the store's timeout, and
// sorts its error: only keyring.ErrNotFound means "nothing stored";
// anything else means the keyring is not usable.
func (s *SecretStore) do(ctx context.Context, op string, call func() error) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	done := make(chan error, 1)
	// The keyring call cannot be cancelled; if ctx ends first the goroutine
	// finishes on its own and its answer is dropped (done is buffered).
	go func() { done <- call() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = fmt.Errorf("the keyring did not answer: %w", ctx.Err())
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrSecretNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("the secret is too long for the %s: check that you pasted only the secret", Backend())
	default:
		return &KeyringUnavailableError{Op: op, Backend: Backend(), Err: err}
	}
}

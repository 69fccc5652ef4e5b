package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// These tests swap go-keyring's provider (its package state, not ours), so
// none of them runs in parallel.

// mockKeyring makes go-keyring an in-memory store, and names a session bus
// so SystemKeyring's no-bus check lets calls through to it.
func mockKeyring(t *testing.T, err error) {
	t.Helper()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/frontdesk-mock-bus")
	if err != nil {
		keyring.MockInitWithError(err)
		return
	}
	keyring.MockInit()
}

func TestSecretStoreStoredAndMissing(t *testing.T) {
	mockKeyring(t, nil)
	ctx := context.Background()
	s := NewSecretStore(nil)

	if _, err := s.Get(ctx, "work", "ck_1"); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Get before Set = %v; want ErrSecretNotFound", err)
	}
	if err := s.Set(ctx, "work", "ck_1", "cs_one"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "prod", "ck_1", "cs_two"); err != nil {
		t.Fatal(err)
	}
	// The entry is service "frontdesk", user "<profile>/<key_id>": check it
	// through go-keyring itself, not through the store.
	if v, err := keyring.Get("frontdesk", "work/ck_1"); err != nil || v != "cs_one" {
		t.Errorf("keyring entry frontdesk work/ck_1 = %q, %v", v, err)
	}
	if v, err := s.Get(ctx, "prod", "ck_1"); err != nil || v != "cs_two" {
		t.Errorf("Get prod = %q, %v", v, err)
	}
	if err := s.Set(ctx, "work", "ck_1", ""); err == nil {
		t.Error("Set accepted an empty secret")
	}
	if err := s.Delete(ctx, "work", "ck_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "work", "ck_1"); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("Get after Delete = %v", err)
	}
	if err := s.Delete(ctx, "work", "ck_1"); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("Delete twice = %v; want ErrSecretNotFound", err)
	}
	if err := s.Probe(ctx); err != nil {
		t.Errorf("Probe on a working keyring = %v", err)
	}
}

func TestSecretStoreUnavailable(t *testing.T) {
	cause := errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	mockKeyring(t, cause)
	ctx := context.Background()
	s := NewSecretStore(nil)

	for name, call := range map[string]func() error{
		"get":                  func() error { _, err := s.Get(ctx, "a", "ck"); return err },
		"set":                  func() error { return s.Set(ctx, "a", "ck", "cs_x") },
		"delete":               func() error { return s.Delete(ctx, "a", "ck") },
		"probe":                func() error { return s.Probe(ctx) },
		"probe before storing": func() error { return s.ProbeStore(ctx) },
	} {
		err := call()
		var ku *KeyringUnavailableError
		if !errors.As(err, &ku) {
			t.Errorf("%s: %v (%T); want *KeyringUnavailableError", name, err, err)
			continue
		}
		if !errors.Is(err, cause) {
			t.Errorf("%s: the cause is not wrapped", name)
		}
		if errors.Is(err, ErrSecretNotFound) {
			t.Errorf("%s: an unavailable keyring must not read as 'nothing stored'", name)
		}
		msg := err.Error()
		for _, w := range []string{"no keyring here", "Secret Service", "gnome-keyring", "FRONTDESK_API_SECRET"} {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message %q lacks %q", name, msg, w)
			}
		}
		// Storing says so, and that the environment replaces the login;
		// reading and deleting say what they were doing.
		storing := name == "set" || name == "probe before storing"
		if got := strings.Contains(msg, "to store the API secret") && strings.Contains(msg, EnvAPIURL) && strings.Contains(msg, "docs/credentials.md"); got != storing {
			t.Errorf("%s: message %q: speaks of storing with the env vars = %v, want %v", name, msg, got, storing)
		}
		if strings.Contains(msg, "cs_x") {
			t.Errorf("%s: message holds the secret", name)
		}
	}

	// Only keyring.ErrNotFound itself means "not found".
	keyring.MockInitWithError(keyring.ErrNotFound)
	if _, err := s.Get(ctx, "a", "ck"); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("ErrNotFound: got %v", err)
	}
}

// hangingKeyring never answers, like a D-Bus peer that is wedged.
type hangingKeyring struct{ release chan struct{} }

func (h hangingKeyring) Get(string, string) (string, error) { <-h.release; return "", nil }
func (h hangingKeyring) Set(string, string, string) error   { <-h.release; return nil }
func (h hangingKeyring) Delete(string, string) error        { <-h.release; return nil }

func TestSecretStoreTimeout(t *testing.T) {
	h := hangingKeyring{release: make(chan struct{})}
	defer close(h.release)
	s := &SecretStore{Keyring: h, Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := s.Get(context.Background(), "a", "ck")
	var ku *KeyringUnavailableError
	if !errors.As(err, &ku) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get on a hanging keyring = %v; want unavailable wrapping the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	// A cancelled caller context wins too.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.Timeout = time.Hour
	if err := s.Set(ctx, "a", "ck", "cs"); !errors.Is(err, context.Canceled) {
		t.Errorf("Set with cancelled ctx = %v", err)
	}
}

func TestBackendNamed(t *testing.T) {
	if b := Backend(); b == "" {
		t.Error("Backend is empty")
	}
}

func TestNoSessionBusAsksNobody(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the session bus check is for the Secret Service")
	}
	for _, f := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(fmt.Sprintf("/run/user/%d/%s", os.Getuid(), f)); err == nil {
			t.Skip("this machine has a session bus at /run/user/UID")
		}
	}
	// The mock would answer; the check must stop the call before it.
	mockKeyring(t, nil)
	if err := keyring.Set(Service, "a/ck", "cs"); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"", "autolaunch:"} {
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", v)
		_, err := NewSecretStore(nil).Get(context.Background(), "a", "ck")
		var ku *KeyringUnavailableError
		if !errors.As(err, &ku) || !errors.Is(err, errNoSessionBus) {
			t.Errorf("DBUS_SESSION_BUS_ADDRESS=%q: %v", v, err)
		}
	}
}

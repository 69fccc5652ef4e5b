package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/config"
	"frontdesk/tui/sanitize"
)

// defaultProfileName is the profile `auth login` writes when none is named.
const defaultProfileName = "default"

// statusTimeout bounds the /me call of `auth status`: it reports an
// unreachable API rather than waiting on it.
const statusTimeout = 5 * time.Second

// maxSecretLen bounds what `auth login` reads from stdin, so a mistaken
// pipe (a whole file) is refused rather than stored.
const maxSecretLen = 4096

// codedError is an error with its own exit code.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }
func (e *codedError) ExitCode() int { return e.code }

func newAuthCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Log in to a store, show who you are, log out",
		Long: "auth manages API credentials. The key id and URL go in a profile in the\n" +
			"config file; the secret goes in the OS keyring (or FRONTDESK_API_SECRET),\n" +
			"never in a file, a flag or a log.",
	}
	cmd.AddCommand(newAuthLoginCmd(a), newAuthStatusCmd(a), newAuthLogoutCmd(a))
	return cmd
}

func newAuthLoginCmd(a *App) *cobra.Command {
	var url, key string
	var production, readOnly bool
	var options []string
	cmd := &cobra.Command{
		Use:   "login --url URL --key ck_… [--platform NAME] [--option NAME=VALUE]…",
		Short: "Verify an API key and store it in a profile and the keyring",
		Long: "login reads the API secret from stdin when stdin is not a terminal, and\n" +
			"otherwise asks for it at a hidden prompt; there is no flag for it, so it\n" +
			"never lands in shell history or a process list. The key is checked with\n" +
			"the store (GET /me, or the platform's cheapest read) before anything is\n" +
			"saved. --platform names the store's platform; it is kept in the profile,\n" +
			"with the platform's own settings given as --option NAME=VALUE (an SFCC\n" +
			"site, a client id: `frontdesk info --platform NAME` lists them; none is\n" +
			"secret). A new login of a profile on the same platform keeps its options\n" +
			"unless --option gives them anew.\n\n" +
			"The profile is --profile, else $FRONTDESK_PROFILE, else \"default\"; it\n" +
			"becomes the current profile when it is the first one or named with --profile.",
		Example: "  frontdesk auth login --url https://support.example.com --key ck_123\n" +
			"  frontdesk auth login --platform store --profile shop --url https://your-store.com --key ck_…\n" +
			"  pass show store/api | frontdesk auth login --profile prod --production --url … --key ck_…",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := parseOptions(options, "--option")
			if err != nil {
				return err
			}
			return a.authLogin(cmd.Context(), loginOptions{URL: url, KeyID: key, Production: production, ReadOnly: readOnly, Options: opts})
		},
	}
	f := cmd.Flags()
	f.StringVar(&url, "url", "", "the store's API base URL, e.g. https://support.example.com (required)")
	f.StringVar(&key, "key", "", "the API key id, ck_… (required; the secret is asked for)")
	f.BoolVar(&production, "production", false, "mark the profile as production: the console warns and confirms every change")
	f.BoolVar(&readOnly, "read-only", false, "mark the profile read-only: the console disables every change")
	f.StringArrayVar(&options, "option", nil, "a platform setting NAME=VALUE, kept in the profile (repeatable)")
	_ = cmd.MarkFlagRequired("url")
	_ = cmd.MarkFlagRequired("key")
	return cmd
}

type loginOptions struct {
	URL, KeyID           string
	Production, ReadOnly bool
	// Platform is the store's platform; "" takes --platform, then
	// FRONTDESK_PLATFORM, then the profile's if it exists (loginPlatform).
	Platform string
	// Options are the platform's settings; nil keeps the profile's when
	// it stays on the same platform.
	Options map[string]string
}

// loginPlatformOptions are the options a login of profile name on
// platform saves: given, else the profile's when it stays on the same
// platform; checked against the platform's options.
func loginPlatformOptions(cfg *config.Config, name, platform string, given map[string]string) (map[string]string, error) {
	opts := given
	if prev, ok := cfg.Profile(name); ok && opts == nil && platformOrDefault(prev.Platform) == platformOrDefault(platform) {
		opts = prev.Options
	}
	drv, err := platformNamed(platform)
	if err != nil {
		return nil, err
	}
	if err := drv.checkOptions(opts, "--option"); err != nil {
		return nil, err
	}
	return opts, nil
}

// loginPlatform is the platform a login of profile name is for: o's,
// else --platform, FRONTDESK_PLATFORM, then the existing profile's. An
// unknown platform is a usage error.
func (a *App) loginPlatform(cfg *config.Config, name string, o loginOptions) (string, error) {
	platform := o.Platform
	if platform == "" {
		prev, _ := cfg.Profile(name)
		platform, _ = a.selectedPlatform(prev.Platform)
	}
	if _, err := platformNamed(platform); err != nil {
		return "", err
	}
	return platform, nil
}

func (a *App) authLogin(ctx context.Context, o loginOptions) error {
	o.URL = strings.TrimRight(strings.TrimSpace(o.URL), "/")
	o.KeyID = strings.TrimSpace(o.KeyID)
	if err := config.ValidateURL(o.URL); err != nil {
		return UsageError{Err: fmt.Errorf("--url: %w", err)}
	}
	if err := config.ValidateKeyID(o.KeyID); err != nil {
		return UsageError{Err: fmt.Errorf("--key: %w", err)}
	}
	cfg, err := a.LoadConfig()
	if err != nil {
		return err
	}
	name, explicit := a.Flags.Profile, a.Flags.Profile != ""
	if name == "" {
		name = strings.TrimSpace(a.Getenv(EnvProfile))
	}
	if name == "" {
		name = defaultProfileName
	}
	if err := config.ValidateProfileName(name); err != nil {
		return UsageError{Err: err}
	}
	if o.Platform, err = a.loginPlatform(cfg, name, o); err != nil {
		return err
	}
	// A missing option is said before the secret is asked for.
	if _, err := loginPlatformOptions(cfg, name, o.Platform, o.Options); err != nil {
		return err
	}

	// Without a keyring there is nowhere to put the secret: say so before
	// asking for it, not after.
	store := a.SecretStore()
	if err := store.ProbeStore(ctx); err != nil {
		return err
	}

	secret, err := a.readSecret(o.KeyID)
	if err != nil {
		return err
	}

	me, err := a.saveLogin(ctx, cfg, store, name, o, secret, explicit, func(msg string) {
		fmt.Fprintln(a.Env.Stderr, "warning: "+msg)
	})
	if err != nil {
		return err
	}

	w := a.Env.Stdout
	on := o.URL
	if o.Platform != "" && o.Platform != PlatformFrontdesk {
		on += " (platform " + o.Platform + ")"
	}
	fmt.Fprintf(w, "Logged in to %s as %s (agent %s, role %s).\n", on, sanitize.Line(me.Name), sanitize.Line(me.AgentID), sanitize.Line(me.Role))
	cur := ""
	if cfg.CurrentProfile == name {
		cur = ", the current profile"
	}
	fmt.Fprintf(w, "Profile %q saved in %s%s.\n", name, cfg.Path, cur)
	fmt.Fprintf(w, "Secret stored in the %s (service %q, user %q).\n", config.Backend(), config.Service, config.SecretUser(name, o.KeyID))
	if cfg.CurrentProfile != name {
		fmt.Fprintf(w, "Use it with --profile %s, or make it current with `frontdesk profile use %s`.\n", name, name)
	}
	if a.Getenv(EnvAPISecret) != "" {
		fmt.Fprintf(a.Env.Stderr, "note: %s is set, and overrides the keyring while it is.\n", EnvAPISecret)
	}
	return nil
}

// saveLogin verifies the key with GET /me and only when the store accepts
// it writes profile name (current when it is the first, or makeCurrent)
// and stores the secret: a wrong secret, a missing keyring or a failed
// write leave nothing behind. `auth login` and the console's onboarding
// share it. warn receives what went wrong but does not fail the login.
func (a *App) saveLogin(ctx context.Context, cfg *config.Config, store *config.SecretStore, name string, o loginOptions, secret string,
	makeCurrent bool, warn func(string)) (api.Me, error) {
	platform, err := a.loginPlatform(cfg, name, o)
	if err != nil {
		return api.Me{}, err
	}
	prev, hadPrev := cfg.Profile(name)
	if o.Options, err = loginPlatformOptions(cfg, name, platform, o.Options); err != nil {
		return api.Me{}, err
	}
	// Verify before saving anything: a wrong secret must leave no trace.
	me, err := a.verify(ctx, Credentials{Profile: name, URL: o.URL, KeyID: o.KeyID, Secret: secret, Platform: platform, Options: o.Options}, 0)
	if err != nil {
		if client.IsPermission(err) {
			return api.Me{}, &codedError{code: ExitPermission, err: fmt.Errorf("the store at %s refused key %s: check the key id and secret (nothing was saved): %w", o.URL, o.KeyID, err)}
		}
		return api.Me{}, fmt.Errorf("could not verify key %s with the store at %s (nothing was saved): %w", o.KeyID, o.URL, err)
	}

	p := config.Profile{Platform: platform, URL: o.URL, KeyID: o.KeyID, Production: o.Production, ReadOnly: o.ReadOnly, Options: o.Options}
	if hadPrev {
		// Keep settings login has no flags for.
		p.Agent, p.Timeout = prev.Agent, prev.Timeout
	}
	first := len(cfg.Profiles) == 0
	if err := cfg.SetProfile(name, p); err != nil {
		return api.Me{}, err
	}
	if first || makeCurrent {
		cfg.CurrentProfile = name
	}

	// The keyring first: when it fails, nothing is written.
	if err := store.Set(ctx, name, o.KeyID, secret); err != nil {
		return api.Me{}, err
	}
	if err := cfg.Save(); err != nil {
		// Do not leave a secret behind that no profile points to.
		if !hadPrev || prev.KeyID != o.KeyID {
			_ = store.Delete(context.WithoutCancel(ctx), name, o.KeyID)
		}
		return api.Me{}, err
	}
	if hadPrev && prev.KeyID != o.KeyID {
		// The profile moved to a new key; the old secret is now orphaned.
		if err := store.Delete(ctx, name, prev.KeyID); err != nil && !errors.Is(err, config.ErrSecretNotFound) {
			warn(fmt.Sprintf("could not remove the old secret for key %s: %v", prev.KeyID, err))
		}
	}

	return me, nil
}

// stdinTerminal returns stdin as a file when it is a terminal: someone is
// there to answer a prompt or drive a form.
func (a *App) stdinTerminal() (*os.File, bool) {
	f, ok := a.Env.Stdin.(*os.File)
	return f, ok && term.IsTerminal(f.Fd())
}

// readSecret reads the API secret: at a hidden prompt when stdin is a
// terminal, else one line from stdin. Never from argv or the environment.
func (a *App) readSecret(keyID string) (string, error) {
	in := a.Env.Stdin
	if in == nil {
		return "", errors.New("no secret: pipe it on stdin (e.g. `pass show … | frontdesk auth login …`) or run in a terminal to be asked")
	}
	if f, ok := a.stdinTerminal(); ok {
		fmt.Fprintf(a.Env.Stderr, "API secret for %s (input hidden): ", keyID)
		b, err := term.ReadPassword(f.Fd())
		fmt.Fprintln(a.Env.Stderr)
		if err != nil {
			return "", fmt.Errorf("read the secret: %w", err)
		}
		return checkSecret(strings.TrimSpace(string(b)))
	}
	r := bufio.NewReader(io.LimitReader(in, maxSecretLen+2))
	line, err := r.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the secret from stdin: %w", err)
	}
	if len(line) > maxSecretLen && !strings.HasSuffix(line, "\n") {
		return "", fmt.Errorf("the first line on stdin is longer than %d bytes: pipe only the secret", maxSecretLen)
	}
	return checkSecret(strings.TrimSpace(line))
}

func checkSecret(s string) (string, error) {
	switch {
	case s == "":
		return "", errors.New("no secret given: pipe it on stdin, or run in a terminal to be asked for it")
	case strings.HasPrefix(s, "ck_"):
		return "", errors.New("that is a key id (ck_…), not a secret: give the secret (cs_…) that came with it")
	case strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return "", errors.New("the secret holds control characters: check how it was pasted")
	}
	return s, nil
}

// verify asks the store who the credentials belong to (GET /me). timeout 0
// means the profile's (or the client's default).
func (a *App) verify(ctx context.Context, c Credentials, timeout time.Duration) (api.Me, error) {
	tune := []func(*frontdesk.Config){logTo(a.apiLogger())}
	if timeout > 0 {
		// A quick look: one attempt, bounded.
		tune = append(tune, func(cfg *frontdesk.Config) { cfg.Timeout, cfg.MaxRetries = timeout, -1 })
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cl, err := connect(c, tune...)
	if err != nil {
		return api.Me{}, err
	}
	return cl.Me(ctx)
}

func newAuthStatusCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the profile, key, agent and role in use, and whether the API answers",
		Long: "status shows which profile and key this run would use, where the secret\n" +
			"comes from (keyring or environment), and who the store says you are. An\n" +
			"unreachable API is reported, not an error; a refused key exits with 4.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.authStatus(cmd.Context(), asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (fields documented in docs/credentials.md)")
	return cmd
}

// StatusJSON is `auth status --json`. Its fields are stable.
type StatusJSON struct {
	Profile      string    `json:"profile"`  // "" when from the environment only
	Platform     string    `json:"platform"` // the driver in use: "frontdesk", "store", …
	URL          string    `json:"url"`
	KeyID        string    `json:"key_id"`
	SecretSource string    `json:"secret_source"` // "keyring" or "environment"
	Keyring      string    `json:"keyring"`       // the keyring backend's name
	Production   bool      `json:"production"`
	ReadOnly     bool      `json:"read_only"`
	ConfigFile   string    `json:"config_file"`
	API          StatusAPI `json:"api"`
	Me           *api.Me   `json:"me"` // null when the API did not answer
	CheckedAt    time.Time `json:"checked_at"`
	Latency      *float64  `json:"latency_ms"` // null when the API did not answer
}

// StatusAPI says whether the API answered.
type StatusAPI struct {
	Reachable bool   `json:"reachable"` // an HTTP answer came back
	Verified  bool   `json:"verified"`  // GET /me accepted the key
	Status    int    `json:"status,omitempty"`
	Error     string `json:"error,omitempty"`
}

func (a *App) authStatus(ctx context.Context, asJSON bool) error {
	c, err := a.Credentials(ctx)
	if err != nil {
		return err
	}
	path, _ := a.ConfigPath()
	st := StatusJSON{
		Profile: c.Profile, Platform: platformOrDefault(c.Platform), URL: c.URL, KeyID: c.KeyID, SecretSource: c.SecretSource,
		Keyring: config.Backend(), Production: c.Production, ReadOnly: c.ReadOnly, ConfigFile: path,
	}
	start := time.Now()
	me, err := a.verify(ctx, c, statusTimeout)
	ms := float64(time.Since(start).Microseconds()) / 1000
	st.CheckedAt = start.UTC().Truncate(time.Millisecond)
	st.Latency = &ms
	var ae *client.APIError
	refused := false
	switch {
	case err == nil:
		st.API = StatusAPI{Reachable: true, Verified: true, Status: http.StatusOK}
		st.Me = &me
	case errors.As(err, &ae):
		st.API = StatusAPI{Reachable: true, Status: ae.Status, Error: err.Error()}
		refused = client.IsPermission(ae)
	default:
		st.API = StatusAPI{Error: err.Error()}
		st.Latency = nil
	}

	if asJSON {
		enc := json.NewEncoder(a.Env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			return err
		}
	} else {
		a.printStatus(st)
	}
	if refused {
		return &codedError{code: ExitPermission, err: fmt.Errorf("the store refused key %s: run `frontdesk auth login` again with the right secret", c.KeyID)}
	}
	return nil
}

func (a *App) printStatus(st StatusJSON) {
	w := a.Env.Stdout
	row := func(k, v string) { fmt.Fprintf(w, "%-12s %s\n", k+":", v) }
	prof := st.Profile
	if prof == "" {
		prof = "(none: credentials from the environment)"
	}
	var marks []string
	if st.Production {
		marks = append(marks, "PRODUCTION")
	}
	if st.ReadOnly {
		marks = append(marks, "READ-ONLY")
	}
	if len(marks) > 0 {
		prof += " [" + strings.Join(marks, ", ") + "]"
	}
	row("Profile", prof)
	row("Platform", st.Platform)
	row("URL", st.URL)
	row("Key ID", st.KeyID)
	switch st.SecretSource {
	case SecretFromEnv:
		row("Secret", "from the environment ("+EnvAPISecret+")")
	default:
		row("Secret", "in the keyring ("+st.Keyring+")")
	}
	switch {
	case st.Me != nil:
		row("Agent", fmt.Sprintf("%s (%s)", sanitize.Line(st.Me.Name), sanitize.Line(st.Me.AgentID)))
		row("Role", sanitize.Line(st.Me.Role))
		row("API", fmt.Sprintf("answers (%.0f ms)", *st.Latency))
	case st.API.Reachable:
		row("API", "answers, but refused the key: "+sanitize.Line(st.API.Error))
	default:
		row("API", "unreachable: "+sanitize.Line(st.API.Error))
	}
	row("Config", st.ConfigFile)
}

func newAuthLogoutCmd(a *App) *cobra.Command {
	var forget bool
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Remove a profile's secret from the keyring (and, with --forget, the profile)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.authLogout(cmd.Context(), forget)
		},
	}
	cmd.Flags().BoolVar(&forget, "forget", false, "also delete the profile from the config file")
	return cmd
}

func (a *App) authLogout(ctx context.Context, forget bool) error {
	cfg, err := a.LoadConfig()
	if err != nil {
		return err
	}
	name, from := a.selectedProfile(&cfg.File)
	if name == "" {
		return fmt.Errorf("no profile to log out of: there is no current profile in %s; name one with --profile (profiles: %s)", cfg.Path, joinOrNone(cfg.Names()))
	}
	p, ok := cfg.Profile(name)
	if !ok {
		return fmt.Errorf("no profile %q (chosen by %s) in %s; profiles: %s", name, from, cfg.Path, joinOrNone(cfg.Names()))
	}
	w := a.Env.Stdout
	err = a.SecretStore().Delete(ctx, name, p.KeyID)
	switch {
	case err == nil:
		fmt.Fprintf(w, "Removed the secret for profile %q (key %s) from the %s.\n", name, p.KeyID, config.Backend())
	case errors.Is(err, config.ErrSecretNotFound):
		fmt.Fprintf(w, "No secret was stored for profile %q (key %s).\n", name, p.KeyID)
	default:
		return err
	}
	if forget {
		cfg.DeleteProfile(name)
		if err := cfg.Save(); err != nil {
			return err
		}
		fmt.Fprintf(w, "Deleted profile %q from %s.\n", name, cfg.Path)
		if cfg.CurrentProfile == "" && len(cfg.Profiles) > 0 {
			fmt.Fprintf(w, "There is no current profile now: pick one with `frontdesk profile use NAME` (%s).\n", joinOrNone(cfg.Names()))
		}
	}
	if a.Getenv(EnvAPISecret) != "" {
		fmt.Fprintf(a.Env.Stderr, "note: %s is still set in this environment, and still gives a secret to every run.\n", EnvAPISecret)
	}
	return nil
}

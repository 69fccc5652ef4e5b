package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"

	"frontdesk/client"
	"frontdesk/config"
	"frontdesk/screens"
	"frontdesk/tui"
)

// consoleClient is the API client the console uses on creds; its requests
// are logged (secrets redacted) to the console's log.
func (a *App) consoleClient(creds Credentials, logger *log.Logger) (client.Platform, error) {
	return connect(creds, logTo(slog.New(logger)))
}

// profileOf is how the console's header and gating see creds.
func profileOf(creds Credentials) tui.Profile {
	return tui.Profile{Name: creds.Profile, Host: hostOf(creds.URL), Production: creds.Production, ReadOnly: creds.ReadOnly}
}

// consoleConfig is the screens' configuration for a console on this
// machine: profiles can be switched (the SSH gateway leaves that nil).
func (a *App) consoleConfig(logger *log.Logger) screens.Config {
	return screens.Config{
		SwitchProfile: func(ctx context.Context, name string) (screens.Connection, error) {
			return a.connectProfile(ctx, name, logger)
		},
		// :bulk FILE reads this machine's files (the gateway leaves it nil).
		OpenFile: func(name string) (io.ReadCloser, error) { return os.Open(name) },
		Views:    a.views(logger),
	}
}

// views are the config file's saved searches for the search screen. The
// file was read (and its views checked) to find the credentials; one
// that cannot be read now leaves the console without views, logged.
func (a *App) views(logger *log.Logger) []screens.View {
	cfg, err := a.LoadConfig()
	if err != nil {
		if logger != nil {
			logger.Warn("saved views", "err", err)
		}
		return nil
	}
	out := make([]screens.View, 0, len(cfg.Views))
	for _, v := range cfg.Views {
		out = append(out, screens.View{Name: v.Name, Query: v.Query, Sort: v.APISort()})
	}
	return out
}

// connectProfile resolves profile name's credentials as `frontdesk
// --profile name` would, and checks them with GET /me.
func (a *App) connectProfile(ctx context.Context, name string, logger *log.Logger) (screens.Connection, error) {
	if a.Getenv(EnvAPIURL) != "" || a.Getenv(EnvAPIKey) != "" {
		return screens.Connection{}, fmt.Errorf("%s and %s are set and override every profile: unset them and start frontdesk again to use profiles",
			EnvAPIURL, EnvAPIKey)
	}
	cfg, err := a.LoadConfig()
	if err != nil {
		return screens.Connection{}, err
	}
	if _, ok := cfg.Profile(name); !ok {
		return screens.Connection{}, fmt.Errorf("there is no such profile; profiles: %s", joinOrNone(cfg.Names()))
	}
	b := *a // this run's settings, with the profile chosen
	b.Flags.Profile = name
	creds, err := b.Credentials(ctx)
	if err != nil {
		return screens.Connection{}, err
	}
	cl, err := a.consoleClient(creds, logger)
	if err != nil {
		return screens.Connection{}, err
	}
	me, err := cl.Me(ctx)
	if err != nil {
		return screens.Connection{}, fmt.Errorf("the store at %s did not accept key %s: %w", creds.URL, creds.KeyID, err)
	}
	logger.Info("profile switched", "profile", name, "agent", me.AgentID)
	return screens.Connection{Client: cl, Profile: profileOf(creds), Agent: me}, nil
}

// demoStores holds the sandbox stores the onboarding screen started, so
// they are stopped when the console ends, also one still starting then.
type demoStores struct {
	// customers seeds a new store; 0 means defaultDemoCustomers, as
	// `demo` does. Tests seed fewer.
	customers int

	mu     sync.Mutex
	closed bool
	stores []*demoStore
}

// add keeps d, or stops it at once when the console has already ended.
func (s *demoStores) add(ctx context.Context, d *demoStore) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = d.Close(ctx)
		return errors.New("the console has ended")
	}
	s.stores = append(s.stores, d)
	return nil
}

// Close stops every store.
func (s *demoStores) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	var errs []error
	for _, d := range s.stores {
		errs = append(errs, d.Close(ctx))
	}
	s.stores = nil
	return errors.Join(errs...)
}

// onboarding is the first-run screen's configuration: connect saves a
// verified profile (as `auth login` does) and continues on it; the
// sandbox starts a demo store in this process.
func (a *App) onboarding(nc *NoCredentialsError, logger *log.Logger, demos *demoStores) screens.Onboarding {
	ob := screens.Onboarding{
		Prefill: screens.Login{Profile: nc.Profile, URL: nc.URL, KeyID: nc.KeyID},
		Connect: func(ctx context.Context, l screens.Login) (screens.Connection, error) {
			return a.onboardConnect(ctx, l, logger)
		},
		Sandbox: func(ctx context.Context) (screens.Connection, error) {
			n := demos.customers
			if n <= 0 {
				n = defaultDemoCustomers
			}
			d, err := a.startDemoStore(ctx, n, "", logger)
			if err != nil {
				return screens.Connection{}, err
			}
			if err := demos.add(ctx, d); err != nil {
				return screens.Connection{}, err
			}
			me, err := d.Client.Me(ctx)
			if err != nil {
				return screens.Connection{}, fmt.Errorf("the sandbox store did not answer: %w", err)
			}
			logger.Info("onboarding: sandbox started", "url", d.Run.URL)
			return screens.Connection{Client: d.Client, Profile: tui.Profile{Name: "demo", Host: hostOf(d.Run.URL)}, Agent: me}, nil
		},
	}
	if nc.Profile != "" {
		ob.Note = fmt.Sprintf("No secret is stored for profile %q: paste it below to store it in the keyring.", nc.Profile)
	}
	return ob
}

// onboardConnect checks the keyring, verifies the key with GET /me and
// only then saves the profile (made current) and the secret.
func (a *App) onboardConnect(ctx context.Context, l screens.Login, logger *log.Logger) (screens.Connection, error) {
	o := loginOptions{URL: strings.TrimRight(strings.TrimSpace(l.URL), "/"), KeyID: strings.TrimSpace(l.KeyID),
		Production: l.Production, ReadOnly: l.ReadOnly}
	name := strings.TrimSpace(l.Profile)
	for _, err := range []error{config.ValidateURL(o.URL), config.ValidateKeyID(o.KeyID), config.ValidateProfileName(name)} {
		if err != nil {
			return screens.Connection{}, err
		}
	}
	if l.Secret == "" {
		return screens.Connection{}, errors.New("paste the key's secret")
	}
	cfg, err := a.LoadConfig()
	if err != nil {
		return screens.Connection{}, err
	}
	store := a.SecretStore()
	if err := store.ProbeStore(ctx); err != nil {
		return screens.Connection{}, err
	}
	me, err := a.saveLogin(ctx, cfg, store, name, o, l.Secret, true, func(msg string) { logger.Warn(msg) })
	if err != nil {
		return screens.Connection{}, err
	}
	logger.Info("onboarding: profile saved", "profile", name, "url", o.URL, "key_id", o.KeyID)
	creds := Credentials{Profile: name, URL: o.URL, KeyID: o.KeyID, Secret: l.Secret, Production: o.Production, ReadOnly: o.ReadOnly}
	if p, ok := cfg.Profile(name); ok {
		creds.Timeout = time.Duration(p.Timeout)
	}
	cl, err := a.consoleClient(creds, logger)
	if err != nil {
		return screens.Connection{}, err
	}
	return screens.Connection{Client: cl, Profile: profileOf(creds), Agent: me}, nil
}

// runOnboarding opens the console on the onboarding screen: there is no
// usable profile (nc says what is known). It continues into the console
// on whatever store the agent connects to.
func (a *App) runOnboarding(ctx context.Context, nc *NoCredentialsError) (err error) {
	logs, err := a.openConsoleLog()
	if err != nil {
		return err
	}
	defer logs.Close()
	defer a.sayWhereLogsWent(logs.path)
	demos := &demoStores{}
	defer func() {
		if cerr := demos.Close(ctx); cerr != nil && err == nil {
			err = cerr
		}
	}()
	logs.logger.Info("no usable profile: onboarding", "profile", nc.Profile, "config", nc.ConfigFile)
	console, err := screens.NewOnboardingShell(ctx, a.consoleConfig(logs.logger), a.onboarding(nc, logs.logger, demos), tui.Options{
		NoColor: a.NoColor(),
		Logger:  logs.logger,
	})
	if err != nil {
		return err
	}
	return a.runProgram(ctx, console, logs.logger, "onboarding")
}

// runProgram runs a console model on this run's terminal until the agent
// quits or ctx ends, then ends any on-behalf session it left open.
func (a *App) runProgram(ctx context.Context, console *screens.Console, logger *log.Logger, what string) error {
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if a.Env.Stdin != nil {
		opts = append(opts, tea.WithInput(a.Env.Stdin))
	}
	if a.Env.Stdout != nil {
		opts = append(opts, tea.WithOutput(a.Env.Stdout))
	}
	logger.Info("console started", "on", what)
	_, err := tea.NewProgram(console, opts...).Run()
	logger.Info("console stopped", "err", err)
	// However the program ended (q, ctrl+c, SIGINT), a live on-behalf
	// session is revoked now; its TTL covers a revocation that fails.
	if cerr := console.Close(); cerr != nil {
		logger.Warn("could not end the on-behalf session; it expires on its own", "err", cerr)
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // the run was cancelled (SIGINT to the CLI): a normal end
	}
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// Package screens holds the console's pages: customer search (the start
// screen), the customer profile with its tabs, and the order detail. The
// forms that change data (edit profile, loyalty adjustment, note, new
// customer) live in the subpackage forms; the profile and the search push
// them.
//
// An App ties the screens to one client.Platform and gives the tui shell what
// it needs: the start screen (Root), the Router for navigation requests
// (":customer 42", ":search jane") and the GET /me loader. One App serves
// one session and holds that session's on-behalf state (session.Acting),
// so the SSH gateway builds one per connection.
package screens

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/screens/session"
	"frontdesk/tui"
)

// Config tunes the screens of one session. The zero value is right for a
// real terminal; tests pin the clock and the time zone so golden files do
// not change with the day they run.
type Config struct {
	// Now is the clock for relative times ("3d ago"); default time.Now.
	Now func() time.Time
	// Location is the time zone dates are shown in; default time.Local.
	Location *time.Location
	// SessionTick is how often the on-behalf banner counts down; default
	// session.DefaultTick. Tests shorten it and move Now instead of
	// waiting.
	SessionTick time.Duration
	// SwitchProfile, if set, resolves a profile's credentials and checks
	// them with GET /me, for ":profile NAME". Nil refuses the switch: over
	// SSH the gateway has one identity.
	SwitchProfile func(ctx context.Context, name string) (Connection, error)
	// SearchPaceFrom is the answer time from which the search paces a
	// slow store (default DefaultSearchPaceFrom). Tests that are not
	// about pacing raise it, so a loaded machine's slow answer does not
	// change what they check.
	SearchPaceFrom time.Duration
	// OpenFile, if set, opens a file of this machine for ":bulk FILE".
	// Nil refuses ":bulk": over SSH a path would name a file on the
	// gateway, and the agent's CSV goes on stdin instead.
	OpenFile func(name string) (io.ReadCloser, error)
	// Views are the saved searches the search screen lists (the config
	// file's [[views]]); at most nine reach a key.
	Views []View
}

// App builds the screens of one session around one platform.
type App struct {
	env *env
	// switchTo is Config.SwitchProfile.
	switchTo func(ctx context.Context, name string) (Connection, error)
	// openFile is Config.OpenFile.
	openFile func(name string) (io.ReadCloser, error)
}

// env is what every screen of a session shares besides tui.Common: the
// platform, the clock and the on-behalf state. Only Root writes it
// (acting, once the shell's Common exists), before any screen runs.
type env struct {
	cl          client.Platform
	now         func() time.Time
	loc         *time.Location
	sessionTick time.Duration
	paceFrom    time.Duration // Config.SearchPaceFrom
	paceMax     time.Duration // the longest pause between searches
	acting      *session.Acting
	// orderSeq numbers the ":order" asks: only the newest one's answer
	// opens an order.
	orderSeq int
	// views are Config.Views.
	views []View
}

// NewApp returns the screens of one session on the platform cl.
func NewApp(cl client.Platform, cfg Config) *App {
	e := &env{cl: cl, now: cfg.Now, loc: cfg.Location, sessionTick: cfg.SessionTick, paceFrom: cfg.SearchPaceFrom, paceMax: defaultPaceMax,
		views: cfg.Views[:min(len(cfg.Views), 9)]}
	if e.paceFrom <= 0 {
		e.paceFrom = DefaultSearchPaceFrom
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.loc == nil {
		e.loc = time.Local
	}
	return &App{env: e, switchTo: cfg.SwitchProfile, openFile: cfg.OpenFile}
}

// New returns the start screen (an empty search, which lists the newest
// customers) for a session: NewApp(cl, cfg).Root(c).
func New(c *tui.Common, cl client.Platform, cfg Config) tui.Screen {
	return NewApp(cl, cfg).Root(c)
}

// Root is the start screen: customer search with an empty query. It also
// makes the session's on-behalf state on c (one per console session):
// the shell calls Root once, when it is built.
func (a *App) Root(c *tui.Common) tui.Screen {
	a.env.actingOn(c)
	return a.env.start(c, "")
}

// actingOn makes the on-behalf state for the session of c, unless it
// already has one.
func (e *env) actingOn(c *tui.Common) *session.Acting {
	if e.acting == nil {
		e.acting = session.NewActing(c, e.cl, session.Options{Now: e.now, Tick: e.sessionTick,
			Unaudited: func() string { return e.caps().Why(client.CapAudit) }})
	}
	return e.acting
}

// caps is what the session's platform can do: screens ask it before
// offering a tab or a key.
func (e *env) caps() client.Capabilities { return e.cl.Capabilities() }

// Capabilities is what the session's platform can do (it changes when
// ":profile" switches to another store).
func (a *App) Capabilities() client.Capabilities { return a.env.caps() }

// Acting is the session's on-behalf state; nil until Root has run.
func (a *App) Acting() *session.Acting { return a.env.acting }

// Banner is the header's on-behalf line ("Acting as Jane Wanjiru · 14:32
// left"), "" when not acting: tui.Options.Banner.
func (a *App) Banner() string {
	if a.env.acting == nil {
		return ""
	}
	return a.env.acting.Banner()
}

// Update feeds the on-behalf state every message of the program (its
// countdown, refresh and loss); the Console does it before the shell.
func (a *App) Update(msg tea.Msg) tea.Cmd {
	if a.env.acting == nil {
		return nil
	}
	cmd, _ := a.env.acting.Update(msg)
	return cmd
}

// Close revokes a live on-behalf session (best effort, bounded by
// session.DefaultEndTimeout): call it once the program has stopped —
// quit, ctrl+c, a dropped SSH connection.
func (a *App) Close() error {
	if a.env.acting == nil {
		return nil
	}
	return a.env.acting.Close()
}

// Search returns a search screen that starts with query.
func (a *App) Search(c *tui.Common, query string) *Search { return newSearch(c, a.env, query) }

// Profile returns the profile screen of customer id.
func (a *App) Profile(c *tui.Common, id api.ID) *Profile { return newProfile(c, a.env, id) }

// LoadAgent asks the API who the credentials act as (GET /me); the shell
// runs it as a command when it starts.
func (a *App) LoadAgent(ctx context.Context) (api.Me, error) { return a.env.cl.Me(ctx) }

// Route is the shell's Router: it opens a customer's profile, starts a new
// search from anywhere (the stack is reset to it), and switches profiles
// (routeProfile).
func (a *App) Route(c *tui.Common, msg tea.Msg) (tea.Cmd, bool) {
	if cmd, ok := a.routeProfile(c, msg); ok {
		return cmd, true
	}
	switch msg := msg.(type) {
	case tui.OpenCustomerMsg:
		id := api.ID(strings.TrimSpace(string(msg.ID)))
		if id == "" {
			return tui.Error("which customer? type :customer ID"), true
		}
		return tui.Push(newProfile(c, a.env, id)), true
	case tui.OpenOrderMsg:
		return a.openOrder(c, msg.Number), true
	case orderFoundMsg:
		return a.orderFound(c, msg), true
	case tui.SearchMsg:
		return tui.ResetTo(a.env.start(c, msg.Query)), true
	case tui.MergeMsg:
		keep, drop := api.ID(strings.TrimSpace(string(msg.Keep))), api.ID(strings.TrimSpace(string(msg.Drop)))
		switch {
		case keep == "":
			return tui.Error(":merge merges into the customer shown: open the profile of the customer to keep, then :merge DUPLICATE_ID"), true
		case drop == "":
			return tui.Error("which duplicate? type :merge ID on the profile of the customer to keep"), true
		case keep == drop:
			return tui.Error("a customer cannot be merged into itself: :merge the duplicate's id on this profile"), true
		}
		return tui.Push(newMerge(c, a.env, keep, drop)), true
	case tui.BulkMsg:
		file := strings.TrimSpace(msg.File)
		switch {
		case a.openFile == nil:
			return tui.Error(":bulk reads files of the machine the console runs on, and over ssh that is the gateway: " +
				"run `ssh … loyalty bulk plan - < FILE.csv > PLAN`, then `ssh … loyalty bulk apply - < PLAN`"), true
		case file == "":
			return tui.Error("which file? type :bulk FILE.csv"), true
		}
		return tui.Push(newBulk(c, a.env, file, a.openFile)), true
	}
	return nil, false
}

// ShellOptions completes o with this App's start screen, router and GET
// /me loader: what tui.New needs besides the profile, colour and logger.
func (a *App) ShellOptions(o tui.Options) tui.Options {
	o.Root = a.Root
	o.Router = a.Route
	if o.Banner == nil {
		o.Banner = a.Banner
	}
	if o.Agent == nil && o.LoadAgent == nil {
		o.LoadAgent = a.LoadAgent
	}
	return o
}

// Console is the console of one session: the shell with this package's
// screens, and the session's on-behalf state, which sees every message
// before the shell does. Run it as the program's model and call Close
// once the program has returned.
type Console struct {
	*tui.Shell
	app *App
}

// NewShell builds the console for one session: the shell with this
// package's screens on cl. ctx lives as long as the session.
func NewShell(ctx context.Context, cl client.Platform, cfg Config, o tui.Options) (*Console, error) {
	if cl == nil {
		return nil, errors.New("screens: no API client")
	}
	app := NewApp(cl, cfg)
	shell, err := tui.New(ctx, app.ShellOptions(o))
	if err != nil {
		return nil, err
	}
	return &Console{Shell: shell, app: app}, nil
}

// Update hands msg to the on-behalf state (countdown, refresh, a lost
// session) and then to the shell, which redraws the banner.
func (c *Console) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := c.app.Update(msg)
	_, shellCmd := c.Shell.Update(msg)
	return c, tea.Batch(cmd, shellCmd)
}

// Acting is the session's on-behalf state.
func (c *Console) Acting() *session.Acting { return c.app.Acting() }

// Close revokes a live on-behalf session, best effort: call it after the
// program has returned, however it ended.
func (c *Console) Close() error { return c.app.Close() }

// oneLine keeps a user-typed word on one line for a toast.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

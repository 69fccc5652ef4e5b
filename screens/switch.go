package screens

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// profileSwitchedMsg is the answer of Config.SwitchProfile, for the
// Router.
type profileSwitchedMsg struct {
	name string
	conn Connection
	err  error
}

// errNoStore is what the console says when a request needs a store and
// the onboarding screen has not connected to one yet.
var errNoStore = errors.New("connect to a store first (or try the sandbox)")

// routeProfile handles the requests about which store the session talks
// to: ":profile NAME", its answer, and onboarding's connection. It also
// refuses customer requests while there is no store yet.
func (a *App) routeProfile(c *tui.Common, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tui.SwitchProfileMsg:
		return a.switchProfile(c, oneLine(msg.Name)), true
	case profileSwitchedMsg:
		if msg.err != nil {
			return tui.Error(sanitize.Line(fmt.Sprintf("could not switch to profile %q: %v", msg.name, msg.err))), true
		}
		return a.adopt(c, msg.conn, "switched to profile "+msg.conn.Profile.Label()), true
	case connectedMsg:
		return a.adopt(c, msg.conn, msg.note), true
	case tui.OpenCustomerMsg, tui.OpenOrderMsg, tui.SearchMsg:
		if a.env.cl == nil {
			return tui.Error(errNoStore.Error()), true
		}
	}
	return nil, false
}

// switchProfile resolves and checks the profile in a command; the answer
// comes back to the Router as profileSwitchedMsg.
func (a *App) switchProfile(c *tui.Common, name string) tea.Cmd {
	if a.switchTo == nil {
		return tui.Error("switching profiles is not available over ssh: the gateway connects with one identity")
	}
	if name == "" {
		return tui.Error("which profile? type :profile NAME")
	}
	fn, ctx := a.switchTo, c.Context()
	// In sequence: the "switching…" toast must be shown before the answer's
	// toast, or it could replace a quick refusal.
	return tea.Sequence(tui.Info("switching to profile "+name+"…"), c.Track(func() tea.Msg {
		conn, err := fn(ctx, name)
		if err == nil && conn.Client == nil {
			err = errors.New("no client came back: this is a bug")
		}
		return tui.NavigateMsg{To: profileSwitchedMsg{name: name, conn: conn, err: err}}
	}))
}

// adopt continues the session on conn: later screens use its client (the
// old screens, and with them every cached page, are dropped by the reset
// to a fresh search), the header shows its profile and agent. A live
// on-behalf session on the old store is ended.
//
// It runs in the Router, on the program's goroutine, so writing the
// session's Profile here is the shell's own write.
func (a *App) adopt(c *tui.Common, conn Connection, note string) tea.Cmd {
	old := a.env.acting
	ne := *a.env
	ne.cl = conn.Client
	ne.acting = nil
	a.env = &ne
	a.env.actingOn(c)
	c.Profile = conn.Profile
	agent := conn.Agent
	cmds := []tea.Cmd{
		tui.ResetTo(a.env.start(c, "")),
		func() tea.Msg { return tui.AgentMsg{Agent: agent} },
	}
	if note != "" {
		cmds = append(cmds, tui.Success(sanitize.Line(note)))
	}
	if old != nil {
		cmds = append(cmds, func() tea.Msg {
			if err := old.Close(); err != nil {
				c.Logger.Warn("end the on-behalf session of the previous profile", "err", err)
			}
			return nil
		})
	}
	return tea.Batch(cmds...)
}

// NewOnboardingShell builds a console whose first screen is onboarding:
// the CLI opens it when there is no usable profile. Once a store is
// connected the session continues on it as NewShell's would.
func NewOnboardingShell(ctx context.Context, cfg Config, ob Onboarding, o tui.Options) (*Console, error) {
	app := NewApp(nil, cfg)
	o.Root = func(c *tui.Common) tui.Screen { return NewOnboarding(c, ob) }
	o.Router = app.Route
	if o.Banner == nil {
		o.Banner = app.Banner
	}
	o.Agent, o.LoadAgent = nil, nil
	shell, err := tui.New(ctx, o)
	if err != nil {
		return nil, err
	}
	return &Console{Shell: shell, app: app}, nil
}

package tui

import (
	"context"
	"io"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/tui/sanitize"
)

// Profile describes where this session's API calls go, for the header and
// for gating. It comes from the profile or the environment at start-up.
type Profile struct {
	// Name is the profile's name ("prod", "staging"); empty when the
	// console runs on bare FRONTDESK_API_* variables.
	Name string
	// Host is the API host ("api.example.com"), shown when Name is empty.
	Host string
	// Production marks a production store: the header says so loudly.
	Production bool
	// ReadOnly disables every binding that changes data (policy).
	ReadOnly bool
}

// Label is what the header calls the profile: its name, else the host.
func (p Profile) Label() string {
	if p.Name != "" {
		return p.Name
	}
	if p.Host != "" {
		return p.Host
	}
	return "no profile"
}

// Common is the per-session context every screen gets a pointer to (the
// soft-serve pkg/ui/common idea): theme, key map, size, who is acting and
// where, a logger. One Common per session; nothing in it is shared between
// sessions, so many SSH sessions can run in one process.
//
// The shell owns it and is the only writer: it sets Width and Height on
// resize, Styles when the terminal reports its background, Agent when
// GET /me answers. Screens read it in Update and View (both run on the
// program's one goroutine) and must not keep copies of its fields.
//
// The store is not here: package screens holds the session's
// client.Platform and hands it to its screens, so tui does not depend on
// the client.
type Common struct {
	// Styles is the current theme.
	Styles Styles
	// Keys is the shared key map.
	Keys KeyMap
	// Width and Height are the size of the content area a screen draws in:
	// the terminal minus the header and footer. Screens also get them
	// through SetSize.
	Width, Height int
	// Agent is the calling agent from GET /me; zero until it answers.
	Agent api.Me
	// Profile says which store and how it may be used.
	Profile Profile
	// Logger writes to the log file, never to the screen.
	Logger *log.Logger
	// Banner, if set, returns a line the shell shows under the header
	// (the on-behalf session's "acting as … — 12:34 left"), or "" for none.
	// It is called on every View; keep it cheap. The shell sanitizes and
	// truncates it.
	Banner func() string

	ctx      context.Context
	inFlight int
}

// NewCommon builds a session context. ctx lives as long as the session:
// requests derive from it, so they end when the session does. A nil logger
// discards.
func NewCommon(ctx context.Context, profile Profile, logger *log.Logger, noColor bool) *Common {
	if ctx == nil {
		ctx = context.Background()
	}
	if logger == nil {
		logger = log.New(io.Discard)
	}
	return &Common{
		// Dark until the terminal answers tea.RequestBackgroundColor.
		Styles:  NewStyles(true, noColor),
		Keys:    DefaultKeyMap(),
		Profile: profile,
		Logger:  logger,
		ctx:     ctx,
	}
}

// Context is the session's context: cancelled when the session ends.
// Derive each request's context from it (context.WithCancel) so a screen
// can cancel what it no longer wants.
func (c *Common) Context() context.Context { return c.ctx }

// NoColor reports whether the session draws without colour.
func (c *Common) NoColor() bool { return c.Styles.NoColor }

// Copy puts text on the agent's clipboard with OSC 52 and says so in a
// toast. The text is sanitized first: a customer's data must not smuggle a
// newline or an escape sequence into something the agent pastes into a
// shell.
func (c *Common) Copy(what, text string) tea.Cmd {
	text = sanitize.Line(text)
	return tea.Batch(tea.SetClipboard(text), Info("copied "+what+": "+c.Styles.Cells.Truncate(text, 40)))
}

// Actor is the session's agent as policy sees it. Until GET /me answers
// its role is "", and policy refuses it every action.
func (c *Common) Actor() policy.Actor { return policy.FromMe(c.Agent) }

// Policy is the session's profile as policy sees it.
func (c *Common) Policy() policy.Profile {
	return policy.Profile{ReadOnly: c.Profile.ReadOnly, Production: c.Profile.Production}
}

// Confirm reports whether b's action must be confirmed before it runs:
// policy's rule for a production profile (every change asks first).
func (c *Common) Confirm(b Binding) bool { return policy.Confirm(b.Policy, c.Policy()) }

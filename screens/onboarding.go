package screens

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// Login is what the onboarding screen asks for: a profile to create and
// the key to verify. Secret is held only in memory, never drawn.
type Login struct {
	Profile    string
	URL, KeyID string
	Secret     string
	Production bool
	ReadOnly   bool
}

// Connection is a verified way to a store: the client, the profile for
// the header and gating, and who GET /me said the key acts as.
type Connection struct {
	Client  client.Platform
	Profile tui.Profile
	Agent   api.Me
}

// Onboarding configures the first-run screen, shown when there is no
// usable profile. The functions run in commands, never in Update; the CLI
// provides them (it owns the config file, the keyring and the sandbox).
type Onboarding struct {
	// Prefill starts the form: a profile whose secret is missing gives its
	// name, URL and key id. Its Secret is ignored.
	Prefill Login
	// Note says why the screen is shown ("no secret stored for profile
	// x"); optional.
	Note string
	// Connect verifies l with GET /me and only then saves the profile and
	// the secret; a failure must have written nothing.
	Connect func(ctx context.Context, l Login) (Connection, error)
	// Sandbox starts a demo store; nil hides the choice.
	Sandbox func(ctx context.Context) (Connection, error)
}

// Onboarding's choices on its last field.
const (
	choiceConnect = "Connect"
	choiceSandbox = "or try the sandbox"
)

// onboardingScreen is the first-run form: URL, key id, masked secret,
// profile name, production and read-only, then Connect or the sandbox.
type onboardingScreen struct {
	c   *tui.Common
	cfg Onboarding

	draft  Login
	choice string
	// initial is the draft as the screen opened (the prefill), to tell
	// whether the agent typed anything worth keeping.
	initial Login

	form   *huh.Form
	fields []*onbField

	width, height int

	busy   bool
	seq    int
	cancel context.CancelFunc
	tried  bool // a connect was attempted: flag empty fields too
	status string
	isErr  bool
	// whole shows the whole status in place of the form (ctrl+e), for a
	// message longer than the room above the form.
	whole bool

	keys onbKeys
}

// onboardedMsg is the answer of Connect or Sandbox for the screen.
type onboardedMsg struct {
	seq     int
	conn    Connection
	err     error
	sandbox bool
}

// connectedMsg asks the Router to continue on a new connection.
type connectedMsg struct {
	conn Connection
	note string
}

// NewOnboarding returns the first-run screen.
func NewOnboarding(c *tui.Common, cfg Onboarding) tui.Screen {
	s := &onboardingScreen{c: c, cfg: cfg, draft: cfg.Prefill, choice: choiceConnect}
	s.draft.Secret = ""
	if s.draft.Profile == "" {
		s.draft.Profile = "default"
	}
	s.initial = s.draft
	s.makeKeys()
	s.build()
	return s
}

func (s *onboardingScreen) Init() tea.Cmd { return s.form.Init() }

func (s *onboardingScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.resize()
}

// Dirty reports whether the agent typed anything: ctrl+c then asks
// before it quits and loses it (the shell's Drafter).
func (s *onboardingScreen) Dirty() bool {
	d, i := s.draft, s.initial
	return d.Secret != "" || strings.TrimSpace(d.URL) != strings.TrimSpace(i.URL) ||
		strings.TrimSpace(d.KeyID) != strings.TrimSpace(i.KeyID) ||
		strings.TrimSpace(d.Profile) != strings.TrimSpace(i.Profile) ||
		d.Production != i.Production || d.ReadOnly != i.ReadOnly
}

func (s *onboardingScreen) Title() string      { return "Welcome" }
func (s *onboardingScreen) CapturesKeys() bool { return true }

// Close cancels a connection attempt in flight.
func (s *onboardingScreen) Close() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *onboardingScreen) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case onboardedMsg:
		if msg.seq != s.seq {
			return s, nil
		}
		s.busy, s.cancel = false, nil
		if msg.err != nil {
			// The draft stays as typed: fix one field and connect again.
			s.setStatus(tui.ErrorText(msg.err), true)
			return s, nil
		}
		note := "connected as " + msg.conn.Agent.Name
		if msg.sandbox {
			note = "sandbox store started: you are " + msg.conn.Agent.Name
		}
		return s, tui.Navigate(connectedMsg{conn: msg.conn, note: sanitize.Line(note)})
	case tea.KeyPressMsg:
		if s.busy {
			return s, nil // ctrl+c still quits: the shell takes it
		}
		if s.whole {
			s.whole = false // any key goes back to the form
			return s, nil
		}
		return s, s.key(msg)
	}
	return s, s.updateForm(msg)
}

// connect checks the draft and, when it is complete, verifies and saves
// it in a command.
func (s *onboardingScreen) connect() tea.Cmd {
	s.tried = true
	s.titles()
	for i, f := range s.fields {
		if f.check != nil && f.check() != "" {
			s.setStatus("fix the marked field first", true)
			return s.focus(i)
		}
	}
	if s.cfg.Connect == nil {
		s.setStatus("connecting is not available here", true)
		return nil
	}
	l := s.draft
	l.URL = strings.TrimRight(strings.TrimSpace(l.URL), "/")
	l.KeyID = strings.TrimSpace(l.KeyID)
	l.Profile = strings.TrimSpace(l.Profile)
	s.setStatus("checking the key with "+sanitize.Line(l.URL)+"…", false)
	connect := s.cfg.Connect
	return s.start(false, func(ctx context.Context) (Connection, error) { return connect(ctx, l) })
}

func (s *onboardingScreen) sandbox() tea.Cmd {
	if s.cfg.Sandbox == nil {
		return nil
	}
	s.setStatus("starting the sandbox store (a few seconds)…", false)
	return s.start(true, s.cfg.Sandbox)
}

func (s *onboardingScreen) start(sandbox bool, fn func(ctx context.Context) (Connection, error)) tea.Cmd {
	s.busy = true
	s.seq++
	seq := s.seq
	ctx, cancel := context.WithCancel(s.c.Context())
	s.cancel = cancel
	return s.c.Track(func() tea.Msg {
		defer cancel()
		conn, err := fn(ctx)
		if err == nil && conn.Client == nil {
			err = errors.New("no client came back: this is a bug")
		}
		return onboardedMsg{seq: seq, conn: conn, err: err, sandbox: sandbox}
	})
}

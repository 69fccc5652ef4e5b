package screens

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/config"
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

var (
	onbConnectKey = tui.Binding{Keys: []string{"ctrl+s"}, Help: "connect"}
	onbNextKey    = tui.Binding{Keys: []string{"tab"}, HelpKey: "tab/↓", Help: "next field"}
	onbPrevKey    = tui.Binding{Keys: []string{"shift+tab"}, HelpKey: "shift+tab/↑", Help: "previous field"}
	onbEnterKey   = tui.Binding{Keys: []string{"enter"}, Help: "next / choose"}
)

// onbField is one line of the onboarding form.
type onbField struct {
	label string
	title string // the title last given to the huh field
	f     huh.Field
	check func() string // what is wrong now ("" if nothing)
	input bool
}

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
	s.build()
	return s
}

func (s *onboardingScreen) build() {
	d := &s.draft
	url := &onbField{label: "Store URL", input: true,
		f: huh.NewInput().Value(&d.URL).Placeholder("https://support.example.com"),
		check: func() string {
			u := strings.TrimSpace(d.URL)
			if u == "" && !s.tried {
				return ""
			}
			return errText(config.ValidateURL(u))
		}}
	key := &onbField{label: "Key ID", input: true,
		f: huh.NewInput().Value(&d.KeyID).Placeholder("ck_…"),
		check: func() string {
			k := strings.TrimSpace(d.KeyID)
			if k == "" && !s.tried {
				return ""
			}
			if strings.HasPrefix(k, "cs_") {
				return "that is a secret (cs_…): put the key id (ck_…) here"
			}
			return errText(config.ValidateKeyID(k))
		}}
	secret := &onbField{label: "Secret", input: true,
		f: huh.NewInput().Value(&d.Secret).EchoMode(huh.EchoModePassword).Placeholder("cs_… (hidden)"),
		check: func() string {
			if d.Secret == "" && s.tried {
				return "paste the key's secret"
			}
			return ""
		}}
	name := &onbField{label: "Profile name", input: true,
		f:     huh.NewInput().Value(&d.Profile),
		check: func() string { return errText(config.ValidateProfileName(strings.TrimSpace(d.Profile))) }}
	// The two yes/no questions share one label width and put their
	// buttons right after it, so Yes and No line up under each other
	// (huh centres inline buttons in the title's width otherwise).
	prodLabel, roLabel := "Production store (confirm every change)", "Read-only (no changes at all)"
	labelW := max(sanitize.Width(prodLabel), sanitize.Width(roLabel)) + 2
	pad := func(s string) string { return s + strings.Repeat(" ", labelW-sanitize.Width(s)) }
	prod := &onbField{label: pad(prodLabel),
		f: huh.NewConfirm().Value(&d.Production).Affirmative("Yes").Negative("No").Inline(true).WithButtonAlignment(lipgloss.Left)}
	ro := &onbField{label: pad(roLabel),
		f: huh.NewConfirm().Value(&d.ReadOnly).Affirmative("Yes").Negative("No").Inline(true).WithButtonAlignment(lipgloss.Left)}
	opts := []string{choiceConnect}
	if s.cfg.Sandbox != nil {
		opts = append(opts, choiceSandbox)
	}
	actLabel := "Connect (enter)"
	if s.cfg.Sandbox != nil {
		actLabel = "Connect, or try the sandbox (←/→ choose, enter)"
	}
	act := &onbField{label: actLabel,
		f: huh.NewSelect[string]().Options(huh.NewOptions(opts...)...).Value(&s.choice).Inline(true)}
	s.fields = []*onbField{url, key, secret, name, prod, ro, act}
	hf := make([]huh.Field, len(s.fields))
	for i, f := range s.fields {
		hf[i] = f.f
	}
	s.form = huh.NewForm(huh.NewGroup(hf...)).WithShowHelp(false).WithShowErrors(false)
	s.resize()
	s.titles()
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// titles puts each field's problem in its title, so it sits on the field
// and changes as the agent types.
func (s *onboardingScreen) titles() {
	changed := false
	for _, f := range s.fields {
		t := f.label
		if f.check != nil {
			if p := f.check(); p != "" {
				t += s.c.Styles.Error.Render("  ✗ " + sanitize.Line(p))
			}
		}
		if t == f.title {
			continue
		}
		f.title, changed = t, true
		switch x := f.f.(type) {
		case *huh.Input:
			x.Title(t)
		case *huh.Confirm:
			x.Title(t)
		case *huh.Select[string]:
			x.Title(t)
		}
	}
	if changed {
		// huh builds its view in Update: a changed title needs one.
		s.form.Update(onbRepaintMsg{})
	}
}

// onbRepaintMsg makes huh rebuild its view; no field reacts to it.
type onbRepaintMsg struct{}

// statusRoom is the most lines the status (a connection error with its
// cause and advice) takes above the form: what the screen can spare
// while the form keeps room for the focused field and its neighbours.
// A longer status ends with a line saying that ctrl+e shows all of it.
func (s *onboardingScreen) statusRoom() int { return min(max(s.height-10, 2), 10) }

var onbWholeKey = tui.Binding{Keys: []string{"ctrl+e"}, Help: "whole message"}

// head is what the screen draws above the form: title, intro, and the
// status when there is one. The status goes above the form, not below,
// so that a form as tall as the screen cannot push it out of sight.
func (s *onboardingScreen) head() []string {
	st := s.c.Styles
	w := max(s.width, 20)
	intro := "The key id and URL go in a profile; the secret goes in the OS keyring, never in a file."
	if s.cfg.Note != "" {
		intro = s.cfg.Note
	}
	lines := []string{st.Title.Render("Connect frontdesk to your store"), st.Muted.Render(sanitize.Truncate(intro, w))}
	if s.status != "" {
		style := st.Muted
		if s.isErr {
			style = st.Error
		}
		lines = append(lines, "")
		if s.whole {
			// The whole message instead of the form: ctrl+e (or any
			// key) goes back to it.
			for _, l := range tui.Wrap(s.status, w, 0) {
				lines = append(lines, style.Render(l))
			}
			return append(lines, "", st.Muted.Render(sanitize.Truncate("any key goes back to the form", w)))
		}
		all := tui.Wrap(s.status, w, 0)
		if room := s.statusRoom(); len(all) > room {
			all = tui.Wrap(s.status, w, room-1)
			all = append(all, st.Muted.Render(sanitize.Truncate("ctrl+e shows the whole message", w)))
		}
		for _, l := range all {
			lines = append(lines, style.Render(l))
		}
	}
	return append(lines, "")
}

func (s *onboardingScreen) resize() {
	if s.width <= 0 {
		return
	}
	s.form.WithWidth(min(s.width, 76))
	s.form.WithHeight(max(s.height-len(s.head()), 3))
}

// setStatus says how the connection goes; the form gives up the lines
// the status takes.
func (s *onboardingScreen) setStatus(text string, isErr bool) {
	s.status, s.isErr, s.whole = text, isErr, false
	s.resize()
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
func (s *onboardingScreen) ShortHelp() []tui.Binding {
	if s.status != "" && s.isErr {
		return []tui.Binding{onbConnectKey, onbNextKey, onbWholeKey, onbPrevKey}
	}
	return []tui.Binding{onbEnterKey, onbNextKey, onbPrevKey, onbConnectKey}
}
func (s *onboardingScreen) FullHelp() [][]tui.Binding {
	whole := onbWholeKey.With(func() string {
		if s.status == "" {
			return "no message yet"
		}
		return ""
	})
	return [][]tui.Binding{{onbEnterKey, onbNextKey, onbPrevKey, onbConnectKey, whole}}
}

// Close cancels a connection attempt in flight.
func (s *onboardingScreen) Close() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *onboardingScreen) focused() int {
	ff := s.form.GetFocusedField()
	for i, f := range s.fields {
		if f.f == ff {
			return i
		}
	}
	return -1
}

func (s *onboardingScreen) focus(to int) tea.Cmd {
	cur := s.focused()
	var cmds []tea.Cmd
	for ; cur >= 0 && cur < to; cur++ {
		cmds = append(cmds, s.form.NextField())
	}
	for ; cur > to; cur-- {
		cmds = append(cmds, s.form.PrevField())
	}
	return tea.Batch(cmds...)
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
		i, last := s.focused(), len(s.fields)-1
		switch k := msg.String(); {
		case onbWholeKey.Matches(msg) && s.status != "":
			s.whole = true
			return s, nil
		case k == "ctrl+s":
			return s, s.connect()
		case k == "esc":
			// Not a way out: at the root it would quit and lose the
			// draft. ctrl+c quits (asking first once something is typed).
			return s, nil
		case k == "tab" || k == "down" && i < last || k == "enter" && i < last:
			if i >= last {
				return s, nil // huh would complete the form past the last field
			}
			cmd := s.form.NextField()
			s.titles()
			return s, cmd
		case k == "shift+tab" || k == "up":
			if i <= 0 {
				return s, nil
			}
			cmd := s.form.PrevField()
			s.titles()
			return s, cmd
		case k == "enter":
			if s.choice == choiceSandbox {
				return s, s.sandbox()
			}
			return s, s.connect()
		}
	}
	m, cmd := s.form.Update(msg)
	s.form = m.(*huh.Form)
	s.titles()
	return s, cmd
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

func (s *onboardingScreen) View() string {
	if s.whole {
		return strings.Join(s.head(), "\n")
	}
	return strings.Join(s.head(), "\n") + "\n" + s.form.View()
}

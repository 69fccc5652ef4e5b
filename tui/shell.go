package tui

import (
	"context"
	"errors"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/tui/sanitize"
)

// The smallest terminal the console draws in. Below it the view says so
// instead of drawing a broken layout.
const (
	MinWidth  = 60
	MinHeight = 16
)

// Lines the shell takes: a header of two (three with a banner) and a
// footer of two (status, key help or palette). The status grows to up to
// maxStatusLines while a toast needs them, so an error keeps its cause,
// its advice and its request id instead of being cut to one line.
const (
	headerLines    = 2
	footerLines    = 2
	maxStatusLines = 4
)

// Options configure a shell.
type Options struct {
	// Profile says which store this is, for the header and read-only.
	Profile Profile
	// NoColor draws without colour or text attributes (NO_COLOR,
	// --no-color).
	NoColor bool
	// Logger receives the shell's log lines; nil discards.
	Logger *log.Logger
	// Root builds the start screen (search). Required.
	Root func(c *Common) Screen
	// Router builds screens for navigation requests (package screens).
	Router Router
	// Agent is the calling agent if already known (the CLI checked the key
	// with GET /me before starting); otherwise LoadAgent fetches it.
	Agent *api.Me
	// LoadAgent fetches the agent (GET /me). It runs as a tracked command
	// from Init, so the first frame does not wait for the network.
	LoadAgent func(ctx context.Context) (api.Me, error)
	// Banner, if set, is Common.Banner: a line under the header.
	Banner func() string
}

// Shell is the console's root model: a stack of screens between a header
// and a footer. It is small on purpose: it routes messages to the screens
// that own them and draws the frame.
type Shell struct {
	c      *Common
	router Router
	load   func(ctx context.Context) (api.Me, error)
	// agentFailed is set when load failed: the header stops saying
	// "signing in…".
	agentFailed bool
	stack       []Screen

	width, height int
	// headerH is the header's height at the last layout (2, or 3 with a
	// banner); content starts on that row.
	headerH int
	// footerH is the footer's height at the last layout: the status
	// lines (one, or more for a long toast) and the key help.
	footerH int

	help    helpOverlay
	palette palette
	status  statusBar

	// mouseOff gives the mouse back to the terminal (":mouse off"), so
	// that dragging selects text; per session.
	mouseOff bool
}

// agentLoadedMsg is the answer of Options.LoadAgent.
type agentLoadedMsg struct {
	me  api.Me
	err error
}

type quitMsg struct{}

// New builds a shell for one session. ctx lives as long as the session.
func New(ctx context.Context, opts Options) (*Shell, error) {
	if opts.Root == nil {
		return nil, errors.New("tui: Options.Root is required: it builds the start screen")
	}
	c := NewCommon(ctx, opts.Profile, opts.Logger, opts.NoColor)
	if opts.Agent != nil {
		c.Agent = *opts.Agent
	}
	c.Banner = opts.Banner
	m := &Shell{
		c:       c,
		router:  opts.Router,
		load:    opts.LoadAgent,
		palette: newPalette(),
		status:  newStatusBar(),
		headerH: headerLines,
		footerH: footerLines,
	}
	m.setTheme(true)
	root := opts.Root(c)
	if root == nil {
		return nil, errors.New("tui: Options.Root returned no screen")
	}
	m.stack = []Screen{root}
	return m, nil
}

// Common is the session's context, shared with every screen.
func (m *Shell) Common() *Common { return m.c }

// Top is the screen on top of the stack.
func (m *Shell) Top() Screen { return m.stack[len(m.stack)-1] }

// Depth is how many screens are on the stack.
func (m *Shell) Depth() int { return len(m.stack) }

// Init asks the terminal for its background (the theme is dark until it
// answers), starts the root screen and, if needed, loads the agent.
func (m *Shell) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.Top().Init()}
	if m.c.Agent.Role == "" && m.load != nil {
		load, ctx := m.load, m.c.Context()
		cmds = append(cmds, m.c.Track(func() tea.Msg {
			me, err := load(ctx)
			return agentLoadedMsg{me: me, err: err}
		}))
	}
	return tea.Batch(append(cmds, m.afterUpdate())...)
}

// Update routes a message: the shell's own, keys and mouse to the top
// screen, everything else to every screen on the stack.
func (m *Shell) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	return m, tea.Batch(cmd, m.afterUpdate())
}

func (m *Shell) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return nil
	case tea.BackgroundColorMsg:
		m.setTheme(msg.IsDark())
		return nil
	case tea.ModeReportMsg:
		if msg.Mode == ansi.ModeUnicodeCore {
			m.setCells(CellsFor(msg.Value))
		}
		return nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.KeyReleaseMsg:
		if m.palette.open || m.help.open {
			return nil
		}
		return m.updateTop(msg)
	case tea.PasteMsg:
		if m.palette.open {
			var cmd tea.Cmd
			m.palette.input, cmd = m.palette.input.Update(msg)
			return cmd
		}
		if m.help.open {
			return nil
		}
		return m.updateTop(msg)
	case tea.MouseMsg:
		return m.handleMouse(msg)

	case PushMsg:
		return m.push(msg.Screen)
	case PopMsg:
		return m.pop()
	case ReplaceMsg:
		if msg.Screen == nil {
			return nil
		}
		closeScreen(m.Top())
		m.stack = m.stack[:len(m.stack)-1]
		return m.push(msg.Screen)
	case ResetMsg:
		if msg.Screen == nil {
			return nil
		}
		for _, s := range m.stack {
			closeScreen(s)
		}
		m.stack = m.stack[:0]
		return m.push(msg.Screen)

	case OpenCustomerMsg, OpenOrderMsg, SearchMsg, SwitchProfileMsg, BulkMsg:
		return m.route(msg)
	case EraseMsg:
		if e, ok := m.Top().(interface{ Erase() tea.Cmd }); ok {
			return e.Erase()
		}
		return m.showToast(ToastMsg{Kind: ToastError, Text: ":erase works on a customer's profile: open one first (:customer ID)"})
	case MergeMsg:
		if cs, ok := m.Top().(CustomerScreen); ok && msg.Keep == "" {
			msg.Keep = cs.CustomerID()
		}
		return m.route(msg)
	case NavigateMsg:
		return m.route(msg.To)

	case AgentMsg:
		m.c.Agent = msg.Agent
		return nil
	case agentLoadedMsg:
		if msg.err != nil {
			m.agentFailed = true
			m.c.Logger.Error("load agent", "err", msg.err)
			return m.showToast(ToastMsg{Kind: ToastError, Text: "could not tell who you are (GET /me): " + msg.err.Error()})
		}
		m.c.Agent = msg.me
		return nil

	case ToastMsg:
		return m.showToast(msg)
	case toastExpiredMsg:
		m.status.expire(msg.id)
		return nil

	case DoneMsg:
		m.c.inFlight = max(0, m.c.inFlight-1)
		if msg.Msg == nil {
			return nil
		}
		// Delivered through the program rather than handled here, so a
		// batch or sequence the command returned runs as usual.
		inner := msg.Msg
		return func() tea.Msg { return inner }
	case spinner.TickMsg:
		return m.status.tick(msg, m.c.inFlight)

	case showHelpMsg, ShowHelpMsg:
		m.help.show(false)
		return nil
	case OpenPaletteMsg:
		return m.openPalette()
	case showErrorMsg:
		return m.openLastError()
	case mouseMsg:
		return m.setMouse(msg.arg)
	case quitMsg:
		return m.quit()
	}
	return m.broadcast(msg)
}

// afterUpdate keeps the frame consistent with what the message changed:
// the banner line coming or going, the spinner starting.
func (m *Shell) afterUpdate() tea.Cmd {
	if m.headerHeight() != m.headerH || m.footerHeight() != m.footerH {
		m.layout()
	}
	return m.status.spin(m.c.inFlight)
}

func (m *Shell) contentHeight() int {
	return max(0, m.height-m.headerH-m.footerH)
}

// layout recomputes the content area and tells every screen.
func (m *Shell) layout() {
	m.headerH = m.headerHeight()
	m.footerH = m.footerHeight()
	m.c.Width, m.c.Height = m.width, m.contentHeight()
	for _, s := range m.stack {
		s.SetSize(m.c.Width, m.c.Height)
	}
	m.palette.input.SetWidth(max(10, m.width-4))
}

// CellsFor is the measure for a terminal's answer to the mode 2027
// (grapheme clustering) request. It follows Bubble Tea exactly: the
// program switches its renderer to grapheme widths, and turns the mode
// on, when the terminal answers set, reset or permanently set; any other
// answer, or none, leaves both per code point. The console must measure
// as the renderer does, or a row's later columns move.
func CellsFor(v ansi.ModeSetting) sanitize.Cells {
	switch v {
	case ansi.ModeSet, ansi.ModeReset, ansi.ModePermanentlySet:
		return sanitize.Graphemes
	}
	return sanitize.PerCodePoint
}

// setCells switches the session's measure and lays the screens out again,
// so nothing keeps lines cut with the old one.
func (m *Shell) setCells(c sanitize.Cells) {
	if m.c.Styles.Cells == c {
		return
	}
	m.c.Logger.Debug("terminal width measure", "cells", c.String())
	m.c.Styles.Cells = c
	m.layout()
}

func (m *Shell) setTheme(isDark bool) {
	cells := m.c.Styles.Cells
	m.c.Styles = NewStyles(isDark, m.c.Styles.NoColor)
	m.c.Styles.Cells = cells
	m.status.spinner.Style = m.c.Styles.Spinner
	st := m.palette.input.Styles()
	st.Cursor.Color = m.c.Styles.Colors.Accent
	if m.c.Styles.NoColor {
		st.Cursor.Color = nil
		st.Focused.Prompt, st.Focused.Text = lipgloss.NewStyle(), lipgloss.NewStyle()
		st.Focused.Placeholder, st.Focused.Suggestion = lipgloss.NewStyle(), lipgloss.NewStyle()
	} else {
		st.Focused.Prompt = m.c.Styles.Accent
	}
	m.palette.input.SetStyles(st)
}

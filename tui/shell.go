package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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

	showHelp bool
	// helpTop is the first line of the help overlay's list shown: the
	// overlay scrolls when the keys do not fit.
	helpTop int
	// helpError makes the overlay show the last error in full (":error")
	// instead of the keys; it scrolls the same way.
	helpError bool
	// lastError is the text of the last error toast, for ":error".
	lastError string
	palette   palette

	toast    toastState
	toastSeq int
	// quitArmed is the id of the toast that asked "press ctrl+c again to
	// quit and discard the draft": while it is shown, ctrl+c quits. 0 is
	// not armed.
	quitArmed int

	spinner  spinner.Model
	spinning bool

	// mouseOff gives the mouse back to the terminal (":mouse off"), so
	// that dragging selects text; per session.
	mouseOff bool
}

type toastState struct {
	kind ToastKind
	text string
	id   int
}

// toastExpiredMsg clears the toast with this id, if it is still shown.
type toastExpiredMsg struct{ id int }

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
		headerH: headerLines,
		footerH: footerLines,
	}
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
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
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.KeyReleaseMsg:
		if m.palette.open || m.showHelp {
			return nil
		}
		return m.updateTop(msg)
	case tea.PasteMsg:
		if m.palette.open {
			var cmd tea.Cmd
			m.palette.input, cmd = m.palette.input.Update(msg)
			return cmd
		}
		if m.showHelp {
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

	case OpenCustomerMsg, SearchMsg, SwitchProfileMsg:
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
		if msg.id == m.toast.id {
			m.toast = toastState{}
		}
		if msg.id == m.quitArmed {
			m.quitArmed = 0 // the question is no longer on screen
		}
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
		if m.c.inFlight == 0 {
			m.spinning = false // the tick chain ends here
			return nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return cmd

	case showHelpMsg, ShowHelpMsg:
		m.openHelp()
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
	if m.c.inFlight > 0 && !m.spinning {
		m.spinning = true
		return m.spinner.Tick
	}
	return nil
}

func (m *Shell) headerHeight() int {
	if m.c.Banner != nil && m.c.Banner() != "" {
		return headerLines + 1
	}
	return headerLines
}

func (m *Shell) contentHeight() int {
	return max(0, m.height-m.headerH-m.footerH)
}

func (m *Shell) footerHeight() int { return max(1, len(m.statusLines())) + 1 }

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

func (m *Shell) setTheme(isDark bool) {
	m.c.Styles = NewStyles(isDark, m.c.Styles.NoColor)
	m.spinner.Style = m.c.Styles.Spinner
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

// handleKey applies, in order: ctrl+c (asking first over an unsaved
// draft); the palette or help overlay if open; the top screen if it
// captures keys; the top screen's bindings (refusing disabled ones with
// their reason); the shell's own keys; and finally the top screen for any
// key nobody claimed.
func (m *Shell) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	if k.ForceQuit.Matches(msg) {
		return m.forceQuit()
	}
	if m.quitArmed != 0 {
		// Any other key answers "no": back to the draft, and the key
		// does what it always does.
		if m.toast.id == m.quitArmed {
			m.toast = toastState{}
		}
		m.quitArmed = 0
	}
	if m.palette.open {
		return m.updatePalette(msg)
	}
	if m.showHelp {
		m.helpKey(msg)
		return nil
	}
	top := m.Top()
	if top.CapturesKeys() {
		return m.updateTop(msg)
	}
	for _, group := range top.FullHelp() {
		for _, b := range group {
			if !b.Matches(msg) {
				continue
			}
			if reason := m.c.Reason(b); reason != "" {
				return m.showToast(ToastMsg{Kind: ToastError, Text: b.Help + ": " + reason})
			}
			return m.updateTop(msg)
		}
	}
	switch {
	case k.Help.Matches(msg):
		m.openHelp()
		return nil
	case k.Palette.Matches(msg):
		return m.openPalette()
	case k.Back.Matches(msg):
		if len(m.stack) > 1 {
			return m.pop()
		}
		return nil
	case k.Quit.Matches(msg):
		if len(m.stack) > 1 {
			return m.pop()
		}
		return m.quit()
	}
	return m.updateTop(msg)
}

// handleMouse gives mouse events inside the content area to the top
// screen, with Y counted from the content's first row.
func (m *Shell) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if w, ok := msg.(tea.MouseWheelMsg); ok && m.showHelp && !m.palette.open {
		switch w.Button {
		case tea.MouseWheelDown:
			m.scrollHelp(3)
		case tea.MouseWheelUp:
			m.scrollHelp(-3)
		}
		return nil
	}
	if m.palette.open || m.showHelp || m.tooSmall() {
		return nil
	}
	mouse := msg.Mouse()
	y := mouse.Y - m.headerH
	if y < 0 || y >= m.contentHeight() {
		return nil
	}
	mouse.Y = y
	switch msg.(type) {
	case tea.MouseClickMsg:
		return m.updateTop(tea.MouseClickMsg(mouse))
	case tea.MouseReleaseMsg:
		return m.updateTop(tea.MouseReleaseMsg(mouse))
	case tea.MouseWheelMsg:
		return m.updateTop(tea.MouseWheelMsg(mouse))
	case tea.MouseMotionMsg:
		return m.updateTop(tea.MouseMotionMsg(mouse))
	}
	return nil
}

func (m *Shell) updateTop(msg tea.Msg) tea.Cmd {
	i := len(m.stack) - 1
	s, cmd := m.stack[i].Update(msg)
	if s != nil {
		m.stack[i] = s
	}
	return cmd
}

func (m *Shell) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i, s := range m.stack {
		s2, cmd := s.Update(msg)
		if s2 != nil {
			m.stack[i] = s2
		}
		if cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	return tea.Batch(cmds...)
}

func (m *Shell) push(s Screen) tea.Cmd {
	if s == nil {
		return nil
	}
	s.SetSize(m.c.Width, m.c.Height)
	m.stack = append(m.stack, s)
	return s.Init()
}

// pop removes the top screen; popping the root quits.
func (m *Shell) pop() tea.Cmd {
	if len(m.stack) <= 1 {
		return m.quit()
	}
	closeScreen(m.Top())
	m.stack[len(m.stack)-1] = nil
	m.stack = m.stack[:len(m.stack)-1]
	if r, ok := m.Top().(Refocuser); ok {
		return r.Refocus()
	}
	return nil
}

// forceQuit quits on ctrl+c, unless a screen holds an unsaved draft and
// this is the first ctrl+c: then it asks in the footer, and the next
// ctrl+c (while the question shows) quits.
func (m *Shell) forceQuit() tea.Cmd {
	if m.quitArmed != 0 || !m.dirty() {
		return m.quit()
	}
	cmd := m.showToast(ToastMsg{Kind: ToastError, Text: "Unsaved draft: press ctrl+c again to quit and discard it; any other key goes back to it."})
	m.quitArmed = m.toast.id
	return cmd
}

// dirty reports whether any screen on the stack holds an unsaved draft.
func (m *Shell) dirty() bool {
	for _, s := range m.stack {
		if d, ok := s.(Drafter); ok && d.Dirty() {
			return true
		}
	}
	return false
}

func (m *Shell) quit() tea.Cmd {
	for _, s := range m.stack {
		closeScreen(s)
	}
	return tea.Quit
}

func closeScreen(s Screen) {
	if c, ok := s.(Closer); ok {
		c.Close()
	}
}

func (m *Shell) route(msg tea.Msg) tea.Cmd {
	if m.router != nil {
		if cmd, ok := m.router(m.c, msg); ok {
			return cmd
		}
	}
	text := fmt.Sprintf("nothing here can handle %T yet", msg)
	if p, ok := msg.(SwitchProfileMsg); ok {
		text = "switching profiles inside the console is not available yet: quit and run frontdesk --profile " + p.Name
	}
	return m.showToast(ToastMsg{Kind: ToastError, Text: text})
}

// showToast replaces the toast and schedules its expiry. The expiry
// carries the toast's id, so an older toast's timer cannot clear a newer
// one.
func (m *Shell) showToast(t ToastMsg) tea.Cmd {
	// A new toast hides the ctrl+c question, so it no longer holds.
	m.quitArmed = 0
	m.toastSeq++
	m.toast = toastState{kind: t.Kind, text: t.Text, id: m.toastSeq}
	if t.Kind == ToastError {
		m.lastError = t.Text
	}
	ttl := t.TTL
	if ttl <= 0 {
		ttl = ToastTTL
		if t.Kind == ToastError {
			ttl = ErrorToastTTL
		}
	}
	id := m.toastSeq
	return tea.Tick(ttl, func(time.Time) tea.Msg { return toastExpiredMsg{id: id} })
}

// setMouse handles ":mouse on|off" ("" toggles).
func (m *Shell) setMouse(arg string) tea.Cmd {
	switch arg {
	case "on":
		m.mouseOff = false
	case "off":
		m.mouseOff = true
	case "":
		m.mouseOff = !m.mouseOff
	default:
		return m.showToast(ToastMsg{Kind: ToastError, Text: "usage: :mouse on|off (" + sanitize.Line(arg) + "?)"})
	}
	if m.mouseOff {
		return m.showToast(ToastMsg{Kind: ToastInfo, Text: "mouse off: drag to select text; :mouse on gives the wheel and clicks back"})
	}
	return m.showToast(ToastMsg{Kind: ToastInfo, Text: "mouse on: wheel and clicks; to select text hold shift while dragging, or :mouse off"})
}

func (m *Shell) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// View draws the frame: header, the top screen (or the help overlay),
// footer. Always in the alternate screen; with cell-motion mouse unless
// the agent turned it off (":mouse off") to select text.
func (m *Shell) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	if m.mouseOff {
		v.MouseMode = tea.MouseModeNone
	}
	if !m.tooSmall() {
		v.Cursor = m.cursor()
	}
	return v
}

func (m *Shell) render() string {
	if m.width == 0 || m.height == 0 {
		return "" // no size yet: the first WindowSizeMsg is on its way
	}
	if m.tooSmall() {
		return fitBlock(fmt.Sprintf("Terminal too small: %d×%d.\nfrontdesk needs at least %d×%d.\nEnlarge the window, or press ctrl+c to quit.",
			m.width, m.height, MinWidth, MinHeight), m.width, m.height)
	}
	var b strings.Builder
	b.Grow(m.width * m.height * 2)
	b.WriteString(m.headerView())
	b.WriteByte('\n')
	var content string
	if m.showHelp {
		content = m.helpView()
	} else {
		content = m.Top().View()
	}
	b.WriteString(fitBlock(content, m.width, m.contentHeight()))
	b.WriteByte('\n')
	b.WriteString(m.footerView())
	out := b.String()
	if m.c.Styles.NoColor {
		// Belt and braces: a screen that styled something by hand must
		// not put colour on a NO_COLOR terminal. Sanitized data has no
		// escape sequences, so only styling is removed.
		out = ansi.Strip(out)
	}
	return out
}

func (m *Shell) cursor() *tea.Cursor {
	if m.palette.open {
		c := m.palette.input.Cursor()
		if c != nil {
			c.Y = m.height - 1
		}
		return c
	}
	if m.showHelp {
		return nil
	}
	if cs, ok := m.Top().(interface{ Cursor() *tea.Cursor }); ok {
		if c := cs.Cursor(); c != nil {
			c.Y += m.headerH
			return c
		}
	}
	return nil
}

func (m *Shell) headerView() string {
	st := m.c.Styles
	w := m.width
	left := st.HeaderApp.Render("frontdesk")
	var markers string
	if m.c.Profile.Production {
		markers += " " + st.Production.Render("▲ PRODUCTION")
	}
	if m.c.Profile.ReadOnly {
		markers += " " + st.ReadOnly.Render("READ-ONLY")
	}
	// The markers never give way; the profile label and the agent do.
	room := w - lipgloss.Width(left) - lipgloss.Width(markers) - 3
	label := sanitize.Truncate(m.c.Profile.Label(), max(1, min(room, 40)))
	left += st.Header.Render(" · ") + st.HeaderProfile.Render(label) + markers

	var agent string
	if a := m.c.Agent; a.Role != "" {
		name := a.Name
		if name == "" {
			name = a.AgentID
		}
		agent = sanitize.Line(name) + " (" + sanitize.Line(a.Role) + ")"
	} else if m.load != nil && !m.agentFailed {
		agent = "signing in…"
	} else {
		// Nothing is asking who the agent is (the first-run screen), or
		// the asking failed: "signing in…" would wait forever.
		agent = "not signed in"
	}
	room = w - lipgloss.Width(left) - 2
	line1 := left
	if room >= 6 {
		agent = st.HeaderAgent.Render(sanitize.Truncate(agent, room))
		gap := w - lipgloss.Width(left) - lipgloss.Width(agent)
		line1 = left + strings.Repeat(" ", max(1, gap)) + agent
	}

	lines := []string{line1, m.breadcrumbs()}
	if m.headerH > headerLines && m.c.Banner != nil {
		text := sanitize.Truncate(m.c.Banner(), w)
		lines = append(lines, st.Banner.Render(text+strings.Repeat(" ", max(0, w-sanitize.Width(text)))))
	}
	return strings.Join(lines, "\n")
}

// breadcrumbs is "Search › Wanjiru Kamau › Order #1042", dropping the
// oldest crumbs when it does not fit.
func (m *Shell) breadcrumbs() string {
	st := m.c.Styles
	const sep = " › "
	titles := make([]string, len(m.stack))
	for i, s := range m.stack {
		titles[i] = sanitize.Truncate(s.Title(), 40)
	}
	sepW := sanitize.Width(sep)
	// width of the crumbs from index from on, with "… › " before them
	// when older crumbs are dropped.
	width := func(from int) int {
		w := 0
		if from > 0 {
			w += 1 + sepW
		}
		for i := from; i < len(titles); i++ {
			if i > from {
				w += sepW
			}
			w += sanitize.Width(titles[i])
		}
		return w
	}
	start := 0
	for start < len(titles)-1 && width(start) > m.width {
		start++
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString(st.Breadcrumb.Render("…" + sep))
	}
	for i := start; i < len(titles); i++ {
		if i > start {
			b.WriteString(st.Breadcrumb.Render(sep))
		}
		if i == len(titles)-1 {
			b.WriteString(st.BreadcrumbCurrent.Render(sanitize.Truncate(titles[i], m.width)))
		} else {
			b.WriteString(st.Breadcrumb.Render(titles[i]))
		}
	}
	return b.String()
}

// statusLines is the footer's status: the palette's note, or the
// spinner and the toast, wrapped to the width on up to maxStatusLines
// lines. An error longer than that ends with a line saying that :error
// shows all of it. Empty when there is nothing to say.
func (m *Shell) statusLines() []string {
	st := m.c.Styles
	w := m.width
	if w <= 0 {
		return nil
	}
	style := func(s lipgloss.Style, lines []string) []string {
		for i, l := range lines {
			lines[i] = s.Render(l)
		}
		return lines
	}
	if m.palette.open {
		if m.palette.note != "" {
			s := st.Muted
			if m.palette.noteErr {
				s = st.Error
			}
			return style(s, Wrap(m.palette.note, w, maxStatusLines))
		}
		// One line, so opening the palette does not move the screen;
		// tab lists the commands again.
		return []string{st.Muted.Render(sanitize.Truncate("tab completes · ↑ recalls · esc closes · "+commandNames(m.commands()), w))}
	}
	var spin string
	if m.c.inFlight > 0 {
		spin = m.spinner.View() + " "
	}
	room := max(1, w-lipgloss.Width(spin))
	var lines []string
	switch {
	case m.toast.text != "":
		s := st.ToastInfo
		switch m.toast.kind {
		case ToastSuccess:
			s = st.ToastSuccess
		case ToastError:
			s = st.ToastError
		}
		all := Wrap(m.toast.text, room, 0)
		if len(all) > maxStatusLines && m.toast.kind == ToastError {
			all = append(Wrap(m.toast.text, room, maxStatusLines-1), "(:error shows the whole message)")
		} else if len(all) > maxStatusLines {
			all = Wrap(m.toast.text, room, maxStatusLines)
		}
		lines = style(s, all)
	case spin != "":
		lines = []string{st.Muted.Render("working…")}
	}
	if spin != "" && len(lines) > 0 {
		lines[0] = spin + lines[0]
		for i := 1; i < len(lines); i++ {
			lines[i] = strings.Repeat(" ", lipgloss.Width(spin)) + lines[i]
		}
	}
	return lines
}

func (m *Shell) footerView() string {
	st := m.c.Styles
	w := m.width
	status := m.statusLines()
	// The status has footerH-1 lines in this frame: the layout made room
	// for them after the update that changed them.
	rows := max(1, m.footerH-1)
	status = status[:min(len(status), rows)]
	for len(status) < rows {
		status = append(status, "")
	}
	for i, l := range status {
		status[i] = fitLine(l, w)
	}

	var keys string
	if m.palette.open {
		keys = m.palette.input.View()
	} else {
		hint := st.HelpKey.Render("?") + " " + st.HelpDesc.Render("help") + st.HelpSep.Render(" • ") +
			st.HelpKey.Render(":") + " " + st.HelpDesc.Render("command")
		if h, ok := m.Top().(GlobalKeysHinter); ok && !m.showHelp && !h.GlobalKeysLive() {
			// The screen is taking ? and : as text right now.
			hint = st.HelpKey.Render("esc") + " " + st.HelpDesc.Render("then ? help • : command")
		}
		hintW := lipgloss.Width(hint)
		var help []Binding
		if m.showHelp {
			help = []Binding{m.c.Keys.Back.WithHelp("close help"), {Keys: []string{"j"}, HelpKey: "j/k", Help: "scroll"}}
		} else {
			help = m.Top().ShortHelp()
		}
		keys = m.c.ShortHelpView(help, max(0, w-hintW-3))
		gap := w - lipgloss.Width(keys) - hintW
		keys += strings.Repeat(" ", max(1, gap)) + hint
	}
	return strings.Join(status, "\n") + "\n" + fitLine(keys, w)
}

// openHelp shows the help overlay from its first line.
func (m *Shell) openHelp() {
	m.showHelp, m.helpError = true, false
	m.helpTop = 0
}

// openLastError shows the last error toast in full in the overlay.
func (m *Shell) openLastError() tea.Cmd {
	if m.lastError == "" {
		return m.showToast(ToastMsg{Kind: ToastInfo, Text: "no error so far in this session"})
	}
	m.showHelp, m.helpError = true, true
	m.helpTop = 0
	return nil
}

// helpKey handles a key while the help overlay is open: ?, esc and q
// close it; the movement keys scroll it.
func (m *Shell) helpKey(msg tea.KeyPressMsg) {
	k := m.c.Keys
	page := max(1, m.helpRows()-1)
	switch {
	case k.Help.Matches(msg) || k.Back.Matches(msg) || k.Quit.Matches(msg):
		m.showHelp = false
	case k.Down.Matches(msg):
		m.scrollHelp(1)
	case k.Up.Matches(msg):
		m.scrollHelp(-1)
	case k.PageDown.Matches(msg) || msg.String() == "space":
		m.scrollHelp(page)
	case k.PageUp.Matches(msg):
		m.scrollHelp(-page)
	case k.Top.Matches(msg):
		m.helpTop = 0
	case k.Bottom.Matches(msg):
		m.helpTop = m.helpMaxTop()
	}
}

func (m *Shell) scrollHelp(by int) {
	m.helpTop = min(max(0, m.helpTop+by), m.helpMaxTop())
}

// helpInner is the width inside the overlay's border and padding.
func (m *Shell) helpInner() int { return max(1, m.width-4) }

// helpLines is the overlay's list: every binding of the top screen, then
// the shell's own.
func (m *Shell) helpLines() []string {
	if m.helpError {
		return Wrap(m.lastError, m.helpInner(), 0)
	}
	groups := append(append([][]Binding{}, m.Top().FullHelp()...), m.c.Keys.Global())
	return strings.Split(m.c.FullHelpView(groups, m.helpInner()), "\n")
}

// helpLegend is what the marks in the list mean, wrapped under it.
func (m *Shell) helpLegend() []string {
	if m.helpError {
		return Wrap("j/k pgdn/pgup g/G scroll · esc closes · to select text: shift+drag, or :mouse off", m.helpInner(), 3)
	}
	return Wrap("! = asks you to confirm first · greyed = not available, the reason after — · "+
		"j/k pgdn/pgup g/G scroll · esc closes · to select text: shift+drag, or :mouse off", m.helpInner(), 3)
}

// helpRows is how many lines of the list the overlay shows: the content
// area less the border (2), the title and a blank line (2), the
// position line (1) and the legend.
func (m *Shell) helpRows() int {
	return max(1, m.contentHeight()-5-len(m.helpLegend()))
}

func (m *Shell) helpMaxTop() int { return max(0, len(m.helpLines())-m.helpRows()) }

// helpView draws the overlay: as much of the list as fits from helpTop,
// a line saying where in the list this is and whether there is more, and
// the legend.
func (m *Shell) helpView() string {
	st := m.c.Styles
	inner := m.helpInner()
	lines := m.helpLines()
	rows := m.helpRows()
	top := min(max(0, m.helpTop), max(0, len(lines)-rows))
	end := min(len(lines), top+rows)

	var b strings.Builder
	title := "Keys — " + m.Top().Title()
	if m.helpError {
		title = "Last error"
	}
	b.WriteString(st.OverlayTitle.Render(sanitize.Truncate(title, inner)))
	b.WriteString("\n\n")
	b.WriteString(strings.Join(lines[top:end], "\n"))
	for i := end - top; i < rows && len(lines) > rows; i++ {
		b.WriteString("\n") // keep the frame still while scrolling
	}
	var pos string
	if len(lines) > rows {
		var parts []string
		if top > 0 {
			parts = append(parts, "↑ more above")
		}
		if end < len(lines) {
			parts = append(parts, "↓ more below")
		}
		parts = append(parts, fmt.Sprintf("lines %d–%d of %d", top+1, end, len(lines)))
		pos = strings.Join(parts, " · ")
	}
	b.WriteString("\n" + st.Accent.Render(fitLine(pos, inner)))
	for _, l := range m.helpLegend() {
		b.WriteString("\n" + st.Muted.Render(l))
	}
	return st.Overlay.Render(b.String())
}

// fitLine cuts a rendered line to width cells. A line no longer in bytes
// than width is never wider in cells, which skips the measuring for most
// lines.
func fitLine(s string, width int) string {
	if len(s) <= width || ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "")
}

// fitBlock makes s exactly height lines of at most width cells, so a
// screen that draws too much cannot push the footer off the terminal.
func fitBlock(s string, width, height int) string {
	if height <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) + height)
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		if n == height {
			break
		}
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(fitLine(line, width))
		n++
	}
	for ; n < height; n++ {
		if n > 0 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

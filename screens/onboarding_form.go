package screens

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"frontdesk/config"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// The first-run screen's form and how it is drawn: its fields and their
// checks, the status above the form, the focus.

// onbField is one line of the onboarding form.
type onbField struct {
	label string
	title string // the title last given to the huh field
	f     huh.Field
	check func() string // what is wrong now ("" if nothing)
	input bool
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
	lines := []string{st.Title.Render("Connect frontdesk to your store"), st.Muted.Render(st.Cells.Truncate(intro, w))}
	if s.status != "" {
		style := st.Muted
		if s.isErr {
			style = st.Error
		}
		lines = append(lines, "")
		if s.whole {
			// The whole message instead of the form: ctrl+e (or any
			// key) goes back to it.
			for _, l := range tui.Wrap(st.Cells, s.status, w, 0) {
				lines = append(lines, style.Render(l))
			}
			return append(lines, "", st.Muted.Render(st.Cells.Truncate("any key goes back to the form", w)))
		}
		all := tui.Wrap(st.Cells, s.status, w, 0)
		if room := s.statusRoom(); len(all) > room {
			all = tui.Wrap(st.Cells, s.status, w, room-1)
			all = append(all, st.Muted.Render(st.Cells.Truncate("ctrl+e shows the whole message", w)))
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

func (s *onboardingScreen) View() string {
	if s.whole {
		return strings.Join(s.head(), "\n")
	}
	return strings.Join(s.head(), "\n") + "\n" + s.form.View()
}

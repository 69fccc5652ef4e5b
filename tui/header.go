package tui

import (
	"strings"
)

// The header: the app, the profile (production and read-only marked
// loudly), the agent, the breadcrumbs, and the on-behalf banner.

func (m *Shell) headerHeight() int {
	if m.c.Banner != nil && m.c.Banner() != "" {
		return headerLines + 1
	}
	return headerLines
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
	room := w - st.Cells.StringWidth(left) - st.Cells.StringWidth(markers) - 3
	label := st.Cells.Truncate(m.c.Profile.Label(), max(1, min(room, 40)))
	left += st.Header.Render(" · ") + st.HeaderProfile.Render(label) + markers

	var agent string
	if a := m.c.Agent; a.Role != "" {
		name := a.Name
		if name == "" {
			name = a.AgentID
		}
		agent = st.Cells.Line(name) + " (" + st.Cells.Line(a.Role) + ")"
	} else if m.load != nil && !m.agentFailed {
		agent = "signing in…"
	} else {
		// Nothing is asking who the agent is (the first-run screen), or
		// the asking failed: "signing in…" would wait forever.
		agent = "not signed in"
	}
	room = w - st.Cells.StringWidth(left) - 2
	line1 := left
	if room >= 6 {
		agent = st.HeaderAgent.Render(st.Cells.Truncate(agent, room))
		gap := w - st.Cells.StringWidth(left) - st.Cells.StringWidth(agent)
		line1 = left + strings.Repeat(" ", max(1, gap)) + agent
	}

	lines := []string{line1, m.breadcrumbs()}
	if m.headerH > headerLines && m.c.Banner != nil {
		text := st.Cells.Truncate(m.c.Banner(), w)
		lines = append(lines, st.Banner.Render(text+strings.Repeat(" ", max(0, w-st.Cells.Width(text)))))
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
		titles[i] = st.Cells.Truncate(s.Title(), 40)
	}
	sepW := st.Cells.Width(sep)
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
			w += st.Cells.Width(titles[i])
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
			b.WriteString(st.BreadcrumbCurrent.Render(st.Cells.Truncate(titles[i], m.width)))
		} else {
			b.WriteString(st.Breadcrumb.Render(titles[i]))
		}
	}
	return b.String()
}

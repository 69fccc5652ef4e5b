package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"frontdesk/tui/sanitize"
)

// ShortHelpView renders bindings on one line of at most width cells:
// "/ search • enter open • e edit profile". Disabled bindings are greyed;
// bindings that do not fit are left out rather than cut in half.
func (c *Common) ShortHelpView(bindings []Binding, width int) string {
	st := c.Styles
	sep := st.HelpSep.Render(" • ")
	sepW := 3
	var b strings.Builder
	used := 0
	for _, k := range bindings {
		if k.Hidden || len(k.Keys) == 0 {
			continue
		}
		enabled := c.Enabled(k)
		if !enabled && st.NoColor {
			// Greying is the only mark a disabled key gets here; without
			// colour it would look usable, so it is left out (? lists it
			// with the reason).
			continue
		}
		item := k.KeyLabel() + " " + k.Help
		w := st.Cells.Width(item)
		if used > 0 {
			w += sepW
		}
		if used+w > width {
			break
		}
		if used > 0 {
			b.WriteString(sep)
		}
		if enabled {
			b.WriteString(st.HelpKey.Render(k.KeyLabel()))
			b.WriteString(" ")
			b.WriteString(st.HelpDesc.Render(k.Help))
		} else {
			b.WriteString(st.HelpDisabled.Render(item))
		}
		used += w
	}
	return b.String()
}

// helpLine is one row of the full help: a binding and why it is
// disabled. width > 0 wraps a row wider than that under its description
// (so a long reason is read whole, not cut); 0 keeps it on one line.
func (c *Common) helpLine(k Binding, keyW, width int) string {
	st := c.Styles
	label := k.KeyLabel()
	pad := strings.Repeat(" ", max(0, keyW-st.Cells.Width(label)))
	desc := k.Help
	if k.Dangerous {
		desc += " !"
	}
	reason := c.Reason(k)
	text := desc
	if reason != "" {
		// Greyed, and the reason spelled out: without colour the words
		// are what tells the agent the key will not work.
		text += " — " + reason
	}
	indent := st.Cells.Width(label+pad) + 2
	var rest []string
	if width > 0 && indent+st.Cells.Width(text) > width {
		rest = Wrap(st.Cells, text, max(8, width-indent), 0)
	} else {
		rest = []string{st.Cells.Line(text)}
	}
	var b strings.Builder
	for i, l := range rest {
		if i > 0 {
			b.WriteString("\n" + strings.Repeat(" ", indent))
		}
		switch {
		case reason != "" && i == 0:
			b.WriteString(st.HelpDisabled.Render(label + pad + "  " + l))
		case reason != "":
			b.WriteString(st.HelpDisabled.Render(l))
		case i == 0:
			b.WriteString(st.HelpKey.Render(label) + pad + "  " + st.HelpDesc.Render(l))
		default:
			b.WriteString(st.HelpDesc.Render(l))
		}
	}
	return b.String()
}

// FullHelpView renders groups of bindings as columns (stacked when they do
// not fit side by side, each row then wrapped to the width), every
// disabled binding greyed with its reason. The result is at most width
// cells wide.
func (c *Common) FullHelpView(groups [][]Binding, width int) string {
	st := c.Styles
	columns := func(wrapAt int) []string {
		var cols []string
		for _, g := range groups {
			keyW := 0
			for _, k := range g {
				if !k.Hidden && len(k.Keys) > 0 {
					keyW = max(keyW, st.Cells.Width(k.KeyLabel()))
				}
			}
			var lines []string
			for _, k := range g {
				if k.Hidden || len(k.Keys) == 0 {
					continue
				}
				lines = append(lines, c.helpLine(k, keyW, wrapAt))
			}
			if len(lines) > 0 {
				cols = append(cols, strings.Join(lines, "\n"))
			}
		}
		return cols
	}
	cols := columns(0)
	if len(cols) == 0 {
		return ""
	}
	gap := "    "
	total := 0
	for i, col := range cols {
		total += widest(st.Cells, col)
		if i > 0 {
			total += len(gap)
		}
	}
	var out string
	if total <= width {
		parts := make([]string, 0, 2*len(cols))
		for i, col := range cols {
			if i > 0 {
				parts = append(parts, gap)
			}
			parts = append(parts, col)
		}
		out = lipgloss.JoinHorizontal(lipgloss.Top, parts...)
	} else {
		out = strings.Join(columns(width), "\n\n")
	}
	return clampWidth(st.Cells, out, width)
}

// widest is the width of the widest line of a rendered block.
func widest(c sanitize.Cells, s string) int {
	w := 0
	for l := range strings.SplitSeq(s, "\n") {
		w = max(w, c.StringWidth(l))
	}
	return w
}

// clampWidth cuts every line of a rendered block to width cells.
func clampWidth(c sanitize.Cells, s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = fitLine(c, l, width)
	}
	return strings.Join(lines, "\n")
}

package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/tui/sanitize"
)

// The console measures as Bubble Tea's renderer does: grapheme clusters
// once the terminal answers the mode 2027 request with set, reset or
// permanently set (the renderer then turns the mode on), per code point
// for any other answer or none.
func TestCellsFor(t *testing.T) {
	for v, want := range map[ansi.ModeSetting]sanitize.Cells{
		ansi.ModeNotRecognized:    sanitize.PerCodePoint,
		ansi.ModeSet:              sanitize.Graphemes,
		ansi.ModeReset:            sanitize.Graphemes,
		ansi.ModePermanentlySet:   sanitize.Graphemes,
		ansi.ModePermanentlyReset: sanitize.PerCodePoint,
	} {
		if got := CellsFor(v); got != want {
			t.Errorf("CellsFor(%d) = %s, want %s", v, got, want)
		}
	}
}

// Each session follows its own terminal's report: a shell switches when
// its terminal reports mode 2027, keeps the measure across a theme change,
// and another session in the same process is not touched. The header,
// which carries the agent's name, fills the width exactly under the
// session's measure.
func TestShellFollowsTheTerminalsWidthMethod(t *testing.T) {
	agent := &api.Me{AgentID: "a1", Name: "👩\u200d👩\u200d👧 Family \u2764\ufe0f 👍🏽", Role: api.RoleAgent}
	m, _ := testShell(t, Options{Agent: agent})
	other, _ := testShell(t, Options{Agent: agent})
	headerFills := func(m *Shell) {
		t.Helper()
		c := m.Common().Styles.Cells
		head := strings.Split(content(m), "\n")[0]
		if got := c.StringWidth(head); got != 100 {
			t.Errorf("%s: the header is %d cells, want 100: %q", c, got, head)
		}
		if !strings.HasSuffix(head, "(agent)") {
			t.Errorf("%s: the agent is not at the right edge: %q", c, head)
		}
	}

	if got := m.Common().Styles.Cells; got != sanitize.PerCodePoint {
		t.Fatalf("before any report the measure is %s, want per code point", got)
	}
	headerFills(m)
	send(t, m, tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeNotRecognized})
	send(t, m, tea.ModeReportMsg{Mode: ansi.ModeSynchronizedOutput, Value: ansi.ModeSet})
	if got := m.Common().Styles.Cells; got != sanitize.PerCodePoint {
		t.Fatalf("after 2027 not recognized and 2026 set the measure is %s", got)
	}
	send(t, m, tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeReset})
	if got := m.Common().Styles.Cells; got != sanitize.Graphemes {
		t.Fatalf("after 2027 reset (supported) the measure is %s, want graphemes", got)
	}
	headerFills(m)
	send(t, m, tea.BackgroundColorMsg{Color: lightGrey{}})
	if got := m.Common().Styles.Cells; got != sanitize.Graphemes || m.Common().Styles.IsDark {
		t.Fatalf("the theme change lost the measure (%s) or was not applied", got)
	}
	if got := other.Common().Styles.Cells; got != sanitize.PerCodePoint {
		t.Fatalf("another session's measure changed to %s", got)
	}
	headerFills(other)
}

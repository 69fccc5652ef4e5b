package screens

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// widthNames are names terminals measure differently: a ZWJ family, a
// flag, stacked combining marks, CJK, and plain ASCII to compare with.
var widthNames = []struct{ kind, first, last string }{
	{"family", "👩\u200d👩\u200d👧", "Family"},
	{"flag", "🇰🇪", "Kenya"},
	{"zalgo", "Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307lgo", "Otieno"},
	{"cjk", "王小明", "山田"},
	{"ascii", "Jane", "Doe"},
}

// widthMethods are the two ways a terminal counts cells, each with the
// report that selects it (none: the terminal did not answer the mode 2027
// request, as tmux 3.3, xterm and the Linux console do not).
var widthMethods = []struct {
	name   string
	report *tea.ModeReportMsg
	method ansi.Method
}{
	{"per code point", nil, ansi.WcWidth},
	{"graphemes", &tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeReset}, ansi.GraphemeWidth},
}

// createWidthCustomers adds widthNames to the sandbox through its API, as
// width-KIND@frontdesk.test.
func createWidthCustomers(t *testing.T, env *sandboxtest.Env) {
	t.Helper()
	cl := newClient(t, env, api.RoleSupervisor, env.URL)
	for i, n := range widthNames {
		if _, err := cl.CreateCustomer(context.Background(), api.CustomerCreate{
			Email: "width-" + n.kind + "@frontdesk.test", FirstName: n.first, LastName: n.last,
			Phone: fmt.Sprintf("+2547220%05d", i),
		}); err != nil {
			t.Fatalf("create %s: %v", n.kind, err)
		}
	}
}

// columnAt is the display column where sub starts in line, measured with
// m, or -1.
func columnAt(m ansi.Method, line, sub string) int {
	i := strings.Index(line, sub)
	if i < 0 {
		return -1
	}
	return m.StringWidth(line[:i])
}

// The search's rows line up under each width method: the email and phone
// columns start at the columns their titles do, measured the way the
// terminal measures (the method Bubble Tea's renderer switches to on the
// same report), and no row is wider than the terminal.
func TestSearchColumnsLineUpUnderEachWidthMethod(t *testing.T) {
	env := newSandbox(t, 20)
	createWidthCustomers(t, env)
	for _, wm := range widthMethods {
		t.Run(wm.name, func(t *testing.T) {
			tm, p := startConsole(t, env, api.RoleAgent, env.URL, 80, 24)
			p.waitFor(t, "page 1 of", "Amani Agent (agent)")
			if wm.report != nil {
				tm.Send(*wm.report)
			}
			tm.Type("width-")
			f := p.waitFor(t, fmt.Sprintf("%d customers matching \"width-\"", len(widthNames)))
			var head string
			var rows []string
			for _, l := range strings.Split(f, "\n") {
				switch {
				case strings.Contains(l, "Name") && strings.Contains(l, "Email"):
					head = l
				case strings.Contains(l, "width-") && strings.Contains(l, "@"):
					rows = append(rows, l)
				}
			}
			if head == "" || len(rows) != len(widthNames) {
				t.Fatalf("no column titles or %d rows, want %d:\n%s", len(rows), len(widthNames), f)
			}
			email, phone := columnAt(wm.method, head, "Email"), columnAt(wm.method, head, "Phone")
			for _, r := range rows {
				if got := columnAt(wm.method, r, "width-"); got != email {
					t.Errorf("the email starts at column %d, its title at %d: %q", got, email, r)
				}
				if got := columnAt(wm.method, r, "+2547220"); got != phone {
					t.Errorf("the phone starts at column %d, its title at %d: %q", got, phone, r)
				}
				if got := wm.method.StringWidth(r); got > 80 {
					t.Errorf("the row is %d cells, wider than the terminal: %q", got, r)
				}
			}
		})
	}
}

// tableRow pads every cell to its column under the session's measure: the
// second column starts at the same display column on every row, measured
// the same way.
func TestTableRowsLineUpUnderEachMeasure(t *testing.T) {
	cols := []column{{title: "Name", min: 10, weight: 1}, {title: "Email", min: 10, weight: 1}, {title: "Total", min: 8, right: true}}
	for _, c := range []sanitize.Cells{sanitize.PerCodePoint, sanitize.Graphemes} {
		st := tui.NewStyles(true, true)
		st.Cells = c
		for _, width := range []int{40, 80} {
			widths := fitColumns(cols, width)
			want := columnAt(c.Method(), tableHeader(st, cols, widths), "Email")
			for i, n := range widthNames {
				for _, selected := range []bool{false, true} {
					row := ansi.Strip(tableRow(st, cols, widths, []cell{{text: n.first + " " + n.last}, {text: "mail-" + n.kind}, {text: "KES 1.00"}}, selected, width))
					if got := columnAt(c.Method(), row, "mail-"); got != want {
						t.Errorf("%s, %d wide, row %d: the second column starts at %d, want %d: %q", c, width, i, got, want, row)
					}
					if got := c.Method().StringWidth(row); got > width || (selected && got != width) {
						t.Errorf("%s, %d wide, row %d: %d cells: %q", c, width, i, got, row)
					}
				}
			}
		}
	}
}

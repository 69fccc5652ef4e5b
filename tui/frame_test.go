package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
)

func TestTooSmall(t *testing.T) {
	m, root := testShell(t, Options{})
	for _, size := range []tea.WindowSizeMsg{{Width: 59, Height: 30}, {Width: 100, Height: 15}} {
		send(t, m, size)
		v := content(m)
		want := fmt.Sprintf("Terminal too small: %d×%d", size.Width, size.Height)
		if !strings.Contains(v, want) || strings.Contains(v, "body of Search") {
			t.Errorf("at %dx%d view is:\n%s", size.Width, size.Height, v)
		}
		// Mouse events are dropped rather than mapped onto a layout that
		// is not drawn.
		send(t, m, tea.MouseWheelMsg{X: 1, Y: 3, Button: tea.MouseWheelDown})
		if len(root.wheel) != 0 {
			t.Errorf("wheel reached the screen while too small")
		}
	}
	send(t, m, tea.WindowSizeMsg{Width: 60, Height: 16})
	if v := content(m); strings.Contains(v, "too small") || len(strings.Split(v, "\n")) != 16 {
		t.Errorf("at 60x16 the view is %d lines:\n%s", len(strings.Split(v, "\n")), v)
	}
}

func TestHeader(t *testing.T) {
	m, _ := testShell(t, Options{Profile: Profile{Name: "prod", Production: true, ReadOnly: true}, NoColor: true})
	lines := strings.Split(content(m), "\n")
	if !strings.Contains(lines[0], "PRODUCTION") || !strings.Contains(lines[0], "READ-ONLY") ||
		!strings.Contains(lines[0], "prod") || !strings.Contains(lines[0], "Amina Otieno (agent)") {
		t.Errorf("header line is %q", lines[0])
	}
	plain, _ := testShell(t, Options{Profile: Profile{Host: "api.shop.test"}})
	first := strings.Split(content(plain), "\n")[0]
	if strings.Contains(first, "PRODUCTION") || strings.Contains(first, "READ-ONLY") || !strings.Contains(first, "api.shop.test") {
		t.Errorf("non-production header is %q", first)
	}
	// The agent's name comes from the API: it is sanitized like any data.
	hostile := &api.Me{Name: "Eve\x1b]0;pwned\x07", Role: api.RoleAgent}
	h, _ := testShell(t, Options{Agent: hostile})
	if v := raw(h); strings.Contains(v, "\x1b]") || !strings.Contains(v, "Eve␛]0;pwned␇") {
		t.Errorf("hostile agent name not made inert:\n%q", strings.Split(v, "\n")[0])
	}
}

func TestAgentLoad(t *testing.T) {
	loaded := make(chan struct{}, 1)
	m, _ := testShell(t, Options{LoadAgent: func(ctx context.Context) (api.Me, error) {
		loaded <- struct{}{}
		return api.Me{Name: "Loaded Agent", Role: api.RoleSupervisor}, nil
	}})
	if !strings.Contains(content(m), "signing in…") {
		t.Errorf("header before /me:\n%s", content(m))
	}
	for _, msg := range collect(t, m.Init()) {
		sendAll(t, m, msg)
	}
	<-loaded
	if m.Common().Agent.Role != api.RoleSupervisor || !strings.Contains(content(m), "Loaded Agent (supervisor)") {
		t.Errorf("agent not loaded:\n%s", content(m))
	}
	if m.Common().InFlight() != 0 {
		t.Errorf("in flight %d after /me answered", m.Common().InFlight())
	}

	failing, _ := testShell(t, Options{LoadAgent: func(ctx context.Context) (api.Me, error) {
		return api.Me{}, errors.New("401 unauthorized: run frontdesk auth login")
	}})
	for _, msg := range collect(t, failing.Init()) {
		sendAll(t, failing, msg)
	}
	if !strings.Contains(content(failing), "run frontdesk auth login") {
		t.Errorf("failed /me not shown:\n%s", content(failing))
	}
	if first := strings.Split(content(failing), "\n")[0]; strings.Contains(first, "signing in…") || !strings.Contains(first, "not signed in") {
		t.Errorf("after a failed /me the header still waits: %q", first)
	}
}

func TestTheme(t *testing.T) {
	m, _ := testShell(t, Options{})
	if !m.Common().Styles.IsDark {
		t.Fatal("not dark before the terminal answers")
	}
	dark := raw(m)
	send(t, m, tea.BackgroundColorMsg{Color: lightGrey{}})
	if m.Common().Styles.IsDark {
		t.Fatal("a light background left the dark theme")
	}
	if raw(m) == dark {
		t.Error("the light theme draws the same as the dark one")
	}
}

type lightGrey struct{}

func (lightGrey) RGBA() (r, g, b, a uint32) { return 0xeeee, 0xeeee, 0xeeee, 0xffff }

func TestNoColorHasNoSGR(t *testing.T) {
	build := func(noColor bool) string {
		m, _ := testShell(t, Options{NoColor: noColor, Profile: Profile{Name: "prod", Production: true, ReadOnly: true}})
		send(t, m, ToastMsg{Kind: ToastError, Text: "boom"})
		send(t, m, tea.BackgroundColorMsg{Color: lightGrey{}})
		return raw(m)
	}
	if v := build(false); !strings.Contains(v, "\x1b[") {
		t.Fatal("the colour view has no SGR: the test below would prove nothing")
	}
	v := build(true)
	if strings.Contains(v, "\x1b[") {
		i := strings.Index(v, "\x1b[")
		t.Errorf("NO_COLOR view has an escape sequence near %q", v[max(0, i-20):min(len(v), i+20)])
	}
	m, _ := testShell(t, Options{NoColor: true})
	sendAll(t, m, keyText("?"))
	if strings.Contains(raw(m), "\x1b[") {
		t.Error("NO_COLOR help overlay has an escape sequence")
	}
}

func ansiWidth(s string) int { return ansi.StringWidth(s) }

func TestBannerLine(t *testing.T) {
	banner := ""
	m, root := testShell(t, Options{Banner: func() string { return banner }})
	h := root.h
	banner = "acting as Wanjiru Kamau — 14:59 left"
	send(t, m, struct{}{})
	if root.h != h-1 {
		t.Fatalf("banner did not shrink the content: %d → %d", h, root.h)
	}
	if lines := strings.Split(content(m), "\n"); !strings.Contains(lines[2], banner) || len(lines) != 30 {
		t.Errorf("banner line %q, %d lines", lines[2], len(lines))
	}
	banner = ""
	send(t, m, struct{}{})
	if root.h != h {
		t.Errorf("content did not grow back: %d", root.h)
	}
}

func TestViewIsExactlyTheTerminal(t *testing.T) {
	m, root := testShell(t, Options{})
	root.body = strings.Repeat(strings.Repeat("山", 80)+"\n", 100) // too wide and too tall
	lines := strings.Split(content(m), "\n")
	if len(lines) != 30 {
		t.Fatalf("view is %d lines, want 30", len(lines))
	}
	for i, l := range lines {
		if w := ansiWidth(l); w > 100 {
			t.Errorf("line %d is %d cells", i, w)
		}
	}
}

func BenchmarkShellView(b *testing.B) {
	c := NewCommon(context.Background(), Profile{Name: "prod", Production: true}, nil, false)
	var rows []string
	for i := range 60 {
		rows = append(rows, c.Styles.Value.Render(fmt.Sprintf("%-30s", fmt.Sprintf("Customer %d 山田 🎉", i)))+"  "+
			c.Styles.Muted.Render(fmt.Sprintf("customer%d@example.co.ke", i))+"  "+c.Styles.Success.Render("KES 12,345.00"))
	}
	m, err := New(context.Background(), Options{
		Profile: Profile{Name: "prod", Production: true},
		Agent:   &api.Me{Name: "Amina", Role: api.RoleAgent},
		Root: func(c *Common) Screen {
			s := newFake(c, "Search")
			s.body = strings.Join(rows, "\n")
			return s
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m.Update(ToastMsg{Text: "saved"})
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

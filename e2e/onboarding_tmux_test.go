package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// The first-run screen in the real binary, in a real terminal, at the
// sizes agents use: with no keyring (this tmux session has no D-Bus) the
// error, its cause and its advice are on screen, not cut off under the
// form; the two Yes/No toggles line up; ctrl+c over the typed draft asks
// before it quits.
func TestConsoleOnboardingErrorOnScreen(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		t.Run(strconv.Itoa(size[0])+"x"+strconv.Itoa(size[1]), func(t *testing.T) {
			x := newConsoleTmux(t, bin, size[0], size[1])
			x.run(`env -u DBUS_SESSION_BUS_ADDRESS frontdesk; echo "EXIT:$?"`)
			s := x.waitFor(20*time.Second, "Connect frontdesk to your store", "Store URL")
			if size[1] >= 24 {
				var cols []int
				for _, l := range strings.Split(s, "\n") {
					if strings.Contains(l, "Production store") || strings.Contains(l, "Read-only (no") {
						cols = append(cols, strings.Index(l, "Yes"))
					}
				}
				if len(cols) != 2 || cols[0] < 0 || cols[0] != cols[1] {
					t.Errorf("Yes sits at columns %v:\n%s", cols, s)
				}
			}
			x.typeText("http://127.0.0.1:9")
			x.keys("Tab")
			x.typeText("ck_e2e")
			x.keys("Tab")
			x.typeText("cs_e2e_secret")
			x.keys("C-s")
			flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
			s = x.waitUntil(20*time.Second, "the keyring error", func(s string) bool {
				return strings.Contains(flat(s), "no keyring")
			})
			if !strings.Contains(flat(s), "FRONTDESK_API_SECRET") {
				// Longer than the room above the form: the rest is one
				// key away, and the screen says which.
				if !strings.Contains(s, "ctrl+e shows the whole message") {
					t.Fatalf("the error's advice is cut and nothing says how to read it:\n%s", s)
				}
				x.keys("C-e")
				s = x.waitUntil(10*time.Second, "the whole message", func(s string) bool {
					return strings.Contains(flat(s), "FRONTDESK_API_SECRET")
				})
				x.keys("Right")
				x.waitFor(10*time.Second, "Secret")
			}
			if strings.Contains(s, "cs_e2e_secret") {
				t.Fatalf("the secret is on screen:\n%s", s)
			}
			if strings.Contains(s, "signing in…") {
				t.Errorf("the header waits for a sign-in nobody started:\n%s", s)
			}
			x.keys("C-c")
			x.waitFor(10*time.Second, "press ctrl+c again")
			x.keys("C-c")
			x.waitFor(10*time.Second, "EXIT:0")
		})
	}
}

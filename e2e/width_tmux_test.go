package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// widthCustomers are names terminals measure differently: a ZWJ family, a
// flag, stacked combining marks, CJK, an emoji with VS16, one with a
// skin-tone modifier, and plain ASCII to compare with.
var widthCustomers = []struct{ kind, first, last string }{
	{"family", "👩\u200d👩\u200d👧", "Family"},
	{"flag", "🇰🇪", "Kenya"},
	{"zalgo", "Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307lgo", "Otieno"},
	{"cjk", "王小明", "山田"},
	{"heart", "\u2764\ufe0f", "Heart"},
	{"thumb", "👍🏽", "Thumb"},
	{"ascii", "Jane", "Doe"},
}

// TestConsoleColumnsLineUpInTmux runs the console in an 80x24 tmux on a
// desk server holding customers with such names (created through the
// API), searches for them, and checks what tmux shows: on every row the
// email and the phone start at the columns of their titles, and the last
// column is whole. tmux does not support grapheme clustering (mode 2027),
// so the console must lay rows out per code point. The columns are
// measured by tmux itself: each row's text up to the email is printed in
// a second window and tmux says where its cursor stopped.
func TestConsoleColumnsLineUpInTmux(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)
	x := newConsoleTmux(t, bin, 80, 24)
	desk := serve(t, bin, []string{"server", "--db", filepath.Join(x.dir, "desk.db"), "--addr", "127.0.0.1:0"}, "key", "secret")
	key, secret := desk.Lines["key"], desk.Lines["secret"]
	for i, c := range widthCustomers {
		body, _ := json.Marshal(map[string]string{"email": "width-" + c.kind + "@frontdesk.test",
			"first_name": c.first, "last_name": c.last, "phone": fmt.Sprintf("+2547220%05d", i)})
		req, _ := http.NewRequest("POST", desk.URL()+"/api/v1/customers", bytes.NewReader(body))
		req.SetBasicAuth(key, secret)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create %s: %s", c.kind, resp.Status)
		}
	}

	x.run("FRONTDESK_API_URL=" + desk.URL() + " FRONTDESK_API_KEY=" + key + " FRONTDESK_API_SECRET=" + secret + ` frontdesk; echo "EXIT:$?"`)
	x.waitFor(20*time.Second, strconv.Itoa(len(widthCustomers))+" customers")
	x.typeText("width-")
	s := x.waitFor(10*time.Second, fmt.Sprintf("%d customers matching \"width-\"", len(widthCustomers)))

	var head string
	var rows []string
	for _, l := range strings.Split(s, "\n") {
		switch {
		case strings.Contains(l, "Name") && strings.Contains(l, "Email"):
			head = l
		case strings.Contains(l, "width-") && strings.Contains(l, "@"):
			rows = append(rows, l)
		}
	}
	if head == "" || len(rows) != len(widthCustomers) {
		t.Fatalf("no column titles or %d rows, want %d:\n%s", len(rows), len(widthCustomers), s)
	}
	p := newTmuxProbe(x)
	email, phone := p.column(head, "Email"), p.column(head, "Phone")
	for _, r := range rows {
		if got := p.column(r, "width-"); got != email {
			t.Errorf("tmux shows the email at column %d, its title at %d: %q", got, email, r)
		}
		if got := p.column(r, "+2547220"); got != phone {
			t.Errorf("tmux shows the phone at column %d, its title at %d: %q", got, phone, r)
		}
		if !strings.HasSuffix(strings.TrimRight(r, " "), "KES 0.00") {
			t.Errorf("the row's last column is cut: %q", r)
		}
	}
	x.keys("C-c")
	x.waitFor(10*time.Second, "EXIT:0")
}

// tmuxProbe measures text the way tmux does, in a window of its own on
// the test's tmux server.
type tmuxProbe struct {
	x *consoleTmux
	n int
}

func newTmuxProbe(x *consoleTmux) *tmuxProbe { return &tmuxProbe{x: x} }

// probeEnd follows the text a probe prints: once tmux shows it, tmux has
// taken in everything before it.
const probeEnd = "#PROBE-END#"

// column is the column at which tmux puts sub when it prints line: the
// cells tmux's cursor advances over line up to sub. It fails the test if
// line has no sub.
func (p *tmuxProbe) column(line, sub string) int {
	t := p.x.t
	t.Helper()
	i := strings.Index(line, sub)
	if i < 0 {
		t.Fatalf("%q is not in %q", sub, line)
	}
	p.n++
	file := filepath.Join(p.x.dir, "probe-"+strconv.Itoa(p.n))
	if err := os.WriteFile(file, []byte(line[:i]+probeEnd), 0o600); err != nil {
		t.Fatal(err)
	}
	win := "probe" + strconv.Itoa(p.n)
	p.x.tmux("new-window", "-d", "-t", "fd", "-n", win, "cat "+file+"; exec sleep 600")
	defer p.x.tmux("kill-window", "-t", "fd:"+win)
	deadline := time.Now().Add(10 * time.Second)
	for {
		shown := p.x.tmux("capture-pane", "-p", "-t", "fd:"+win)
		if strings.Contains(shown, probeEnd) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the probe window never showed %q:\n%s", probeEnd, shown)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
	out := strings.TrimSpace(p.x.tmux("display-message", "-p", "-t", "fd:"+win, "#{cursor_y} #{cursor_x}"))
	y, x, _ := strings.Cut(out, " ")
	if y != "0" {
		t.Fatalf("the probe wrapped to line %s: %q is wider than the window", y, line[:i])
	}
	col, err := strconv.Atoi(x)
	if err != nil {
		t.Fatalf("cursor_x %q: %v", x, err)
	}
	return col - len(probeEnd)
}

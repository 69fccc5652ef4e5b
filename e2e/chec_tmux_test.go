package e2e

import (
	"bufio"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"frontdesk/api"
	checdialect "frontdesk/dialect/chec"
)

// checServe runs `frontdesk sandbox serve --dialect chec` on a seeded
// SQLite file and returns the url, key (public key) and secret (secret
// key) it printed. It is stopped (SIGTERM) when the test ends.
func checServe(t *testing.T, bin, dbPath string, customers string) (url, key, secret string) {
	t.Helper()
	cmd := exec.Command(bin, "sandbox", "serve", "--db", dbPath, "--seed", customers, "--dialect", "chec", "--addr", "127.0.0.1:0")
	home := t.TempDir()
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "cfg"), "XDG_STATE_HOME=" + filepath.Join(home, "state"), "PATH=/usr/bin:/bin"}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("sandbox serve did not stop on SIGTERM")
		}
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(60 * time.Second)
	for url == "" || key == "" || secret == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("sandbox serve --dialect chec ended before printing url, key and secret:\n%s", stderr.String())
			}
			k, v, _ := strings.Cut(l, ": ")
			switch k {
			case "url":
				url = v
			case "key":
				key = v
			case "secret":
				secret = v
			}
		case <-deadline:
			t.Fatalf("sandbox serve --dialect chec printed no credentials in time:\n%s", stderr.String())
		}
	}
	go func() {
		for range lines {
		}
	}()
	if !strings.HasPrefix(key, "pk_test_") || !strings.HasPrefix(secret, "sk_test_") {
		t.Fatalf("chec credentials: key %q, secret %q", key, secret)
	}
	return url, key, secret
}

// TestConsoleOnChecPlatform drives the console in tmux on the chec
// platform, against `sandbox serve --dialect chec` (Commerce.js REST v1):
// search by a fragment of an email, open the profile, read the orders
// and one order, edit the first name; then someone else changes the
// customer while the agent edits, and the driver's re-read before its PUT
// shows the conflict as a 412 would. What Chec lacks has no tab (Loyalty,
// Notes) or says Chec's sentence (acting on behalf).
func TestConsoleOnChecPlatform(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)
	x := newConsoleTmux(t, bin, 160, 48)
	dbPath := filepath.Join(x.dir, "shop.db")
	url, key, secret := checServe(t, bin, dbPath, "300")

	x.run("FRONTDESK_PLATFORM=chec FRONTDESK_API_URL=" + url + " FRONTDESK_API_KEY=" + key + " FRONTDESK_API_SECRET=" + secret +
		` frontdesk; echo "EXIT:$?"`)
	x.waitFor(20*time.Second, "300 customers", "Chec store "+key)

	cust := consolePickCustomer(t, dbPath)
	cid := checdialect.EncodeID(checdialect.PrefixCustomer, api.ID(strconv.FormatInt(cust.id, 10)))
	var orders int
	var newest string
	db := openRO(t, dbPath)
	if err := db.QueryRow(`SELECT COUNT(*), (SELECT number FROM orders WHERE customer_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1)
		FROM orders WHERE customer_id = ?1`, cust.id).Scan(&orders, &newest); err != nil || orders == 0 {
		t.Fatalf("orders of %d: %d %q %v", cust.id, orders, newest, err)
	}

	x.typeText(cust.fragment)
	x.waitFor(10*time.Second, `1 customer matching "`+cust.fragment+`"`, cust.email)
	x.keys("Enter")
	tabs := x.waitFor(10*time.Second, "1 Overview", cust.email, "id "+cid)
	if !strings.Contains(tabs, "1 Overview  2 Orders  3 Activity") || strings.Contains(tabs, "Loyalty") || strings.Contains(tabs, "Notes") {
		t.Fatalf("a Chec profile should have Overview, Orders and Activity only:\n%s", tabs)
	}

	// Orders, newest first, and the newest one opened.
	x.keys("2")
	x.waitFor(10*time.Second, strconv.Itoa(orders)+" order", "#"+newest)
	x.keys("Enter")
	x.waitFor(10*time.Second, "Order #"+newest, "Items", "Subtotal", "Shipping")
	x.keys("Escape")
	x.waitFor(10*time.Second, "enter open order", "#"+newest)

	// Acting on behalf is refused with Chec's sentence.
	x.keys("o")
	x.waitFor(10*time.Second, "act on behalf: Commerce.js has no way for a merchant to act as a customer")

	// Edit the first name: PUT /v1/customers/{id}, stored.
	x.keys("1")
	x.waitFor(10*time.Second, "Contact")
	x.keys("e")
	x.waitFor(10*time.Second, "Edit ", "ctrl+s save")
	x.keys("C-u")
	x.typeText("Wairimu")
	x.keys("C-s")
	x.waitFor(10*time.Second, "Saved Wairimu")
	var first, last string
	if err := db.QueryRow(`SELECT first_name, last_name FROM customers WHERE id = ?`, cust.id).Scan(&first, &last); err != nil || first != "Wairimu" {
		t.Fatalf("stored first name %q (%v)", first, err)
	}

	// Someone else changes the last name while the agent edits: Chec's PUT
	// has no version, the driver's re-read catches it and the console
	// shows both sides; re-applying sends only the agent's change.
	x.keys("e")
	x.waitFor(10*time.Second, "Edit ", "ctrl+s save")
	req, err := http.NewRequest("PUT", url+"/v1/customers/"+cid, strings.NewReader(`{"lastname":"Otieno-Kamau"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Authorization", secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the other PUT: %d", resp.StatusCode)
	}
	x.keys("C-u")
	x.typeText("Njeri")
	x.keys("C-s")
	x.waitFor(10*time.Second, "Someone else saved this customer", "Otieno-Kamau", "Re-apply my changes")
	if err := db.QueryRow(`SELECT first_name FROM customers WHERE id = ?`, cust.id).Scan(&first); err != nil || first != "Wairimu" {
		t.Fatalf("the stale edit was written: first name %q (%v)", first, err)
	}
	x.keys("Enter")
	x.waitFor(10*time.Second, "Saved Njeri Otieno-Kamau")
	if err := db.QueryRow(`SELECT first_name, last_name FROM customers WHERE id = ?`, cust.id).Scan(&first, &last); err != nil ||
		first != "Njeri" || last != "Otieno-Kamau" {
		t.Fatalf("after re-applying: %q %q (%v)", first, last, err)
	}
	x.keys("q", "q")
	x.waitFor(10*time.Second, "EXIT:0")
}

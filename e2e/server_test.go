package e2e

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// `frontdesk server` stops gracefully: on SIGTERM /readyz turns 503
// while the drain delay runs, a request already in flight (its body half
// sent) still gets its answer, the process exits 0, and what that request
// wrote is there after a restart.
func TestServerStopsGracefully(t *testing.T) {
	bin := buildFrontdesk(t)
	db := filepath.Join(t.TempDir(), "desk.db")
	args := []string{"server", "--db", db, "--addr", "127.0.0.1:0", "--drain-delay", "2s", "--shutdown-timeout", "20s"}
	s := serve(t, bin, args, "key", "secret")
	base, key, secret := s.URL(), s.Lines["key"], s.Lines["secret"]

	for _, p := range []string{"/healthz", "/readyz"} {
		if code := status(t, base+p); code != 200 {
			t.Fatalf("%s: %d", p, code)
		}
	}

	// A create whose body arrives in two halves, around the SIGTERM.
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"email":"graceful@example.co.ke","first_name":"Neema","last_name":"Achieng","phone":"0722000111"}`
	auth := base64.StdEncoding.EncodeToString([]byte(key + ":" + secret))
	fmt.Fprintf(conn, "POST /api/v1/customers HTTP/1.1\r\nHost: %s\r\nAuthorization: Basic %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		u.Host, auth, len(body), body[:20])

	s.cmd.Process.Signal(syscall.SIGTERM)
	deadline := time.Now().Add(10 * time.Second)
	for status(t, base+"/readyz") != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("/readyz never turned 503 after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond) // polling, not synchronising
	}

	io.WriteString(conn, body[20:])
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v\n%s", err, s.stderr)
	}
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the request in flight: %d %s", resp.StatusCode, answer)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("the server exited with %v after a graceful stop:\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not exit after the drain")
	}

	// The customer is there after a restart (no key printed this time).
	s2 := serve(t, bin, args)
	req, _ := http.NewRequest("GET", s2.URL()+"/api/v1/customers?search=graceful@example.co.ke", nil)
	req.SetBasicAuth(key, secret)
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	got, _ := io.ReadAll(r2.Body)
	if r2.StatusCode != 200 || !strings.Contains(string(got), `"total":1`) {
		t.Fatalf("after the restart: %d %s", r2.StatusCode, got)
	}
	if _, printed := s2.Lines["secret"]; printed {
		t.Error("a restart printed a new secret")
	}
}

// status is the status code of GET url.
func status(t *testing.T, url string) int {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	r.Body.Close()
	return r.StatusCode
}

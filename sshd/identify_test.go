package sshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// authedSession is a session as the SSH library hands it to the
// middlewares: the key it says the client used, and the permissions
// recorded when a key was accepted during authentication.
type authedSession struct {
	ssh.Session
	key   ssh.PublicKey
	perms ssh.Permissions
}

func (s authedSession) PublicKey() ssh.PublicKey     { return s.key }
func (s authedSession) Permissions() ssh.Permissions { return s.perms }

func testKey(t *testing.T) gossh.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func permsFor(agent string, key gossh.PublicKey) ssh.Permissions {
	return ssh.Permissions{Permissions: &gossh.Permissions{Extensions: map[string]string{
		extAgent: agent, extKeyFP: gossh.FingerprintSHA256(key),
	}}}
}

// TestIdentifyRechecksTheSessionKey is the CVE-2023-43809 guard: the
// session's key must be the key that was accepted at authentication, and
// must belong, now, to the agent recorded then.
func TestIdentifyRechecksTheSessionKey(t *testing.T) {
	sup, viewer, gone := testKey(t), testKey(t), testKey(t)
	line := func(k gossh.PublicKey) string { return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k))) }
	set, err := ParseAgents([]byte(fmt.Sprintf(`
[[agent]]
id = "sup"
name = "Sifa"
role = "supervisor"
keys = [%q]

[[agent]]
id = "view"
name = "Vera"
role = "viewer"
keys = [%q]
`, line(sup), line(viewer))))
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{}
	s.agents.Store(set)
	cases := []struct {
		name      string
		sess      authedSession
		wantAgent string
		why       string
	}{
		{"consistent", authedSession{key: viewer, perms: permsFor("view", viewer)}, "view", ""},
		{"supervisor's key accepted, viewer's key in the session", authedSession{key: viewer, perms: permsFor("sup", sup)}, "", "not the key that authenticated"},
		{"viewer's key in the session, supervisor recorded", authedSession{key: viewer, perms: ssh.Permissions{Permissions: &gossh.Permissions{Extensions: map[string]string{
			extAgent: "sup", extKeyFP: gossh.FingerprintSHA256(viewer)}}}}, "", "another agent"},
		{"no key", authedSession{perms: permsFor("view", viewer)}, "", "no public key"},
		{"no record", authedSession{key: viewer, perms: ssh.Permissions{Permissions: &gossh.Permissions{}}}, "", "no authentication record"},
		{"key no longer listed", authedSession{key: gone, perms: permsFor("view", gone)}, "", "no longer in the agents file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, _, why := s.identify(tc.sess)
			switch {
			case tc.wantAgent == "" && a != nil:
				t.Fatalf("let in as %q", a.ID)
			case tc.wantAgent != "" && (a == nil || a.ID != tc.wantAgent):
				t.Fatalf("agent %v (%s), want %q", a, why, tc.wantAgent)
			case !strings.Contains(why, tc.why):
				t.Fatalf("why = %q, want %q", why, tc.why)
			}
		})
	}
}

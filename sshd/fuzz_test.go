package sshd

import "testing"

// FuzzParseAgents feeds arbitrary bytes as the agents file: ParseAgents
// never panics, and every agent it accepts has an id, a role and at least
// one key (the gateway fails closed on anything less).
func FuzzParseAgents(f *testing.F) {
	f.Add([]byte("[[agent]]\nid = \"amani\"\nname = \"Amani\"\nrole = \"agent\"\nkeys = [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG8ZeoqU+D3F2ER2cXJf7A2kr1x4xN3kVbM5UyQnqT4h amani@laptop\"]\n"))
	f.Add([]byte("[[agent]]\nid = \"\"\nkeys = []\n"))
	f.Add([]byte("[[agent]]\nid = \"x\"\nrole = \"root\"\nkeys = [\"ssh-rsa AAAA\"]\n"))
	f.Add([]byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := ParseAgents(data)
		if err != nil {
			return
		}
		for _, a := range set.Agents() {
			if a.ID == "" || a.Role == "" || len(a.Keys) == 0 {
				t.Fatalf("accepted an agent that cannot work: %+v", a)
			}
		}
	})
}

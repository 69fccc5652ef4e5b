package sshd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
	gossh "golang.org/x/crypto/ssh"

	"frontdesk/api"
)

// Roles the gateway serves. Admins manage keys and agents with the API's
// own tools, never over the gateway.
var gatewayRoles = []string{api.RoleViewer, api.RoleAgent, api.RoleSupervisor}

// maxAgentsFileSize bounds what a reload may read: an agents file is a few
// lines per agent.
const maxAgentsFileSize = 4 << 20

// agentIDPattern is what an agent id may look like: it travels in the
// X-Frontdesk-Agent header and in log lines.
var agentIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// Agent is one entry of the agents file: who may connect, as whom the
// gateway then calls the API, and what the gateway itself lets them do.
type Agent struct {
	// ID is the API's agent id, sent in X-Frontdesk-Agent.
	ID string
	// Name is shown in logs and in whoami.
	Name string
	// Role is viewer, agent or supervisor. The API enforces the agent's
	// role from its own records; the gateway checks this one as well
	// before it offers an action, so the stricter of the two wins.
	Role string
	// LoyaltyLimit, when HasLoyaltyLimit, caps the points of one loyalty
	// adjustment below what the API allows (it can only lower it).
	LoyaltyLimit    int64
	HasLoyaltyLimit bool
	// Keys are the agent's public keys.
	Keys []gossh.PublicKey
}

// HasKey reports whether k is one of the agent's keys.
func (a *Agent) HasKey(k gossh.PublicKey) bool {
	if k == nil {
		return false
	}
	m := k.Marshal()
	return slices.ContainsFunc(a.Keys, func(x gossh.PublicKey) bool { return bytes.Equal(x.Marshal(), m) })
}

// sameGrant reports whether b grants exactly what a does to a session
// authenticated with key: same role, same limit, key still listed. A
// reload keeps a session only when this holds.
func (a *Agent) sameGrant(b *Agent, key gossh.PublicKey) bool {
	return a.ID == b.ID && a.Role == b.Role && a.HasLoyaltyLimit == b.HasLoyaltyLimit &&
		a.LoyaltyLimit == b.LoyaltyLimit && b.HasKey(key)
}

// AgentSet is a parsed agents file. It is never modified after parsing; a
// reload builds a new one and swaps it in.
type AgentSet struct {
	agents []*Agent
	byKey  map[string]*Agent // key.Marshal() → agent
	byID   map[string]*Agent
}

// Len is the number of agents.
func (s *AgentSet) Len() int { return len(s.agents) }

// Agents lists the agents in file order.
func (s *AgentSet) Agents() []*Agent { return slices.Clone(s.agents) }

// ByKey finds the agent a public key belongs to.
func (s *AgentSet) ByKey(k gossh.PublicKey) (*Agent, bool) {
	if s == nil || k == nil {
		return nil, false
	}
	a, ok := s.byKey[string(k.Marshal())]
	return a, ok
}

// ByID finds an agent by id.
func (s *AgentSet) ByID(id string) (*Agent, bool) {
	if s == nil {
		return nil, false
	}
	a, ok := s.byID[id]
	return a, ok
}

// agentsFile is the TOML shape:
//
//	[[agent]]
//	id = "alice"
//	name = "Alice Wanjiku"
//	role = "agent"
//	keys = ["ssh-ed25519 AAAA… alice@laptop"]
//	loyalty_limit = 200   # optional
type agentsFile struct {
	Agent []agentEntry `toml:"agent"`
}

type agentEntry struct {
	ID           string   `toml:"id"`
	Name         string   `toml:"name"`
	Role         string   `toml:"role"`
	Keys         []string `toml:"keys"`
	LoyaltyLimit *int64   `toml:"loyalty_limit"`
}

// LoadAgents reads and checks an agents file. Anything doubtful is an
// error, so the gateway refuses to start (or keeps its previous set on a
// reload) rather than letting in someone it should not: a missing, empty
// or malformed file, an unknown field (a typo such as `key =` would
// otherwise silently grant nothing or the wrong thing), a key listed
// twice, authorized_keys options it does not honour, or a file that
// others than its owner may write.
func LoadAgents(path string) (*AgentSet, error) {
	if path == "" {
		return nil, errors.New("no agents file: pass --agents FILE (see docs/gateway.md for its format)")
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("agents file %s does not exist: create it (see docs/gateway.md); the gateway lets nobody in without it", path)
	}
	if err != nil {
		return nil, fmt.Errorf("agents file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("agents file %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("agents file %s is not a regular file", path)
	}
	if st.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("agents file %s is writable by group or others (mode %04o): anyone who can write it can let themselves in; run `chmod go-w %s`",
			path, st.Mode().Perm(), path)
	}
	if st.Size() > maxAgentsFileSize {
		return nil, fmt.Errorf("agents file %s is %d bytes, more than the %d an agents file needs", path, st.Size(), maxAgentsFileSize)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("agents file: %w", err)
	}
	set, err := ParseAgents(raw)
	if err != nil {
		return nil, fmt.Errorf("agents file %s: %w", path, err)
	}
	return set, nil
}

// ParseAgents parses the contents of an agents file (see LoadAgents).
func ParseAgents(raw []byte) (*AgentSet, error) {
	var file agentsFile
	dec := toml.NewDecoder(bytes.NewReader(raw)).DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return nil, tomlError(err)
	}
	if len(file.Agent) == 0 {
		return nil, errors.New("no agents: add at least one [[agent]] table with id, name, role and keys; the gateway lets nobody in without one")
	}
	set := &AgentSet{byKey: map[string]*Agent{}, byID: map[string]*Agent{}}
	for i, e := range file.Agent {
		a, err := parseEntry(e)
		if err != nil {
			who := fmt.Sprintf("agent #%d", i+1)
			if e.ID != "" {
				who += fmt.Sprintf(" (%q)", truncate(e.ID, 40))
			}
			return nil, fmt.Errorf("%s: %w", who, err)
		}
		if _, dup := set.byID[a.ID]; dup {
			return nil, fmt.Errorf("agent #%d: id %q is listed twice: merge the two tables", i+1, a.ID)
		}
		for _, k := range a.Keys {
			if other, dup := set.byKey[string(k.Marshal())]; dup {
				return nil, fmt.Errorf("agent #%d (%q): key %s is also listed for %q: a key must name one agent",
					i+1, a.ID, gossh.FingerprintSHA256(k), other.ID)
			}
			set.byKey[string(k.Marshal())] = a
		}
		set.byID[a.ID] = a
		set.agents = append(set.agents, a)
	}
	return set, nil
}

func parseEntry(e agentEntry) (*Agent, error) {
	a := &Agent{ID: strings.TrimSpace(e.ID), Name: strings.TrimSpace(e.Name), Role: strings.TrimSpace(e.Role)}
	switch {
	case a.ID == "":
		return nil, errors.New("id is missing: give the API's agent id (what X-Frontdesk-Agent carries)")
	case !agentIDPattern.MatchString(a.ID):
		return nil, fmt.Errorf("id %q: use 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", truncate(a.ID, 40))
	case a.Name == "":
		return nil, errors.New("name is missing")
	case hasControl(a.Name):
		return nil, errors.New("name contains control characters")
	case !slices.Contains(gatewayRoles, a.Role):
		return nil, fmt.Errorf("role %q: use one of %s", truncate(a.Role, 20), strings.Join(gatewayRoles, ", "))
	case len(e.Keys) == 0:
		return nil, errors.New("keys is empty: list the agent's public keys, one authorized_keys line each")
	}
	if e.LoyaltyLimit != nil {
		if *e.LoyaltyLimit < 0 {
			return nil, fmt.Errorf("loyalty_limit %d is negative: use 0 (no adjustments) or more", *e.LoyaltyLimit)
		}
		a.LoyaltyLimit, a.HasLoyaltyLimit = *e.LoyaltyLimit, true
	}
	for j, line := range e.Keys {
		k, err := parseKey(line)
		if err != nil {
			return nil, fmt.Errorf("keys[%d]: %w", j, err)
		}
		if a.HasKey(k) {
			return nil, fmt.Errorf("keys[%d]: key %s is listed twice", j, gossh.FingerprintSHA256(k))
		}
		a.Keys = append(a.Keys, k)
	}
	return a, nil
}

// parseKey reads one authorized_keys line. Options (from=, command=, …)
// are refused rather than ignored: an operator who writes from="10.0.0.0/8"
// expects it to be enforced, and this gateway does not enforce it.
// Certificates are refused too: the gateway trusts keys, not CAs.
func parseKey(line string) (gossh.PublicKey, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return nil, errors.New("empty key")
	}
	k, _, options, rest, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return nil, fmt.Errorf("not a public key in authorized_keys form (\"ssh-ed25519 AAAA… comment\"): %v", err)
	}
	if len(options) > 0 {
		return nil, fmt.Errorf("authorized_keys options (%s) are not supported: remove them", strings.Join(options, ","))
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("one key per string: split the lines into separate strings")
	}
	if _, ok := k.(*gossh.Certificate); ok {
		return nil, errors.New("certificates are not supported: list the plain public key")
	}
	return k, nil
}

// tomlError says where in the file the problem is.
func tomlError(err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		var names []string
		for _, e := range strict.Errors {
			names = append(names, strings.Join(e.Key(), "."))
		}
		row, _ := strict.Errors[0].Position()
		return fmt.Errorf("line %d: unknown field %s (an agent has id, name, role, keys and loyalty_limit)",
			row, strings.Join(names, ", "))
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return fmt.Errorf("line %d, column %d: %s", row, col, strings.TrimPrefix(de.Error(), "toml: "))
	}
	return fmt.Errorf("not valid TOML: %w", err)
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) })
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

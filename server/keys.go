package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/store"
)

// KeySpec describes the agent a new key belongs to.
type KeySpec struct {
	AgentID string
	Name    string
	Role    string // viewer, agent, supervisor or admin
	// Gateway keys may act for any agent with X-Frontdesk-Agent.
	Gateway bool
	// LoyaltyLimit caps |points| per adjustment for role agent; stronger
	// roles are not capped.
	LoyaltyLimit int64
}

// Key is a freshly minted API key. The secret is shown once: only its
// SHA-256 is stored.
type Key struct {
	KeyID  string // ck_…
	Secret string // cs_…
}

// Bootstrap agent, made by BootstrapKey on an empty key table.
const (
	BootstrapAgentID   = "sandbox-supervisor"
	BootstrapAgentName = "Sandbox Supervisor"
)

// Validate reports what is wrong with spec, if anything.
func (spec KeySpec) Validate() error {
	var problems []string
	if spec.AgentID == "" {
		problems = append(problems, "the agent id is required")
	} else if len(spec.AgentID) > 64 || strings.ContainsFunc(spec.AgentID, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == '@')
	}) {
		problems = append(problems, "the agent id must be 1–64 letters, digits, '-', '_', '.' or '@'")
	}
	if strings.TrimSpace(spec.Name) == "" || utf8.RuneCountInString(spec.Name) > api.MaxNameLen {
		problems = append(problems, fmt.Sprintf("the agent name is required (at most %d characters)", api.MaxNameLen))
	} else if strings.ContainsFunc(spec.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		problems = append(problems, "the agent name contains control characters")
	}
	if api.RoleRank(spec.Role) < 0 {
		problems = append(problems, fmt.Sprintf("role %q is not one of %s", spec.Role, strings.Join(api.Roles, ", ")))
	}
	if spec.LoyaltyLimit < 0 || spec.LoyaltyLimit > api.MaxAbsPoints {
		problems = append(problems, fmt.Sprintf("the loyalty limit must be 0 to %d", api.MaxAbsPoints))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// MintKey mints a key for spec.AgentID. A new agent is created; an
// existing one takes spec's name, role and loyalty limit, since roles
// belong to agents and the operator minting the key states them.
func MintKey(ctx context.Context, st store.Store, spec KeySpec) (Key, error) {
	if err := spec.Validate(); err != nil {
		return Key{}, fmt.Errorf("create key: %w", err)
	}
	var k Key
	err := st.Write(ctx, func(tx store.Tx) error {
		var err error
		k, err = insertKey(ctx, tx, spec, time.Now())
		return err
	})
	if err != nil {
		return Key{}, fmt.Errorf("create key: %w", err)
	}
	return k, nil
}

func insertKey(ctx context.Context, tx store.Tx, spec KeySpec, now time.Time) (Key, error) {
	agent := store.Agent{ID: spec.AgentID, Name: spec.Name, Role: spec.Role, LoyaltyLimit: spec.LoyaltyLimit}
	if err := tx.PutAgent(ctx, agent, now); err != nil {
		return Key{}, err
	}
	k := Key{KeyID: "ck_" + randomHex(16), Secret: "cs_" + randomHex(24)}
	if err := tx.CreateAPIKey(ctx, store.APIKey{KeyID: k.KeyID, SecretHash: hashSecret(k.Secret), Gateway: spec.Gateway, Agent: agent}, now); err != nil {
		return Key{}, err
	}
	return k, nil
}

// BootstrapKey mints a supervisor key for the sandbox-supervisor agent if
// the key table is empty, so a fresh sandbox can be used at once. The
// bool reports whether it made one; when it did not, Key is empty.
func BootstrapKey(ctx context.Context, st store.Store) (Key, bool, error) {
	// The count and the insert share one write transaction, so two
	// servers starting on one file cannot both print a key.
	var (
		k    Key
		made bool
	)
	err := st.Write(ctx, func(tx store.Tx) error {
		n, err := tx.CountAPIKeys(ctx)
		if err != nil || n > 0 {
			return err
		}
		k, err = insertKey(ctx, tx, KeySpec{AgentID: BootstrapAgentID, Name: BootstrapAgentName, Role: api.RoleSupervisor}, time.Now())
		made = err == nil
		return err
	})
	if err != nil {
		return Key{}, false, fmt.Errorf("bootstrap key: %w", err)
	}
	return k, made, nil
}

// timeLayout is how the database stores times: RFC 3339 UTC with
// milliseconds, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTime reads a stored time; the seed generator and this server both
// write timeLayout, but any RFC 3339 text is accepted.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.Parse("2006-01-02 15:04:05", s)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

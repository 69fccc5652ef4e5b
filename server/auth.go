package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/store"
)

// caller is who a request runs as, after auth and the gateway header.
type caller struct {
	KeyID        string
	AgentID      string
	Name         string
	Role         string
	LoyaltyLimit int64
	// Gateway is true when the key is a gateway key (whether or not it
	// named an agent).
	Gateway bool
	// GatewayAgent is the key's own agent when the request runs as another
	// agent named in X-Frontdesk-Agent; empty otherwise.
	GatewayAgent string
	// Via is where the request came from, api or ssh, kept for the audit
	// log.
	Via string
	// Session is the on-behalf session whose X-Customer-Token the request
	// carries, on the routes that accept one; nil when the agent acts as
	// themselves.
	Session *onBehalf
}

// rateKey is the rate-limit bucket: the key, and for gateway keys also the
// agent it acts for, so one busy SSH user cannot starve the others.
func (c *caller) rateKey() string {
	if c.GatewayAgent != "" {
		return c.KeyID + "/" + c.AgentID
	}
	return c.KeyID
}

// actor is who the policy asks about: the API's loyalty limit applies
// to the agent role only.
func (c *caller) actor() policy.Actor {
	return policy.FromMe(api.Me{Role: c.Role, LoyaltyLimit: c.LoyaltyLimit})
}

type callerKey struct{}

func callerFrom(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	if c == nil {
		return &caller{}
	}
	return c
}

// dummyHash is compared against when the key id is unknown, so a missing
// key costs the same time as a wrong secret.
var dummyHash = hashSecret("cs_no_such_key")

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func unauthorized(format string, args ...any) *apiError {
	return errf(http.StatusUnauthorized, api.CodeUnauthorized, format, args...)
}

// authenticate checks HTTP Basic credentials and applies the gateway
// header.
func (s *Server) authenticate(ctx context.Context, r *http.Request) (*caller, error) {
	keyID, secret, ok := r.BasicAuth()
	if !ok {
		return nil, unauthorized("send your API key as HTTP Basic auth: key id (ck_…) as the user, secret (cs_…) as the password")
	}
	if !strings.HasPrefix(keyID, "ck_") || len(keyID) > 100 || !strings.HasPrefix(secret, "cs_") || len(secret) > 200 {
		return nil, unauthorized("the key id must start with ck_ and the secret with cs_")
	}
	var k store.APIKey
	err := s.read(ctx, func(tx store.Tx) error {
		var err error
		k, err = tx.APIKey(ctx, keyID)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(dummyHash))
		return nil, unauthorized("unknown key or wrong secret")
	case err != nil:
		return nil, fmt.Errorf("look up key: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(k.SecretHash)) != 1 {
		return nil, unauthorized("unknown key or wrong secret")
	}
	if k.Revoked {
		return nil, unauthorized("this key was revoked; ask an admin for a new one")
	}
	c := caller{AgentID: k.Agent.ID, Name: k.Agent.Name, Role: k.Agent.Role, LoyaltyLimit: k.Agent.LoyaltyLimit}
	c.KeyID = keyID
	c.Gateway = k.Gateway
	c.Via = "api"

	named, sent := headerValue(r, api.HeaderAgent)
	if sent && named == "" {
		return nil, emptyHeader(api.HeaderAgent)
	}
	if named != "" {
		if !c.Gateway {
			return nil, errf(http.StatusForbidden, api.CodeAgentHeaderForbidden,
				"only gateway keys may send %s; drop the header or use a gateway key", api.HeaderAgent)
		}
		var a store.Agent
		err := s.read(ctx, func(tx store.Tx) error {
			var err error
			a, err = tx.Agent(ctx, named)
			return err
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil, errf(http.StatusForbidden, api.CodeUnknownAgent, "the gateway named agent %q, which does not exist", truncate(named, 64))
		case err != nil:
			return nil, fmt.Errorf("look up agent: %w", err)
		}
		c.GatewayAgent = c.AgentID
		c.AgentID, c.Name, c.Role, c.LoyaltyLimit = a.ID, a.Name, a.Role, a.LoyaltyLimit
	}
	// Only a gateway can vouch that a request came over SSH; everyone
	// else is recorded as the plain API. A value outside the contract's
	// enum is a client bug worth hearing about, not something to guess at.
	via, sent := headerValue(r, api.HeaderVia)
	switch {
	case !sent || via == "api":
	case via == "ssh":
		if c.Gateway {
			c.Via = "ssh"
		}
	default:
		return nil, errf(http.StatusBadRequest, api.CodeBadRequest,
			"%s must be \"api\" or \"ssh\", not %q", api.HeaderVia, truncate(via, 32))
	}
	return &c, nil
}

// headerValue is a request header's first value and whether it was sent
// at all: an empty header is not the same as none.
func headerValue(r *http.Request, name string) (string, bool) {
	vals, sent := r.Header[http.CanonicalHeaderKey(name)]
	if !sent || len(vals) == 0 {
		return "", false
	}
	return vals[0], true
}

// emptyHeader refuses a header sent with no value: the contract gives it
// minLength 1, and reading it as absent would silently run the request
// as someone else (the gateway itself, or the agent instead of the
// customer).
func emptyHeader(name string) *apiError {
	return validationErr(api.FieldErrors{name: name + " is empty: send a value, or leave the header out"})
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// getMe answers GET /me.
func (s *Server) getMe(w http.ResponseWriter, _ *http.Request, c *caller) error {
	return writeData(w, http.StatusOK, api.Me{
		AgentID:      c.AgentID,
		Name:         c.Name,
		Role:         c.Role,
		LoyaltyLimit: c.LoyaltyLimit,
		KeyID:        c.KeyID,
		Gateway:      c.Gateway,
		Unsupported:  s.unsupported,
	})
}

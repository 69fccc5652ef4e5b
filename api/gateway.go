package api

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Gateway session leases: every SSH session of every gateway on a desk
// holds one, so the desk's session caps (all sessions, and one agent's)
// hold across gateways. Only gateway keys may use them.

// Paths of the gateway session leases, under Base.
const (
	PathGatewaySessions = "/gateway-sessions"
)

// MaxGatewayNameLen bounds GatewaySessionCreate.Gateway.
const MaxGatewayNameLen = 100

// DefaultGatewayLeaseTTL is how long a lease lives without a heartbeat
// (PUT /gateway-sessions/{id}); gateways renew well before (every third
// of it).
const DefaultGatewayLeaseTTL = 90 * time.Second

// GatewaySessionCreate is the body of POST /gateway-sessions; the agent
// is the one the gateway key acts for (X-Frontdesk-Agent).
type GatewaySessionCreate struct {
	// Gateway names the gateway, for people (its host name).
	Gateway string `json:"gateway"`
}

// ValidateGatewaySessionCreate checks a lease request.
func ValidateGatewaySessionCreate(in GatewaySessionCreate) FieldErrors {
	f := FieldErrors{}
	switch n := utf8.RuneCountInString(in.Gateway); {
	case strings.TrimSpace(in.Gateway) == "":
		f["gateway"] = "gateway is required: the gateway's name"
	case n > MaxGatewayNameLen:
		f["gateway"] = fmt.Sprintf("gateway is longer than %d characters", MaxGatewayNameLen)
	case hasControl(in.Gateway):
		f["gateway"] = "gateway contains control characters"
	}
	return f
}

// GatewaySession is one SSH session's lease: live until ExpiresAt unless
// renewed.
type GatewaySession struct {
	ID        ID        `json:"id"`
	AgentID   string    `json:"agent_id"`
	Gateway   string    `json:"gateway"`
	StartedAt time.Time `json:"started_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

package sshd

import (
	"fmt"
	"net/http"

	"frontdesk/api"
	"frontdesk/client"
)

// The gateway's own checks, made before it asks the API (defence in
// depth: the API enforces the agent's role from its records; the gateway
// enforces the role and limit of the agents file, so a mistake on either
// side alone does not grant anything).

// PermissionError is a refusal decided by the gateway. It exits with 4
// (permission) in command mode and reads like the API's own 403: it
// unwraps to a *client.APIError with status 403, so code that branches
// with client.IsPermission treats both alike.
type PermissionError struct {
	AgentID string
	Role    string
	// Reason says what was refused and what to do.
	Reason string
}

func (e *PermissionError) Error() string {
	return "refused by the SSH gateway: " + e.Reason
}

// UserMessage is what the console shows.
func (e *PermissionError) UserMessage() string { return e.Error() }

// ExitCode is 4, permission.
func (e *PermissionError) ExitCode() int { return 4 }

// Unwrap gives the equivalent API answer.
func (e *PermissionError) Unwrap() error {
	return &client.APIError{Status: http.StatusForbidden, Code: api.CodeForbidden, Message: e.Error()}
}

// Can reports whether the agent's gateway role is at least min.
func (a *Agent) Can(min string) bool { return api.RoleAtLeast(a.Role, min) }

// CheckRole refuses an action that needs at least role min. action is
// what it does, for the message ("adjust loyalty points").
func (a *Agent) CheckRole(min, action string) error {
	if a.Can(min) {
		return nil
	}
	return &PermissionError{AgentID: a.ID, Role: a.Role,
		Reason: fmt.Sprintf("your role (%s) cannot %s; it needs %s or above — ask a supervisor", a.Role, action, min)}
}

// CheckAdjust refuses a loyalty adjustment the agent may not make: below
// the agent role, or more points than the agents file's loyalty_limit.
func (a *Agent) CheckAdjust(points int64) error {
	if err := a.CheckRole(api.RoleAgent, "adjust loyalty points"); err != nil {
		return err
	}
	if !a.HasLoyaltyLimit {
		return nil
	}
	n := points
	if n < 0 {
		n = -n
	}
	if n > a.LoyaltyLimit {
		return &PermissionError{AgentID: a.ID, Role: a.Role,
			Reason: fmt.Sprintf("%d points is over your limit of %d per adjustment on this gateway; ask a supervisor", n, a.LoyaltyLimit)}
	}
	return nil
}

// lower applies the agents file to what the API says about the agent: the
// weaker of the two roles, and the lower of the two loyalty limits. The
// API limits only the agent role (0 or more points per adjustment) and
// lets supervisors adjust any amount; the file's limit applies to any
// role. The answer keeps the API's meaning of LoyaltyLimit for the
// console: an agent with no limit from either side gets api.MaxAbsPoints,
// the most any adjustment may be.
func (a *Agent) lower(me api.Me) api.Me {
	apiRole := me.Role
	if api.RoleRank(a.Role) < api.RoleRank(me.Role) {
		me.Role = a.Role
	}
	limit, limited := int64(0), false
	if apiRole == api.RoleAgent {
		limit, limited = me.LoyaltyLimit, true
	}
	if a.HasLoyaltyLimit && (!limited || a.LoyaltyLimit < limit) {
		limit, limited = a.LoyaltyLimit, true
	}
	switch {
	case limited:
		me.LoyaltyLimit = limit
	case me.Role == api.RoleAgent:
		me.LoyaltyLimit = api.MaxAbsPoints
	}
	return me
}

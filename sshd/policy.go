package sshd

import (
	"errors"
	"net/http"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/policy"
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
	// Reason is the policy's sentence: what was refused and why.
	Reason string
	// Code is the API error code the refusal reads as: forbidden, or
	// over_limit for the loyalty limit.
	Code string
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
	code := e.Code
	if code == "" {
		code = api.CodeForbidden
	}
	return &client.APIError{Status: http.StatusForbidden, Code: code, Message: e.Error()}
}

// actor is the agent as the agents file describes it: its loyalty_limit,
// when set, applies whatever the role.
func (a *Agent) actor() policy.Actor {
	return policy.Actor{Role: a.Role, LoyaltyLimit: a.LoyaltyLimit, Limited: a.HasLoyaltyLimit}
}

// refused wraps a policy refusal as the gateway's; nil stays nil.
func (a *Agent) refused(err error) error {
	var r *policy.Refusal
	if errors.As(err, &r) {
		return &PermissionError{AgentID: a.ID, Role: a.Role, Reason: r.Error(), Code: r.Code()}
	}
	return err
}

// Check refuses an action the agents file's role may not do.
func (a *Agent) Check(action policy.Action) error {
	return a.refused(policy.Check(a.actor(), action))
}

// CheckAdjust refuses a loyalty adjustment the agent may not make: below
// the agent role, or more points than the agents file's loyalty_limit.
func (a *Agent) CheckAdjust(points int64) error {
	return a.refused(policy.CheckLoyalty(a.actor(), points))
}

// lower applies the agents file to what the API says about the agent: the
// weaker of the two roles, and the lower of the two loyalty limits. The
// API's limit applies as policy.FromMe says (to the agent role only:
// supervisors adjust any amount); the file's limit applies to any role.
// The answer keeps the API's meaning of LoyaltyLimit for the console: an
// agent with no limit from either side gets api.MaxAbsPoints, the most
// any adjustment may be.
func (a *Agent) lower(me api.Me) api.Me {
	fromAPI := policy.FromMe(me)
	if api.RoleRank(a.Role) < api.RoleRank(me.Role) {
		me.Role = a.Role
	}
	limit, limited := fromAPI.LoyaltyLimit, fromAPI.Limited
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

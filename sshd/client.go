package sshd

import (
	"context"
	"fmt"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/policy"
)

// Client is the platform a console session gets: the gateway's driver,
// which sends every request as the connected agent (the driver's Agent
// option, X-Frontdesk-Agent), with the agents file's role and limit
// checked before every change. It embeds that Platform and overrides only
// Me and the changes; reads pass straight through, and so do the calls of
// an on-behalf session once started (the store checks the token).
//
// The checks ask package policy (Agent.Check and CheckAdjust), one call per
// kind of change.
type Client struct {
	client.Platform
	agent *Agent
}

// NewClient gates p (which must act as agent) with agent's role and
// limit. An agent the agents file makes a viewer sees email, phone and
// addresses masked (client.Mask) even when the API knows it as more.
func NewClient(p client.Platform, agent *Agent) *Client {
	if policy.MasksPII(agent.Role) {
		p = client.Mask(p)
	}
	return &Client{Platform: p, agent: agent}
}

// Unwrap is the platform this client gates, so client.Reveal and
// client.IsMasking see through the gateway's checks.
func (c *Client) Unwrap() client.Platform { return c.Platform }

// Agent is the agents-file entry this client acts for.
func (c *Client) Agent() *Agent { return c.agent }

// Me asks the API who this is (GET /me) and lowers the answer to the
// agents file: the weaker role and the lower loyalty limit, so the
// console hides and disables what the gateway would refuse. An answer for
// another agent than the one connected is an error: the header naming the
// agent did not reach the API as sent.
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	me, err := c.Platform.Me(ctx)
	if err != nil {
		return me, err
	}
	if me.AgentID != c.agent.ID {
		return api.Me{}, fmt.Errorf("the API answered as agent %q instead of %q: check that the gateway's key is a gateway key (`frontdesk sandbox keys create --gateway`)",
			me.AgentID, c.agent.ID)
	}
	return c.agent.lower(me), nil
}

// CreateCustomer is for supervisors.
func (c *Client) CreateCustomer(ctx context.Context, in api.CustomerCreate) (api.Customer, error) {
	if err := c.agent.Check(policy.CreateCustomer); err != nil {
		return api.Customer{}, err
	}
	return c.Platform.CreateCustomer(ctx, in)
}

// PatchCustomer is for agents and above.
func (c *Client) PatchCustomer(ctx context.Context, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	if err := c.agent.Check(policy.EditCustomer); err != nil {
		return api.Customer{}, err
	}
	return c.Platform.PatchCustomer(ctx, id, version, p)
}

// AdjustLoyalty is for agents and above, within the agents file's limit.
func (c *Client) AdjustLoyalty(ctx context.Context, id api.ID, req api.AdjustmentRequest, idempotencyKey string) (api.AdjustmentResult, bool, error) {
	if err := c.agent.CheckAdjust(req.Points); err != nil {
		return api.AdjustmentResult{}, false, err
	}
	return c.Platform.AdjustLoyalty(ctx, id, req, idempotencyKey)
}

// PreviewMerge is for supervisors and above.
func (c *Client) PreviewMerge(ctx context.Context, keep, drop api.ID) (api.MergePreview, error) {
	if err := c.agent.Check(policy.MergeCustomers); err != nil {
		return api.MergePreview{}, err
	}
	return c.Platform.PreviewMerge(ctx, keep, drop)
}

// MergeCustomers is for supervisors and above.
func (c *Client) MergeCustomers(ctx context.Context, keep, drop api.ID, idempotencyKey string) (api.MergeResult, bool, error) {
	if err := c.agent.Check(policy.MergeCustomers); err != nil {
		return api.MergeResult{}, false, err
	}
	return c.Platform.MergeCustomers(ctx, keep, drop, idempotencyKey)
}

// AddNote is for agents and above.
func (c *Client) AddNote(ctx context.Context, id api.ID, body string) (api.Note, error) {
	if err := c.agent.Check(policy.AddNote); err != nil {
		return api.Note{}, err
	}
	return c.Platform.AddNote(ctx, id, body)
}

// CreateSession (acting on behalf of a customer) is for agents and above.
// client.StartSession on this Client comes through here; the session's
// own calls (as the customer, refresh, end) pass through.
func (c *Client) CreateSession(ctx context.Context, customerID api.ID, reason, ticket string) (api.AgentSession, error) {
	if err := c.agent.Check(policy.ActOnBehalf); err != nil {
		return api.AgentSession{}, err
	}
	return c.Platform.CreateSession(ctx, customerID, reason, ticket)
}

package sshd

import (
	"context"
	"fmt"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/policy"
)

// Client is the API client a console session gets: the gateway key acting
// as the connected agent, with the agents file's role and limit checked
// before every change. It has the methods the console's screens use
// (screens.Client); each is spelled out rather than embedded, so a new
// method on *client.Client (a new kind of change) does not reach a session
// until someone decides how the gateway gates it.
type Client struct {
	api   *client.Client
	agent *Agent
}

// NewClient gates cl (which must act as agent) with agent's role and
// limit.
func NewClient(cl *client.Client, agent *Agent) *Client {
	return &Client{api: cl, agent: agent}
}

// Agent is the agents-file entry this client acts for.
func (c *Client) Agent() *Agent { return c.agent }

// Me asks the API who this is (GET /me) and lowers the answer to the
// agents file: the weaker role and the lower loyalty limit, so the
// console hides and disables what the gateway would refuse. An answer for
// another agent than the one connected is an error: the header naming the
// agent did not reach the API as sent.
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	me, err := c.api.Me(ctx)
	if err != nil {
		return me, err
	}
	if me.AgentID != c.agent.ID {
		return api.Me{}, fmt.Errorf("the API answered as agent %q instead of %q: check that the gateway's key is a gateway key (`frontdesk sandbox keys create --gateway`)",
			me.AgentID, c.agent.ID)
	}
	return c.agent.lower(me), nil
}

// SearchCustomers is GET /customers.
func (c *Client) SearchCustomers(ctx context.Context, p client.SearchParams) (api.CustomerList, error) {
	return c.api.SearchCustomers(ctx, p)
}

// GetCustomer is GET /customers/{id}.
func (c *Client) GetCustomer(ctx context.Context, id api.ID) (api.Customer, error) {
	return c.api.GetCustomer(ctx, id)
}

// ListOrders is GET /customers/{id}/orders.
func (c *Client) ListOrders(ctx context.Context, id api.ID, p client.OrderParams) (api.OrderList, error) {
	return c.api.ListOrders(ctx, id, p)
}

// GetOrder is GET /customers/{id}/orders/{order_id}.
func (c *Client) GetOrder(ctx context.Context, customerID, orderID api.ID) (api.Order, error) {
	return c.api.GetOrder(ctx, customerID, orderID)
}

// GetLoyalty is GET /customers/{id}/loyalty.
func (c *Client) GetLoyalty(ctx context.Context, id api.ID) (api.Loyalty, error) {
	return c.api.GetLoyalty(ctx, id)
}

// ListLedger is GET /customers/{id}/loyalty/ledger.
func (c *Client) ListLedger(ctx context.Context, id api.ID, page, limit int) (api.LedgerPage, error) {
	return c.api.ListLedger(ctx, id, page, limit)
}

// ListNotes is GET /customers/{id}/notes.
func (c *Client) ListNotes(ctx context.Context, id api.ID, page, limit int) (api.NoteList, error) {
	return c.api.ListNotes(ctx, id, page, limit)
}

// CreateCustomer is POST /customers, for supervisors.
func (c *Client) CreateCustomer(ctx context.Context, in api.CustomerCreate) (api.Customer, error) {
	if err := c.agent.Check(policy.CreateCustomer); err != nil {
		return api.Customer{}, err
	}
	return c.api.CreateCustomer(ctx, in)
}

// PatchCustomer is PATCH /customers/{id}, for agents and above.
func (c *Client) PatchCustomer(ctx context.Context, id api.ID, version int64, p api.CustomerPatch) (api.Customer, error) {
	if err := c.agent.Check(policy.EditCustomer); err != nil {
		return api.Customer{}, err
	}
	return c.api.PatchCustomer(ctx, id, version, p)
}

// AdjustLoyalty is POST /customers/{id}/loyalty/adjustments, for agents
// and above, within the agents file's limit.
func (c *Client) AdjustLoyalty(ctx context.Context, id api.ID, req api.AdjustmentRequest, idempotencyKey string) (api.AdjustmentResult, bool, error) {
	if err := c.agent.CheckAdjust(req.Points); err != nil {
		return api.AdjustmentResult{}, false, err
	}
	return c.api.AdjustLoyalty(ctx, id, req, idempotencyKey)
}

// AddNote is POST /customers/{id}/notes, for agents and above.
func (c *Client) AddNote(ctx context.Context, id api.ID, body string) (api.Note, error) {
	if err := c.agent.Check(policy.AddNote); err != nil {
		return api.Note{}, err
	}
	return c.api.AddNote(ctx, id, body)
}

// StartSession is POST /customers/{id}/agent-sessions (act on behalf of
// the customer), for agents and above. The session's own calls (as the
// customer, refresh, end) go through the handle it returns.
func (c *Client) StartSession(ctx context.Context, customerID api.ID, reason, ticket string, o client.SessionOptions) (*client.Session, error) {
	if err := c.agent.Check(policy.ActOnBehalf); err != nil {
		return nil, err
	}
	return c.api.StartSession(ctx, customerID, reason, ticket, o)
}

// ListSessions is GET /agent-sessions?customer_id= (who is acting for a
// customer): a read.
func (c *Client) ListSessions(ctx context.Context, customerID api.ID) ([]api.AgentSession, error) {
	return c.api.ListSessions(ctx, customerID)
}

// ListAudit is GET /audit: a read; the API limits what the agent sees.
func (c *Client) ListAudit(ctx context.Context, p client.AuditParams) (api.AuditPage, error) {
	return c.api.ListAudit(ctx, p)
}

package frontdesk

import (
	"context"
	"fmt"
	"net/http"

	"frontdesk/api"
)

// Heartbeat says the agent has the customer open (PUT
// /customers/{id}/presence) and answers the other agents present.
func (c *Client) Heartbeat(ctx context.Context, customerID api.ID, editing bool) (api.Presence, error) {
	path, err := idPath("customer", customerID)
	if err != nil {
		return api.Presence{}, err
	}
	var out api.Presence
	if _, err := c.do(ctx, request{method: http.MethodPut, path: "/customers" + path + "/presence", body: api.PresenceUpdate{Editing: editing}}, &out); err != nil {
		return api.Presence{}, fmt.Errorf("presence on customer %s: %w", customerID, err)
	}
	return out, nil
}

// LeavePresence says the agent closed the customer (DELETE
// /customers/{id}/presence).
func (c *Client) LeavePresence(ctx context.Context, customerID api.ID) error {
	path, err := idPath("customer", customerID)
	if err != nil {
		return err
	}
	if _, err := c.do(ctx, request{method: http.MethodDelete, path: "/customers" + path + "/presence"}, nil); err != nil {
		return fmt.Errorf("leave customer %s: %w", customerID, err)
	}
	return nil
}

package frontdesk

import (
	"context"
	"fmt"
	"net/http"

	"frontdesk/api"
)

// Gateway session leases (POST, PUT and DELETE /gateway-sessions): an SSH
// gateway holds one for every session it opens, so the desk's session
// caps hold across gateways. Only a gateway key acting for the session's
// agent (Config.Agent) may take one.

// AcquireGatewaySession takes a place for one SSH session of the agent
// this client acts for, on the gateway named gateway. A full desk or
// agent is a *client.APIError 409 gateway_sessions_full or
// agent_sessions_full whose Message is the sentence for the agent. It is
// never retried: a lost answer leaves a lease nobody holds, which expires
// on its own.
func (c *Client) AcquireGatewaySession(ctx context.Context, gateway string) (api.GatewaySession, error) {
	var out api.GatewaySession
	if _, err := c.do(ctx, request{method: http.MethodPost, path: api.PathGatewaySessions,
		body: api.GatewaySessionCreate{Gateway: gateway}}, &out); err != nil {
		return api.GatewaySession{}, fmt.Errorf("reserve an SSH session place on the desk: %w", err)
	}
	if out.ID == "" {
		return api.GatewaySession{}, fmt.Errorf("reserve an SSH session place on the desk: the answer has no lease id")
	}
	return out, nil
}

// RenewGatewaySession is the heartbeat of a lease: its expiry moves one
// lease time on. A lease that is gone (expired, released) is a
// *client.APIError 404 not_found.
func (c *Client) RenewGatewaySession(ctx context.Context, id api.ID) (api.GatewaySession, error) {
	path, err := idPath("gateway session", id)
	if err != nil {
		return api.GatewaySession{}, err
	}
	var out api.GatewaySession
	if _, err := c.do(ctx, request{method: http.MethodPut, path: api.PathGatewaySessions + path}, &out); err != nil {
		return api.GatewaySession{}, fmt.Errorf("renew SSH session place %s: %w", id, err)
	}
	return out, nil
}

// ReleaseGatewaySession gives a lease's place back; releasing one that is
// gone succeeds again.
func (c *Client) ReleaseGatewaySession(ctx context.Context, id api.ID) error {
	path, err := idPath("gateway session", id)
	if err != nil {
		return err
	}
	if _, err := c.do(ctx, request{method: http.MethodDelete, path: api.PathGatewaySessions + path}, nil); err != nil {
		return fmt.Errorf("release SSH session place %s: %w", id, err)
	}
	return nil
}

package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"frontdesk/api"
)

// AuditParams selects a page of the audit trail. Zero values leave the
// server's defaults (no filter, page 1, 20 a page). Agents and viewers
// must name a customer or themselves; only supervisors may read the whole
// store's trail.
type AuditParams struct {
	CustomerID api.ID
	AgentID    string
	Action     string // one of api.AuditActions
	SessionID  string // rows made through this on-behalf session
	Page       int
	Limit      int
}

// ListAudit reads the audit trail, newest first (GET /audit).
func (c *Client) ListAudit(ctx context.Context, p AuditParams) (api.AuditPage, error) {
	q := url.Values{}
	if s := strings.TrimSpace(string(p.CustomerID)); s != "" {
		q.Set("customer_id", s)
	}
	for k, v := range map[string]string{"agent_id": p.AgentID, "action": p.Action, "session_id": p.SessionID} {
		if v = strings.TrimSpace(v); v != "" {
			q.Set(k, v)
		}
	}
	setInt(q, "page", p.Page)
	setInt(q, "limit", p.Limit)
	var out api.AuditPage
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/audit", query: q}, &out); err != nil {
		return api.AuditPage{}, fmt.Errorf("read the audit trail: %w", err)
	}
	return out, nil
}

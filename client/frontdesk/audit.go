package frontdesk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"frontdesk/api"
	"frontdesk/client"
)

// ListAudit reads the audit trail, newest first (GET /audit).
func (c *Client) ListAudit(ctx context.Context, p client.AuditParams) (client.Page[api.AuditEntry], error) {
	q := url.Values{}
	if s := strings.TrimSpace(string(p.CustomerID)); s != "" {
		q.Set("customer_id", s)
	}
	for k, v := range map[string]string{"agent_id": p.AgentID, "action": p.Action, "session_id": p.SessionID} {
		if v = strings.TrimSpace(v); v != "" {
			q.Set(k, v)
		}
	}
	if err := setPage(q, p.Cursor, p.Limit); err != nil {
		return client.Page[api.AuditEntry]{}, fmt.Errorf("read the audit trail: %w", err)
	}
	var out api.AuditPage
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/audit", query: q}, &out); err != nil {
		return client.Page[api.AuditEntry]{}, fmt.Errorf("read the audit trail: %w", err)
	}
	return newPage(out.Entries, out.Total, false, out.Page, out.Limit), nil
}

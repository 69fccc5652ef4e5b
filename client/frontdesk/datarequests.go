package frontdesk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"frontdesk/api"
	"frontdesk/client"
)

var _ client.DataRequests = (*Client)(nil)

// ExportCustomerData is GET /customers/{id}/data-export's data object.
func (c *Client) ExportCustomerData(ctx context.Context, id api.ID) (json.RawMessage, error) {
	p, err := idPath("customer", id)
	if err != nil {
		return nil, err
	}
	var out json.RawMessage
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/customers" + p + "/data-export"}, &out); err != nil {
		return nil, fmt.Errorf("export customer %s's data: %w", id, err)
	}
	return out, nil
}

// EraseCustomer is POST /customers/{id}/erase (idempotent on the server,
// so a retry is safe).
func (c *Client) EraseCustomer(ctx context.Context, id api.ID, in api.CustomerErase) (api.CustomerEraseResult, error) {
	p, err := idPath("customer", id)
	if err != nil {
		return api.CustomerEraseResult{}, err
	}
	var out api.CustomerEraseResult
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/customers" + p + "/erase", body: in}, &out); err != nil {
		return api.CustomerEraseResult{}, fmt.Errorf("erase customer %s: %w", id, err)
	}
	return out, nil
}

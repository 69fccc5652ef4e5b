package client

import (
	"context"
	"encoding/json"

	"frontdesk/api"
)

// CapDataRequests is exporting and erasing a customer's data (issue 19):
// DataRequests.
const CapDataRequests Capability = "data-requests"

// DataRequests is a platform that answers a customer's data requests:
// only the frontdesk contract does (a desk server with its own store).
// Other drivers do not implement it; callers refuse with
// NoDataRequests.
type DataRequests interface {
	// ExportCustomerData is the whole export document (the API's data
	// object, as sent). It appends an audit row on the server.
	ExportCustomerData(ctx context.Context, id api.ID) (json.RawMessage, error)
	// EraseCustomer erases the customer's personal data; erasing an
	// erased customer answers AlreadyErased.
	EraseCustomer(ctx context.Context, id api.ID, in api.CustomerErase) (api.CustomerEraseResult, error)
}

// NoDataRequests is the refusal for a platform without DataRequests.
func NoDataRequests(platform string) *APIError {
	return Unsupported(CapDataRequests, platform+" keeps its customers itself: export or erase a customer's data in its own admin (only a frontdesk desk server with its own store does it from here)")
}

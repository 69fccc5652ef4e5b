package cli

import (
	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
)

// pageCursor is the cursor of page n for --page N: people count pages,
// and the frontdesk contract's cursors are page numbers.
func pageCursor(n int) string { return frontdesk.PageCursor(n) }

// The --json output of a list is the contract's data object (stable and
// documented), whatever Page the platform answered with.

func customerListJSON(p client.Page[api.Customer]) api.CustomerList {
	return api.CustomerList{Customers: p.Items, Total: p.Total, TotalIsEstimate: p.TotalIsEstimate, Page: p.Number, Limit: p.Limit, Next: p.Next}
}

func orderListJSON(p client.Page[api.Order]) api.OrderList {
	return api.OrderList{Orders: p.Items, Total: p.Total, Page: p.Number, Limit: p.Limit}
}

func auditPageJSON(p client.Page[api.AuditEntry]) api.AuditPage {
	return api.AuditPage{Entries: p.Items, Total: p.Total, Page: p.Number, Limit: p.Limit}
}

package client

import (
	"context"
	"errors"

	"frontdesk/api"
)

// CustomerExporter is a platform that streams every match of a search in
// one call (the desk's GET /customers/export) instead of page by page.
// Not every platform is one: check with a type assertion, and page with
// SearchCustomers when it is not, or when ExportCustomers answers
// ErrExportUnsupported (an older desk without the stream).
type CustomerExporter interface {
	// ExportCustomers calls each for every customer matching p.Query in
	// p.Sort's order (p.Cursor and p.Limit are ignored) and returns how
	// many it sent. It returns nil only when the platform confirmed the
	// export complete; a stream cut short is an error, whatever each has
	// already been given. An error from each stops the export.
	ExportCustomers(ctx context.Context, p SearchParams, each func(*api.Customer) error) (int, error)
}

// ErrExportUnsupported is ExportCustomers' answer when the platform has no
// export stream; nothing was sent, page with SearchCustomers instead.
var ErrExportUnsupported = errors.New("the platform has no customer export stream")

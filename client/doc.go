// Package client is the seam between frontdesk and a store: the Platform
// interface that the console, the CLI and the SSH gateway call, its
// Capabilities, the Page answers with opaque cursors, the one error type
// (*APIError, branched on by Kind), and the on-behalf Session built on
// any Platform.
//
// A driver speaks one platform's wire format and implements Platform.
// The first is package client/frontdesk, today's Customers API contract
// (api/openapi.yaml). Ids and versions are opaque strings to everything
// outside the drivers.
package client

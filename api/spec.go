package api

import _ "embed"

// Spec is the OpenAPI 3.0 document of the Customers API (openapi.yaml),
// embedded so the contract validator and docs travel with the binary.
//
//go:embed openapi.yaml
var Spec []byte

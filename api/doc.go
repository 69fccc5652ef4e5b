// Package api holds the Customers API contract: the OpenAPI document
// (openapi.yaml, the single source of truth) and the Go wire types that
// both the sandbox server and the client use, so the two cannot drift
// apart without the contract test noticing.
package api

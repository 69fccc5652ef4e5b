package forms

import (
	"context"

	"frontdesk/api"
	"frontdesk/client"
)

// Client is the narrow view of a client.Platform the forms save
// through: read and change customers, adjust points, add notes. Versions
// are the platform's opaque strings (client.CustomerVersion).
type Client interface {
	GetCustomer(ctx context.Context, id api.ID) (api.Customer, error)
	PatchCustomer(ctx context.Context, id api.ID, version string, p api.CustomerPatch) (api.Customer, error)
	CreateCustomer(ctx context.Context, in api.CustomerCreate) (api.Customer, error)
	AdjustLoyalty(ctx context.Context, id api.ID, req api.AdjustmentRequest, idempotencyKey string) (api.AdjustmentResult, bool, error)
	AddNote(ctx context.Context, id api.ID, body string) (api.Note, error)
}

// CustomerSavedMsg is sent after the edit form saved a customer, with the
// customer as the server now holds it (new version). It is also sent when
// the agent discards their changes after a conflict, so the profile shows
// the server's current version.
type CustomerSavedMsg struct{ Customer api.Customer }

// LoyaltyAdjustedMsg is sent after an adjustment was applied (or replayed
// by the server for the same idempotency key).
type LoyaltyAdjustedMsg struct {
	CustomerID api.ID
	Result     api.AdjustmentResult
}

// NoteAddedMsg is sent after a note was saved.
type NoteAddedMsg struct{ Note api.Note }

// CustomerCreatedMsg is sent after a customer was created; the form has
// popped itself first, so the receiver may push the new profile.
type CustomerCreatedMsg struct{ Customer api.Customer }

// Every Platform is a Client.
var _ Client = client.Platform(nil)

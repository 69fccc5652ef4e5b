package session

import (
	"context"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/screens/forms"
)

// Client returns base with the reads and edits of the live session's
// customer going through the session — as the customer, with the
// customer's field limits, recorded in the audit trail as the agent
// acting as them. Everything else (other customers, loyalty, notes, new
// customers) goes to base, as the agent. The session is taken now: a form
// built with it keeps acting through that session, and if it ends
// meanwhile the form's save fails with a reason instead of quietly saving
// as the agent. Without a live session it is base itself.
func (a *Acting) Client(base forms.Client) forms.Client {
	if a.sess == nil {
		return base
	}
	return scoped{Client: base, sess: a.sess, id: a.id}
}

type scoped struct {
	forms.Client
	sess *client.Session
	id   api.ID
}

func (s scoped) GetCustomer(ctx context.Context, id api.ID) (api.Customer, error) {
	if id != s.id {
		return s.Client.GetCustomer(ctx, id)
	}
	return s.sess.Customer(ctx)
}

func (s scoped) PatchCustomer(ctx context.Context, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	if id != s.id {
		return s.Client.PatchCustomer(ctx, id, version, p)
	}
	return s.sess.PatchCustomer(ctx, version, p)
}

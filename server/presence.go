package server

import (
	"net/http"
	"time"

	"frontdesk/api"
	"frontdesk/store"
)

// Presence (GET, PUT and DELETE /customers/{id}/presence): which agents
// have a customer open, for the console's collision notice. Rows live in
// the store, so every replica and every gateway on the database sees the
// same agents; a row lives Options.PresenceTTL after its last heartbeat.
// Any role may be present (policy.Read): a viewer reading a profile is
// worth knowing about too.

// presenceAnswer lists the live rows on id of agents other than c.
func (s *Server) presenceAnswer(ps []store.Presence, id api.ID, c *caller) api.Presence {
	out := api.Presence{CustomerID: id, Viewers: []api.Viewer{}, TTLSeconds: int(s.presenceTTL / time.Second)}
	for _, p := range ps {
		if p.AgentID == c.AgentID {
			continue
		}
		out.Viewers = append(out.Viewers, api.Viewer{AgentID: p.AgentID, Name: p.AgentName, Since: p.Since, Editing: p.Editing, Via: p.Via})
	}
	return out
}

// getPresence answers GET /customers/{id}/presence.
func (s *Server) getPresence(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	ctx := r.Context()
	var ps []store.Presence
	err = s.read(ctx, func(tx store.Tx) error {
		var err error
		ps, err = tx.PresenceOf(ctx, id, s.now())
		return err
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, s.presenceAnswer(ps, id, c))
}

// putPresence answers PUT /customers/{id}/presence: the heartbeat. It
// is idempotent (a repeat moves the expiry, nothing else), and the first
// heartbeat of a visit checks that the customer exists, so later ones
// cost the store of record nothing.
func (s *Server) putPresence(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var in api.PresenceUpdate
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	now := s.now()
	var ps []store.Presence
	err = s.write(ctx, func(tx store.Tx) error {
		_, fresh, err := tx.TouchPresence(ctx, store.Presence{CustomerID: id, AgentID: c.AgentID, AgentName: c.Name,
			Via: c.Via, Editing: in.Editing, ExpiresAt: now.Add(s.presenceTTL)}, now)
		if err != nil {
			return err
		}
		if fresh {
			if err := customerExists(ctx, tx, id); err != nil {
				return err
			}
		}
		ps, err = tx.PresenceOf(ctx, id, now)
		return err
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, s.presenceAnswer(ps, id, c))
}

// deletePresence answers DELETE /customers/{id}/presence: the agent
// closed the customer. Idempotent: 204 whether or not it was present.
func (s *Server) deletePresence(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.write(ctx, func(tx store.Tx) error { return tx.LeavePresence(ctx, id, c.AgentID) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

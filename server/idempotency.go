package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"frontdesk/api"
	"frontdesk/store"
)

// claimKey is the first of the two write transactions of a request
// applied once per Idempotency-Key (scoped to the acting agent): it
// claims key (in_flight) for the request whose body hashes to hash, or
// answers from it. A finished key answers replayed, its stored answer; a
// key claimed with another body is 422; a key whose request is still
// running is 409, unless the claim is older than inFlightTimeout (its
// request died before finishing: nothing was applied, since apply and
// finish commit together), which is taken over. what names the request
// in the refusals ("adjustment", "merge").
func (s *Server) claimKey(ctx context.Context, w http.ResponseWriter, c *caller, key string, customer api.ID, hash, what string) (replayed *storedAnswer, err error) {
	err = s.write(ctx, func(tx store.Tx) error {
		now := s.now()
		k, err := tx.IdempotencyKey(ctx, c.AgentID, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return tx.ClaimIdempotencyKey(ctx, store.IdempotencyKey{
				AgentID: c.AgentID, Key: key, CustomerID: customer, RequestHash: hash, CreatedAt: now,
			})
		case err != nil:
			return fmt.Errorf("look up idempotency key: %w", err)
		case k.RequestHash != hash:
			return errf(http.StatusUnprocessableEntity, api.CodeIdempotencyReused,
				"this Idempotency-Key was already used for a different %s; use a new key for a new %s", what, what)
		case k.State == store.KeyDone && len(k.Response) == 0:
			// The customer was erased, and the stored answer with them
			// (store.Eraser): the request stays applied once.
			return errf(http.StatusUnprocessableEntity, api.CodeIdempotencyReused,
				"the %s with this Idempotency-Key was applied; its answer was erased with the customer's data, and it is not applied again", what)
		case k.State == store.KeyDone:
			replayed = &storedAnswer{status: k.Status, body: k.Response}
			return nil
		}
		if now.Sub(k.CreatedAt) > inFlightTimeout {
			return tx.RenewIdempotencyKey(ctx, c.AgentID, key, now)
		}
		w.Header().Set(api.HeaderRetryAfter, "1")
		return errf(http.StatusConflict, api.CodeIdempotencyInFlight,
			"a %s with this Idempotency-Key is still being applied; retry in a moment to get its answer", what)
	})
	return replayed, err
}

// storedAnswer is a finished Idempotency-Key's answer.
type storedAnswer struct {
	status int
	body   []byte
}

// releaseKey drops an in-flight claim after a failed apply, so a retry
// can proceed; err is the apply's failure, returned with any of its own.
func (s *Server) releaseKey(ctx context.Context, c *caller, key string, err error) error {
	if relErr := s.write(ctx, func(tx store.Tx) error {
		return tx.ReleaseIdempotencyKey(ctx, c.AgentID, key)
	}); relErr != nil {
		err = errors.Join(err, fmt.Errorf("release idempotency key: %w", relErr))
	}
	return err
}

package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"frontdesk/api"
	"frontdesk/store"
)

// mergeRequest reads POST /customers/{id}/merge[/preview]: the kept
// customer from the path, the dropped one from the body.
func mergeRequest(r *http.Request) (keep, drop api.ID, err error) {
	if keep, err = pathID(r, "id", "customer"); err != nil {
		return "", "", err
	}
	var in api.MergeRequest
	if err := decodeBody(r, &in); err != nil {
		return "", "", err
	}
	drop = api.ID(strings.TrimSpace(in.Drop.String()))
	if drop == "" {
		return "", "", validationErr(api.FieldErrors{"drop": "name the customer to merge into this one (its id)"})
	}
	return keep, drop, nil
}

// mergeRefusal is the answer to a merge the rules refuse, before (the
// preview) or when applying it.
func mergeRefusal(keep, drop api.ID, err error) error {
	var me *store.MergeError
	if !errors.As(err, &me) {
		return err
	}
	switch me.Kind {
	case store.MergeSame:
		return errf(http.StatusUnprocessableEntity, api.CodeMergeInvalid,
			"customer %s cannot be merged into itself; name the duplicate to merge into it", keep)
	case store.MergeDropMerged:
		return errf(http.StatusConflict, api.CodeAlreadyMerged,
			"customer %s was already merged into %s; open %s", drop, me.Into, me.Into)
	case store.MergeKeepMerged:
		return errf(http.StatusConflict, api.CodeAlreadyMerged,
			"customer %s was merged into %s; merge into %s instead", keep, me.Into, me.Into)
	case store.MergeDropDisabled:
		return errf(http.StatusUnprocessableEntity, api.CodeCustomerDisabled,
			"customer %s is disabled; enable it before merging it", drop)
	case store.MergeKeepDisabled:
		return errf(http.StatusUnprocessableEntity, api.CodeCustomerDisabled,
			"customer %s is disabled; enable it before merging into it", keep)
	}
	return err
}

// checkMerge is the store's rules of store.Merger, asked of two loaded
// customers for the preview (the store asks them again when applying).
func checkMerge(keep, drop api.Customer) error {
	switch {
	case keep.ID == drop.ID:
		return &store.MergeError{Kind: store.MergeSame}
	case drop.MergedInto != nil:
		return &store.MergeError{Kind: store.MergeDropMerged, Into: *drop.MergedInto}
	case keep.MergedInto != nil:
		return &store.MergeError{Kind: store.MergeKeepMerged, Into: *keep.MergedInto}
	case drop.Status == api.StatusDisabled:
		return &store.MergeError{Kind: store.MergeDropDisabled}
	case keep.Status == api.StatusDisabled:
		return &store.MergeError{Kind: store.MergeKeepDisabled}
	}
	return nil
}

// unsupportedMerge is the answer of a store that cannot merge (a
// platform behind the desk).
var unsupportedMerge = &store.UnsupportedError{Capability: "merge",
	Reason: "the store behind the desk cannot merge customers; merge them in the platform's own admin"}

// postMergePreview answers POST /customers/{keep}/merge/preview: what a
// merge of the body's drop into keep would move, changing nothing.
func (s *Server) postMergePreview(w http.ResponseWriter, r *http.Request, _ *caller) error {
	keep, drop, err := mergeRequest(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var p api.MergePreview
	err = s.read(ctx, func(tx store.Tx) error {
		if _, ok := tx.(store.Merger); !ok {
			return unsupportedMerge
		}
		var err error
		if p.Keep, err = loadCustomer(ctx, tx, keep); err != nil {
			return err
		}
		if p.Drop, err = loadCustomer(ctx, tx, drop); err != nil {
			return err
		}
		if err := checkMerge(p.Keep, p.Drop); err != nil {
			return mergeRefusal(keep, drop, err)
		}
		f := store.OrderFilter{CustomerID: drop}
		if p.OrderCount, err = tx.CountOrders(ctx, f); err != nil {
			return err
		}
		if p.Orders, err = tx.OrdersOf(ctx, f, api.MergePreviewList, 0); err != nil {
			return err
		}
		if p.NoteCount, err = tx.CountNotes(ctx, drop); err != nil {
			return err
		}
		if p.Notes, err = tx.NotesOf(ctx, drop, api.MergePreviewList, 0); err != nil {
			return err
		}
		if p.LedgerCount, err = tx.CountLedger(ctx, drop); err != nil {
			return err
		}
		if p.KeepBalance, _, err = tx.LoyaltyAccount(ctx, keep); err != nil {
			return err
		}
		if p.DropBalance, _, err = tx.LoyaltyAccount(ctx, drop); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.Addresses = p.Drop.Addresses
	p.PointsBalance = p.KeepBalance + p.DropBalance
	p.TotalOrders = p.Keep.TotalOrders + p.Drop.TotalOrders
	p.TotalSpent = p.Keep.TotalSpent + p.Drop.TotalSpent
	return writeData(w, http.StatusOK, p)
}

// postMerge merges the body's drop into keep exactly once per
// Idempotency-Key (scoped to the acting agent), in the two write
// transactions of postAdjustment: claim the key (or replay its answer),
// then apply the merge, its one audit row and the key's stored answer
// together. A refused merge releases the key.
func (s *Server) postMerge(w http.ResponseWriter, r *http.Request, c *caller) error {
	keep, drop, err := mergeRequest(r)
	if err != nil {
		return err
	}
	key := r.Header.Get(api.HeaderIdempotencyKey)
	if err := checkIdempotencyKey(key); err != nil {
		return err
	}
	sum := sha256.Sum256([]byte("merge\nkeep=" + keep.String() + "\ndrop=" + drop.String()))
	hash := hex.EncodeToString(sum[:])
	ctx := context.WithoutCancel(r.Context())

	replay, err := s.claimKey(ctx, w, c, key, keep, hash, "merge")
	if err != nil {
		return err
	}
	if replay != nil {
		w.Header().Set(api.HeaderReplayed, "true")
		writeBody(w, replay.status, replay.body)
		return nil
	}
	var refused error
	var answer []byte
	err = s.write(ctx, func(tx store.Tx) error {
		m, ok := tx.(store.Merger)
		if !ok {
			refused = unsupportedMerge
			return tx.ReleaseIdempotencyKey(ctx, c.AgentID, key)
		}
		keepBefore, err := loadCustomer(ctx, tx, keep)
		if err == nil {
			_, err = loadCustomer(ctx, tx, drop)
		}
		var ae *apiError
		if errors.As(err, &ae) {
			refused = ae
			return tx.ReleaseIdempotencyKey(ctx, c.AgentID, key)
		}
		if err != nil {
			return err
		}
		keepBalance, _, err := tx.LoyaltyAccount(ctx, keep)
		if err != nil {
			return err
		}
		res, err := m.MergeCustomers(ctx, store.Merge{Keep: keep, Drop: drop, AgentID: c.AgentID, At: s.now()})
		var me *store.MergeError
		if errors.As(err, &me) {
			refused = mergeRefusal(keep, drop, err)
			return tx.ReleaseIdempotencyKey(ctx, c.AgentID, key)
		}
		if err != nil {
			return err
		}
		// One row, on the kept customer, of ids and counts only: no
		// personal data of either customer.
		if err := s.audit(ctx, tx, r, c, api.ActionCustomerMerge, keep, sessionOf(c),
			map[string]any{"points_balance": keepBalance, "total_orders": keepBefore.TotalOrders, "total_spent": keepBefore.TotalSpent},
			map[string]any{"merged_customer_id": drop.String(), "points_balance": res.PointsBalance,
				"total_orders": res.TotalOrders, "total_spent": res.TotalSpent,
				"moved_orders": res.Moved.Orders, "moved_notes": res.Moved.Notes, "moved_addresses": res.Moved.Addresses,
				"moved_points": res.Moved.Points, "moved_lifetime_earned": res.Moved.LifetimeEarned}); err != nil {
			return err
		}
		if answer, err = envelope(res); err != nil {
			return err
		}
		return tx.FinishIdempotencyKey(ctx, c.AgentID, key, http.StatusCreated, answer)
	})
	if err != nil {
		return s.releaseKey(ctx, c, key, err)
	}
	if refused != nil {
		return refused
	}
	writeBody(w, http.StatusCreated, answer)
	return nil
}

package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"
	"unicode"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/store"
)

// recentLedger is how many entries GET /loyalty carries (seed 004).
const recentLedger = 50

// inFlightTimeout is when a claimed idempotency key whose request never
// finished (the process died between claim and apply) may be taken over.
const inFlightTimeout = time.Minute

// MaxIdempotencyKeyLen bounds the Idempotency-Key header.
const MaxIdempotencyKeyLen = 255

func (s *Server) getLoyalty(w http.ResponseWriter, r *http.Request, _ *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	ctx := r.Context()
	out := api.Loyalty{CustomerID: id}
	err = s.read(ctx, func(tx store.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		var err error
		if out.PointsBalance, out.LifetimeEarned, err = tx.LoyaltyAccount(ctx, id); err != nil {
			return err
		}
		out.Ledger, err = tx.LedgerOf(ctx, id, recentLedger, 0)
		return err
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, out)
}

func (s *Server) getLedger(w http.ResponseWriter, r *http.Request, _ *caller) error {
	p, err := readCustomerPage(s, r, "ledger", store.Tx.CountLedger, store.Tx.LedgerOf)
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, api.LedgerPage{Ledger: p.rows, Total: p.total, Page: p.page, Limit: p.limit})
}

// postAdjustment applies a loyalty adjustment exactly once per
// Idempotency-Key (scoped to the acting agent).
//
// It runs in two write transactions. The first claims the key (in_flight)
// or answers from it: a finished key replays its stored answer, a key
// claimed with another body is 422, a key whose request is still running
// is 409. The second applies the adjustment — ledger row, balance and the
// key's stored answer commit together — or, when a business rule refuses
// it, releases the claim, so nothing was applied and the same key may be
// used again. Only successes are stored and replayed.
func (s *Server) postAdjustment(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	key := r.Header.Get(api.HeaderIdempotencyKey)
	if err := checkIdempotencyKey(key); err != nil {
		return err
	}
	var in api.AdjustmentRequest
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if f := api.ValidateAdjustment(in); len(f) > 0 {
		return validationErr(f)
	}
	if err := refusal(policy.CheckLoyalty(c.actor(), in.Points)); err != nil {
		return err
	}
	canonical, err := json.Marshal(in)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(append(canonical, "\ncustomer="+id.String()...))
	hash := hex.EncodeToString(sum[:])

	// Once started, an adjustment runs to the end even if the client
	// goes away, so the key never stays half-done.
	ctx := context.WithoutCancel(r.Context())

	replay, err := s.claimKey(ctx, w, c, key, id, hash, "adjustment")
	if err != nil {
		return err
	}
	if replay != nil {
		s.ops.adjustments.WithLabelValues("replayed").Inc()
		w.Header().Set(api.HeaderReplayed, "true")
		writeBody(w, replay.status, replay.body)
		return nil
	}
	if hook := s.afterClaim.Load(); hook != nil {
		(*hook)()
	}

	var refused error
	var answer []byte
	err = s.write(ctx, func(tx store.Tx) error {
		var applyErr error
		answer, refused, applyErr = s.applyAdjustment(ctx, tx, r, c, id, key, in)
		if applyErr != nil {
			return applyErr
		}
		if refused != nil {
			return tx.ReleaseIdempotencyKey(ctx, c.AgentID, key)
		}
		return nil
	})
	if err != nil {
		// Nothing was applied; free the key so a retry can proceed.
		return s.releaseKey(ctx, c, key, err)
	}
	if refused != nil {
		s.ops.adjustments.WithLabelValues("refused").Inc()
		return refused
	}
	s.ops.adjustments.WithLabelValues("applied").Inc()
	writeBody(w, http.StatusCreated, answer)
	return nil
}

// applyAdjustment writes the ledger row, the balance and the key's stored
// answer in tx. refused is a business-rule answer (nothing written).
func (s *Server) applyAdjustment(ctx context.Context, tx store.Tx, r *http.Request, c *caller, id api.ID, key string, in api.AdjustmentRequest) (answer []byte, refused, err error) {
	cust, err := loadCustomer(ctx, tx, id)
	var ae *apiError
	if errors.As(err, &ae) {
		return nil, ae, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if cust.Status == api.StatusDisabled {
		return nil, errf(http.StatusUnprocessableEntity, api.CodeCustomerDisabled,
			"customer %s is disabled; enable the account before adjusting its points", id), nil
	}
	entry, err := tx.AppendAdjustment(ctx, store.Adjustment{
		CustomerID: id, Points: in.Points, Reason: in.Reason, Note: in.Note, AgentID: c.AgentID, At: s.now(),
		IdempotencyKey: forwardedKey(c.AgentID, key),
	})
	var short *store.InsufficientPointsError
	if errors.As(err, &short) {
		return nil, errf(http.StatusUnprocessableEntity, api.CodeInsufficientPoints,
			"the balance is %d points; removing %d would make it negative", short.Balance, -in.Points), nil
	}
	if err != nil {
		return nil, nil, err
	}
	balance := entry.BalanceAfter - entry.Points
	entryID, _ := entry.ID.Int64()
	if err := s.audit(ctx, tx, r, c, api.ActionLoyaltyAdjust, id, "",
		map[string]any{"points_balance": balance},
		map[string]any{"points_balance": entry.BalanceAfter, "ledger_entry_id": entryID, "points": in.Points, "reason": in.Reason, "note": in.Note}); err != nil {
		return nil, nil, err
	}
	answer, err = envelope(api.AdjustmentResult{Entry: entry, PointsBalance: entry.BalanceAfter})
	if err != nil {
		return nil, nil, err
	}
	if err := tx.FinishIdempotencyKey(ctx, c.AgentID, key, http.StatusCreated, answer); err != nil {
		return nil, nil, err
	}
	return answer, nil, nil
}

func checkIdempotencyKey(key string) error {
	if key == "" {
		return errf(http.StatusBadRequest, api.CodeBadRequest,
			"send an Idempotency-Key header (1–%d characters, e.g. a UUID) so a retry cannot apply the adjustment twice", MaxIdempotencyKeyLen)
	}
	if len(key) > MaxIdempotencyKeyLen {
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the Idempotency-Key is longer than %d characters", MaxIdempotencyKeyLen)
	}
	for _, r := range key {
		if unicode.IsControl(r) {
			return errf(http.StatusBadRequest, api.CodeBadRequest, "the Idempotency-Key contains control characters")
		}
	}
	return nil
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// forwardedKey is the Idempotency-Key a platform behind the desk gets for
// agent's key: the same for every retry of it, and no other agent's.
func forwardedKey(agent, key string) string {
	sum := sha256.Sum256([]byte(agent + "\n" + key))
	return "fd-" + hex.EncodeToString(sum[:16])
}

package sandbox

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode"

	"frontdesk/api"
	"frontdesk/policy"
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
	out := api.Loyalty{CustomerID: api.IDFromInt(id)}
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT points_balance, lifetime_earned FROM loyalty_accounts WHERE customer_id = ?`, id).
			Scan(&out.PointsBalance, &out.LifetimeEarned)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("load loyalty account %d: %w", id, err)
		}
		out.Ledger, err = ledgerEntries(ctx, tx, id, recentLedger, 0)
		return err
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, out)
}

func (s *Server) getLedger(w http.ResponseWriter, r *http.Request, _ *caller) error {
	p, err := readCustomerPage(s, r, "loyalty_ledger", "ledger", ledgerEntries)
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
	sum := sha256.Sum256(append(canonical, "\ncustomer="+strconv.FormatInt(id, 10)...))
	hash := hex.EncodeToString(sum[:])

	// Once started, an adjustment runs to the end even if the client
	// goes away, so the key never stays half-done.
	ctx := context.WithoutCancel(r.Context())

	var replay struct {
		status int
		body   []byte
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var (
			storedHash, state, created string
			status                     sql.NullInt64
			body                       []byte
		)
		err := tx.QueryRowContext(ctx, `
			SELECT request_hash, state, status, response, created_at FROM idempotency_keys
			WHERE agent_id = ? AND key = ?`, c.AgentID, key).Scan(&storedHash, &state, &status, &body, &created)
		now := s.now()
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err := tx.ExecContext(ctx, `
				INSERT INTO idempotency_keys (agent_id, key, request_hash, state, created_at)
				VALUES (?, ?, ?, 'in_flight', ?)`, c.AgentID, key, hash, formatTime(now))
			if err != nil {
				return fmt.Errorf("claim idempotency key: %w", err)
			}
			return nil
		case err != nil:
			return fmt.Errorf("look up idempotency key: %w", err)
		case storedHash != hash:
			return errf(http.StatusUnprocessableEntity, api.CodeIdempotencyReused,
				"this Idempotency-Key was already used for a different adjustment; use a new key for a new adjustment")
		case state == "done":
			replay.status, replay.body = int(status.Int64), body
			return nil
		}
		if t, err := parseTime(created); err == nil && now.Sub(t) > inFlightTimeout {
			// The request that claimed it died before finishing: nothing
			// was applied (apply and finish commit together), take over.
			_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET created_at = ? WHERE agent_id = ? AND key = ?`,
				formatTime(now), c.AgentID, key)
			return err
		}
		e := errf(http.StatusConflict, api.CodeIdempotencyInFlight,
			"an adjustment with this Idempotency-Key is still being applied; retry in a moment to get its answer")
		w.Header().Set(api.HeaderRetryAfter, "1")
		return e
	})
	if err != nil {
		return err
	}
	if replay.body != nil {
		w.Header().Set(api.HeaderReplayed, "true")
		writeBody(w, replay.status, replay.body)
		return nil
	}
	if hook := s.afterClaim.Load(); hook != nil {
		(*hook)()
	}

	var refused error
	var answer []byte
	err = s.write(ctx, func(tx *sql.Tx) error {
		var applyErr error
		answer, refused, applyErr = s.applyAdjustment(ctx, tx, r, c, id, key, in)
		if applyErr != nil {
			return applyErr
		}
		if refused != nil {
			_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE agent_id = ? AND key = ? AND state = 'in_flight'`, c.AgentID, key)
			return err
		}
		return nil
	})
	if err != nil {
		// Nothing was applied; free the key so a retry can proceed.
		if relErr := s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE agent_id = ? AND key = ? AND state = 'in_flight'`, c.AgentID, key)
			return err
		}); relErr != nil {
			err = errors.Join(err, fmt.Errorf("release idempotency key: %w", relErr))
		}
		return err
	}
	if refused != nil {
		return refused
	}
	writeBody(w, http.StatusCreated, answer)
	return nil
}

// applyAdjustment writes the ledger row, the balance and the key's stored
// answer in tx. refused is a business-rule answer (nothing written).
func (s *Server) applyAdjustment(ctx context.Context, tx *sql.Tx, r *http.Request, c *caller, id int64, key string, in api.AdjustmentRequest) (answer []byte, refused, err error) {
	var status string
	err = tx.QueryRowContext(ctx, `SELECT status FROM customers WHERE id = ?`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("customer", id), nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load customer %d: %w", id, err)
	}
	if status == api.StatusDisabled {
		return nil, errf(http.StatusUnprocessableEntity, api.CodeCustomerDisabled,
			"customer %d is disabled; enable the account before adjusting its points", id), nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO loyalty_accounts (customer_id) VALUES (?)`, id); err != nil {
		return nil, nil, fmt.Errorf("open loyalty account %d: %w", id, err)
	}
	var balance int64
	if err := tx.QueryRowContext(ctx, `SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?`, id).Scan(&balance); err != nil {
		return nil, nil, fmt.Errorf("load loyalty account %d: %w", id, err)
	}
	after := balance + in.Points
	if after < 0 {
		e := errf(http.StatusUnprocessableEntity, api.CodeInsufficientPoints,
			"the balance is %d points; removing %d would make it negative", balance, -in.Points)
		return nil, e, nil
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO loyalty_ledger (customer_id, type, points, balance_after, reason, note, agent_id, created_at)
		VALUES (?, 'adjust', ?, ?, ?, ?, ?, ?)`,
		id, in.Points, after, in.Reason, in.Note, c.AgentID, formatTime(s.now()))
	if err != nil {
		return nil, nil, fmt.Errorf("append ledger: %w", err)
	}
	entryID, err := res.LastInsertId()
	if err != nil {
		return nil, nil, err
	}
	// Positive adjustments count as earned: lifetime_earned is every
	// point ever credited.
	if _, err := tx.ExecContext(ctx, `
		UPDATE loyalty_accounts SET points_balance = ?, lifetime_earned = lifetime_earned + max(?, 0)
		WHERE customer_id = ?`, after, in.Points, id); err != nil {
		return nil, nil, fmt.Errorf("update balance: %w", err)
	}
	if err := s.audit(ctx, tx, r, c, api.ActionLoyaltyAdjust, id, "",
		map[string]any{"points_balance": balance},
		map[string]any{"points_balance": after, "ledger_entry_id": entryID, "points": in.Points, "reason": in.Reason, "note": in.Note}); err != nil {
		return nil, nil, err
	}
	entry, err := scanLedger(tx.QueryRowContext(ctx, `
		SELECT l.id, l.type, l.points, l.balance_after, l.order_id, l.reason, l.note,
		       COALESCE(l.agent_id, ''), COALESCE(a.name, ''), l.created_at
		FROM loyalty_ledger l LEFT JOIN agents a ON a.id = l.agent_id WHERE l.id = ?`, entryID))
	if err != nil {
		return nil, nil, fmt.Errorf("read back ledger entry: %w", err)
	}
	answer, err = envelope(api.AdjustmentResult{Entry: entry, PointsBalance: after})
	if err != nil {
		return nil, nil, err
	}
	res, err = tx.ExecContext(ctx, `
		UPDATE idempotency_keys SET state = 'done', status = ?, response = ?
		WHERE agent_id = ? AND key = ? AND state = 'in_flight'`, http.StatusCreated, answer, c.AgentID, key)
	if err != nil {
		return nil, nil, fmt.Errorf("store idempotent answer: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, nil, fmt.Errorf("store idempotent answer: the key's claim is gone (%d rows)", n)
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

-- +goose Up
-- Audit payload digests (docs/audit.md). A row written from now on keeps
-- its before/after values (its payload) beside a per-row random salt, and
-- its hash covers digest = SHA-256(salt ‖ payload) instead of the values,
-- so erasing a customer can destroy the payload and the salt and the
-- chain still verifies. Rows written before keep digest '' and the old
-- encoding (their hash covers the values; they cannot be erased without
-- breaking the chain).
--
-- The append-only trigger gives way to one that allows exactly one
-- update: an erasure of a digest row (salt to '', before and after to
-- 'null'), every other column unchanged.
ALTER TABLE audit_log ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN salt TEXT NOT NULL DEFAULT '';
DROP TRIGGER audit_log_no_update;
-- +goose StatementBegin
CREATE TRIGGER audit_log_erase_only BEFORE UPDATE ON audit_log
WHEN NOT (old.digest <> '' AND new.salt = '' AND new.before = 'null' AND new.after = 'null'
    AND new.seq IS old.seq AND new.at IS old.at AND new.agent_id IS old.agent_id
    AND new.agent_name IS old.agent_name AND new.key_id IS old.key_id AND new.via IS old.via
    AND new.session_id IS old.session_id AND new.action IS old.action
    AND new.customer_id IS old.customer_id AND new.request_id IS old.request_id
    AND new.prev_hash IS old.prev_hash AND new.hash IS old.hash AND new.digest IS old.digest)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only (only an erasure may clear a payload)');
END;
-- +goose StatementEnd


-- The loyalty ledger stays append-only but for one update: an erasure
-- blanks an entry's free-text note (amounts, reason codes and dates stay).
DROP TRIGGER loyalty_ledger_no_update;
-- +goose StatementBegin
CREATE TRIGGER loyalty_ledger_no_update BEFORE UPDATE OF id, customer_id, type, points, balance_after, order_id, reason, agent_id, created_at
ON loyalty_ledger BEGIN
    SELECT RAISE(ABORT, 'loyalty_ledger is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER loyalty_ledger_note_erase_only BEFORE UPDATE OF note ON loyalty_ledger WHEN new.note <> '' BEGIN
    SELECT RAISE(ABORT, 'loyalty_ledger is append-only (only an erasure may blank a note)');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER loyalty_ledger_note_erase_only;
DROP TRIGGER loyalty_ledger_no_update;
-- +goose StatementBegin
CREATE TRIGGER loyalty_ledger_no_update BEFORE UPDATE ON loyalty_ledger BEGIN
    SELECT RAISE(ABORT, 'loyalty_ledger is append-only');
END;
-- +goose StatementEnd
DROP TRIGGER audit_log_erase_only;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
ALTER TABLE audit_log DROP COLUMN salt;
ALTER TABLE audit_log DROP COLUMN digest;

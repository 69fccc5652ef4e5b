-- +goose Up
-- Audit payload digests (docs/audit.md): new rows keep before/after (the
-- payload) beside a per-row random salt and hash digest = SHA-256(salt ‖
-- payload) instead of the values, so an erasure can destroy payload and
-- salt and the chain still verifies. Older rows keep digest '' and the
-- old encoding. The append-only trigger gives way to one that allows
-- only an erasure of a digest row.
ALTER TABLE audit_log ADD COLUMN digest text NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN salt text NOT NULL DEFAULT '';
DROP TRIGGER audit_log_no_update ON audit_log;
-- +goose StatementBegin
CREATE FUNCTION audit_log_erase_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND old.digest <> '' AND new.salt = '' AND new.before = 'null' AND new.after = 'null'
        AND (new.seq, new.at, new.agent_id, new.agent_name, new.key_id, new.via, new.session_id, new.action,
             new.customer_id, new.request_id, new.prev_hash, new.hash, new.digest)
        IS NOT DISTINCT FROM (old.seq, old.at, old.agent_id, old.agent_name, old.key_id, old.via, old.session_id,
             old.action, old.customer_id, old.request_id, old.prev_hash, old.hash, old.digest) THEN
        RETURN new;
    END IF;
    RAISE EXCEPTION '% is append-only (only an erasure may clear a payload)', TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_erase_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_erase_only();


-- The loyalty ledger stays append-only but for one update: an erasure
-- blanks an entry's free-text note (amounts, reason codes, dates stay).
DROP TRIGGER loyalty_ledger_no_update ON loyalty_ledger;
-- +goose StatementBegin
CREATE FUNCTION loyalty_ledger_note_erase_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND new.note = '' AND (to_jsonb(new) - 'note') = (to_jsonb(old) - 'note') THEN
        RETURN new;
    END IF;
    RAISE EXCEPTION '% is append-only (only an erasure may blank a note)', TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER loyalty_ledger_no_update BEFORE UPDATE OR DELETE ON loyalty_ledger
    FOR EACH ROW EXECUTE FUNCTION loyalty_ledger_note_erase_only();

-- +goose Down
DROP TRIGGER loyalty_ledger_no_update ON loyalty_ledger;
DROP FUNCTION loyalty_ledger_note_erase_only();
CREATE TRIGGER loyalty_ledger_no_update BEFORE UPDATE OR DELETE ON loyalty_ledger
    FOR EACH ROW EXECUTE FUNCTION frontdesk_append_only();
DROP TRIGGER audit_log_erase_only ON audit_log;
DROP FUNCTION audit_log_erase_only();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION frontdesk_append_only();
ALTER TABLE audit_log DROP COLUMN salt;
ALTER TABLE audit_log DROP COLUMN digest;

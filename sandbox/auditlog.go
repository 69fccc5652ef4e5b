package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/sandbox/audit"
)

// audit appends one audit row for a mutation in tx, the mutation's own
// transaction: the change and its record commit together or not at all.
// Appends are serialised by the write mutex every write holds. sessionID
// is the on-behalf session the change went through ("" for none); before
// and after hold the changed fields only (nil for none).
func (s *Server) audit(ctx context.Context, tx *sql.Tx, r *http.Request, c *caller, action string, customerID int64,
	sessionID string, before, after map[string]any) error {
	rec := audit.Record{
		At: s.now(), AgentID: c.AgentID, AgentName: c.Name, KeyID: c.KeyID, Via: c.Via,
		SessionID: sessionID, Action: action, CustomerID: customerID, RequestID: RequestID(r.Context()),
	}
	var err error
	if before != nil {
		if rec.Before, err = json.Marshal(before); err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
	}
	if after != nil {
		if rec.After, err = json.Marshal(after); err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
	}
	if _, err := audit.Append(ctx, tx, rec); err != nil {
		return fmt.Errorf("audit %s on customer %d: %w", action, customerID, err)
	}
	return nil
}

// sessionOf is the on-behalf session a request acts through, or "".
func sessionOf(c *caller) string {
	if c.Session == nil {
		return ""
	}
	return c.Session.ID
}

// listAudit answers GET /audit?customer_id=&agent_id=&action=&session_id=&page=&limit=,
// newest first.
//
// Who sees what: supervisors and admins see every row. Agents and viewers
// can read every customer, so they see every row on a customer they name
// (customer_id, whoever made the rows: the profile's Activity tab), and
// their own rows (agent_id = themselves); asking for the whole store, or
// for another agent's rows across customers, is 403 forbidden.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	f := api.FieldErrors{}
	page, limit := pageParams(q, f)
	var where []string
	var args []any
	var customerID int64
	if raw := filterParam(q, "customer_id", f); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			f["customer_id"] = "customer_id must be a customer's id (a positive whole number)"
		}
		customerID = id
		where = append(where, "customer_id = ?")
		args = append(args, id)
	}
	agent := filterParam(q, "agent_id", f)
	if agent != "" {
		where = append(where, "agent_id = ?")
		args = append(args, agent)
	}
	if action := filterParam(q, "action", f); action != "" {
		if !slices.Contains(api.AuditActions, action) {
			f["action"] = "action must be one of " + strings.Join(api.AuditActions, ", ")
		}
		where = append(where, "action = ?")
		args = append(args, action)
	}
	if sid := filterParam(q, "session_id", f); sid != "" {
		where = append(where, "session_id = ?")
		args = append(args, sid)
	}
	if len(f) > 0 {
		return validationErr(f)
	}
	if customerID == 0 && agent != c.AgentID {
		if err := policy.Check(c.actor(), policy.ReadAuditAll); err != nil {
			return errf(http.StatusForbidden, api.CodeForbidden,
				"%s; name a customer (customer_id) or ask for your own rows (agent_id=%s)", err, c.AgentID)
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	ctx := r.Context()
	out := api.AuditPage{Entries: []api.AuditEntry{}, Page: page, Limit: limit}
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+cond, args...).Scan(&out.Total); err != nil {
			return fmt.Errorf("count audit rows: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+audit.Columns+` FROM audit_log`+cond+` ORDER BY seq DESC LIMIT ? OFFSET ?`,
			append(args, limit, (page-1)*limit)...)
		if err != nil {
			return fmt.Errorf("list audit rows: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			row, err := audit.Scan(rows)
			if err != nil {
				return fmt.Errorf("list audit rows: %w", err)
			}
			e, err := auditEntry(row)
			if err != nil {
				return err
			}
			out.Entries = append(out.Entries, e)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, out)
}

func auditEntry(r audit.Row) (api.AuditEntry, error) {
	at, err := parseTime(r.At)
	if err != nil {
		return api.AuditEntry{}, fmt.Errorf("audit row %d: %w", r.Seq, err)
	}
	return api.AuditEntry{
		Seq: r.Seq, At: at, AgentID: r.AgentID, AgentName: r.AgentName, KeyID: r.KeyID, Via: r.Via,
		SessionID: r.SessionID, Action: r.Action, CustomerID: api.IDFromInt(r.CustomerID),
		Before: rawJSON(r.Before), After: rawJSON(r.After),
		RequestID: r.RequestID, PrevHash: r.PrevHash, Hash: r.Hash,
	}, nil
}

// rawJSON passes stored JSON through; text that is not JSON (someone
// edited the file by hand — `audit verify` will say so) goes out as a
// JSON string rather than breaking the whole answer.
func rawJSON(s string) json.RawMessage {
	if json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(s)
	return b
}

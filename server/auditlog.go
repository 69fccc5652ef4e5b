package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/store"
	"frontdesk/store/audit"
)

// audit appends one audit row for a mutation in tx, the mutation's own
// transaction: the change and its record commit together or not at all.
// The store serialises writes, so appends never read the same head. sessionID
// is the on-behalf session the change went through ("" for none); before
// and after hold the changed fields only (nil for none).
func (s *Server) audit(ctx context.Context, tx store.Tx, r *http.Request, c *caller, action string, customerID api.ID,
	sessionID string, before, after map[string]any) error {
	rec := audit.Record{
		At: s.now(), AgentID: c.AgentID, AgentName: c.Name, KeyID: c.KeyID, Via: c.Via,
		SessionID: sessionID, Action: action, CustomerID: customerID.String(), RequestID: RequestID(r.Context()),
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
	if _, err := tx.AppendAudit(ctx, rec); err != nil {
		return fmt.Errorf("audit %s on customer %s: %w", action, customerID, err)
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
	var filter store.AuditFilter
	filter.CustomerID = customerIDParam(q, f)
	filter.AgentID = filterParam(q, "agent_id", f)
	if action := filterParam(q, "action", f); action != "" {
		if !slices.Contains(api.AuditActions, action) {
			f["action"] = "action must be one of " + strings.Join(api.AuditActions, ", ")
		}
		filter.Action = action
	}
	filter.SessionID = filterParam(q, "session_id", f)
	if len(f) > 0 {
		return validationErr(f)
	}
	if filter.CustomerID == "" && filter.AgentID != c.AgentID {
		if err := policy.Check(c.actor(), policy.ReadAuditAll); err != nil {
			return errf(http.StatusForbidden, api.CodeForbidden,
				"%s; name a customer (customer_id) or ask for your own rows (agent_id=%s)", err, c.AgentID)
		}
	}
	ctx := r.Context()
	out := api.AuditPage{Entries: []api.AuditEntry{}, Page: page, Limit: limit}
	err := s.read(ctx, func(tx store.Tx) error {
		var err error
		if out.Total, err = tx.CountAudit(ctx, filter); err != nil {
			return err
		}
		rows, err := tx.AuditRows(ctx, filter, limit, (page-1)*limit)
		if err != nil {
			return err
		}
		for _, row := range rows {
			e, err := auditEntry(row)
			if err != nil {
				return err
			}
			if policy.MasksPII(c.Role) {
				api.MaskAuditEntry(&e)
			}
			out.Entries = append(out.Entries, e)
		}
		return nil
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
		SessionID: r.SessionID, Action: r.Action, CustomerID: api.ID(r.CustomerID),
		Before: rawJSON(r.Before), After: rawJSON(r.After),
		RequestID: r.RequestID, PrevHash: r.PrevHash, Hash: r.Hash,
		Digest: r.Digest, PayloadErased: r.Erased(),
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

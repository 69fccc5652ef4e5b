package cli_test

import (
	"regexp"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/store/audit"
)

// A chain cut short or rewritten whole is consistent, so the chain alone
// cannot tell; a checkpoint kept outside the database can. verify prints
// one, and --expect-head catches both, naming what happened.
func TestAuditCheckpointCatchesTruncationAndRewrite(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 3})
	for _, body := range []string{"called about a parcel", "parcel found", "refund promised"} {
		if r := env.Do(t, "agent", "POST", "/customers/1/notes", api.NoteCreate{Body: body}); r.Status != 201 {
			t.Fatalf("note: %d %s", r.Status, r.Body)
		}
	}
	none := map[string]string{}
	r := runCLI(t, none, "audit", "verify", "--db", env.DBPath)
	r.want(t, 0)
	m := regexp.MustCompile(`checkpoint (3:[0-9a-f]{64})`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("verify printed no checkpoint for 3 rows:\n%s", r.stdout)
	}
	cp := m[1]
	runCLI(t, none, "audit", "verify", "--db", env.DBPath, "--expect-head", cp).want(t, 0)
	runCLI(t, none, "audit", "verify", "--db", env.DBPath, "--expect-head", "3:nothex").want(t, 2)

	// Cut the last row off and move the head back: a consistent chain.
	for _, q := range []string{`DROP TRIGGER audit_log_erase_only`, `DROP TRIGGER audit_log_no_delete`,
		`DELETE FROM audit_log WHERE seq = 3`,
		`UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)`} {
		if _, err := env.DB.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	runCLI(t, none, "audit", "verify", "--db", env.DBPath).want(t, 0)
	r = runCLI(t, none, "audit", "verify", "--db", env.DBPath, "--expect-head", cp)
	r.want(t, 1)
	if !regexp.MustCompile(`truncated.*row 3.*has 2 rows`).MatchString(r.stderr) {
		t.Fatalf("verify of a truncated chain:\n%s", r.stderr)
	}

	// Put a forged row 3 in its place, hashed and chained as a writer with
	// the file could.
	var prev audit.Row
	row := env.DB.QueryRow(`SELECT ` + audit.Columns + ` FROM audit_log WHERE seq = 2`)
	if prev, _ = audit.Scan(row); prev.Hash == "" {
		t.Fatal("no row 2")
	}
	forged := prev
	forged.Seq, forged.PrevHash, forged.After = 3, prev.Hash, `{"body":"nothing happened"}`
	forged.Seal()
	if _, err := env.DB.Exec(`INSERT INTO audit_log (`+audit.Columns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		forged.Seq, forged.At, forged.AgentID, forged.AgentName, forged.KeyID, forged.Via, forged.SessionID, forged.Action,
		forged.CustomerID, forged.Before, forged.After, forged.RequestID, forged.PrevHash, forged.Hash, forged.Digest, forged.Salt); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.Exec(`UPDATE audit_head SET seq = 3, hash = ?`, forged.Hash); err != nil {
		t.Fatal(err)
	}
	runCLI(t, none, "audit", "verify", "--db", env.DBPath).want(t, 0)
	r = runCLI(t, none, "audit", "verify", "--db", env.DBPath, "--expect-head", cp)
	r.want(t, 1)
	if !regexp.MustCompile(`rewritten: row 3's hash`).MatchString(r.stderr) {
		t.Fatalf("verify of a rewritten chain:\n%s", r.stderr)
	}
}

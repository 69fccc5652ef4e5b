// Package audit is the server's tamper-evident audit trail: one row per
// mutation, appended in the same transaction as the change, each row's
// hash covering its canonical encoding and the previous row's hash. Verify
// recomputes the chain and names the first row that does not fit.
//
// The chain makes tampering evident, not impossible: whoever can write
// the database file can rewrite the whole chain from the changed row on.
// Verify reports the head hash so an operator can write it down elsewhere
// (a ticket, a log shipped off the machine) and compare later.
package audit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Genesis is the previous hash of the first row.
var Genesis = strings.Repeat("0", 64)

// encodingVersion starts every canonical encoding, so a future change of
// the encoding cannot be confused with this one.
const encodingVersion = "frontdesk-audit-v1"

// digestVersion starts the canonical encoding of a row written with a
// payload digest (see PayloadDigest): the row's hash covers the digest,
// not the before and after values, so the values can be erased later
// without breaking the chain. Rows written before digests (Digest "")
// keep encodingVersion and their hashes.
const digestVersion = "frontdesk-audit-v2"

// ActionErase is the row an erasure appends for the erased customer; a
// payload erased without one later in the chain is tampering.
const ActionErase = "customer.erase"

// timeLayout is how rows store times (the sandbox's layout).
const timeLayout = "2006-01-02T15:04:05.000Z"

// Record is what a mutation appends.
type Record struct {
	At        time.Time
	AgentID   string
	AgentName string
	KeyID     string
	Via       string // api or ssh
	// SessionID is the on-behalf session the agent acted through, or "".
	SessionID string
	Action    string
	// CustomerID is the customer's id as text: the store's own integer
	// ids in digits, or a platform's opaque id.
	CustomerID string
	// Before and After are the changed fields: JSON objects, or nil for
	// none (stored as null).
	Before, After json.RawMessage
	RequestID     string
}

// Row is a stored row: a record in its place in the chain.
type Row struct {
	Seq int64
	// At is the stored time text (hashed as stored).
	At         string
	AgentID    string
	AgentName  string
	KeyID      string
	Via        string
	SessionID  string
	Action     string
	CustomerID string
	Before     string
	After      string
	RequestID  string
	PrevHash   string
	Hash       string
	// Digest is PayloadDigest(Salt, Before, After), hashed in the chain
	// instead of Before and After; "" on a row written before digests,
	// whose hash covers Before and After themselves.
	Digest string
	// Salt is the row's random salt (hex). An erased row has Salt ""
	// and Before and After "null": its digest still chains, but nothing
	// is left to check it against, or to guess the values from.
	Salt string
}

// Erased reports whether the row's payload was erased.
func (r Row) Erased() bool { return r.Digest != "" && r.Salt == "" }

// Columns is the column list matching Row's Scan order.
const Columns = `seq, at, agent_id, agent_name, key_id, via, session_id, action, customer_id, before, after, request_id, prev_hash, hash, digest, salt`

// LegacyColumns selects a row of a database not yet migrated to payload
// digests (no digest or salt column): every row is an old one.
const LegacyColumns = `seq, at, agent_id, agent_name, key_id, via, session_id, action, customer_id, before, after, request_id, prev_hash, hash, '' AS digest, '' AS salt`

// Scan reads a row selected with Columns.
func Scan(sc interface{ Scan(...any) error }) (Row, error) {
	var r Row
	err := sc.Scan(&r.Seq, &r.At, &r.AgentID, &r.AgentName, &r.KeyID, &r.Via, &r.SessionID, &r.Action,
		&r.CustomerID, &r.Before, &r.After, &r.RequestID, &r.PrevHash, &r.Hash, &r.Digest, &r.Salt)
	return r, err
}

// PayloadDigest is the hex SHA-256 of the salt's bytes followed by the
// canonical JSON of [before, after]. The salt is 16 random bytes per
// row, so a digest reveals nothing about a short value (a phone number,
// an email) to whoever tries every candidate: without the salt there is
// nothing to try candidates against, and erasure destroys the salt.
func PayloadDigest(salt, before, after string) string {
	h := sha256.New()
	b, _ := hex.DecodeString(salt)
	h.Write(b)
	p, err := json.Marshal([]string{before, after})
	if err != nil {
		panic(err)
	}
	h.Write(p)
	return hex.EncodeToString(h.Sum(nil))
}

// NewSalt is a fresh random salt for a row.
func NewSalt() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// Seal fills a new row's Salt and Digest from its Before and After and
// then its Hash: what an engine's append does before it inserts r.
func (r *Row) Seal() {
	r.Salt = NewSalt()
	r.Digest = PayloadDigest(r.Salt, r.Before, r.After)
	r.Hash = r.ComputeHash()
}

// Payload is the stored before and after JSON of rec: compact, keys
// sorted, "null" for none; an error if either is not a JSON object.
func Payload(rec Record) (before, after string, err error) {
	if before, err = jsonText(rec.Before); err != nil {
		return "", "", err
	}
	after, err = jsonText(rec.After)
	return before, after, err
}

// Canonical is the byte string a row's hash covers: a JSON array of every
// column but the hash, in a fixed order, the previous hash last.
func (r Row) Canonical() []byte {
	if r.Digest != "" {
		b, err := json.Marshal([]any{
			digestVersion, r.Seq, r.At, r.AgentID, r.AgentName, r.KeyID, r.Via, r.SessionID,
			r.Action, canonicalID(r.CustomerID), r.Digest, r.RequestID, r.PrevHash,
		})
		if err != nil {
			panic(err)
		}
		return b
	}
	b, err := json.Marshal([]any{
		encodingVersion, r.Seq, r.At, r.AgentID, r.AgentName, r.KeyID, r.Via, r.SessionID,
		r.Action, canonicalID(r.CustomerID), r.Before, r.After, r.RequestID, r.PrevHash,
	})
	if err != nil {
		// Strings and integers always marshal.
		panic(err)
	}
	return b
}

// canonicalID is how a customer id enters the canonical encoding. The
// chain began when customer ids were integers, hashed as JSON numbers;
// ids are text now, and an id of digits (no leading zero, at most 18, so
// it fits an int64 and reads back the same) is still hashed as the
// number it spells, so rows written before keep their hashes. Any other
// id is hashed as a JSON string, which no number encodes to.
func canonicalID(id string) any {
	if n := len(id); n == 0 || n > 18 || id[0] == '0' {
		return id
	}
	var v int64
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return id
		}
		v = v*10 + int64(id[i]-'0')
	}
	return v
}

// ComputeHash is the hex SHA-256 of the row's canonical encoding.
func (r Row) ComputeHash() string {
	sum := sha256.Sum256(r.Canonical())
	return hex.EncodeToString(sum[:])
}

// jsonText turns a changed-fields value into the stored text: compact
// JSON, "null" for none.
func jsonText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "null", nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("audit: before/after is not JSON: %w", err)
	}
	switch v.(type) {
	case nil, map[string]any:
	default:
		return "", errors.New("audit: before/after must be a JSON object or null")
	}
	// Re-marshalling sorts object keys: one change has one encoding.
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Querier is what Append needs of a transaction.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Append adds rec to the chain in tx and returns the stored row, with
// SQLite's SQL (another engine writes its own around Row and ComputeHash).
// The caller must serialise appends (the SQLite engine's write mutex and
// SQLite's write lock both do): two appends reading the same head would
// fork the chain, which the head update below refuses.
func Append(ctx context.Context, tx Querier, rec Record) (Row, error) {
	before, err := jsonText(rec.Before)
	if err != nil {
		return Row{}, err
	}
	after, err := jsonText(rec.After)
	if err != nil {
		return Row{}, err
	}
	var seq int64
	prev := Genesis
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Row{}, fmt.Errorf("audit: read the chain head: %w", err)
	}
	r := Row{
		Seq: seq + 1, At: rec.At.UTC().Format(timeLayout),
		AgentID: rec.AgentID, AgentName: rec.AgentName, KeyID: rec.KeyID, Via: rec.Via,
		SessionID: rec.SessionID, Action: rec.Action, CustomerID: rec.CustomerID,
		Before: before, After: after, RequestID: rec.RequestID, PrevHash: prev,
	}
	r.Seal()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (`+Columns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Seq, r.At, r.AgentID, r.AgentName, r.KeyID, r.Via, r.SessionID, r.Action, r.CustomerID,
		r.Before, r.After, r.RequestID, r.PrevHash, r.Hash, r.Digest, r.Salt); err != nil {
		return Row{}, fmt.Errorf("audit: append row %d: %w", r.Seq, err)
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash WHERE audit_head.seq = ?`,
		r.Seq, r.Hash, seq)
	if err != nil {
		return Row{}, fmt.Errorf("audit: move the chain head to row %d: %w", r.Seq, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Row{}, fmt.Errorf("audit: the chain head moved under row %d: appends are not serialised", r.Seq)
	}
	return r, nil
}

// ChainError names the first row where the chain does not hold.
type ChainError struct {
	// Seq is the row's number (1-based).
	Seq int64
	// Problem says what is wrong: "hash mismatch", "missing", ...
	Problem string
	// Detail says more, for people.
	Detail string
}

func (e *ChainError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("row %d: %s", e.Seq, e.Problem)
	}
	return fmt.Sprintf("row %d: %s: %s", e.Seq, e.Problem, e.Detail)
}

// Result is what Verify found in an intact chain.
type Result struct {
	// Rows is how many rows the chain has.
	Rows int64
	// Head is the last row's hash (Genesis for an empty chain).
	Head string
	// Erased is how many rows' payloads were erased (their digests still
	// chain; there is nothing left to check them against).
	Erased int64
}

// Verify recomputes the chain in the SQLite database db from the first row and returns a
// *ChainError naming the first row that does not fit: a row whose stored
// hash is not the hash of its contents (it was changed), a row whose
// previous hash is not the hash of the row before it (a row before it was
// removed or replaced), a gap in the numbering (a row was removed), or a
// head that does not match the last row (rows were removed from the end).
// Other errors are failures to read.
func Verify(ctx context.Context, db *sql.DB) (Result, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Result{}, fmt.Errorf("audit: begin read: %w", err)
	}
	defer tx.Rollback()
	var headSeq int64
	headHash := Genesis
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		if strings.Contains(err.Error(), "no such table") {
			return Result{}, errors.New("audit: this database has no audit trail (no audit_head table): is it a frontdesk sandbox database?")
		}
		return Result{}, fmt.Errorf("audit: read the chain head: %w", err)
	}
	// Verify reads a database as it is (no migration): one older than
	// digests has no digest column, and only old rows.
	cols := Columns
	var digests int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'digest'`).Scan(&digests); err != nil {
		return Result{}, fmt.Errorf("audit: read the chain's columns: %w", err)
	}
	if digests == 0 {
		cols = LegacyColumns
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+cols+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return Result{}, fmt.Errorf("audit: read the chain: %w", err)
	}
	defer rows.Close()
	var c Checker
	for rows.Next() {
		r, err := Scan(rows)
		if err != nil {
			return Result{}, fmt.Errorf("audit: read row %d: %w", c.n+1, err)
		}
		if err := c.Next(r); err != nil {
			return Result{}, err
		}
	}
	if err := rows.Err(); err != nil {
		return Result{}, fmt.Errorf("audit: read the chain: %w", err)
	}
	return c.Finish(headSeq, headHash)
}

// Checker recomputes a chain row by row, for an engine that reads its
// rows its own way: Next each row in seq order, then Finish with the
// chain head. The zero value is an empty chain.
type Checker struct {
	n      int64
	prev   string
	erased int64
	// unexplained holds, per customer, the first row whose payload was
	// erased with no erase row for that customer after it yet.
	unexplained map[string]int64
}

// Next checks row r, the next in seq order: a *ChainError when it does
// not fit.
func (c *Checker) Next(r Row) error {
	prev := c.prev
	if c.n == 0 {
		prev = Genesis
	}
	want := c.n + 1
	switch {
	case r.Seq > want:
		return &ChainError{Seq: want, Problem: "missing",
			Detail: fmt.Sprintf("the chain jumps from row %d to row %d", c.n, r.Seq)}
	case r.Seq < want:
		return &ChainError{Seq: r.Seq, Problem: "out of order", Detail: fmt.Sprintf("expected row %d", want)}
	case r.PrevHash != prev:
		return &ChainError{Seq: r.Seq, Problem: "previous-hash mismatch",
			Detail: fmt.Sprintf("it names %s as the previous hash, but row %d hashes to %s: a row before it was changed, removed or replaced", short(r.PrevHash), c.n, short(prev))}
	}
	if got := r.ComputeHash(); got != r.Hash {
		return &ChainError{Seq: r.Seq, Problem: "hash mismatch",
			Detail: fmt.Sprintf("stored %s, contents hash to %s: the row was changed after it was written", short(r.Hash), short(got))}
	}
	switch {
	case r.Erased():
		if r.Before != "null" || r.After != "null" {
			return &ChainError{Seq: r.Seq, Problem: "payload mismatch",
				Detail: "the row's salt is gone but its payload is not: the payload was changed after it was written"}
		}
		c.erased++
		if c.unexplained == nil {
			c.unexplained = map[string]int64{}
		}
		if _, ok := c.unexplained[r.CustomerID]; !ok {
			c.unexplained[r.CustomerID] = r.Seq
		}
	case r.Digest != "":
		if got := PayloadDigest(r.Salt, r.Before, r.After); got != r.Digest {
			return &ChainError{Seq: r.Seq, Problem: "payload mismatch",
				Detail: fmt.Sprintf("the chain holds digest %s, the stored before/after digest to %s: the payload was changed after it was written", short(r.Digest), short(got))}
		}
	}
	if r.Action == ActionErase {
		delete(c.unexplained, r.CustomerID)
	}
	c.prev, c.n = r.Hash, r.Seq
	return nil
}

// Finish compares the rows seen with the chain head (headSeq 0 and
// Genesis when the head was never written) and returns the chain's
// result, or a *ChainError when rows are missing from the end or the
// head does not match the last row.
func (c *Checker) Finish(headSeq int64, headHash string) (Result, error) {
	prev := c.prev
	if c.n == 0 {
		prev = Genesis
	}
	if len(c.unexplained) > 0 {
		first := int64(0)
		for _, seq := range c.unexplained {
			if first == 0 || seq < first {
				first = seq
			}
		}
		return Result{}, &ChainError{Seq: first, Problem: "payload erased",
			Detail: "the row's payload is gone but no erase row for its customer follows it: the payload was destroyed outside an erasure"}
	}
	switch {
	case headSeq > c.n:
		return Result{}, &ChainError{Seq: c.n + 1, Problem: "missing",
			Detail: fmt.Sprintf("the chain head says there are %d rows, but it ends at row %d", headSeq, c.n)}
	case headSeq != c.n || headHash != prev:
		return Result{}, &ChainError{Seq: c.n, Problem: "head mismatch",
			Detail: fmt.Sprintf("the chain head says row %d with hash %s, the last row is %d with hash %s", headSeq, short(headHash), c.n, short(prev))}
	}
	return Result{Rows: c.n, Head: prev, Erased: c.erased}, nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

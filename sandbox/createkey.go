package sandbox

import (
	"context"
	"database/sql"

	"frontdesk/server"
	"frontdesk/store/sqlite"
)

// Key is a freshly minted API key (see server.Key).
type Key = server.Key

// KeySpec describes the agent a new key belongs to (see server.KeySpec).
type KeySpec = server.KeySpec

// CreateKey mints a key for spec.AgentID in the SQLite database db (one
// opened with schema.Open), as server.MintKey does on any store. Safe to
// call while a server runs on the same database.
func CreateKey(ctx context.Context, db *sql.DB, spec KeySpec) (Key, error) {
	return server.MintKey(ctx, sqlite.New(db), spec)
}

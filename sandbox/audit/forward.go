// Package audit is where the audit chain lived before it moved to
// frontdesk/store/audit; it forwards what tests elsewhere still use.
//
// Deprecated: use frontdesk/store/audit.
package audit

import (
	"context"
	"database/sql"

	"frontdesk/store/audit"
)

// Result is audit.Result.
type Result = audit.Result

// ChainError is audit.ChainError.
type ChainError = audit.ChainError

// Verify is audit.Verify.
func Verify(ctx context.Context, db *sql.DB) (Result, error) { return audit.Verify(ctx, db) }

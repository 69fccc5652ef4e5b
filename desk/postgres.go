package desk

import (
	"context"
	"errors"

	"frontdesk/store"
)

// openPostgres opens the PostgreSQL store of record.
func openPostgres(_ context.Context, _ string) (store.Store, error) {
	return nil, errors.New("this build has no PostgreSQL engine yet: use a SQLite file for --db")
}

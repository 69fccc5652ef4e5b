package desk

import (
	"context"

	"frontdesk/store"
	"frontdesk/store/postgres"
)

// openPostgres opens (and migrates) the PostgreSQL store of record.
func openPostgres(ctx context.Context, dsn string) (store.Store, error) {
	return postgres.Open(ctx, dsn)
}

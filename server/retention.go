package server

import (
	"context"
	"time"

	"frontdesk/store"
)

// How long the server keeps what it keeps only for a while, by default.
const (
	// DefaultIdempotencyRetention is how long an Idempotency-Key's answer
	// is replayed: a day, as the payment APIs do.
	DefaultIdempotencyRetention = 24 * time.Hour
	// DefaultSessionRetention is how long an ended or expired on-behalf
	// session (and its token hashes) is kept; the audit trail keeps its
	// rows about it for good.
	DefaultSessionRetention = 30 * 24 * time.Hour
	// DefaultPurgeEvery is how often RunRetention purges.
	DefaultPurgeEvery = time.Hour
)

// Purge removes the Idempotency-Key claims and the ended sessions older
// than the server's retention, in one write, and says how many of each;
// expired presence rows go too (counted in the metrics only).
// Every replica may run it: a purge of rows another replica purged
// already removes nothing.
func (s *Server) Purge(ctx context.Context) (keys, sessions int, err error) {
	now := s.now()
	var presence int
	err = s.write(ctx, func(tx store.Tx) error {
		var err error
		if keys, err = tx.PurgeIdempotencyKeys(ctx, now.Add(-s.retention.IdempotencyKeys)); err != nil {
			return err
		}
		if sessions, err = tx.PurgeSessions(ctx, now.Add(-s.retention.Sessions)); err != nil {
			return err
		}
		// Presence rows are dead once expired: purged as soon as they are.
		presence, err = tx.PurgePresence(ctx, now)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	s.ops.purged.WithLabelValues("idempotency_keys").Add(float64(keys))
	s.ops.purged.WithLabelValues("sessions").Add(float64(sessions))
	s.ops.purged.WithLabelValues("presence").Add(float64(presence))
	return keys, sessions, nil
}

// RunRetention purges now and then every every (DefaultPurgeEvery when
// 0) until ctx ends. A failed purge is logged and tried again next time.
func (s *Server) RunRetention(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = DefaultPurgeEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		keys, sessions, err := s.Purge(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.Error("retention purge failed; trying again later", "err", err, "next", every)
		case keys+sessions > 0:
			s.log.Info("retention purge", "idempotency_keys", keys, "sessions", sessions)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

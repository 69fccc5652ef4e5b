package sshd

import (
	"context"
	"errors"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// Leases is the desk's side of the session caps, for one agent: every
// session of every gateway on the desk holds a lease (POST, PUT and
// DELETE /gateway-sessions), and the desk server refuses one past its
// desk-wide cap or the agent's cap. The frontdesk driver
// (client/frontdesk.Client) has these methods; cli wires it
// (cli.GatewayAPI), so this package needs no driver.
type Leases interface {
	// AcquireGatewaySession takes a place for one session on the gateway
	// named gateway; a refusal is a *client.APIError whose Message is the
	// sentence for the agent.
	AcquireGatewaySession(ctx context.Context, gateway string) (api.GatewaySession, error)
	// RenewGatewaySession is the heartbeat; a lease that is gone is a
	// not-found *client.APIError.
	RenewGatewaySession(ctx context.Context, id api.ID) (api.GatewaySession, error)
	// ReleaseGatewaySession gives the place back.
	ReleaseGatewaySession(ctx context.Context, id api.ID) error
}

// errLeaseLost ends a session whose place on the desk is gone.
var errLeaseLost = errors.New("the desk no longer holds a place for this session (its lease ran out while the desk could not be reached); reconnect")

// leaseTimeout bounds one lease request.
const leaseTimeout = 15 * time.Second

// sessionLease is one session's place on the desk and its heartbeat.
type sessionLease struct {
	l  Leases
	id api.ID
	// ctx is the heartbeat's: stop cancels it, and with it a renewal
	// under way, so a session's end never waits on one.
	ctx  context.Context
	stop context.CancelFunc
	done chan struct{}
}

// acquireLease asks the desk for st's place and starts its heartbeat. It
// returns "" when the place is held, else the sentence for the agent: the
// desk's own when it refused, ours when it could not be asked. No lease,
// no session.
func (s *Server) acquireLease(st *session) string {
	if s.cfg.API.Leases == nil {
		return ""
	}
	l, err := s.cfg.API.Leases(st.agent.ID, s.transport)
	if err != nil {
		s.log.Error("ssh session: cannot build the desk's lease client", "agent", st.agent.ID, "err", err)
		return "the gateway cannot reach the desk server to reserve a place for this session; try again in a minute"
	}
	ctx, cancel := context.WithTimeout(st.apiCtx, leaseTimeout)
	sent := s.cfg.Now()
	g, err := l.AcquireGatewaySession(ctx, s.cfg.Name)
	cancel()
	if err != nil {
		var ae *client.APIError
		switch {
		case errors.As(err, &ae) && (ae.Code == api.CodeGatewaySessionsFull || ae.Code == api.CodeAgentSessionsFull) && ae.Message != "":
			return "sorry, " + ae.Message
		case errors.As(err, &ae) && ae.Message != "":
			s.log.Warn("ssh session: the desk refused a lease", "agent", st.agent.ID, "err", err)
			return "the desk server refused a place for this session: " + ae.Message
		default:
			s.log.Warn("ssh session: no lease from the desk", "agent", st.agent.ID, "err", err)
			return "the desk server could not be reached to reserve a place for this session; try again in a minute"
		}
	}
	sl := &sessionLease{l: l, id: g.ID, done: make(chan struct{})}
	sl.ctx, sl.stop = context.WithCancel(s.baseCtx)
	st.lease = sl
	go s.heartbeat(st, sl, sent, g.ExpiresAt.Sub(g.StartedAt))
	return ""
}

// heartbeat renews st's lease until the session leaves. A lease the desk
// says is gone ends the session; so does failing to renew it until it
// would have run out (the desk may have given the place to someone
// else: fail closed).
func (s *Server) heartbeat(st *session, sl *sessionLease, renewed time.Time, ttl time.Duration) {
	defer close(sl.done)
	every := s.cfg.LeaseHeartbeat
	if every <= 0 {
		every = max(ttl/3, time.Second)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-sl.ctx.Done():
			return
		case <-t.C:
		}
		sent := s.cfg.Now()
		ctx, cancel := context.WithTimeout(sl.ctx, min(every, leaseTimeout))
		g, err := sl.l.RenewGatewaySession(ctx, sl.id)
		cancel()
		switch {
		case sl.ctx.Err() != nil:
			return // the session left (or the gateway stopped) meanwhile
		case err == nil:
			renewed, ttl = sent, g.ExpiresAt.Sub(g.StartedAt)
			if d := g.ExpiresAt.Sub(sent); d > 0 && d < ttl {
				ttl = d
			}
		case client.IsNotFound(err):
			s.log.Warn("ssh session: the desk lost the session's lease", "agent", st.agent.ID, "lease", sl.id.String())
			st.end(errLeaseLost)
			return
		default:
			s.log.Warn("ssh session: lease heartbeat failed", "agent", st.agent.ID, "lease", sl.id.String(), "err", err)
			if !s.cfg.Now().Before(renewed.Add(ttl)) {
				st.end(errLeaseLost)
				return
			}
		}
	}
}

// releaseLease stops st's heartbeat and gives its place back, bounded by
// leaseTimeout (a place not given back frees itself when its lease runs
// out).
func (s *Server) releaseLease(st *session) {
	sl := st.lease
	if sl == nil {
		return
	}
	sl.stop()
	<-sl.done
	ctx, cancel := context.WithTimeout(context.Background(), leaseTimeout)
	defer cancel()
	if err := sl.l.ReleaseGatewaySession(ctx, sl.id); err != nil {
		s.log.Warn("ssh session: could not release its lease; it expires on its own", "agent", st.agent.ID, "lease", sl.id.String(), "err", err)
	}
}

package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"frontdesk/api"
	"frontdesk/store"
)

// Gateway session leases (POST, PUT and DELETE /gateway-sessions): every
// SSH session of every gateway on this desk holds one, and the caps of
// Options.GatewaySessions count them in the store, so they hold across
// gateways and across the desk's replicas.

func newLeaseID() string { return "gwl_" + randomHex(12) }

// gatewayOnly refuses every key but a gateway key.
func gatewayOnly(c *caller) error {
	if !c.Gateway {
		return errf(http.StatusForbidden, api.CodeForbidden,
			"only gateway keys may hold SSH session places; this key is not one (`frontdesk sandbox keys create --gateway`)")
	}
	return nil
}

func apiLease(l store.GatewayLease) api.GatewaySession {
	return api.GatewaySession{ID: api.ID(l.ID), AgentID: l.AgentID, Gateway: l.Gateway, StartedAt: l.AcquiredAt, ExpiresAt: l.ExpiresAt}
}

// acquireGatewaySession answers POST /gateway-sessions.
func (s *Server) acquireGatewaySession(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := gatewayOnly(c); err != nil {
		return err
	}
	if c.GatewayAgent == "" {
		return errf(http.StatusBadRequest, api.CodeBadRequest,
			"name the session's agent in %s: a place is always one agent's", api.HeaderAgent)
	}
	var in api.GatewaySessionCreate
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if f := api.ValidateGatewaySessionCreate(in); len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	now := s.now()
	l := store.GatewayLease{ID: newLeaseID(), AgentID: c.AgentID, KeyID: c.KeyID, Gateway: in.Gateway,
		AcquiredAt: now, ExpiresAt: now.Add(s.gatewayLeaseTTL)}
	err := s.write(ctx, func(tx store.Tx) error { return tx.AcquireGatewayLease(ctx, l, s.gatewayCaps) })
	var ce *store.GatewayCapError
	switch {
	case errors.As(err, &ce) && ce.Scope == store.CapAgent:
		s.ops.gwSessions.WithLabelValues("refused_agent").Inc()
		return errf(http.StatusConflict, api.CodeAgentSessionsFull,
			"you have reached the limit of %d SSH sessions open at once per agent, across every gateway of this desk; close one and try again", ce.Cap)
	case errors.As(err, &ce):
		s.ops.gwSessions.WithLabelValues("refused_desk").Inc()
		return errf(http.StatusConflict, api.CodeGatewaySessionsFull,
			"all %d SSH sessions of this desk are in use across its gateways; please try again when one ends", ce.Cap)
	case err != nil:
		return err
	}
	s.ops.gwSessions.WithLabelValues("acquired").Inc()
	return writeData(w, http.StatusCreated, apiLease(l))
}

// renewGatewaySession answers PUT /gateway-sessions/{lid}: the heartbeat.
func (s *Server) renewGatewaySession(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := gatewayOnly(c); err != nil {
		return err
	}
	lid := r.PathValue("lid")
	ctx := r.Context()
	now := s.now()
	var l store.GatewayLease
	err := s.write(ctx, func(tx store.Tx) error {
		var err error
		l, err = tx.RenewGatewayLease(ctx, lid, c.KeyID, now, now.Add(s.gatewayLeaseTTL))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return errf(http.StatusNotFound, api.CodeNotFound,
			"gateway session %s is not held (released, or expired without a heartbeat): its place is gone", strconv.Quote(truncate(lid, 40)))
	}
	if err != nil {
		return fmt.Errorf("renew gateway lease: %w", err)
	}
	return writeData(w, http.StatusOK, apiLease(l))
}

// releaseGatewaySession answers DELETE /gateway-sessions/{lid},
// idempotently.
func (s *Server) releaseGatewaySession(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := gatewayOnly(c); err != nil {
		return err
	}
	lid := r.PathValue("lid")
	ctx := r.Context()
	err := s.write(ctx, func(tx store.Tx) error { return tx.ReleaseGatewayLease(ctx, lid, c.KeyID) })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("release gateway lease: %w", err)
	}
	if err == nil {
		s.ops.gwSessions.WithLabelValues("released").Inc()
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

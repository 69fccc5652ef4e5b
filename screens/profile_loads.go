package screens

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// The profile's requests as the frame sees them: the customer, how a
// failed load is reported and retried, and what a form's save reloads.
// Each tab makes and answers its own (tabComponent.Loads).

// failed logs a load error and shows it in the footer; the tab shows it
// too, with the retry key. A 429 is no failure to report: the pane
// counts down to the store's Retry-After and the load starts again.
func (p *Profile) failed(l *load, what string, err error) tea.Cmd {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	if client.IsNotFound(err) {
		// No such customer: the profile says so in place of every tab; one
		// toast for the customer, none for its tabs.
		p.c.Logger.Info(what+": not found", "customer", p.id)
		if l == &p.custL {
			return tui.Error("no customer " + sanitize.Line(string(p.id)))
		}
		return nil
	}
	if tick := l.limited(); tick != nil {
		p.c.Logger.Warn(what+": rate limited", "customer", p.id, "retry_in_s", l.waitLeft)
		return tick
	}
	p.c.Logger.Error(what, "customer", p.id, "err", err)
	return tui.ErrorFrom(err)
}

// paneLoad is one of the profile's loads and how to start it again.
type paneLoad struct {
	l     *load
	fetch func() tea.Cmd
}

// loads are the frame's load and every tab's.
func (p *Profile) loads() []paneLoad {
	out := []paneLoad{{&p.custL, p.fetchCustomer}}
	for _, t := range p.tabs {
		out = append(out, t.Loads()...)
	}
	return out
}

// retryFailed starts again every load whose last try failed in a way
// another try may cure: something just succeeded, so the store is back,
// and a pane must not keep an old error until ctrl+r. Rate-limited loads
// keep their countdown.
func (p *Profile) retryFailed() tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range p.loads() {
		if r.l.retryable() && !r.l.waiting() {
			cmds = append(cmds, r.fetch())
		}
	}
	return tea.Batch(cmds...)
}

// saved refreshes what a form changed on this customer, once the form
// says it saved; a save that worked also means the store is back, so
// panes still showing an error load again.
func (p *Profile) saved(s formSave) tea.Cmd {
	return tea.Batch(p.refreshSaved(s), p.retryFailed())
}

func (p *Profile) refreshSaved(s formSave) tea.Cmd {
	if s.customer != nil && s.customer.ID == p.id {
		p.cust = *s.customer
		// The PATCH answer may leave out the store metrics: fetch the
		// whole customer again.
		return p.fetchCustomer()
	}
	var cmds []tea.Cmd
	for _, t := range p.tabs {
		if cmd := t.Saved(s); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	return tea.Batch(append(cmds, p.ensure())...)
}

func (p *Profile) fetchCustomer() tea.Cmd {
	cl, id := p.customerClient(), p.id
	return p.custL.startPaced(p.c, func(ctx context.Context, seq int) tea.Msg {
		cust, err := cl.GetCustomer(ctx, id)
		return customerLoadedMsg{p: p, seq: seq, cust: cust, err: err}
	})
}

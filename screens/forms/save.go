package forms

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"frontdesk/client"
	"frontdesk/tui/sanitize"
)

// A save's lifecycle: the request in flight (start, cancel), its answer
// routed back to the form that made it, and a failure put on the form.

// answerMsg carries the answer of an API call back to the form that made
// it. owner and seq tag it: a late answer for a closed form, or for a
// superseded request, is ignored.
type answerMsg struct {
	owner any
	seq   int
	val   any
	err   error
}

// start runs fn in a tracked command with a cancellable context derived
// from the session's; its answer comes back as an answerMsg tagged with
// owner and a new sequence number.
func (b *base) start(owner any, fn func(ctx context.Context) (any, error)) tea.Cmd {
	b.seq++
	seq := b.seq
	ctx, cancel := context.WithCancel(b.c.Context())
	b.cancel = cancel
	b.saving = true
	b.status, b.statusErr = "Saving…", false
	return b.c.Track(func() tea.Msg {
		v, err := fn(ctx)
		return answerMsg{owner: owner, seq: seq, val: v, err: err}
	})
}

// answer reports whether msg is the answer this form is waiting for, and
// if so ends the request.
func (b *base) answer(owner any, msg tea.Msg) (answerMsg, bool) {
	a, ok := msg.(answerMsg)
	if !ok || a.owner != owner || a.seq != b.seq || !b.saving {
		return answerMsg{}, false
	}
	b.saving = false
	b.status = ""
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
	return a, true
}

// stop cancels the request in flight, if any.
func (b *base) stop() {
	if b.cancel != nil {
		b.cancel()
	}
}

// route sends msg where it belongs: the answer this form awaits to
// onAnswer, any other answer nowhere (someone else's, or a superseded
// one), a key to onKey, and everything else to rest (huh's internal
// messages, for most forms the huh form itself).
func (b *base) route(owner any, msg tea.Msg, onAnswer func(answerMsg) tea.Cmd, onKey func(tea.KeyPressMsg) tea.Cmd, rest func(tea.Msg) tea.Cmd) tea.Cmd {
	if a, ok := b.answer(owner, msg); ok {
		return onAnswer(a)
	}
	switch msg := msg.(type) {
	case answerMsg:
		return nil
	case tea.KeyPressMsg:
		return onKey(msg)
	}
	return rest(msg)
}

// gate says why a save may not happen now, or "": the save binding's
// gating (policy on the form's action), the same Dispatch applies to
// ctrl+s, for a save that no key started (re-applying after a conflict).
func (b *base) gate() string { return b.c.Reason(b.keys.save) }

// refuse reports whether a save may not happen now; if so the status
// line says why, after what (the form's "Cannot …: ").
func (b *base) refuse(what string) bool {
	if r := b.gate(); r != "" {
		b.setError(what + r + ".")
		return true
	}
	return false
}

// fail puts err on the form: field errors on their fields (keys mapped
// by fieldKey), everything else on the status line, always saying that
// the draft is kept and how to try again. It returns the first field
// that got an error.
func (b *base) fail(err error, values map[string]string, fieldKey func(string) string) *field {
	var ae *client.APIError
	var first *field
	if errors.As(err, &ae) && len(ae.Fields) > 0 {
		var rest []string
		for k, v := range ae.Fields {
			fk := k
			if fieldKey != nil {
				fk = fieldKey(k)
			}
			f := b.fieldByKey(fk)
			if f == nil {
				rest = append(rest, sanitize.Line(k+": "+v))
				continue
			}
			b.serverErr[f.key] = rejected{value: *f.value, msg: sanitize.Line(v)}
		}
		first = b.firstProblem()
		msg := "The store refused the fields marked ✗; fix them and press ctrl+s."
		if len(rest) > 0 {
			msg += " Also: " + sentence(strings.Join(rest, "; "))
		}
		b.setError(withRequest(msg, err))
		return first
	}
	b.setError(explain(err) + " Your changes are kept: press ctrl+s to try again, esc to leave.")
	return nil
}

func (b *base) setError(s string) { b.status, b.statusErr = s, true }

func (b *base) setInfo(s string) { b.status, b.statusErr = s, false }

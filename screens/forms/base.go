package forms

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// Keys every form understands. They are handled by the screen, not by
// huh, so that navigation is synchronous and enter on the last field
// saves instead of completing (and so closing) the huh form.
var (
	saveKey = tui.Binding{Keys: []string{"ctrl+s"}, Help: "save", Mutates: true}
	nextKey = tui.Binding{Keys: []string{"tab"}, HelpKey: "tab/↓", Help: "next field"}
	prevKey = tui.Binding{Keys: []string{"shift+tab"}, HelpKey: "shift+tab/↑", Help: "previous field"}
	escKey  = tui.Binding{Keys: []string{"esc"}, Help: "cancel"}
)

// field is one input of a form, bound to a string of the screen's draft.
type field struct {
	key   string // the API's field name, as error.fields names it
	label string
	value *string

	input *huh.Input
	sel   *huh.Select[string]
	text  *huh.Text

	// check returns what is wrong with v ("" if nothing) and, when it is
	// fine, a hint worth showing (the phone number as it will be saved).
	check func(v string) (problem, hint string)

	title string // the title last given to the huh field
	// inline marks a one-line select (←/→ choose), where ↑/↓ are free
	// to move between fields as in an input.
	inline bool
}

// moves reports whether ↑/↓ move between fields on f (rather than
// within it).
func (f *field) moves() bool { return f.input != nil || (f.sel != nil && f.inline) }

func (f *field) huh() huh.Field {
	switch {
	case f.input != nil:
		return f.input
	case f.sel != nil:
		return f.sel
	}
	return f.text
}

func (f *field) setTitle(t string) {
	f.title = t
	switch {
	case f.input != nil:
		f.input.Title(t)
	case f.sel != nil:
		f.sel.Title(t)
	default:
		f.text.Title(t)
	}
}

// rejected is a value the server refused for a field, and why. It shows
// on the field for as long as the field still holds that value.
type rejected struct{ value, msg string }

// question is a yes/no confirmation shown instead of the form; "No" is
// the default answer.
type question struct {
	form  *huh.Form
	yes   bool
	lines []string // context drawn above the question
	onYes func() tea.Cmd
	onNo  func() tea.Cmd
}

// answerMsg carries the answer of an API call back to the form that made
// it. owner and seq tag it: a late answer for a closed form, or for a
// superseded request, is ignored.
type answerMsg struct {
	owner any
	seq   int
	val   any
	err   error
}

// base is what the four forms share: the huh form and its fields, the
// confirmation, the request in flight, the status line and the gating.
type base struct {
	c       *tui.Common
	th      themer
	binding tui.Binding // the action, for role and read-only gating
	title   string
	// refused says why the form may not be used at all (read-only
	// profile, role); the screen then shows it and saves nothing.
	refused string

	width, height int

	form   *huh.Form
	fields []*field

	ask *question

	saving bool
	seq    int
	cancel context.CancelFunc

	status    string
	statusErr bool

	serverErr map[string]rejected
	// tried is set by the first save: from then on empty required
	// fields are flagged too.
	tried bool
}

func newBase(c *tui.Common, b tui.Binding, title string) base {
	return base{c: c, th: themer{c: c}, binding: b, title: title, refused: c.Reason(b), serverErr: map[string]rejected{}}
}

// build makes the huh form over fields (in order).
func (b *base) build(fields ...*field) {
	b.fields = fields
	hf := make([]huh.Field, len(fields))
	for i, f := range fields {
		f.setTitle(f.label)
		hf[i] = f.huh()
	}
	b.form = huh.NewForm(huh.NewGroup(hf...)).
		WithTheme(b.th.theme()).
		WithKeyMap(keyMap()).
		WithShowHelp(false).
		WithShowErrors(false)
	b.resize()
	b.refreshTitles()
}

// chrome is the lines the screen draws around the form: title, a blank
// line, and at the bottom a blank line and the status line.
const chrome = 4

func (b *base) resize() {
	if b.form == nil || b.width <= 0 {
		return
	}
	b.form.WithWidth(min(b.width, 76))
	b.form.WithHeight(max(b.height-chrome, 3))
}

func (b *base) setSize(w, h int) {
	b.width, b.height = w, h
	b.resize()
}

func (b *base) initForm() tea.Cmd {
	if b.form == nil {
		return nil
	}
	return b.form.Init()
}

// problem is what is wrong with f now: the server's word while the value
// is the one it refused, else the form's own check.
func (b *base) problem(f *field) (problem, hint string) {
	v := *f.value
	if r, ok := b.serverErr[f.key]; ok && r.value == v {
		return r.msg, ""
	}
	if f.check == nil {
		return "", ""
	}
	return f.check(v)
}

// refreshTitles puts each field's problem or hint in its title, so the
// error sits on the field and changes as the agent types. huh builds its
// view in Update, so a changed title is followed by a no-op update.
func (b *base) refreshTitles() {
	if b.form == nil {
		return
	}
	s := b.c.Styles
	changed := false
	for _, f := range b.fields {
		t := f.label
		if p, h := b.problem(f); p != "" {
			t += s.Error.Render("  ✗ " + p)
		} else if h != "" {
			t += s.Muted.Render("  · " + h)
		}
		if t != f.title {
			f.setTitle(t)
			changed = true
		}
	}
	if changed {
		b.form.Update(repaintMsg{})
	}
}

// repaintMsg makes huh rebuild its view; no field reacts to it.
type repaintMsg struct{}

// problems lists the fields with a problem, in form order.
func (b *base) problems() []*field {
	var out []*field
	for _, f := range b.fields {
		if p, _ := b.problem(f); p != "" {
			out = append(out, f)
		}
	}
	return out
}

func (b *base) focused() *field {
	if b.form == nil {
		return nil
	}
	hf := b.form.GetFocusedField()
	for _, f := range b.fields {
		if f.huh() == hf {
			return f
		}
	}
	return nil
}

func (b *base) index(f *field) int {
	for i, g := range b.fields {
		if g == f {
			return i
		}
	}
	return -1
}

// focus moves the focus to f.
func (b *base) focus(f *field) tea.Cmd {
	cur := b.index(b.focused())
	to := b.index(f)
	if cur < 0 || to < 0 {
		return nil
	}
	var cmds []tea.Cmd
	for ; cur < to; cur++ {
		cmds = append(cmds, b.form.NextField())
	}
	for ; cur > to; cur-- {
		cmds = append(cmds, b.form.PrevField())
	}
	return tea.Batch(cmds...)
}

// navigate handles the keys that move between fields. It never moves
// past the last field: huh would then complete the form.
func (b *base) navigate(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	f := b.focused()
	if f == nil {
		return nil, false
	}
	i := b.index(f)
	last := i == len(b.fields)-1
	k := msg.String()
	switch {
	case k == "tab" || (k == "enter" && f.text == nil) || (k == "down" && f.moves()):
		if last {
			return nil, true
		}
		return b.form.NextField(), true
	case k == "shift+tab" || (k == "up" && f.moves()):
		if i == 0 {
			return nil, true
		}
		return b.form.PrevField(), true
	}
	return nil, false
}

// updateForm hands msg to the huh form (keys the screen did not take,
// and every message that is not the screen's own: huh's internal ones).
// A paste while saving or asking is dropped: it would change a draft
// that is no longer on screen.
func (b *base) updateForm(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.PasteMsg); ok && (b.saving || b.ask != nil) {
		return nil
	}
	if b.ask != nil {
		m, cmd := b.ask.form.Update(msg)
		b.ask.form = m.(*huh.Form)
		return cmd
	}
	if b.form == nil {
		return nil
	}
	m, cmd := b.form.Update(msg)
	b.form = m.(*huh.Form)
	b.refreshTitles()
	return cmd
}

// confirm asks a yes/no question with No as the default.
func (b *base) confirm(title, desc string, lines []string, onYes, onNo func() tea.Cmd) tea.Cmd {
	q := &question{lines: lines, onYes: onYes, onNo: onNo}
	c := huh.NewConfirm().Title(title).Affirmative("Yes").Negative("No").Value(&q.yes)
	if desc != "" {
		c.Description(desc)
	}
	q.form = huh.NewForm(huh.NewGroup(c)).
		WithTheme(b.th.theme()).
		WithKeyMap(keyMap()).
		WithShowHelp(false).
		WithShowErrors(false)
	if b.width > 0 {
		q.form.WithWidth(min(b.width, 76))
	}
	b.ask = q
	return q.form.Init()
}

// answerQuestion handles a key while a question is open: enter takes the
// highlighted answer, y and n answer directly, esc is No, arrows toggle.
func (b *base) answerQuestion(msg tea.KeyPressMsg) tea.Cmd {
	q := b.ask
	decide := func(yes bool) tea.Cmd {
		b.ask = nil
		if yes {
			return q.onYes()
		}
		if q.onNo != nil {
			return q.onNo()
		}
		return nil
	}
	switch msg.String() {
	case "enter":
		return decide(q.yes)
	case "y", "Y":
		return decide(true)
	case "n", "N", "esc":
		return decide(false)
	case "left", "right", "h", "l", "tab", "shift+tab":
		q.yes = !q.yes
	}
	return nil
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

// busyKey handles a key while the draft is not the form's to edit: a
// refused form only leaves on esc, an open question takes the key, and a
// save in flight is cancelled by esc and otherwise ignores keys. It
// reports false when the draft should handle the key.
func (b *base) busyKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	if b.refused != "" {
		if k.String() == "esc" {
			return tui.Pop(), true
		}
		return nil, true
	}
	if b.ask != nil {
		return b.answerQuestion(k), true
	}
	if b.saving {
		if k.String() == "esc" {
			b.stop()
			b.setInfo("Cancelling…")
		}
		return nil, true
	}
	return nil, false
}

// draftFlow is how one form's draft differs in the keys draftKey handles.
type draftFlow struct {
	dirty func() bool
	// discard asks before a dirty draft is dropped; its Yes leaves.
	discard func() tea.Cmd
	save    func() tea.Cmd
	// multiline is a form whose one field is a text: enter is a new line
	// there, and tab has nowhere to go (huh would complete the form).
	multiline bool
}

// draftKey handles a key on the draft: esc leaves (asking first if the
// draft is dirty), ctrl+s saves, and so does enter on the last field
// unless it is multiline; the other keys move between fields or go to
// the huh form.
func (b *base) draftKey(k tea.KeyPressMsg, d draftFlow) tea.Cmd {
	switch k.String() {
	case "esc":
		if !d.dirty() {
			return tui.Pop()
		}
		return d.discard()
	case "ctrl+s":
		return d.save()
	case "enter":
		if d.multiline {
			break
		}
		if f := b.focused(); f != nil && b.index(f) == len(b.fields)-1 {
			return d.save()
		}
	case "tab", "shift+tab":
		if d.multiline {
			return nil
		}
	}
	if d.multiline {
		return b.updateForm(k)
	}
	if cmd, ok := b.navigate(k); ok {
		return cmd
	}
	return b.updateForm(k)
}

// gate says why a save may not happen now, or "".
func (b *base) gate() string {
	if r := b.c.Reason(b.binding); r != "" {
		return r
	}
	return ""
}

// refuse reports whether a save may not happen now; if so the status
// line says why, after what (the form's "Cannot …: ").
func (b *base) refuse(what string) bool {
	if r := b.gate(); r != "" {
		b.setError(what + r + ".")
		return true
	}
	return false
}

// flagProblems shows every field's problem and reports whether there is
// any; if so the status line counts them and the first gets the focus.
func (b *base) flagProblems() (tea.Cmd, bool) {
	b.refreshTitles()
	if bad := b.problems(); len(bad) > 0 {
		b.setError(fmt.Sprintf("Fix the %s marked ✗ first.", plural(len(bad), "field")))
		return b.focus(bad[0]), true
	}
	return nil, false
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

func (b *base) firstProblem() *field {
	if p := b.problems(); len(p) > 0 {
		return p[0]
	}
	return nil
}

func (b *base) fieldByKey(k string) *field {
	for _, f := range b.fields {
		if f.key == k {
			return f
		}
	}
	return nil
}

func (b *base) setError(s string) { b.status, b.statusErr = s, true }
func (b *base) setInfo(s string)  { b.status, b.statusErr = s, false }

// explain says in words what went wrong with a call, sanitized, as one
// or more sentences. An answer from the store ends with its request id,
// to quote when reporting it.
func explain(err error) string {
	var ae *client.APIError
	switch {
	case errors.Is(err, context.Canceled):
		return "The save was cancelled before the store answered."
	case client.IsTransport(err):
		return sentence(capitalize(sanitize.Line(innermostTransport(err))))
	case errors.As(err, &ae):
		msg := strings.TrimRight(sanitize.Line(ae.UserMessage()), ". ")
		var s string
		switch ae.Kind() {
		case client.KindUnauthenticated:
			s = "The store does not accept your API key (" + msg + "): check the profile's credentials"
		case client.KindForbidden:
			s = "The store refused: " + msg
		case client.KindNotFound:
			s = "The customer no longer exists (" + msg + ")"
		case client.KindRateLimited:
			s = "The store is rate limiting you: wait a moment"
		case client.KindUnsupported:
			s = "This store cannot do that: " + msg
		case client.KindUnavailable:
			s = "The store failed" + statusRef(ae) + ": " + msg
		default:
			code := sanitize.Line(ae.Code)
			if ae.Status != 0 {
				code = strconv.Itoa(ae.Status) + " " + code
			}
			s = "The store refused (" + code + "): " + msg
		}
		return sentence(s + requestRef(err))
	}
	return sentence(sanitize.Line(err.Error()))
}

// statusRef is " (503)" for an answer with an HTTP status, "" for a
// failure that had none.
func statusRef(ae *client.APIError) string {
	if ae.Status == 0 {
		return ""
	}
	return " (" + strconv.Itoa(ae.Status) + ")"
}

// requestID is the server's request id of an answer from the store
// (sanitized), or "": every server error a form shows quotes it, so the
// agent can give it to whoever looks into the failure.
func requestID(err error) string {
	var ae *client.APIError
	if asAPIError(err, &ae) {
		return sanitize.Line(ae.RequestID)
	}
	return ""
}

// requestRef is " (request req_…)" after a clause, or "".
func requestRef(err error) string {
	if id := requestID(err); id != "" {
		return " (request " + id + ")"
	}
	return ""
}

// withRequest ends sentences about err with its request id, if any.
func withRequest(text string, err error) string {
	if id := requestID(err); id != "" {
		return text + " Request " + id + "."
	}
	return text
}

// sentence ends s with a full stop unless it already ends a sentence
// (the transport errors' advice ends in "?"): never "right?." .
func sentence(s string) string {
	s = strings.TrimRight(s, " ")
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "…") {
		return s
	}
	return s + "."
}

// innermostTransport is the transport error's own message (it names the
// cause and what to check), without the call's wrapping.
func innermostTransport(err error) string {
	var te *client.TransportError
	if errors.As(err, &te) {
		return te.Error()
	}
	return err.Error()
}

// frame draws a form screen: title, body, status line, in exactly w×h.
func (b *base) frame(subtitle, body string) string {
	s := b.c.Styles
	var sb strings.Builder
	sb.WriteString(s.Title.Render(sanitize.Truncate(b.title, max(b.width-2, 1))))
	if subtitle != "" {
		sb.WriteString(s.Muted.Render("  " + subtitle))
	}
	sb.WriteString("\n\n")
	sb.WriteString(body)
	lines := strings.Split(sb.String(), "\n")
	status := ""
	switch {
	case b.status != "" && b.statusErr:
		status = s.Error.Render(wrapText(b.status, b.width))
	case b.status != "":
		status = s.Muted.Render(wrapText(b.status, b.width))
	}
	var sl []string
	if status != "" {
		sl = append([]string{""}, strings.Split(status, "\n")...)
	}
	return fit(lines, sl, b.width, b.height)
}

// fit lays out body lines and the bottom lines in exactly w×h: the body
// is cut if it would hide the bottom lines, every line is cut to w cells.
func fit(body, bottom []string, w, h int) string {
	if h <= 0 || w <= 0 {
		return ""
	}
	if len(bottom) > h {
		bottom = bottom[len(bottom)-h:]
	}
	room := h - len(bottom)
	if len(body) > room {
		body = body[:room]
	}
	out := make([]string, 0, h)
	out = append(out, body...)
	for len(out) < h-len(bottom) {
		out = append(out, "")
	}
	out = append(out, bottom...)
	for i, l := range out {
		if lipgloss.Width(l) > w {
			l = ansi.Truncate(l, w, "…")
		}
		out[i] = l
	}
	return strings.Join(out, "\n")
}

// wrapText wraps plain text to w cells.
func wrapText(s string, w int) string {
	if w <= 0 {
		return s
	}
	return ansi.Wordwrap(s, w, "")
}

// questionView draws an open question: its context lines and the
// confirm.
func (b *base) questionView() string {
	var sb strings.Builder
	for _, l := range b.ask.lines {
		sb.WriteString(l)
		sb.WriteString("\n")
	}
	if len(b.ask.lines) > 0 {
		sb.WriteString("\n")
	}
	sb.WriteString(b.ask.form.View())
	return sb.String()
}

// refusedView is what a form that may not be used shows.
func (b *base) refusedView() string {
	return b.frame("", b.c.Styles.Error.Render(wrapText("This form cannot be used: "+b.refused+".", b.width))+"\n\n"+
		b.c.Styles.Muted.Render("Press esc to go back."))
}

// formHelp is the short help of a form screen.
func (b *base) formHelp() []tui.Binding {
	if b.ask != nil {
		return []tui.Binding{
			{Keys: []string{"y"}, Help: "yes"},
			{Keys: []string{"n"}, Help: "no"},
			{Keys: []string{"enter"}, Help: "answer"},
		}
	}
	if b.refused != "" {
		return []tui.Binding{escKey.WithHelp("back")}
	}
	return []tui.Binding{saveKey, nextKey, prevKey, escKey}
}

// fullHelp is the one list for the ? overlay (shown only when the form
// does not capture keys, which is never while it is open, but kept
// truthful).
func (b *base) fullHelp() [][]tui.Binding {
	return [][]tui.Binding{{saveKey, nextKey, prevKey, escKey}}
}

// pointsLabel formats points with a sign: +50, -1,200.
func pointsLabel(p int64) string {
	if p > 0 {
		return "+" + money.Int(p)
	}
	return money.Int(p)
}

// reasonLabel is how a reason reads in the select and in messages.
func reasonLabel(r string) string {
	switch r {
	case api.ReasonGoodwill:
		return "Goodwill"
	case api.ReasonCorrection:
		return "Correction"
	case api.ReasonMissingEarn:
		return "Missing points from an order"
	case api.ReasonOrderIssue:
		return "Problem with an order"
	case api.ReasonFraudReversal:
		return "Fraud reversal"
	case api.ReasonOther:
		return "Other"
	}
	return sanitize.Line(r)
}

func asAPIError(err error, target **client.APIError) bool {
	return errors.As(err, target) && *target != nil
}

func isCancel(err error) bool { return errors.Is(err, context.Canceled) }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

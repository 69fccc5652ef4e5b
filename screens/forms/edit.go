package forms

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// EditProfile is the edit-profile form (e). It saves only the fields the
// agent changed, with If-Match set to the version the form was opened on;
// when someone else saved the customer in between (412) it shows both
// sides field by field and lets the agent re-apply their changes on top
// of the new version, keep editing, or discard.
type EditProfile struct {
	base
	cl Client

	orig api.Customer  // the version the draft is based on
	was  customerDraft // draftOf(orig)
	d    customerDraft // what the agent typed
	// sent maps the addresses of the last patch to the draft's: an
	// emptied address is left out, so the store's "addresses[1]" may be
	// the draft's third.
	sent []int

	conflict *conflict
	// onConflict is the conflict choice's keys (conflictKeys).
	onConflict []tui.Binding
	// pres is who else has the customer open (WatchPresence); nil on a
	// platform without presence.
	pres *Presence
}

// Answer payloads, so one answerMsg type serves both calls.
type (
	patched api.Customer
	fetched api.Customer
)

// NewEditProfile opens the edit-profile form on cust.
func NewEditProfile(c *tui.Common, cl Client, cust api.Customer) tui.Screen {
	m := &EditProfile{base: newBase(c, c.Keys.Edit, "Edit "+displayName(cust)), cl: cl}
	m.rebase(cust, false)
	m.setFlow(draftFlow{
		dirty: m.Dirty,
		discard: func() tea.Cmd {
			return m.confirm("Discard your changes?", "", m.changeLines(), tui.Pop, nil)
		},
		save: m.save,
	})
	m.onConflict = m.conflictKeys()
	return m
}

// rebase makes cust the version the draft is based on. With keep, the
// agent's changes (fields that differ from the old base) stay and every
// other field takes the server's value; without, the draft is cust.
// dropped reports that the agent's address changes could not be kept:
// the server's customer has a different number of addresses now.
func (m *EditProfile) rebase(cust api.Customer, keep bool) (dropped bool) {
	now := draftOf(cust)
	next := now.clone()
	if keep {
		sameAddrs := len(now.Addresses) == len(m.was.Addresses) && len(m.d.Addresses) == len(m.was.Addresses)
		for _, k := range m.d.keys() {
			if m.d.get(k) == m.was.get(k) {
				continue
			}
			if _, _, addr := parseAddrKey(k); addr && !sameAddrs {
				dropped = true
				continue
			}
			*next.ptr(k) = m.d.get(k)
		}
	}
	m.d = next
	m.orig, m.was = cust, now
	m.build(customerFields(&m.d, m.d.keys(), m.check)...)
	return dropped
}

// check validates only what the agent changed: an untouched value is
// never sent, so it never blocks a save.
func (m *EditProfile) check(key, v string) (string, string) {
	if i, _, ok := parseAddrKey(key); ok {
		if !addressChanged(m.was, m.d, i) {
			return "", ""
		}
	} else if v == m.was.get(key) {
		return "", ""
	}
	return checkField(key, v, m.d, m.tried)
}

// Init focuses the first field.
func (m *EditProfile) Init() tea.Cmd {
	if m.refused != "" {
		return nil
	}
	if m.pres != nil {
		m.pres.Editing = true
		return tea.Batch(m.initForm(), emit(EditingMsg{CustomerID: m.orig.ID}))
	}
	return m.initForm()
}

// Title names the screen in the breadcrumbs.
func (m *EditProfile) Title() string { return "Edit profile" }

// SetSize sets the content size.
func (m *EditProfile) SetSize(w, h int) {
	m.setSize(w, h)
	if m.conflict != nil && w > 0 {
		m.conflict.form.WithWidth(min(w, 76))
	}
}

// keysNow is the list of the form's current state: the conflict choice's
// while it is open, else the form's.
func (m *EditProfile) keysNow() []tui.Binding {
	if m.conflict != nil && m.refused == "" && m.ask == nil && !m.saving {
		return m.onConflict
	}
	return m.base.keysNow()
}

// ShortHelp is the footer's help: the keys of the current state.
func (m *EditProfile) ShortHelp() []tui.Binding { return m.keysNow() }

// FullHelp is the ? list: the keys of the current state.
func (m *EditProfile) FullHelp() [][]tui.Binding { return [][]tui.Binding{m.keysNow()} }

// Close cancels a save in flight; the profile's next heartbeat says the
// form is closed.
func (m *EditProfile) Close() {
	m.stop()
	if m.pres != nil {
		m.pres.Editing = false
	}
}

// Dirty reports whether the agent changed anything.
func (m *EditProfile) Dirty() bool { return len(changedKeys(m.was, m.d)) > 0 }

// Update handles keys and answers.
func (m *EditProfile) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	return m, m.route(m, msg, m.onAnswer, m.onKey, m.updateOther)
}

// updateOther hands a message that is neither a key nor an answer to the
// conflict choice while it is open (a paste there is dropped), else to
// the huh form.
func (m *EditProfile) updateOther(msg tea.Msg) tea.Cmd {
	if m.conflict != nil {
		if _, ok := msg.(tea.PasteMsg); ok {
			return nil
		}
		f, cmd := m.conflict.form.Update(msg)
		m.conflict.form = f.(*huh.Form)
		return cmd
	}
	return m.updateForm(msg)
}

func (m *EditProfile) onKey(k tea.KeyPressMsg) tea.Cmd {
	if cmd, busy := m.busyKey(k); busy {
		return cmd
	}
	if m.conflict != nil {
		return m.onConflictKey(k)
	}
	return m.draftKey(k)
}

// patch is what the save sends: only the changed fields, the phone
// normalised, and when any address changed, the whole address list with
// the agent's changes in it.
func (m *EditProfile) patch() api.CustomerPatch {
	var p api.CustomerPatch
	str := func(k string, trim bool) *string {
		v := m.d.get(k)
		if v == m.was.get(k) {
			return nil
		}
		if trim {
			v = strings.TrimSpace(v)
		}
		return &v
	}
	p.FirstName = str(keyFirstName, true)
	p.LastName = str(keyLastName, true)
	p.Email = str(keyEmail, true)
	p.Status = str(keyStatus, false)
	if v := str(keyPhone, true); v != nil {
		if n, err := api.NormalizePhone(*v); err == nil {
			v = &n
		}
		p.Phone = v
	}
	if anyAddressChanged(m.was, m.d) {
		addrs := m.addresses()
		p.Addresses = &addrs
	}
	return p
}

// addresses is the customer's address list with the agent's changes:
// only the fields the agent changed take the draft's value (the rest
// stay as the store has them); an address whose every field was cleared
// is removed; a customer without addresses gets the one typed in as the
// default.
func (m *EditProfile) addresses() []api.Address {
	out := []api.Address{}
	m.sent = m.sent[:0]
	for i := range m.d.Addresses {
		a := api.Address{Type: "shipping", Default: len(m.orig.Addresses) == 0}
		if i < len(m.orig.Addresses) {
			a = m.orig.Addresses[i]
		}
		a.ID = "" // the server assigns ids
		d := draftAddress(m.d, i)
		if emptyAddress(d) {
			continue
		}
		for _, f := range addressFields {
			if k := addrKey(i, f); m.d.get(k) != m.was.get(k) {
				*addressField(&a, f) = *addressField(&d, f)
			}
		}
		m.sent = append(m.sent, i)
		out = append(out, a)
	}
	return out
}

// addressField points at field f of a.
func addressField(a *api.Address, f string) *string {
	switch f {
	case "address1":
		return &a.Address1
	case "address2":
		return &a.Address2
	case "city":
		return &a.City
	case "state":
		return &a.State
	case "zip":
		return &a.Zip
	case "country":
		return &a.Country
	}
	panic("forms: unknown address field " + f)
}

// changeLines lists the changes for a confirmation: "Phone: a → b".
func (m *EditProfile) changeLines() []string {
	s := m.c.Styles
	var out []string
	for _, k := range changedKeys(m.was, m.d) {
		from, to := m.was.get(k), m.d.get(k)
		if k == keyPhone {
			if n, err := api.NormalizePhone(to); err == nil {
				to = n
			}
		}
		if from == "" {
			from = "(empty)"
		}
		if to == "" {
			to = "(empty)"
		}
		out = append(out, s.Label.Render(m.d.label(k)+": ")+s.Cells.Truncate(from, 30)+" → "+s.Strong.Render(s.Cells.Truncate(to, 30)))
	}
	return out
}

// save checks the draft and sends the patch (after a confirmation on a
// production profile).
func (m *EditProfile) save() tea.Cmd {
	if m.refuse("Cannot save: ") {
		return nil
	}
	m.tried = true
	if cmd, bad := m.flagProblems(); bad {
		return cmd
	}
	p := m.patch()
	if p.Empty() {
		m.setInfo("Nothing changed: edit a field, or press esc to leave.")
		return nil
	}
	send := func() tea.Cmd { return m.send(p) }
	proceed := func() tea.Cmd {
		if m.c.Confirm(m.binding) {
			return m.confirm(fmt.Sprintf("Save these changes to %s?", productionLabel(m.c)), "", m.changeLines(), send, nil)
		}
		return send()
	}
	if q := m.othersQuestion(); q != "" {
		// Another agent has the customer open: say who before saving over
		// what they may be changing (No is the default).
		return m.confirm(q, "If they save first, yours is refused and you see both versions.", m.changeLines(), proceed, nil)
	}
	return proceed()
}

// othersQuestion asks whether to save while other agents have the
// customer open ("Jane Wanjiru has this customer open since 10:02 —
// save anyway?"), "" when nobody else has.
func (m *EditProfile) othersQuestion() string {
	if m.pres == nil || len(m.pres.Others) == 0 {
		return ""
	}
	who := m.pres.Sentence(m.c.Styles.Cells, m.pres.now(), 30)
	verb := "has"
	if len(m.pres.Others) > 1 {
		verb = "have"
	}
	return who + " " + verb + " this customer open — save anyway?"
}

func (m *EditProfile) send(p api.CustomerPatch) tea.Cmd {
	id, version := m.orig.ID, client.CustomerVersion(m.orig)
	return m.start(m, func(ctx context.Context) (any, error) {
		c, err := m.cl.PatchCustomer(ctx, id, version, p)
		return patched(c), err
	})
}

func (m *EditProfile) onAnswer(a answerMsg) tea.Cmd {
	switch v := a.val.(type) {
	case fetched:
		if a.err != nil {
			m.setError("Someone else changed this customer, and loading their version failed: " + explain(a.err) + " Your changes are kept: press ctrl+s to try again.")
			return nil
		}
		return m.showConflict(api.Customer(v))
	case patched:
		if a.err == nil {
			saved := api.Customer(v)
			return tea.Batch(
				tui.Success("Saved "+displayName(saved)+"'s profile."),
				tea.Sequence(tui.Pop(), emit(CustomerSavedMsg{Customer: saved})),
			)
		}
	}
	err := a.err
	switch {
	case client.IsCode(err, api.CodeVersionMismatch):
		// Fetch what the server holds now, to show the two sides.
		id := m.orig.ID
		cmd := m.start(m, func(ctx context.Context) (any, error) {
			c, err := m.cl.GetCustomer(ctx, id)
			return fetched(c), err
		})
		m.setInfo("Someone else saved this customer while you were editing; loading their version…")
		return cmd
	case client.IsCode(err, api.CodeDuplicateEmail):
		msg := "another customer already has this email"
		m.serverErr[keyEmail] = rejected{value: m.d.Email, msg: msg}
		m.setError("The email is taken: use another address, or find the existing customer. Your other changes are kept.")
		m.refreshTitles()
		return m.focus(m.fieldByKey(keyEmail))
	}
	if f := m.fail(err, nil, m.fieldKey); f != nil {
		m.refreshTitles()
		return m.focus(f)
	}
	return nil
}

// fieldKey maps error.fields names to the form's keys: "addresses[1]"
// is the second address the patch sent, which is the draft's third when
// the agent cleared one before it.
func (m *EditProfile) fieldKey(k string) string {
	if i, f, ok := parseAddrKey(k); ok && i < len(m.sent) {
		return addrKey(m.sent[i], f)
	}
	return k
}

// View draws the form, a confirmation, or the conflict.
func (m *EditProfile) View() string {
	if m.refused != "" {
		return m.refusedView()
	}
	sub := fmt.Sprintf("customer %s · version %d", sanitize.Line(string(m.orig.ID)), m.orig.Version)
	switch {
	case m.ask != nil:
		return m.frame(sub, m.questionView())
	case m.conflict != nil:
		return m.frame(sub, m.conflictView())
	}
	return m.frame(sub, m.form.View())
}

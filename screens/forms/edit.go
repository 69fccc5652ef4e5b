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
}

// conflict is a 412: the server's current customer and the choice.
type conflict struct {
	server api.Customer
	from   int64 // the version the agent edited
	rows   []diffRow
	choice string
	form   *huh.Form
}

// diffRow is one field that differs between the server and the agent.
type diffRow struct {
	key, label, server, yours, was string
	serverChanged                  bool
}

// Conflict choices.
const (
	choiceReapply = "reapply"
	choiceEdit    = "edit"
	choiceDiscard = "discard"
)

// Answer payloads, so one answerMsg type serves both calls.
type (
	patched api.Customer
	fetched api.Customer
)

// NewEditProfile opens the edit-profile form on cust.
func NewEditProfile(c *tui.Common, cl Client, cust api.Customer) tui.Screen {
	m := &EditProfile{base: newBase(c, c.Keys.Edit, "Edit "+displayName(cust)), cl: cl}
	m.rebase(cust, false)
	return m
}

func displayName(c api.Customer) string {
	n := strings.TrimSpace(sanitize.Line(c.Name()))
	if n == "" {
		n = "customer " + sanitize.Line(string(c.ID))
	}
	return n
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

// CapturesKeys is true: the form takes every key but ctrl+c.
func (m *EditProfile) CapturesKeys() bool { return true }

// ShortHelp is the footer's help.
func (m *EditProfile) ShortHelp() []tui.Binding {
	if m.conflict != nil {
		return []tui.Binding{{Keys: []string{"enter"}, Help: "choose"}, {Keys: []string{"up", "down"}, HelpKey: "↑/↓", Help: "move"}, escKey.WithHelp("keep editing")}
	}
	return m.formHelp()
}

// FullHelp is the ? list.
func (m *EditProfile) FullHelp() [][]tui.Binding { return m.fullHelp() }

// Close cancels a save in flight.
func (m *EditProfile) Close() { m.stop() }

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
	return m.draftKey(k, draftFlow{
		dirty: m.Dirty,
		discard: func() tea.Cmd {
			return m.confirm("Discard your changes?", "", m.changeLines(), tui.Pop, nil)
		},
		save: m.save,
	})
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
		out = append(out, s.Label.Render(m.d.label(k)+": ")+sanitize.Truncate(from, 30)+" → "+s.Strong.Render(sanitize.Truncate(to, 30)))
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
	if m.c.Confirm(m.binding) {
		return m.confirm(fmt.Sprintf("Save these changes to %s?", productionLabel(m.c)), "", m.changeLines(), send, nil)
	}
	return send()
}

func productionLabel(c *tui.Common) string {
	return sanitize.Line(c.Profile.Label()) + " (PRODUCTION)"
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

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// showConflict builds the 412 view: the fields where the server and the
// agent differ, and the choice.
func (m *EditProfile) showConflict(server api.Customer) tea.Cmd {
	now := draftOf(server)
	var rows []diffRow
	keys, names := m.d.keys(), m.d
	if len(now.Addresses) > len(m.d.Addresses) {
		keys, names = now.keys(), now
	}
	for _, k := range keys {
		sv, yv, wv := now.get(k), m.d.get(k), m.was.get(k)
		if sv == yv || (sv == wv && yv == wv) {
			continue
		}
		rows = append(rows, diffRow{key: k, label: names.label(k), server: sv, yours: yv, was: wv, serverChanged: sv != wv})
	}
	cf := &conflict{server: server, from: m.orig.Version, rows: rows, choice: choiceReapply}
	cf.form = huh.NewForm(huh.NewGroup(
		huh.NewSelect[string]().Key("choice").
			Title("What now?").
			Options(
				huh.NewOption("Re-apply my changes on top of version "+fmt.Sprint(server.Version), choiceReapply),
				huh.NewOption("Keep editing on version "+fmt.Sprint(server.Version), choiceEdit),
				huh.NewOption("Discard my changes", choiceDiscard),
			).
			Value(&cf.choice),
	)).WithTheme(m.th.theme()).WithKeyMap(keyMap()).WithShowHelp(false).WithShowErrors(false)
	if m.width > 0 {
		cf.form.WithWidth(min(m.width, 76))
	}
	m.conflict = cf
	m.status = ""
	return cf.form.Init()
}

func (m *EditProfile) onConflictKey(k tea.KeyPressMsg) tea.Cmd {
	cf := m.conflict
	switch k.String() {
	case "esc":
		return m.resolve(choiceEdit)
	case "enter":
		return m.resolve(cf.choice)
	case "tab", "shift+tab":
		return nil // huh would leave the select and complete the form
	}
	f, cmd := cf.form.Update(k)
	cf.form = f.(*huh.Form)
	return cmd
}

// resolve acts on the agent's choice after a conflict.
func (m *EditProfile) resolve(choice string) tea.Cmd {
	server := m.conflict.server
	m.conflict = nil
	switch choice {
	case choiceDiscard:
		return tea.Batch(
			tui.Info("Your changes were discarded; the profile shows the current version."),
			tea.Sequence(tui.Pop(), emit(CustomerSavedMsg{Customer: server})),
		)
	case choiceEdit:
		msg := fmt.Sprintf("Now editing on version %d: the other changes are in the form, yours are kept. ctrl+s saves.", server.Version)
		if m.rebase(server, true) {
			msg = fmt.Sprintf("Now editing on version %d. Its addresses changed too: your address changes were not kept, enter them again. ctrl+s saves.", server.Version)
		}
		m.setInfo(msg)
		return m.initForm()
	}
	if m.rebase(server, true) {
		// Re-applying would silently lose the address changes: let the
		// agent see the new addresses and enter them again.
		m.setInfo(fmt.Sprintf("Now editing on version %d. Its addresses changed too: your address changes were not kept, enter them again. ctrl+s saves.", server.Version))
		return m.initForm()
	}
	if m.patch().Empty() {
		return tea.Batch(
			tui.Info("Nothing to re-apply: the store already has your values."),
			tea.Sequence(tui.Pop(), emit(CustomerSavedMsg{Customer: server})),
		)
	}
	return tea.Batch(m.initForm(), m.save())
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

func (m *EditProfile) conflictView() string {
	s := m.c.Styles
	cf := m.conflict
	var sb strings.Builder
	sb.WriteString(s.Warning.Render(wrapText(fmt.Sprintf(
		"Someone else saved this customer while you were editing (version %d → %d).", cf.from, cf.server.Version), m.width)))
	sb.WriteString("\n\n")
	if len(cf.rows) == 0 {
		sb.WriteString(s.Muted.Render("Their changes do not touch the fields you changed."))
		sb.WriteString("\n")
	} else {
		lw, cw := 14, max(min((m.width-18)/2, 32), 8)
		sb.WriteString(s.TableHeader.Render("  " + sanitize.Pad("Field", lw) + "  " + sanitize.Pad("On the server now", cw) + "  " + "Yours"))
		sb.WriteString("\n")
		for _, r := range cf.rows {
			mark := "  "
			if r.serverChanged {
				mark = s.Warning.Render("* ")
			}
			yours := s.Strong.Render(sanitize.Truncate(orEmpty(r.yours), cw))
			if r.yours == r.was {
				yours = s.Muted.Render("(you did not change it)")
			}
			sb.WriteString(mark + sanitize.Pad(r.label, lw) + "  " + sanitize.Pad(orEmpty(r.server), cw) + "  " + yours)
			sb.WriteString("\n")
		}
		sb.WriteString(s.Muted.Render("* changed on the server since you opened the form"))
		sb.WriteString("\n")
	}
	if mine := changedKeys(m.was, m.d); len(mine) > 0 {
		names := make([]string, len(mine))
		for i, k := range mine {
			names[i] = strings.ToLower(m.d.label(k))
		}
		sb.WriteString(s.Muted.Render(wrapText("Re-applying sends only your changes ("+strings.Join(names, ", ")+") on top of the new version.", m.width)))
		sb.WriteString("\n")
	}
	sb.WriteString("\n")
	sb.WriteString(cf.form.View())
	return sb.String()
}

func orEmpty(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}

package screens

import (
	"context"
	"errors"
	"slices"
	"sync"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/policy"
	"frontdesk/screens/forms"
	"frontdesk/screens/session"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// tab is one of the profile's tabs.
type tab int

const (
	tabOverview tab = iota
	tabOrders
	tabLoyalty
	tabNotes
	tabActivity
	numTabs
)

var tabNames = [numTabs]string{"Overview", "Orders", "Loyalty", "Notes", "Activity"}

// Page sizes of the profile's lists.
const (
	ordersPageSize   = 50
	ledgerPageSize   = 50
	notesPageSize    = 20
	activityPerKind  = 50
	profileHeadLines = 3 // the name line, the tabs, a blank line
)

// statusFilters are the order statuses `f` cycles through; "" is all.
var statusFilters = append([]string{""}, api.OrderStatuses...)

// Messages of the profile. Each carries the screen it answers and the
// sequence number of its request: an answer to a request that was
// superseded (ctrl+r pressed twice, another page asked for) is dropped.
type (
	customerLoadedMsg struct {
		p    *Profile
		seq  int
		cust api.Customer
		err  error
	}
	loyaltyLoadedMsg struct {
		p       *Profile
		seq     int
		loyalty api.Loyalty
		err     error
	}
	ledgerLoadedMsg struct {
		p    *Profile
		seq  int
		at   int // the page number asked for
		page client.Page[api.LedgerEntry]
		err  error
	}
	ordersLoadedMsg struct {
		p    *Profile
		seq  int
		at   int
		list client.Page[api.Order]
		err  error
	}
	notesLoadedMsg struct {
		p    *Profile
		seq  int
		at   int
		list client.Page[api.Note]
		err  error
	}
	activityLoadedMsg struct {
		p     *Profile
		seq   int
		items []activity
		err   error
		// auditErr: the audit trail could not be read; the rest of the
		// timeline is shown without it.
		auditErr error
	}
)

// Profile is one customer: a header line and five tabs, each loaded the
// first time it is looked at.
type Profile struct {
	c   *tui.Common
	env *env
	id  api.ID

	width, height int
	tab           tab

	cust    api.Customer
	custL   load
	loyalty api.Loyalty
	loyL    load

	ledger    client.Page[api.LedgerEntry]
	ledgerL   load
	ledgerPg  pageTrail
	ledgerCur cursor

	orders    client.Page[api.Order]
	ordersL   load
	ordersPg  pageTrail
	filter    int // index in statusFilters
	ordersCur cursor

	notes   client.Page[api.Note]
	notesL  load
	notesPg pageTrail

	activity    []activity
	activityL   load
	activityCur cursor
	auditErr    error

	// acting is the session's on-behalf state; others are the live
	// sessions other agents hold on this customer.
	acting *session.Acting
	others []api.AgentSession

	// scroll is the first line shown of the text tabs (overview, notes).
	scroll [numTabs]int

	bFilter, bCopyID                     Binding
	bStart, bEnd, bCoupons, bResetPasswd Binding
}

func newProfile(c *tui.Common, e *env, id api.ID) *Profile {
	p := &Profile{c: c, env: e, id: id, ordersPg: newPageTrail(), ledgerPg: newPageTrail(), notesPg: newPageTrail()}
	p.bFilter = Binding{Keys: []string{"f"}, Help: "filter status", Disabled: p.onTab(tabOrders)}
	p.bCopyID = Binding{Keys: []string{"Y"}, Help: "copy id"}
	p.acting = e.actingOn(c)
	k := c.Keys
	p.bStart = k.StartSession.With(p.canStart)
	p.bEnd = k.EndSession.With(p.needActing)
	p.bCoupons = Binding{Keys: []string{"c"}, Help: "coupons (as the customer)",
		Policy: policy.ReadAsCustomer, Disabled: p.needActing}
	p.bResetPasswd = Binding{Keys: []string{"R"}, Help: "send password reset", Dangerous: true,
		Policy: policy.ActOnBehalf, Disabled: p.needActing}
	return p
}

// Acting reports whether the agent acts as this customer right now.
func (p *Profile) Acting() bool { return p.acting.ActiveFor(p.id) }

func (p *Profile) canStart() string {
	if r := p.needCustomer(); r != "" {
		return r
	}
	if p.Acting() {
		return "already acting for this customer: O ends it"
	}
	return ""
}

func (p *Profile) needActing() string {
	if !p.Acting() {
		return "only while acting for this customer (o starts it)"
	}
	return ""
}

// customerClient reads the customer: while acting for them, as the
// customer (their token, their own view); otherwise as the agent.
func (p *Profile) customerClient() forms.Client { return p.acting.Client(p.env.cl) }

// ID is the customer's id.
func (p *Profile) ID() api.ID { return p.id }

// Init loads the customer and the points balance: the overview shows
// both, and the adjust form needs the balance.
// It also asks whether another agent is acting for the customer.
func (p *Profile) Init() tea.Cmd {
	return tea.Batch(p.fetchCustomer(), p.fetchLoyalty(), p.acting.CheckOthers(p.id))
}

// Close cancels every request in flight.
func (p *Profile) Close() {
	for _, r := range p.loads() {
		r.l.stop()
	}
}

// Title is the customer's name once it is known.
func (p *Profile) Title() string {
	if p.missing() {
		return p.missingText()
	}
	if p.custL.loaded {
		if n := p.cust.Name(); n != "" {
			return n
		}
	}
	return "Customer " + string(p.id)
}

// CapturesKeys is false: the profile has no text input.
func (p *Profile) CapturesKeys() bool { return false }

// SetSize fits the tabs to the content area.
func (p *Profile) SetSize(w, h int) {
	p.width, p.height = w, h
	vis := p.tableRows()
	p.ordersCur.clamp(len(p.orders.Items), vis)
	p.ledgerCur.clamp(len(p.ledger.Items), vis)
	p.activityCur.clamp(len(p.activity), vis)
}

// Tab is the tab shown (0 Overview … 4 Activity).
func (p *Profile) Tab() int { return int(p.tab) }

func (p *Profile) onTab(t ...tab) func() string {
	return func() string {
		if slices.Contains(t, p.tab) {
			return ""
		}
		if len(t) == 1 {
			return "only on the " + tabNames[t[0]] + " tab"
		}
		return "not on this tab"
	}
}

func (p *Profile) needCustomer() string {
	switch {
	case p.missing():
		return "no such customer"
	case !p.custL.loaded && p.custL.err != nil && !p.custL.loading:
		return "the customer could not be loaded"
	case !p.custL.loaded:
		return "the customer is still loading"
	}
	return ""
}

// missing reports whether the store said there is no such customer.
func (p *Profile) missing() bool {
	return !p.custL.loading && client.IsNotFound(p.custL.err)
}

// missingText is what the profile of a customer the store does not know
// says, instead of an error with a retry.
func (p *Profile) missingText() string { return "No customer " + sanitize.Line(string(p.id)) }

func (p *Profile) needLoyalty() string {
	if r := p.needCustomer(); r != "" {
		return r
	}
	if !p.loyL.loaded {
		return "the points balance is still loading"
	}
	return ""
}

func (p *Profile) noOrder() string {
	if _, ok := p.selectedOrder(); !ok {
		return "no order highlighted"
	}
	return ""
}

// ShortHelp is the footer's key help.
func (p *Profile) ShortHelp() []Binding {
	k := p.c.Keys
	b := []Binding{k.Tab1, k.NextTab}
	switch p.tab {
	case tabOrders:
		b = append(b, k.Open.WithHelp("open order").With(p.noOrder), p.bFilter)
	case tabActivity:
		b = append(b, k.Open.WithHelp("open order").With(p.noOrder))
	case tabLoyalty:
		b = append(b, k.Adjust.With(p.needLoyalty))
	case tabNotes:
		b = append(b, k.Note.With(p.needCustomer))
	}
	b = append(b, k.Edit.With(p.needCustomer), k.Copy.WithHelp("copy email"), k.Refresh)
	// Last, so a narrow footer drops them first: the line under the tabs
	// repeats them while acting, and ? lists them always.
	if p.Acting() {
		return append(b, p.bEnd, p.bCoupons, p.bResetPasswd)
	}
	return append(b, p.bStart)
}

// FullHelp is every binding; the shell refuses disabled ones with their
// reason (a viewer's e says "your role (viewer) cannot edit customers").
func (p *Profile) FullHelp() [][]Binding {
	k := p.c.Keys
	return [][]Binding{
		{k.Tab1, k.Tab2, k.Tab3, k.Tab4, k.Tab5, k.NextTab, k.PrevTab},
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.Open.WithHelp("open order").With(p.noOrder), p.bFilter},
		{
			k.Edit.With(p.needCustomer), k.Adjust.With(p.needLoyalty), k.Note.With(p.needCustomer), k.New,
			k.Copy.WithHelp("copy email").With(p.needCustomer), p.bCopyID, k.Refresh,
		},
		{p.bStart, p.bEnd, p.bCoupons, p.bResetPasswd},
	}
}

// Update handles keys, mouse, the answers of its requests and what the
// forms send after a save.
func (p *Profile) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return p, p.key(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			p.move(-3)
		case tea.MouseWheelDown:
			p.move(3)
		}
		return p, nil
	case tea.MouseClickMsg:
		return p, p.click(msg)

	case customerLoadedMsg:
		wasMissing := client.IsNotFound(p.custL.err)
		if msg.p != p || !p.custL.accept(msg.seq, msg.err) {
			return p, nil
		}
		if msg.err != nil {
			return p, p.failed(&p.custL, "load customer", msg.err)
		}
		p.cust = msg.cust
		if wasMissing {
			// A customer that was missing exists now (ctrl+r): load the tab.
			return p, tea.Batch(p.retryFailed(), p.ensure(p.tab))
		}
		return p, p.retryFailed()
	case loyaltyLoadedMsg:
		if msg.p != p || !p.loyL.accept(msg.seq, msg.err) {
			return p, nil
		}
		if msg.err != nil {
			return p, p.failed(&p.loyL, "load loyalty", msg.err)
		}
		p.loyalty = msg.loyalty
		return p, p.retryFailed()
	case ledgerLoadedMsg:
		if msg.p != p || !p.ledgerL.accept(msg.seq, msg.err) {
			return p, nil
		}
		if msg.err != nil {
			return p, p.failed(&p.ledgerL, "load loyalty ledger", msg.err)
		}
		p.ledger = msg.page
		p.ledgerPg.learn(msg.at, msg.page.Next, msg.page.Prev)
		p.ledgerCur.clamp(len(p.ledger.Items), p.tableRows())
		return p, p.retryFailed()
	case ordersLoadedMsg:
		if msg.p != p || !p.ordersL.accept(msg.seq, msg.err) {
			return p, nil
		}
		if msg.err != nil {
			return p, p.failed(&p.ordersL, "load orders", msg.err)
		}
		p.orders = msg.list
		p.ordersPg.learn(msg.at, msg.list.Next, msg.list.Prev)
		p.ordersCur.clamp(len(p.orders.Items), p.tableRows())
		return p, p.retryFailed()
	case notesLoadedMsg:
		if msg.p != p || !p.notesL.accept(msg.seq, msg.err) {
			return p, nil
		}
		if msg.err != nil {
			return p, p.failed(&p.notesL, "load notes", msg.err)
		}
		p.notes = msg.list
		p.notesPg.learn(msg.at, msg.list.Next, msg.list.Prev)
		return p, p.retryFailed()
	case activityLoadedMsg:
		if msg.p != p || !p.activityL.accept(msg.seq, msg.err) {
			return p, nil
		}
		if msg.err != nil {
			return p, p.failed(&p.activityL, "load activity", msg.err)
		}
		p.activity, p.auditErr = msg.items, msg.auditErr
		p.activityCur.clamp(len(p.activity), p.tableRows())
		if msg.auditErr != nil && !errors.Is(msg.auditErr, context.Canceled) {
			p.c.Logger.Warn("load audit trail", "customer", p.id, "err", msg.auditErr)
		}
		return p, p.retryFailed()
	case loadTickMsg:
		for _, r := range p.loads() {
			if r.l == msg.l {
				due, next := r.l.tick(msg)
				if due {
					return p, r.fetch()
				}
				return p, next
			}
		}

	case session.OthersMsg:
		if msg.CustomerID != p.id {
			return p, nil
		}
		if msg.Err != nil {
			// Only a hint: the profile works without it.
			p.c.Logger.Warn("list agent sessions", "customer", p.id, "err", msg.Err)
			return p, nil
		}
		p.others = msg.Sessions
	case session.StartedMsg, session.EndedMsg:
		// Read the customer again as whom the agent now is (the
		// customer, or the agent again), and the trail that recorded it.
		if sessionCustomer(msg) != p.id {
			return p, nil
		}
		return p, tea.Batch(p.fetchCustomer(), p.auditChanged())
	case session.PasswordResetSentMsg:
		if msg.CustomerID == p.id {
			return p, p.auditChanged()
		}
	default:
		return p, p.saved(msg)
	}
	return p, nil
}

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

func (p *Profile) loads() []paneLoad {
	return []paneLoad{
		{&p.custL, p.fetchCustomer}, {&p.loyL, p.fetchLoyalty}, {&p.ledgerL, p.fetchLedger},
		{&p.ordersL, p.fetchOrders}, {&p.notesL, p.fetchNotes}, {&p.activityL, p.fetchActivity},
	}
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

// saved refreshes what a form changed, once the form says it saved; a
// save that worked also means the store is back, so panes still showing
// an error load again.
func (p *Profile) saved(msg tea.Msg) tea.Cmd {
	s := savedByForm(msg)
	if !s.about(p.id) {
		return nil
	}
	return tea.Batch(p.refreshSaved(s), p.retryFailed())
}

func (p *Profile) refreshSaved(s formSave) tea.Cmd {
	switch {
	case s.customer != nil && s.customer.ID == p.id:
		p.cust = *s.customer
		// The PATCH answer may leave out the store metrics: fetch the
		// whole customer again.
		return p.fetchCustomer()
	case s.loyaltyFor == p.id && s.loyaltyFor != "":
		p.loyalty.PointsBalance = s.balance
		p.ledgerL.stale()
		p.activityL.stale()
		return tea.Batch(p.fetchLoyalty(), p.ensure(p.tab))
	case s.note != nil && s.note.CustomerID == p.id:
		p.notesL.stale()
		p.activityL.stale()
		p.notesPg.reset()
		return p.ensure(p.tab)
	}
	return nil
}

func (p *Profile) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.Keys
	c := p.c
	for i, b := range []Binding{k.Tab1, k.Tab2, k.Tab3, k.Tab4, k.Tab5} {
		if c.Fires(msg, b) {
			return p.show(tab(i))
		}
	}
	switch {
	case c.Fires(msg, k.NextTab):
		return p.show((p.tab + 1) % numTabs)
	case c.Fires(msg, k.PrevTab):
		return p.show((p.tab + numTabs - 1) % numTabs)
	case c.Fires(msg, k.Up):
		p.move(-1)
	case c.Fires(msg, k.Down):
		p.move(1)
	case c.Fires(msg, k.Top):
		p.move(-1 << 30)
	case c.Fires(msg, k.Bottom):
		p.move(1 << 30)
	case c.Fires(msg, k.PageDown):
		return p.pageBy(1)
	case c.Fires(msg, k.PageUp):
		return p.pageBy(-1)
	case c.Fires(msg, k.Open):
		return p.openOrder()
	case c.Fires(msg, p.bFilter):
		p.filter = (p.filter + 1) % len(statusFilters)
		p.ordersPg.reset()
		p.ordersCur = cursor{}
		name := statusFilters[p.filter]
		if name == "" {
			name = "all statuses"
		}
		return tea.Batch(p.fetchOrders(), tui.Info("orders: "+name))
	case c.Fires(msg, k.Refresh):
		return p.refresh()
	case c.Fires(msg, p.bStart):
		return tui.Push(p.acting.StartForm(p.id, p.cust.Name()))
	case c.Fires(msg, p.bEnd):
		return p.acting.End()
	case c.Fires(msg, p.bCoupons):
		return tui.Push(session.NewCoupons(p.c, p.acting))
	case c.Fires(msg, p.bResetPasswd):
		return tui.Push(session.NewPasswordReset(p.c, p.acting))
	case c.Fires(msg, k.Edit.With(p.needCustomer)):
		// While acting, the form saves through the customer scope.
		return tui.Push(forms.NewEditProfile(p.c, p.customerClient(), p.cust))
	case c.Fires(msg, k.Adjust.With(p.needLoyalty)):
		return tui.Push(adjustForm(p.c, p.env, p.cust, p.loyalty.PointsBalance))
	case c.Fires(msg, k.Note.With(p.needCustomer)):
		return tui.Push(noteForm(p.c, p.env, p.cust))
	case c.Fires(msg, k.New):
		return tui.Push(newCustomerForm(p.c, p.env))
	case c.Fires(msg, k.Copy.With(p.needCustomer)):
		return p.c.Copy("email", p.cust.Email)
	case c.Fires(msg, p.bCopyID):
		return p.c.Copy("customer id", string(p.id))
	}
	return nil
}

// show switches to tab t and loads it if it never was.
func (p *Profile) show(t tab) tea.Cmd {
	p.tab = t
	return p.ensure(t)
}

// ensure starts the load of tab t's data if it was never loaded (or was
// made stale by a save).
func (p *Profile) ensure(t tab) tea.Cmd {
	if p.missing() {
		return nil
	}
	switch t {
	case tabOverview:
		var cmds []tea.Cmd
		if p.custL.wanted() {
			cmds = append(cmds, p.fetchCustomer())
		}
		if p.loyL.wanted() {
			cmds = append(cmds, p.fetchLoyalty())
		}
		return tea.Batch(cmds...)
	case tabOrders:
		if p.ordersL.wanted() {
			return p.fetchOrders()
		}
	case tabLoyalty:
		var cmds []tea.Cmd
		if p.loyL.wanted() {
			cmds = append(cmds, p.fetchLoyalty())
		}
		if p.ledgerL.wanted() {
			cmds = append(cmds, p.fetchLedger())
		}
		return tea.Batch(cmds...)
	case tabNotes:
		if p.notesL.wanted() {
			return p.fetchNotes()
		}
	case tabActivity:
		if p.activityL.wanted() {
			return p.fetchActivity()
		}
	}
	return nil
}

// refresh fetches the current tab again (ctrl+r); the header's customer
// comes along, so a rename shows too.
func (p *Profile) refresh() tea.Cmd {
	if p.missing() {
		// Ask again whether the customer exists (an id that was just
		// created); the tabs load once it does.
		return p.fetchCustomer()
	}
	cmds := []tea.Cmd{p.fetchCustomer()}
	switch p.tab {
	case tabOverview:
		cmds = append(cmds, p.fetchLoyalty())
	case tabOrders:
		cmds = append(cmds, p.fetchOrders())
	case tabLoyalty:
		cmds = append(cmds, p.fetchLoyalty(), p.fetchLedger())
	case tabNotes:
		cmds = append(cmds, p.fetchNotes())
	case tabActivity:
		cmds = append(cmds, p.fetchActivity())
	}
	return tea.Batch(cmds...)
}

// move moves the highlight of a table tab or scrolls a text tab.
func (p *Profile) move(delta int) {
	vis := p.tableRows()
	switch p.tab {
	case tabOrders:
		p.ordersCur.move(delta, len(p.orders.Items), vis)
	case tabLoyalty:
		p.ledgerCur.move(delta, len(p.ledger.Items), vis)
	case tabActivity:
		p.activityCur.move(delta, len(p.activity), vis)
	default:
		n := len(p.textLines(p.tab))
		p.scroll[p.tab] = min(max(0, p.scroll[p.tab]+delta), max(0, n-p.bodyHeight()))
	}
}

// pageBy asks the server for the next or previous page of the tab's list;
// on a text tab it scrolls a screenful.
func (p *Profile) pageBy(d int) tea.Cmd {
	var ok, waiting bool
	switch p.tab {
	case tabOrders:
		if ok, waiting = p.ordersPg.turn(d); ok {
			p.ordersCur = cursor{}
			return p.fetchOrders()
		}
	case tabLoyalty:
		if ok, waiting = p.ledgerPg.turn(d); ok {
			p.ledgerCur = cursor{}
			return p.fetchLedger()
		}
	case tabNotes:
		if ok, waiting = p.notesPg.turn(d); ok {
			p.scroll[tabNotes] = 0
			return p.fetchNotes()
		}
	case tabActivity:
		p.move(d * p.tableRows())
		return nil
	default:
		p.move(d * max(1, p.bodyHeight()-1))
		return nil
	}
	switch {
	case waiting:
		return tui.Info("wait for this page before turning it")
	case d > 0:
		return tui.Info("this is the last page")
	}
	return tui.Info("this is the first page")
}

func (p *Profile) selectedOrder() (api.ID, bool) {
	switch p.tab {
	case tabOrders:
		if i := p.ordersCur.pos; i >= 0 && i < len(p.orders.Items) {
			return p.orders.Items[i].ID, true
		}
	case tabActivity:
		if i := p.activityCur.pos; i >= 0 && i < len(p.activity) && p.activity[i].order != "" {
			return p.activity[i].order, true
		}
	}
	return "", false
}

func (p *Profile) openOrder() tea.Cmd {
	id, ok := p.selectedOrder()
	if !ok {
		return nil
	}
	return tui.Push(newOrderDetail(p.c, p.env, p.id, id))
}

// click selects a tab by its label, or a row of a table (and opens the
// highlighted order when it is clicked again).
func (p *Profile) click(msg tea.MouseClickMsg) tea.Cmd {
	if msg.Button != tea.MouseLeft {
		return nil
	}
	if msg.Y == 1 {
		for i, r := range p.tabRanges() {
			if msg.X >= r[0] && msg.X < r[1] {
				return p.show(tab(i))
			}
		}
		return nil
	}
	row := msg.Y - profileHeadLines - tableHeadLines
	if row < 0 {
		return nil
	}
	var cur *cursor
	var n int
	switch p.tab {
	case tabOrders:
		cur, n = &p.ordersCur, len(p.orders.Items)
	case tabLoyalty:
		cur, n = &p.ledgerCur, len(p.ledger.Items)
	case tabActivity:
		cur, n = &p.activityCur, len(p.activity)
	default:
		return nil
	}
	i := cur.top + row
	if i >= n {
		return nil
	}
	if i == cur.pos && p.tab != tabLoyalty {
		return p.openOrder()
	}
	cur.to(i, n, p.tableRows())
	return nil
}

// Fetches. Each is a tracked command with its own context, tagged with
// the screen and a sequence number.

func (p *Profile) fetchCustomer() tea.Cmd {
	cl, id := p.customerClient(), p.id
	return p.custL.startPaced(p.c, func(ctx context.Context, seq int) tea.Msg {
		cust, err := cl.GetCustomer(ctx, id)
		return customerLoadedMsg{p: p, seq: seq, cust: cust, err: err}
	})
}

func (p *Profile) fetchLoyalty() tea.Cmd {
	cl, id := p.env.cl, p.id
	return p.loyL.startPaced(p.c, func(ctx context.Context, seq int) tea.Msg {
		l, err := cl.GetLoyalty(ctx, id)
		return loyaltyLoadedMsg{p: p, seq: seq, loyalty: l, err: err}
	})
}

func (p *Profile) fetchLedger() tea.Cmd {
	cl, id, at, params := p.env.cl, p.id, p.ledgerPg.n, client.PageParams{Cursor: p.ledgerPg.cursor(), Limit: ledgerPageSize}
	return p.ledgerL.startPaced(p.c, func(ctx context.Context, seq int) tea.Msg {
		l, err := cl.ListLedger(ctx, id, params)
		return ledgerLoadedMsg{p: p, seq: seq, at: at, page: l, err: err}
	})
}

func (p *Profile) fetchOrders() tea.Cmd {
	cl, id, at := p.env.cl, p.id, p.ordersPg.n
	params := client.OrderParams{Cursor: p.ordersPg.cursor(), Limit: ordersPageSize, Status: statusFilters[p.filter]}
	return p.ordersL.startPaced(p.c, func(ctx context.Context, seq int) tea.Msg {
		l, err := cl.ListOrders(ctx, id, params)
		return ordersLoadedMsg{p: p, seq: seq, at: at, list: l, err: err}
	})
}

func (p *Profile) fetchNotes() tea.Cmd {
	cl, id, at, params := p.env.cl, p.id, p.notesPg.n, client.PageParams{Cursor: p.notesPg.cursor(), Limit: notesPageSize}
	return p.notesL.startPaced(p.c, func(ctx context.Context, seq int) tea.Msg {
		l, err := cl.ListNotes(ctx, id, params)
		return notesLoadedMsg{p: p, seq: seq, at: at, list: l, err: err}
	})
}

// fetchActivity asks for the newest orders, ledger entries, notes and
// audit rows at once and merges them into one timeline. The audit trail
// is not essential: if it cannot be read, the rest is shown and the tab
// says so.
func (p *Profile) fetchActivity() tea.Cmd {
	cl, id, name := p.env.cl, p.id, p.cust.Name()
	return p.activityL.startPaced(p.c, func(ctx context.Context, seq int) tea.Msg {
		var (
			wg      sync.WaitGroup
			orders  client.Page[api.Order]
			ledger  client.Page[api.LedgerEntry]
			notes   client.Page[api.Note]
			audit   client.Page[api.AuditEntry]
			errs    [3]error
			auditE  error
			perKind = activityPerKind
		)
		wg.Go(func() { orders, errs[0] = cl.ListOrders(ctx, id, client.OrderParams{Limit: perKind}) })
		wg.Go(func() { ledger, errs[1] = cl.ListLedger(ctx, id, client.PageParams{Limit: perKind}) })
		wg.Go(func() { notes, errs[2] = cl.ListNotes(ctx, id, client.PageParams{Limit: perKind}) })
		wg.Go(func() { audit, auditE = cl.ListAudit(ctx, client.AuditParams{CustomerID: id, Limit: perKind}) })
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return activityLoadedMsg{p: p, seq: seq, err: err}
			}
		}
		items := withAudit(mergeActivity(orders.Items, ledger.Items, notes.Items), audit.Items, name)
		return activityLoadedMsg{p: p, seq: seq, items: items, auditErr: auditE}
	})
}

// sessionCustomer is the customer a StartedMsg or EndedMsg is about.
func sessionCustomer(msg tea.Msg) api.ID {
	switch m := msg.(type) {
	case session.StartedMsg:
		return m.CustomerID
	case session.EndedMsg:
		return m.CustomerID
	}
	return ""
}

// auditChanged reloads the timeline after something wrote to the audit
// trail: at once when it is shown — also when a load is in flight, which
// may have read the trail before the write — otherwise when next looked
// at.
func (p *Profile) auditChanged() tea.Cmd {
	p.activityL.stale()
	if p.tab == tabActivity {
		return p.fetchActivity()
	}
	return nil
}

package forms

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/policy"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// Loyalty field keys (the API's names).
const (
	keyPoints = "points"
	keyReason = "reason"
	keyNote   = "note"
)

// BigAdjustment is the size from which an adjustment asks for
// confirmation even when it adds points.
const BigAdjustment = 1000

// AdjustLoyalty is the loyalty adjustment form (a): signed points, a
// reason and a note. It shows the balance before and after as the agent
// types, refuses a negative result before sending, asks before removing
// points or moving 1,000 or more, and sends one idempotency key per
// adjustment, reused when the agent retries after a network error so the
// points are applied once.
type AdjustLoyalty struct {
	base
	cl      Client
	cust    api.Customer
	balance int64

	points, reason, note string

	// key is the idempotency key of the adjustment being sent; keyFor is
	// the request it was made for. A retry of the same values reuses it.
	key    string
	keyFor api.AdjustmentRequest
}

// NewAdjustLoyalty opens the loyalty adjustment form; balance is the
// customer's current points balance.
func NewAdjustLoyalty(c *tui.Common, cl Client, cust api.Customer, balance int64) tui.Screen {
	m := &AdjustLoyalty{
		base: newBase(c, c.Keys.Adjust, "Adjust points · "+displayName(cust)),
		cl:   cl, cust: cust, balance: balance, reason: api.ReasonGoodwill,
	}
	opts := make([]huh.Option[string], len(api.AdjustmentReasons))
	for i, r := range api.AdjustmentReasons {
		opts[i] = huh.NewOption(reasonLabel(r), r)
	}
	points := &field{key: keyPoints, label: "Points", value: &m.points}
	points.input = huh.NewInput().Key(keyPoints).Value(&m.points).CharLimit(12).Placeholder("50 to add, -50 to remove")
	points.check = m.checkPoints
	reason := &field{key: keyReason, label: "Reason", value: &m.reason}
	reason.sel = huh.NewSelect[string]().Key(keyReason).Options(opts...).Value(&m.reason)
	note := &field{key: keyNote, label: "Note", value: &m.note}
	note.input = huh.NewInput().Key(keyNote).Value(&m.note).CharLimit(api.MaxAdjustNoteLen).Placeholder("why, for the next agent (required)")
	note.check = m.checkNote
	m.build(points, reason, note)
	m.setFlow(draftFlow{
		dirty: m.Dirty,
		discard: func() tea.Cmd {
			return m.confirm("Discard this adjustment?", "Nothing has been sent.", nil, tui.Pop, nil)
		},
		save: m.save,
	})
	return m
}

// parsePoints reads "50", "+50", "-1,000" or "-1 000".
func parsePoints(s string) (int64, error) {
	t := strings.NewReplacer(",", "", "_", "", " ", "").Replace(strings.TrimSpace(s))
	if t == "" {
		return 0, fmt.Errorf("type the points: 50 adds, -50 removes")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number of points: type 50 to add or -50 to remove", sanitize.Line(s))
	}
	return n, nil
}

func (m *AdjustLoyalty) checkPoints(v string) (string, string) {
	if strings.TrimSpace(v) == "" {
		return "", ""
	}
	n, err := parsePoints(v)
	if err != nil {
		return err.Error(), ""
	}
	if msg := api.ValidateAdjustment(api.AdjustmentRequest{Points: n, Reason: api.ReasonOther, Note: "xxx"})[keyPoints]; msg != "" {
		return msg, ""
	}
	if m.balance+n < 0 {
		return fmt.Sprintf("not enough points: the balance is %s, so at most %s can be removed", money.Int(m.balance), money.Int(m.balance)), ""
	}
	if err := policy.CheckLoyalty(m.c.Actor(), n); err != nil {
		return err.Error(), ""
	}
	return "", ""
}

func (m *AdjustLoyalty) checkNote(v string) (string, string) {
	if v == "" {
		return "", ""
	}
	return api.ValidateAdjustment(api.AdjustmentRequest{Points: 1, Reason: api.ReasonOther, Note: v})[keyNote], ""
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// Init focuses the points.
func (m *AdjustLoyalty) Init() tea.Cmd {
	if m.refused != "" {
		return nil
	}
	return m.initForm()
}

// Title names the screen in the breadcrumbs.
func (m *AdjustLoyalty) Title() string { return "Adjust points" }

// Dirty reports whether the agent typed anything.
func (m *AdjustLoyalty) Dirty() bool {
	return strings.TrimSpace(m.points) != "" || strings.TrimSpace(m.note) != "" || m.reason != api.ReasonGoodwill
}

// Update handles keys and answers.
func (m *AdjustLoyalty) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	return m, m.route(m, msg, m.onAnswer, m.onKey, m.updateForm)
}

// request is the adjustment the form would send.
func (m *AdjustLoyalty) request() (api.AdjustmentRequest, error) {
	n, err := parsePoints(m.points)
	if err != nil {
		return api.AdjustmentRequest{}, err
	}
	return api.AdjustmentRequest{Points: n, Reason: m.reason, Note: strings.TrimSpace(m.note)}, nil
}

func (m *AdjustLoyalty) save() tea.Cmd {
	if m.refuse("Cannot adjust points: ") {
		return nil
	}
	// Empty required fields are only flagged once the agent tries to
	// save, not while the form is fresh.
	if strings.TrimSpace(m.points) == "" {
		m.serverErr[keyPoints] = rejected{value: m.points, msg: "type the points: 50 adds, -50 removes"}
	}
	if strings.TrimSpace(m.note) == "" {
		m.serverErr[keyNote] = rejected{value: m.note, msg: "a note is required: say why, for the next agent"}
	}
	if cmd, bad := m.flagProblems(); bad {
		return cmd
	}
	req, err := m.request()
	if err != nil {
		m.setError(err.Error())
		return nil
	}
	var why []string
	if req.Points < 0 {
		why = append(why, "removes points")
	}
	if abs(req.Points) >= BigAdjustment {
		why = append(why, "is large")
	}
	if m.c.Confirm(m.binding) {
		why = append(why, "goes to "+productionLabel(m.c))
	}
	if len(why) == 0 {
		return m.send(req)
	}
	verb := fmt.Sprintf("Add %s points to %s?", money.Int(req.Points), displayName(m.cust))
	if req.Points < 0 {
		verb = fmt.Sprintf("Remove %s points from %s?", money.Int(-req.Points), displayName(m.cust))
	}
	s := m.c.Styles
	lines := []string{
		s.Label.Render("Balance ") + money.Int(m.balance) + " → " + s.Strong.Render(money.Int(m.balance+req.Points)),
		s.Label.Render("Reason  ") + reasonLabel(req.Reason),
		s.Label.Render("Note    ") + s.Cells.Truncate(req.Note, max(m.width-10, 10)),
		"",
		s.Warning.Render("This adjustment " + strings.Join(why, " and ") + "."),
	}
	return m.confirm(verb, "", lines, func() tea.Cmd { return m.send(req) }, nil)
}

// send posts the adjustment with the key of this adjustment: the same
// key as the last attempt when the values did not change.
func (m *AdjustLoyalty) send(req api.AdjustmentRequest) tea.Cmd {
	if m.key == "" || m.keyFor != req {
		m.key, m.keyFor = client.NewIdempotencyKey(), req
	}
	id, key := m.cust.ID, m.key
	return m.start(m, func(ctx context.Context) (any, error) {
		res, replayed, err := m.cl.AdjustLoyalty(ctx, id, req, key)
		return adjusted{res: res, replayed: replayed}, err
	})
}

type adjusted struct {
	res      api.AdjustmentResult
	replayed bool
}

func (m *AdjustLoyalty) onAnswer(a answerMsg) tea.Cmd {
	v, _ := a.val.(adjusted)
	if a.err == nil {
		text := fmt.Sprintf("%s points for %s: the balance is now %s.", pointsLabel(v.res.Entry.Points), displayName(m.cust), money.Int(v.res.PointsBalance))
		if v.replayed {
			text += " (The store had already applied it; nothing was added twice.)"
		}
		return tea.Batch(
			tui.Success(text),
			tea.Sequence(tui.Pop(), emit(LoyaltyAdjustedMsg{CustomerID: m.cust.ID, Result: v.res})),
		)
	}
	err := a.err
	var msg string
	switch {
	case client.IsCode(err, api.CodeOverLimit):
		// Policy's sentence: ours when GET /me's limit explains the
		// refusal, else the refuser's (the same policy, with a limit we
		// did not know).
		msg = apiMessage(err)
		if perr := policy.CheckLoyalty(m.c.Actor(), m.keyFor.Points); perr != nil {
			msg = perr.Error()
		}
		m.serverErr[keyPoints] = rejected{value: m.points, msg: msg}
		m.setError(withRequest("The store refused the adjustment: "+msg+".", err))
	case client.IsCode(err, api.CodeInsufficientPoints):
		msg = "not enough points: " + apiMessage(err)
		m.serverErr[keyPoints] = rejected{value: m.points, msg: msg}
		m.setError(withRequest("The customer does not have enough points (the balance may have changed since you opened the form). Nothing was applied.", err))
	case client.IsCode(err, api.CodeCustomerDisabled):
		m.setError(withRequest("The customer's account is disabled: enable it before adjusting points. Nothing was applied.", err))
	case client.IsCode(err, api.CodeIdempotencyReused):
		// Should not happen (a key is made per values); a new one fixes it.
		m.key = ""
		m.setError(withRequest("The store saw this adjustment's key with other values; press ctrl+s to send it again with a new key.", err))
	case client.IsCode(err, api.CodeIdempotencyInFlight):
		m.setError(withRequest("The store is still applying this adjustment; press ctrl+s in a moment to get its answer (it will not be applied twice).", err))
	case client.IsTransport(err) || isCancel(err):
		m.setError(explain(err) + " The store may or may not have applied it: press ctrl+s to retry safely (the same adjustment is never applied twice), or esc to leave.")
	default:
		if f := m.fail(err, nil, nil); f != nil {
			m.refreshTitles()
			return m.focus(f)
		}
	}
	m.refreshTitles()
	if m.serverErr[keyPoints].msg != "" && msg != "" {
		return m.focus(m.fieldByKey(keyPoints))
	}
	return nil
}

// View draws the form with the live balance line, or a confirmation.
func (m *AdjustLoyalty) View() string {
	if m.refused != "" {
		return m.refusedView()
	}
	if m.ask != nil {
		return m.frame("", m.questionView())
	}
	return m.frame("", m.balanceLine()+"\n\n"+m.form.View())
}

// balanceLine is "Balance 320 → 370 points" as the points change.
func (m *AdjustLoyalty) balanceLine() string {
	s := m.c.Styles
	line := s.Label.Render("Balance ") + s.Strong.Render(money.Int(m.balance))
	n, err := parsePoints(m.points)
	if err != nil || n == 0 {
		return line + s.Muted.Render(" points")
	}
	after := m.balance + n
	arrow := " → " + money.Int(after)
	switch {
	case after < 0:
		return line + s.Error.Render(arrow+" points: not enough points")
	case n < 0:
		return line + s.Warning.Render(arrow) + s.Muted.Render(" points")
	}
	return line + s.Success.Render(arrow) + s.Muted.Render(" points")
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

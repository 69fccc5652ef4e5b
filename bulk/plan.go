package bulk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// Format names the plan file's format and version.
const Format = "frontdesk.loyalty-bulk-plan.v1"

// MaxPlanBytes is the largest plan file read.
const MaxPlanBytes = 32 << 20

// KeyLifetime is how long the store keeps an idempotency key (the
// contract's 24 hours) less a margin: a plan is applied only within it of
// its making, so every re-run of its apply finds the keys of the runs
// before and replays them.
const KeyLifetime = 23 * time.Hour

// Row statuses in a plan.
const (
	StatusOK      = "ok"
	StatusRefused = "refused"
)

// Refusal codes of a plan's row: why it would not be applied.
const (
	RefuseInvalid         = "invalid"          // the row's values are wrong (Input.Problem)
	RefuseUnknownCustomer = "unknown_customer" // no customer with that id or email
	RefuseDisabled        = "customer_disabled"
	RefuseNegative        = "negative_balance" // the balance would go below zero
	RefuseOverLimit       = "over_limit"       // more points than the agent may move at once
)

// Plan is a checked bulk file: what each row would do against the store
// it was made on, as the agent who made it. Its JSON is the plan file.
type Plan struct {
	Format    string    `json:"format"`
	ID        string    `json:"plan_id"`
	CreatedAt time.Time `json:"created_at"`
	// Profile and Store are where it was made (the profile's name, the
	// store's base URL; either may be empty), AgentID as whom: apply
	// refuses another store or agent, whose keys would not replay.
	Profile string `json:"profile,omitempty"`
	Store   string `json:"store,omitempty"`
	AgentID string `json:"agent_id"`
	// Source names the CSV ("-" for stdin).
	Source string `json:"source"`
	Rows   []Row  `json:"rows"`
}

// Row is one line of the CSV, checked.
type Row struct {
	Line       int    `json:"line"`
	Customer   string `json:"customer"`              // as given
	CustomerID api.ID `json:"customer_id,omitempty"` // resolved; empty when unknown
	Points     int64  `json:"points"`
	Reason     string `json:"reason"`
	Note       string `json:"note"`
	// IdempotencyKey is the key apply sends: the plan's id and the line.
	IdempotencyKey string `json:"idempotency_key"`
	// CurrentBalance is the customer's balance before this row (after the
	// rows above it for the same customer); ResultingBalance after it.
	// Both are absent when the customer is unknown; a refused row leaves
	// the balance as it was.
	CurrentBalance   *int64 `json:"current_balance,omitempty"`
	ResultingBalance *int64 `json:"resulting_balance,omitempty"`
	Status           string `json:"status"`
	RefusalCode      string `json:"refusal_code,omitempty"`
	Refusal          string `json:"refusal,omitempty"`
}

// Request is the adjustment the row sends.
func (r Row) Request() api.AdjustmentRequest {
	return api.AdjustmentRequest{Points: r.Points, Reason: r.Reason, Note: r.Note}
}

// Counts are a plan's rows by status.
func (p *Plan) Counts() (ok, refused int) {
	for _, r := range p.Rows {
		if r.Status == StatusOK {
			ok++
		} else {
			refused++
		}
	}
	return ok, refused
}

// PlanOptions are what MakePlan needs besides the rows.
type PlanOptions struct {
	Profile, Store, Source string
	// Check refuses an amount the agent may not move in one adjustment
	// (policy.CheckLoyalty with the agent's limit; over ssh also the
	// agents file's); nil allows any.
	Check func(points int64) error
	// Concurrency bounds the lookups in flight (default 4).
	Concurrency int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// NewPlanID is a fresh random plan id.
func NewPlanID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// Key is the idempotency key of line in plan id.
func Key(planID string, line int) string {
	return fmt.Sprintf("bulk-%s-%d", planID, line)
}

// customerState is what the plan learned about one customer.
type customerState struct {
	id       api.ID
	balance  int64
	unknown  bool
	disabled bool
}

// MakePlan checks every row against the store through p, changing
// nothing. A failure to ask the store (not a "no such customer") fails
// the whole plan.
func MakePlan(ctx context.Context, p client.Platform, me api.Me, inputs []Input, o PlanOptions) (*Plan, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	plan := &Plan{
		Format: Format, ID: NewPlanID(), CreatedAt: o.Now().UTC().Truncate(time.Second),
		Profile: o.Profile, Store: o.Store, AgentID: me.AgentID, Source: o.Source,
	}
	// Look up each customer once, a few at a time.
	var names []string
	seen := map[string]bool{}
	for _, in := range inputs {
		if in.Problem == "" && !seen[lookupKey(in.Customer)] {
			seen[lookupKey(in.Customer)] = true
			names = append(names, in.Customer)
		}
	}
	states := make(map[string]*customerState, len(names))
	var mu sync.Mutex
	var firstErr error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	for _, name := range names {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			var st *customerState
			var err error
			for limited := 0; ; limited++ {
				st, err = lookup(ctx, p, name)
				wait, ok := client.RateLimited(err)
				if !ok || limited == maxRateLimited || !client.Sleep(ctx, rateLimitWait(wait)) {
					break
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("look up customer %q: %w", clip(name, 60), err)
					cancel()
				}
				return
			}
			states[lookupKey(name)] = st
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Same customer under its id and its email: one balance.
	byID := map[api.ID]*customerState{}
	for k, st := range states {
		if st.unknown {
			continue
		}
		if first, ok := byID[st.id]; ok {
			states[k] = first
		} else {
			byID[st.id] = st
		}
	}

	for _, in := range inputs {
		row := Row{Line: in.Line, Customer: in.Customer, Points: in.Points, Reason: in.Reason, Note: in.Note,
			IdempotencyKey: Key(plan.ID, in.Line), Status: StatusOK}
		refuse := func(code, msg string) { row.Status, row.RefusalCode, row.Refusal = StatusRefused, code, msg }
		if in.Problem != "" {
			refuse(RefuseInvalid, in.Problem)
			plan.Rows = append(plan.Rows, row)
			continue
		}
		st := states[lookupKey(in.Customer)]
		if st.unknown {
			refuse(RefuseUnknownCustomer, "no customer with this "+idOrEmail(in.Customer))
			plan.Rows = append(plan.Rows, row)
			continue
		}
		row.CustomerID = st.id
		cur := st.balance
		row.CurrentBalance = &cur
		next := cur + in.Points
		switch {
		case st.disabled:
			refuse(RefuseDisabled, fmt.Sprintf("customer %s is disabled; enable the account first", st.id))
		case o.Check != nil && o.Check(in.Points) != nil:
			refuse(RefuseOverLimit, client.Reason(o.Check(in.Points)))
		case next < 0:
			refuse(RefuseNegative, fmt.Sprintf("the balance would be %d: it is %d and the row removes %d", next, cur, -in.Points))
		default:
			st.balance = next
			row.ResultingBalance = &next
		}
		plan.Rows = append(plan.Rows, row)
	}
	return plan, nil
}

func lookupKey(customer string) string {
	if strings.Contains(customer, "@") {
		return "email:" + strings.ToLower(customer)
	}
	return "id:" + customer
}

func idOrEmail(customer string) string {
	if strings.Contains(customer, "@") {
		return "email"
	}
	return "id"
}

// lookup resolves a customer by id or email and reads the balance. A
// customer the store does not know is unknown, not an error.
func lookup(ctx context.Context, p client.Platform, name string) (*customerState, error) {
	var c api.Customer
	if strings.Contains(name, "@") {
		page, err := p.SearchCustomers(ctx, client.SearchParams{Query: name, Limit: 20})
		if err != nil {
			return nil, err
		}
		found := false
		for _, x := range page.Items {
			if strings.EqualFold(x.Email, name) {
				c, found = x, true
				break
			}
		}
		if !found {
			return &customerState{unknown: true}, nil
		}
	} else {
		var err error
		c, err = p.GetCustomer(ctx, api.ID(name))
		if client.IsNotFound(err) {
			return &customerState{unknown: true}, nil
		}
		if err != nil {
			return nil, err
		}
	}
	l, err := p.GetLoyalty(ctx, c.ID)
	if client.IsNotFound(err) {
		return &customerState{unknown: true}, nil
	}
	if err != nil {
		return nil, err
	}
	return &customerState{id: c.ID, balance: l.PointsBalance, disabled: c.Status == api.StatusDisabled}, nil
}

// WritePlan writes p as indented JSON.
func WritePlan(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}

// ReadPlan reads and checks a plan file: its format, its id, each row's
// key (derived from the id and line, so a hand-edited key cannot make a
// row apply twice), and that an ok row could be sent.
func ReadPlan(r io.Reader) (*Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPlanBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the plan: %w", err)
	}
	if len(data) > MaxPlanBytes {
		return nil, fmt.Errorf("the plan is larger than %d MiB; is it a plan made by `loyalty bulk plan`?", MaxPlanBytes>>20)
	}
	var p Plan
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not a bulk plan (%v); make one with `frontdesk loyalty bulk plan FILE.csv`", err)
	}
	if p.Format != Format {
		return nil, fmt.Errorf("not a bulk plan of this version (format %q, want %q); make one with `frontdesk loyalty bulk plan FILE.csv`", clip(p.Format, 60), Format)
	}
	if len(p.ID) < 16 || strings.ContainsFunc(p.ID, func(r rune) bool { return !strings.ContainsRune("0123456789abcdef", r) }) {
		return nil, errors.New("the plan's plan_id is not one `loyalty bulk plan` makes")
	}
	if len(p.Rows) == 0 || len(p.Rows) > MaxRows {
		return nil, fmt.Errorf("the plan has %d rows; want 1 to %d", len(p.Rows), MaxRows)
	}
	lines := map[int]bool{}
	for i, r := range p.Rows {
		if lines[r.Line] || r.Line < 2 {
			return nil, fmt.Errorf("row %d of the plan: line %d is not unique", i+1, r.Line)
		}
		lines[r.Line] = true
		if r.IdempotencyKey != Key(p.ID, r.Line) {
			return nil, fmt.Errorf("line %d of the plan: its idempotency key is not the plan's; make a new plan instead of editing one", r.Line)
		}
		switch r.Status {
		case StatusOK:
			if f := api.ValidateAdjustment(r.Request()); len(f) > 0 || r.CustomerID == "" {
				return nil, fmt.Errorf("line %d of the plan is ok but could not be sent; make a new plan instead of editing one", r.Line)
			}
		case StatusRefused:
		default:
			return nil, fmt.Errorf("line %d of the plan: status %q, want ok or refused", r.Line, clip(r.Status, 20))
		}
	}
	return &p, nil
}

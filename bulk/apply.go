package bulk

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// Result statuses of a row after apply.
const (
	// ResultApplied: the store applied the row now.
	ResultApplied = "applied"
	// ResultReplayed: the store had applied the row before (an earlier
	// run); nothing changed now.
	ResultReplayed = "replayed"
	// ResultRefused: not applied; the plan refused the row, or the store
	// did (a balance that would now go negative, a disabled customer).
	ResultRefused = "refused"
	// ResultFailed: no clear answer (the store unreachable, an error);
	// the row may or may not be applied: run apply again.
	ResultFailed = "failed"
	// ResultPending: not sent, because the run was stopped; run apply
	// again.
	ResultPending = "pending"
)

// Result is what apply did with one row.
type Result struct {
	Row
	Status string
	// Balance is the customer's balance after the row, as the store
	// answered (a replay answers as it did the first time).
	Balance *int64
	// Differs is set when Balance is not the plan's ResultingBalance:
	// someone else moved points since the plan was made.
	Differs bool
	Error   string
}

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// Concurrency is how many customers are adjusted at once (default 4,
	// at most 16); the rows of one customer go in file order.
	Concurrency int
	// Progress, when set, is called after each row is done (from several
	// goroutines, one call at a time) with the rows done and the total.
	Progress func(done, total int)
}

// MaxConcurrency bounds ApplyOptions.Concurrency.
const MaxConcurrency = 16

// inFlightWait is how long a row whose key the store reports in flight
// (an earlier run's request still running) is retried before it is
// reported as failed.
const inFlightWait = 90 * time.Second

// maxRateLimited is how many times a row rate-limited past the driver's
// own retries is sent again before it is reported as failed.
const maxRateLimited = 20

// rateLimitWait is how long to wait after a 429: what the store asked,
// within reason.
func rateLimitWait(asked time.Duration) time.Duration {
	return min(max(asked, 250*time.Millisecond), 10*time.Second)
}

// Apply sends every ok row of plan through p and returns a Result per
// row, in the plan's order. Rows the plan refused are not sent. When ctx
// ends, rows not yet sent are ResultPending; rows in flight keep going
// until the store answers (the store finishes an adjustment it started).
func Apply(ctx context.Context, p client.Platform, plan *Plan, o ApplyOptions) []Result {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	o.Concurrency = min(o.Concurrency, MaxConcurrency)
	results := make([]Result, len(plan.Rows))
	var queues [][]int
	qOf := map[api.ID]int{}
	for i, r := range plan.Rows {
		results[i] = Result{Row: r, Status: ResultPending}
		if r.Status != StatusOK {
			results[i].Status, results[i].Error = ResultRefused, "refused by the plan: "+r.Refusal
			continue
		}
		q, ok := qOf[r.CustomerID]
		if !ok {
			q = len(queues)
			qOf[r.CustomerID] = q
			queues = append(queues, nil)
		}
		queues[q] = append(queues[q], i)
	}
	total := len(plan.Rows)
	var done atomic.Int64
	var progMu sync.Mutex
	report := func() {
		n := int(done.Add(1))
		if o.Progress != nil {
			progMu.Lock()
			o.Progress(n, total)
			progMu.Unlock()
		}
	}
	for i := range results {
		if results[i].Status == ResultRefused {
			report()
		}
	}

	work := make(chan []int)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Go(func() {
			for q := range work {
				for _, i := range q {
					if ctx.Err() != nil {
						break
					}
					applyRow(ctx, p, &results[i])
					report()
				}
			}
		})
	}
	for _, q := range queues {
		if ctx.Err() != nil {
			break
		}
		select {
		case work <- q:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	return results
}

// applyRow sends one row. The request is not cancelled with ctx once
// sent: the answer says whether it was applied.
func applyRow(ctx context.Context, p client.Platform, r *Result) {
	sendCtx := context.WithoutCancel(ctx)
	deadline := time.Now().Add(inFlightWait)
	for limited := 0; ; {
		res, replayed, err := p.AdjustLoyalty(sendCtx, r.CustomerID, r.Request(), r.IdempotencyKey)
		if wait, ok := client.RateLimited(err); ok && limited < maxRateLimited {
			// The driver's own retries ran out: the store is busy with
			// more than this apply. Wait as asked and send it again
			// (same key: at most once).
			limited++
			if !client.Sleep(ctx, rateLimitWait(wait)) {
				r.Status, r.Error = ResultPending, "stopped while the store was rate limiting; run apply again"
				return
			}
			continue
		}
		if client.IsCode(err, api.CodeIdempotencyInFlight) && time.Now().Before(deadline) {
			// An earlier run's request with this key is still running:
			// its answer will be stored; ask again shortly.
			select {
			case <-time.After(500 * time.Millisecond):
				continue
			case <-ctx.Done():
				r.Status, r.Error = ResultPending, "stopped while an earlier request for this row was still running; run apply again"
				return
			}
		}
		switch {
		case err == nil:
			r.Status = ResultApplied
			if replayed {
				r.Status = ResultReplayed
			}
			b := res.PointsBalance
			r.Balance = &b
			r.Differs = r.ResultingBalance != nil && *r.ResultingBalance != b
		case refusedByStore(err):
			r.Status, r.Error = ResultRefused, "refused by the store: "+client.Reason(err)
		default:
			r.Status, r.Error = ResultFailed, err.Error()+"; it may or may not be applied: run apply again"
		}
		return
	}
}

// refusedByStore is an answer that says the row was not applied and will
// not be as it is: a business rule, a refusal, no such customer.
func refusedByStore(err error) bool {
	switch client.KindOf(err) {
	case client.KindNotFound, client.KindForbidden, client.KindInvalid:
		return true
	case client.KindConflict:
		return !client.IsCode(err, api.CodeIdempotencyInFlight)
	}
	return false
}

// Summary counts results by status.
type Summary struct {
	Applied, Replayed, Refused, Failed, Pending, Differs int
	// PlanRefused is how many of Refused the plan refused (not sent).
	PlanRefused int
}

// Summarize counts results.
func Summarize(rs []Result) Summary {
	var s Summary
	for _, r := range rs {
		switch r.Status {
		case ResultApplied:
			s.Applied++
		case ResultReplayed:
			s.Replayed++
		case ResultRefused:
			s.Refused++
			if r.Row.Status != StatusOK {
				s.PlanRefused++
			}
		case ResultFailed:
			s.Failed++
		default:
			s.Pending++
		}
		if r.Differs {
			s.Differs++
		}
	}
	return s
}

// Complete reports whether every row the plan let through was applied
// (now or before).
func (s Summary) Complete() bool {
	return s.Failed == 0 && s.Pending == 0 && s.Refused == s.PlanRefused
}

// String is the summary line.
func (s Summary) String() string {
	out := fmt.Sprintf("%d applied, %d replayed, %d refused", s.Applied, s.Replayed, s.Refused)
	if s.PlanRefused > 0 && s.PlanRefused != s.Refused {
		out += fmt.Sprintf(" (%d by the plan, %d by the store)", s.PlanRefused, s.Refused-s.PlanRefused)
	} else if s.Refused > 0 && s.PlanRefused == s.Refused {
		out += " (by the plan)"
	}
	out += fmt.Sprintf(", %d failed", s.Failed)
	if s.Pending > 0 {
		out += fmt.Sprintf(", %d not sent", s.Pending)
	}
	if s.Differs > 0 {
		out += fmt.Sprintf("; %d balances differ from the plan", s.Differs)
	}
	return out
}

// ResultColumns are the columns of the result CSV.
var ResultColumns = []string{"line", "customer", "customer_id", "points", "reason", "status", "planned_balance", "balance", "balance_differs", "idempotency_key", "error"}

// WriteResults writes the result CSV: a header and one row per plan row.
func WriteResults(w io.Writer, rs []Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ResultColumns); err != nil {
		return err
	}
	for _, r := range rs {
		differs := ""
		if r.Balance != nil {
			differs = strconv.FormatBool(r.Differs)
		}
		cw.Write([]string{
			strconv.Itoa(r.Line), r.Customer, r.CustomerID.String(), strconv.FormatInt(r.Points, 10), r.Reason,
			r.Status, optInt(r.ResultingBalance), optInt(r.Balance), differs, r.IdempotencyKey, r.Error,
		})
	}
	cw.Flush()
	return cw.Error()
}

func optInt(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

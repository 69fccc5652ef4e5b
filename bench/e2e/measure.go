package main

import (
	"context"
	"fmt"
	"time"
)

// waitTimeout bounds every wait for the screen.
const waitTimeout = 30 * time.Second

// driver types into the console and watches its screen and its
// requests.
type driver struct {
	ctl         *control
	px          *proxy
	keyInterval time.Duration
}

// sample is one measurement: the latency, and what the proxy saw during
// it.
type sample struct {
	lat time.Duration
	win window
}

// clearBox empties the search box (ctrl+u) and waits until the newest
// customers are listed again, so the next query starts from rest.
func (d *driver) clearBox(ctx context.Context) error {
	if _, err := d.ctl.press(ctx, "C-u"); err != nil {
		return err
	}
	_, _, err := d.ctl.waitFor(ctx, waitTimeout, "the empty search box and the newest customers", listsNewest)
	return err
}

// search types q one key at a time, keyInterval apart, and measures from
// the moment tmux has written the last key to the console to the first
// screen that shows q's results with no search under way.
func (d *driver) search(ctx context.Context, q string) (sample, error) {
	if err := d.clearBox(ctx); err != nil {
		return sample{}, err
	}
	d.px.mark()
	start := time.Now()
	var last time.Time
	for i, r := range q {
		if i > 0 {
			if err := sleepUntil(ctx, start.Add(time.Duration(i)*d.keyInterval)); err != nil {
				return sample{}, err
			}
		}
		at, err := d.ctl.typeKey(ctx, string(r))
		if err != nil {
			return sample{}, err
		}
		last = at
	}
	shown, _, err := d.ctl.waitFor(ctx, waitTimeout, fmt.Sprintf("the results of %q", q), showsResults(q))
	if err != nil {
		return sample{}, err
	}
	return sample{lat: shown.Sub(last), win: d.px.seen()}, nil
}

// openAndTab finds q's one customer (not measured), then measures enter
// → their profile drawn and 2 → the Orders tab drawn, and goes back to
// the search box. ok is false when q matched more than one customer.
func (d *driver) openAndTab(ctx context.Context, q query) (open, tab sample, ok bool, err error) {
	if err = d.clearBox(ctx); err != nil {
		return
	}
	if _, err = d.ctl.typeKey(ctx, q.text); err != nil {
		return
	}
	var s string
	if _, s, err = d.ctl.waitFor(ctx, waitTimeout, fmt.Sprintf("the results of %q", q.text), showsResults(q.text)); err != nil {
		return
	}
	if !showsOneResult(q.text)(s) {
		return open, tab, false, nil
	}

	d.px.mark()
	sent, err := d.ctl.press(ctx, "Enter")
	if err != nil {
		return
	}
	shown, _, err := d.ctl.waitFor(ctx, waitTimeout, "the profile of "+q.from.email, showsProfile(q.from))
	if err != nil {
		return
	}
	open = sample{lat: shown.Sub(sent), win: d.px.seen()}

	d.px.mark()
	if sent, err = d.ctl.press(ctx, "2"); err != nil {
		return
	}
	if shown, _, err = d.ctl.waitFor(ctx, waitTimeout, "the Orders tab of "+q.from.email, showsOrders); err != nil {
		return
	}
	tab = sample{lat: shown.Sub(sent), win: d.px.seen()}

	if _, err = d.ctl.press(ctx, "q"); err != nil {
		return
	}
	if _, _, err = d.ctl.waitFor(ctx, waitTimeout, "the search screen again", onSearch); err != nil {
		return
	}
	if _, err = d.ctl.press(ctx, "/"); err != nil {
		return
	}
	_, _, err = d.ctl.waitFor(ctx, waitTimeout, "the search box to have the keys", boxHasKeys)
	return open, tab, true, err
}

// searchShape measures the queries of one shape (want of them; the
// store may have had fewer), saying each result as it goes.
func (d *driver) searchShape(ctx context.Context, sh shape, qs []query, want int, say func(string, ...any)) (result, error) {
	r := result{what: sh.label}
	if len(qs) > 0 {
		r.what += fmt.Sprintf(" (`%s`)", qs[0].text)
	}
	if len(qs) < want {
		r.skipped = fmt.Sprintf("the store has only %d distinct queries of this shape", len(qs))
	}
	for i, q := range qs {
		s, err := d.search(ctx, q.text)
		if err != nil {
			return r, fmt.Errorf("%s %q: %w", sh.name, q.text, err)
		}
		say("%-8s %2d/%d %-28q %7s  %d searches, %d in flight at most", sh.name, i+1, len(qs), shortQuery(q.text), ms(s.lat), s.win.searches, s.win.maxInflight)
		r.samples = append(r.samples, s)
	}
	return r, nil
}

// openProfiles measures enter → profile and 2 → Orders on the customers
// of whole-email queries.
func (d *driver) openProfiles(ctx context.Context, qs []query, say func(string, ...any)) (open, tab result, err error) {
	open = result{what: "enter → profile drawn (name, email, tabs)"}
	tab = result{what: "`2` → Orders tab drawn"}
	skipped := 0
	for i, q := range qs {
		o1, t1, ok, err := d.openAndTab(ctx, q)
		if err != nil {
			return open, tab, fmt.Errorf("open %s: %w", q.from.email, err)
		}
		if !ok {
			skipped++
			continue
		}
		say("profile  %2d/%d %-28q open %7s, orders tab %7s", i+1, len(qs), shortQuery(q.text), ms(o1.lat), ms(t1.lat))
		open.samples = append(open.samples, o1)
		tab.samples = append(tab.samples, t1)
	}
	if skipped > 0 {
		open.skipped = fmt.Sprintf("%d emails matched more than one customer and were left out", skipped)
	}
	return open, tab, nil
}

// sleepUntil paces the typing: it is the gap between two keys, not a
// wait for the console.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// shortQuery shortens a query for progress lines.
func shortQuery(q string) string {
	if len(q) > 28 {
		return q[:25] + "…"
	}
	return q
}

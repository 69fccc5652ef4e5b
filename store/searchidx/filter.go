package searchidx

import (
	"math"

	"frontdesk/api"
	"frontdesk/store/searchq"
)

// attrs are one slot's attributes for the field filters
// (searchq.Filter); total spent and the creation time are the sort
// orders' arrays.
type attrs struct {
	orders    int64
	points    int64
	lastOrder int64 // Unix seconds; noLastOrder without orders
	disabled  bool
}

const noLastOrder = math.MinInt64

func attrsOf(d *Doc) attrs {
	a := attrs{orders: d.TotalOrders, points: d.Points, lastOrder: noLastOrder, disabled: d.Disabled}
	if !d.LastOrderAt.IsZero() {
		a.lastOrder = d.LastOrderAt.Unix()
	}
	return a
}

// attrsAt are slot s's attributes as the filters see them.
func (st *state) attrsAt(s uint32) searchq.Attrs {
	a := &st.attrs[s]
	return searchq.Attrs{
		Disabled: a.disabled, Orders: a.orders, Spent: st.spent[s], Points: a.points,
		Created: st.sec[s], LastOrder: a.lastOrder, HasLastOrder: a.lastOrder != noLastOrder,
	}
}

// pageFiltered answers a query with field filters or column tokens. The
// candidates are the free text's plan (its posting lists are a superset
// of what a column token matches, so every candidate is confirmed), or
// every slot when there is no text; each is tested with the filter (a
// few array reads) before the text. As in pageOf, up to
// api.TotalExactCap+1 matches are counted (afterSelectMax for an After
// page); when that finds them all they are sorted, otherwise the sort
// order is walked with the predicate. Either way the work is at most one
// pass over the customers: at 1M (TestLatencyTable, a 2-core machine
// under load) a common filter alone (orders:>5) answers in about 1 ms, a
// rare one that must pass over everyone (orders:>55, status:disabled)
// in 55–75 ms.
func (st *state) pageFiltered(q *searchq.Query, o int, pr *probe, skip, want int) (page []uint32, total int) {
	var cands []uint32
	all := true
	if len(q.Tokens) > 0 {
		pl := st.plan(q.Tokens)
		if pl.none {
			return nil, 0
		}
		if len(pl.sets) > 0 {
			// Every candidate is confirmed here (a column token is
			// narrower than its lists, and the filter must hold), so the
			// plan's exact part is not needed.
			cands, _ = pl.cands()
			all = false
		}
	}
	match := func(s uint32) bool {
		return q.Filter.Match(st.attrsAt(s)) && (len(q.Tokens) == 0 || searchq.Match(q.Tokens, st.fields(s)))
	}
	bound := api.TotalExactCap + 1
	if pr != nil {
		bound = afterSelectMax
	}
	var ms []uint32
	exhausted := true
	test := func(s uint32) bool {
		if len(ms) == bound {
			exhausted = false
			return false
		}
		if st.isAlive(s) && match(s) {
			ms = append(ms, s)
		}
		return true
	}
	if all {
		for s := range uint32(st.slots()) {
			if !test(s) {
				break
			}
		}
	} else {
		for _, s := range cands {
			if !test(s) {
				break
			}
		}
	}
	total = len(ms)
	if exhausted {
		return st.selectPage(ms, o, pr, skip, want), total
	}
	w := st.startWalk(o, pr, skip, want)
	w.run(match, math.MaxInt)
	return w.out, total
}

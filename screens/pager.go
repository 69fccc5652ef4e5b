package screens

import (
	tea "charm.land/bubbletea/v2"

	"frontdesk/client"
	"frontdesk/tui"
)

// pageTrail follows one server-paged list (orders, ledger, notes, search
// results) by the platform's opaque cursors while keeping the page number
// for "page 3 of 9". A page's cursor is learnt from the answer for the
// page next to it (its Next or Prev), so the agent moves one page at a
// time; the first page needs no cursor.
type pageTrail struct {
	n       int            // the page asked for, 1-based
	loaded  int            // the page whose answer was learnt last, 0 for none
	cursors map[int]string // page number → cursor
}

func newPageTrail() pageTrail { return pageTrail{n: 1} }

// reset goes back to the first page and forgets every cursor: the list
// itself changed (another filter, a new note).
func (t *pageTrail) reset() { *t = newPageTrail() }

// cursor is the cursor of page n ("" for the first).
func (t *pageTrail) cursor() string { return t.cursors[t.n] }

// learn takes the cursors of the pages around page at from its answer.
func (t *pageTrail) learn(at int, next, prev string) {
	if t.cursors == nil {
		t.cursors = map[int]string{}
	}
	if next != "" {
		t.cursors[at+1] = next
	}
	if prev != "" && at-1 > 1 {
		t.cursors[at-1] = prev
	}
	t.loaded = at
}

// turn moves d pages (±1) if that page exists; waiting is true when it
// may, but the answer that says so has not arrived yet.
func (t *pageTrail) turn(d int) (ok, waiting bool) {
	to := t.n + d
	if to < 1 {
		return false, false
	}
	if _, known := t.cursors[to]; !known && to > 1 {
		return false, t.loaded != t.n
	}
	t.n = to
	return true, false
}

// pager is one server-paged list of a screen: the page shown, the trail
// of cursors that reaches the pages around it, and the page size. It
// serves every list the profile pages through the store (orders, the
// loyalty ledger, notes): pgup/pgdn turn it, its status says "page 2 of
// 5 · 70 orders", and a page is only turned once the store has answered
// for the page shown, since that answer holds the next page's cursor.
type pager[T any] struct {
	pageTrail
	size int
	page client.Page[T]
}

func newPager[T any](size int) pager[T] { return pager[T]{pageTrail: newPageTrail(), size: size} }

// params are the cursor and limit of the page to ask for.
func (p *pager[T]) params() client.PageParams {
	return client.PageParams{Cursor: p.cursor(), Limit: p.size}
}

// take shows the store's answer for page at and learns the cursors it
// carries.
func (p *pager[T]) take(at int, page client.Page[T]) {
	p.page = page
	p.learn(at, page.Next, page.Prev)
}

// items are the rows of the page shown.
func (p *pager[T]) items() []T { return p.page.Items }

// turnThen moves d pages (±1) and, if the page changed, returns then():
// the caller resets its position and fetches the page. Otherwise it
// returns the toast that says why not: the first or last page, or the
// page shown has not answered yet.
func (p *pager[T]) turnThen(d int, then func() tea.Cmd) tea.Cmd {
	ok, waiting := p.turn(d)
	switch {
	case ok:
		return then()
	case waiting:
		return tui.Info("wait for this page before turning it")
	case d > 0:
		return tui.Info("this is the last page")
	}
	return tui.Info("this is the first page")
}

// status is "page 2 of 5 · 70 orders", or "70 orders" while everything
// fits one page.
func (p *pager[T]) status(one, many string) string {
	return pageOf(p.n, p.page.Total, p.size, one, many)
}

// pageOf is "page N of M · total things", the page part left out when
// there is only one.
func pageOf(page, total, size int, one, many string) string {
	pages := max(1, (total+size-1)/size)
	s := count(int64(total), one, many)
	if pages > 1 {
		s = "page " + itoa(page) + " of " + itoa(pages) + " · " + s
	}
	return s
}

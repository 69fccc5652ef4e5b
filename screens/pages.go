package screens

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

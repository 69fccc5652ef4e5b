package searchidx

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/store/searchq"
)

// maxConjLists is how many of a long token's trigram lists (the rarest)
// its candidates are intersected from, and maxConjSpread how much longer
// than the rarest one a list may be: a token's trigrams come together
// (Mwangi's four lists hold the same customers), so past the two or
// three rarest a list mostly costs its length.
const (
	maxConjLists  = 3
	maxConjSpread = 2
)

// conj is the intersection of posting lists (ascending by length).
type conj struct {
	lists [][]uint32
	exact bool
}

// tset is what one token may match: the union of its conjs. exact: the
// union is the matches themselves (dead slots aside), so no confirmation
// with searchq.Match is needed.
type tset struct {
	alts  []conj
	size  int // sum of the alts' shortest lists: a bound on the union
	exact bool
}

// plan is a parsed query against one state.
type plan struct {
	tokens []searchq.Token
	sets   []tset // restrictive ones, smallest first
	none   bool   // a token matches nobody
	exact  bool   // every set exact: candidates are matches
}

func (st *state) plan(tokens []searchq.Token) *plan {
	q := &plan{tokens: tokens, exact: true}
	for _, t := range tokens {
		if t.Text == "" {
			continue // a prefix every column has
		}
		ts := tset{exact: true}
		add := func(c conj, ok bool) {
			if !ok {
				return // an alternative nobody has
			}
			ts.alts = append(ts.alts, c)
			ts.size += len(c.lists[0])
			ts.exact = ts.exact && c.exact
		}
		if t.Long {
			add(st.trigrams(t.Text, len(t.Text) == 3))
			// "+2547…": the phones starting with it match (a subset of
			// the trigrams' candidates, but exact).
			if strings.HasPrefix(t.Text, phoneCC) && len(t.Text) > len(phoneCC) && len(t.Text) <= phonePrefixMax && len(ts.alts) > 0 {
				add(st.term(termPhone, t.Text, true))
			}
		} else {
			add(st.term(termPrefix, t.Text, true))
		}
		for _, alt := range t.PhoneAlts {
			for _, c := range st.phoneAlt(alt, t.Long) {
				add(c, true)
			}
		}
		if len(ts.alts) == 0 {
			q.none = true
			return q
		}
		q.exact = q.exact && ts.exact
		q.sets = append(q.sets, ts)
	}
	slices.SortFunc(q.sets, func(a, b tset) int { return cmp.Compare(a.size, b.size) })
	return q
}

func (st *state) term(kind byte, v string, exact bool) (conj, bool) {
	var scratch []byte
	l := st.list(kind, v, &scratch)
	if len(l) == 0 {
		return conj{}, false
	}
	return conj{lists: [][]uint32{l}, exact: exact}, true
}

// trigrams is the conj of v's trigrams (v has 3 bytes or more).
func (st *state) trigrams(v string, exact bool) (conj, bool) {
	var c conj
	var scratch []byte
	for i := 0; i+3 <= len(v); i++ {
		l := st.list(termTrigram, v[i:i+3], &scratch)
		if len(l) == 0 {
			return conj{}, false
		}
		if !slices.ContainsFunc(c.lists, func(m []uint32) bool { return len(m) == len(l) && &m[0] == &l[0] }) {
			c.lists = append(c.lists, l)
		}
	}
	slices.SortFunc(c.lists, func(a, b []uint32) int { return cmp.Compare(len(a), len(b)) })
	// Lists nearly every customer is in (+25, 254, .co…) filter little
	// and cost a pass: the confirmation does their work.
	n := 1
	for n < len(c.lists) && n < maxConjLists && len(c.lists[n])*2 <= st.slots() &&
		len(c.lists[n]) <= maxConjSpread*len(c.lists[0]) {
		n++
	}
	c.lists = c.lists[:n]
	c.exact = exact
	return c, true
}

// phoneAlt is the alternatives that may hold a phone form alt, as a
// prefix of the phone (short tokens) or anywhere in it (long ones).
func (st *state) phoneAlt(alt string, long bool) []conj {
	one := func(c conj, ok bool) []conj {
		if !ok {
			return nil
		}
		return []conj{c}
	}
	if strings.HasPrefix(alt, phoneCC) && len(alt) > len(phoneCC) {
		if !long {
			n := min(len(alt), len(phoneCC)+2)
			return one(st.term(termPhone, alt[:n], n == len(alt)))
		}
		return st.phoneInside(alt)
	}
	if len(alt) >= 3 {
		return one(st.trigrams(alt, false))
	}
	if alt == "" {
		return nil
	}
	// One or two runes: a prefix of some column.
	_, n1 := utf8.DecodeRuneInString(alt)
	return one(st.term(termPrefix, alt[:n1], false))
}

// phoneInside is the alternatives for the phones holding alt ("+254"
// and more) anywhere. Where alt occurs other than at the start, the
// phone has +254 after its first byte (alt begins with '+'): the
// termPhoneInner list, with alt's trigrams, confirmed. At the start is
// the termPhone list of alt, exact (no confirmation) when alt is short
// enough to have one; a longer alt takes the list of its first
// phonePrefixMax bytes with the trigrams past them, confirmed. Most
// phones are "+254" and digits, which hold alt only at the start, so
// a local number's candidates are nearly all exact.
func (st *state) phoneInside(alt string) []conj {
	tri, ok := st.trigrams(alt, false)
	if !ok {
		return nil // nobody has one of alt's trigrams
	}
	var out []conj
	var scratch []byte
	if in := st.list(termPhoneInner, "", &scratch); len(in) > 0 {
		c := conj{lists: append([][]uint32{in}, tri.lists...)}
		slices.SortFunc(c.lists, func(a, b []uint32) int { return cmp.Compare(len(a), len(b)) })
		out = append(out, c)
	}
	n := min(len(alt), phonePrefixMax)
	pl := st.list(termPhone, alt[:n], &scratch)
	if len(pl) == 0 {
		return out
	}
	c := conj{lists: [][]uint32{pl}, exact: n == len(alt)}
	// The trigrams past the prefix (those within it hold for every
	// slot of pl), rarest first.
	var rest [][]uint32
	for i := max(0, n-2); i+3 <= len(alt); i++ {
		rest = append(rest, st.list(termTrigram, alt[i:i+3], &scratch))
	}
	slices.SortFunc(rest, func(a, b []uint32) int { return cmp.Compare(len(a), len(b)) })
	c.lists = append(c.lists, rest[:min(len(rest), maxConjLists-1)]...)
	slices.SortFunc(c.lists, func(a, b []uint32) int { return cmp.Compare(len(a), len(b)) })
	return append(out, c)
}

// gallop is the first index at or after i where l holds x or more.
func gallop(l []uint32, i int, x uint32) int {
	if i >= len(l) || l[i] >= x {
		return i
	}
	lo, step := i, 1
	hi := lo + step
	for hi < len(l) && l[hi] < x {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	hi = min(hi, len(l))
	j, _ := slices.BinarySearch(l[lo+1:hi], x)
	return lo + 1 + j
}

// intersect is the slots in both a and b: a merge when they are of
// similar lengths, a galloping search of the longer one otherwise.
func intersect(a, b []uint32) []uint32 {
	if len(a) > len(b) {
		a, b = b, a
	}
	out := make([]uint32, 0, len(a))
	if len(b) > 16*len(a) {
		j := 0
		for _, x := range a {
			j = gallop(b, j, x)
			if j == len(b) {
				break
			}
			if b[j] == x {
				out = append(out, x)
			}
		}
		return out
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch x, y := a[i], b[j]; {
		case x < y:
			i++
		case x > y:
			j++
		default:
			out = append(out, x)
			i++
			j++
		}
	}
	return out
}

// union is the slots in a or b.
func union(a, b []uint32) []uint32 {
	out := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch x, y := a[i], b[j]; {
		case x < y:
			out = append(out, x)
			i++
		case x > y:
			out = append(out, y)
			j++
		default:
			out = append(out, x)
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// intersectAll intersects lists, shortest first (it may return one of
// them: the caller must not change the result).
func intersectAll(lists [][]uint32) []uint32 {
	lists = slices.Clone(lists)
	slices.SortFunc(lists, func(a, b []uint32) int { return cmp.Compare(len(a), len(b)) })
	cur := lists[0]
	for _, l := range lists[1:] {
		if len(cur) == 0 {
			break
		}
		cur = intersect(cur, l)
	}
	return cur
}

// cands are the slots in every set of q, ascending, dead ones included:
// the lists of every single-alternative set and the union of every other
// set's alternatives, intersected shortest first. exact are those of
// them that are in an exact alternative of every set, which match (when
// alive) with no confirmation: all of them when q.exact.
func (q *plan) cands() (cands, exact []uint32) {
	var lists, exLists [][]uint32
	exNone := false
	for _, ts := range q.sets {
		if len(ts.alts) == 1 {
			lists = append(lists, ts.alts[0].lists...)
			exNone = exNone || !ts.exact
			continue
		}
		var u, ue []uint32
		for _, c := range ts.alts {
			l := intersectAll(c.lists)
			u = union(u, l)
			if c.exact && !ts.exact {
				ue = union(ue, l)
			}
		}
		lists = append(lists, u)
		if !ts.exact {
			exNone = exNone || len(ue) == 0
			exLists = append(exLists, ue)
		}
	}
	cands = intersectAll(lists)
	switch {
	case q.exact:
		return cands, cands
	case exNone:
		return cands, nil
	}
	exact = cands
	for _, l := range exLists {
		if len(exact) == 0 {
			break
		}
		exact = intersect(exact, l)
	}
	return cands, exact
}

// afterSelectMax is how many matches an After page collects before it
// walks the sort order instead.
const afterSelectMax = 256

// pageOf answers a query with restrictive sets: the page (skip, then
// want slots in order o, after pr) and the number of matches up to
// api.TotalExactCap+1 (when pr is nil).
func (st *state) pageOf(q *plan, o int, pr *probe, skip, want int, kn knobs) (page []uint32, total int) {
	bound := api.TotalExactCap + 1
	if pr != nil {
		bound = afterSelectMax
	}
	cands, exact := q.cands()
	ms := make([]uint32, 0, min(bound, len(cands)))
	exhausted := true
	examined := 0
	ei := 0 // exact[ei:] are the exact candidates not yet passed
	for _, s := range cands {
		if len(ms) == bound {
			exhausted = false
			break
		}
		examined++
		if !st.isAlive(s) {
			continue
		}
		if q.exact {
			ms = append(ms, s)
			continue
		}
		for ei < len(exact) && exact[ei] < s {
			ei++
		}
		if ei < len(exact) && exact[ei] == s || searchq.Match(q.tokens, st.fields(s)) {
			ms = append(ms, s)
		}
	}
	total = len(ms)
	// All the matches found: sort them, unless they are so many that
	// walking the order with a bit set of them reaches the page in
	// fewer steps than the sort has matches to read keys of (each a
	// random access: "0712", 8,900 matches, fills its first page within
	// some 2,500 steps).
	walkBitsNow := false
	if exhausted {
		if kn.walk != 0 && len(ms) <= kn.selectMax ||
			kn.walk == 0 && (len(ms) < walkMinMatches || (skip+want)*st.nAlive > walkStepsPerKey*len(ms)*len(ms)) {
			return st.selectPage(ms, o, pr, skip, want), total
		}
		walkBitsNow = true
	}
	// Many matches: walk the sort order testing each customer with the
	// predicate, for at most predBudget customers (most pages of broad
	// queries fill within it); then with a bit set of the candidates,
	// whose test is cheap enough to walk the whole order if the matches
	// come late in it.
	w := st.startWalk(o, pr, skip, want)
	budget := predBudget
	// A deep page needs more steps than the budget (at the density the
	// count saw): straight to the bit set.
	if est := float64(len(ms)) / float64(max(examined, 1)) * float64(len(cands)); float64(skip+want)*float64(st.nAlive) > est*predBudget {
		budget = 0
	}
	if walkBitsNow {
		budget = 0
	}
	switch kn.walk {
	case walkPred:
		budget = math.MaxInt
	case walkBits:
		budget = 0
	}
	if w.run(func(s uint32) bool { return searchq.Match(q.tokens, st.fields(s)) }, budget) {
		return w.out, total
	}
	bp := bitsPool.Get().(*[]uint64)
	bits := *bp
	if n := len(st.alive); len(bits) < n {
		bits = make([]uint64, n)
	} else {
		bits = bits[:n]
		clear(bits)
	}
	// The count confirmed cands[:examined] already: their matches go in
	// the bit set as they are, the slots after them to be confirmed.
	for _, s := range ms {
		bits[s>>6] |= 1 << (s & 63)
	}
	confirmed := uint32(math.MaxUint32)
	if examined < len(cands) {
		confirmed = cands[examined]
		for _, s := range cands[examined:] {
			bits[s>>6] |= 1 << (s & 63)
		}
	}
	// The slots after them: the exact ones need no confirmation either,
	// the others (inexact) are confirmed as the walk reaches them.
	var inexact []uint32
	if !q.exact && examined < len(cands) {
		inexact = make([]uint32, 0, len(cands)-examined)
		ex := exact[ei:]
		for _, s := range cands[examined:] {
			for len(ex) > 0 && ex[0] < s {
				ex = ex[1:]
			}
			if len(ex) == 0 || ex[0] != s {
				inexact = append(inexact, s)
			}
		}
	}
	w.runBits(bits, func(s uint32) bool {
		if s < confirmed {
			return true
		}
		if _, ok := slices.BinarySearch(inexact, s); !ok {
			return true
		}
		return searchq.Match(q.tokens, st.fields(s))
	})
	*bp = bits
	bitsPool.Put(bp)
	return w.out, total
}

// predBudget is how many customers a walk tests with searchq.Match
// before it builds a bit set of the candidates.
const predBudget = 4096

// A page of walkMinMatches matches or more (all of them found) is walked
// to with a bit set of them when the walk's steps (expected at their
// density) are fewer than walkStepsPerKey per match: a step tests a bit,
// a match sorted reads its sort key somewhere in memory.
const (
	walkMinMatches  = 1024
	walkStepsPerKey = 4
)

// knobs force a way of paging, for tests; the zero value chooses by the
// estimates.
type knobs struct {
	walk      int // walkPred or walkBits: walk when more than selectMax match
	selectMax int
}

const (
	walkPred = 1 + iota
	walkBits
)

var bitsPool = sync.Pool{New: func() any { return new([]uint64) }}

// selectPage is the page of matches ms (every match of the query, in slot
// order), by sorting them.
func (st *state) selectPage(ms []uint32, o int, pr *probe, skip, want int) []uint32 {
	if pr != nil {
		ms = slices.DeleteFunc(ms, func(s uint32) bool { return st.cmpProbe(o, s, pr) <= 0 })
	}
	if skip >= len(ms) {
		return nil
	}
	need := min(len(ms), skip+want)
	ks := make([]keyed, len(ms))
	for i, s := range ms {
		ks[i] = keyed{st.sortKey(o, s), s}
	}
	c := func(a, b keyed) int {
		if a.k != b.k {
			return cmp.Compare(a.k, b.k)
		}
		return st.cmpSlots(o, a.s, b.s)
	}
	if need*4 < len(ks) {
		ks = topK(ks, need, c)
	}
	slices.SortFunc(ks, c)
	out := make([]uint32, 0, need-skip)
	for _, k := range ks[skip:need] {
		out = append(out, k.s)
	}
	return out
}

type keyed struct {
	k uint64
	s uint32
}

// topK is the k first of ks in the order c, unsorted: a heap of the k
// first seen so far, whose top is the last of them.
func topK(ks []keyed, k int, c func(a, b keyed) int) []keyed {
	h := slices.Clone(ks[:k])
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			if r := l + 1; r < len(h) && c(h[r], h[l]) > 0 {
				l = r
			}
			if c(h[l], h[i]) <= 0 {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, x := range ks[k:] {
		if c(x, h[0]) < 0 {
			h[0] = x
			down(0)
		}
	}
	return h
}

// walker goes along a sort order collecting accepted slots.
type walker struct {
	l          *olist
	bi, j      int
	skip, want int
	out        []uint32
}

// startWalk is a walk along order o from the start (or after pr) that
// skips skip accepted slots and collects the next want.
func (st *state) startWalk(o int, pr *probe, skip, want int) *walker {
	w := &walker{l: st.ord[o], skip: skip, want: want}
	if pr != nil {
		w.bi, w.j = w.l.lowerBound(func(s uint32) bool { return st.cmpProbe(o, s, pr) <= 0 })
	}
	w.out = make([]uint32, 0, min(want, 1024))
	return w
}

// walk is the want slots after skip along order o (after pr), every slot
// accepted.
func (st *state) walk(o int, pr *probe, skip, want int) []uint32 {
	w := st.startWalk(o, pr, skip, want)
	for w.bi < len(w.l.blocks) && w.skip >= len(w.l.blocks[w.bi])-w.j {
		w.skip -= len(w.l.blocks[w.bi]) - w.j
		w.bi, w.j = w.bi+1, 0
	}
	w.j += w.skip
	w.skip = 0
	w.run(func(uint32) bool { return true }, math.MaxInt)
	return w.out
}

// runBits walks on to the end of the page or of the order, accepting the
// slots in bits that confirm confirms.
func (w *walker) runBits(bits []uint64, confirm func(uint32) bool) {
	for ; w.bi < len(w.l.blocks); w.bi, w.j = w.bi+1, 0 {
		b := w.l.blocks[w.bi]
		for ; w.j < len(b); w.j++ {
			s := b[w.j]
			if bits[s>>6]&(1<<(s&63)) == 0 || !confirm(s) {
				continue
			}
			if w.skip > 0 {
				w.skip--
				continue
			}
			w.out = append(w.out, s)
			if len(w.out) == w.want {
				w.j++
				return
			}
		}
	}
}

// run walks on, testing at most budget slots with accept. It reports
// whether the walk is over (the page full or the order at its end).
func (w *walker) run(accept func(uint32) bool, budget int) bool {
	for ; w.bi < len(w.l.blocks); w.bi, w.j = w.bi+1, 0 {
		b := w.l.blocks[w.bi]
		for ; w.j < len(b); w.j++ {
			if budget == 0 {
				return false
			}
			budget--
			s := b[w.j]
			if !accept(s) {
				continue
			}
			if w.skip > 0 {
				w.skip--
				continue
			}
			w.out = append(w.out, s)
			if len(w.out) == w.want {
				w.j++
				return true
			}
		}
	}
	return true
}

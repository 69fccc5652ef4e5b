package searchidx

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"frontdesk/store/searchq"
)

// Sort orders, as indexes of state.ord.
const (
	ordNewest = iota
	ordSpent
	ordName
	numOrders
)

// Term kinds, the first byte of a term's key in the dictionary.
const (
	termPrefix  = 'p' // first one or two runes of a folded column
	termPhone   = 'q' // first 5 to 8 bytes of a folded phone that starts with +254
	termTrigram = 't' // three bytes within one folded column
	// termPhoneInner's one list (the term's value is empty) holds the
	// slots whose folded phone has +254 after its first byte ("x+254…",
	// "+254+254…"): the only phones in which a form "+254…" can occur
	// other than at the start, where the termPhone lists find it.
	termPhoneInner = 'r'
)

// phoneCC is the country code PhoneAlts put in front of local numbers.
const phoneCC = "+254"

// phonePrefixMax is the longest phone prefix with a termPhone list:
// "+254" and 4 more bytes, so a local number of up to 5 digits ("0712")
// has an exact list of the phones holding its +254 form.
const phonePrefixMax = len(phoneCC) + 4

// fieldsPerSlot is how many offsets into the text arena a slot has: the
// starts of the folded email, first name, last name and phone, of the
// first and last name as stored, and the end.
const fieldsPerSlot = 7

// state is the index proper: one version of every customer per slot,
// postings per term, and one ordered list per sort order. Readers use it
// under Index.mu's read lock; apply changes it under the write lock.
// Everything indexed by slot, the arena and the posting lists are only
// ever appended to (a compaction builds a new state), which lets a
// compaction read a snapshot of them while apply goes on.
type state struct {
	// dict numbers terms; post[n] lists the slots having term n,
	// ascending. dict only grows and is shared by the states a
	// compaction builds.
	dict *dict
	post [][]uint32

	ids   []int64
	sec   []int64 // created_at, Unix seconds
	nsec  []int32 // and nanoseconds
	spent []int64
	attrs []attrs  // the filters' attributes (filter.go)
	offs  []uint32 // fieldsPerSlot per slot, into text
	arena *strings.Builder
	text  string // arena.String(), refreshed after every apply

	alive  []uint64 // bit per slot
	nAlive int
	slotOf map[int64]uint32

	ord [numOrders]*olist

	// built is the slot count at the last (re)build, for the
	// compaction that trims the slack of a large load.
	built int

	scratch []byte
}

// dict numbers the terms. Trigrams of ASCII bytes (most of them) are
// numbered in an array, the other terms in a map.
type dict struct {
	m   map[string]uint32
	tri []uint32 // ASCII trigram → number+1
	n   int
}

func newDict() *dict { return &dict{m: map[string]uint32{}, tri: make([]uint32, 1<<21)} }

func asciiTrigram(v string) (int, bool) {
	if len(v) != 3 || (v[0]|v[1]|v[2]) >= utf8.RuneSelf {
		return 0, false
	}
	return int(v[0])<<14 | int(v[1])<<7 | int(v[2]), true
}

// lookup is the number of term kind+v.
func (d *dict) lookup(kind byte, v string, scratch *[]byte) (uint32, bool) {
	if kind == termTrigram {
		if i, ok := asciiTrigram(v); ok {
			n := d.tri[i]
			return n - 1, n != 0
		}
	}
	*scratch = append(append((*scratch)[:0], kind), v...)
	n, ok := d.m[string(*scratch)]
	return n, ok
}

// number is the number of term kind+v, given one if it has none.
func (d *dict) number(kind byte, v string, scratch *[]byte) uint32 {
	if n, ok := d.lookup(kind, v, scratch); ok {
		return n
	}
	n := uint32(d.n)
	d.n++
	if i, ok := asciiTrigram(v); ok && kind == termTrigram {
		d.tri[i] = n + 1
	} else {
		d.m[string(*scratch)] = n
	}
	return n
}

func newState() *state {
	st := &state{dict: newDict(), arena: &strings.Builder{}, slotOf: map[int64]uint32{}}
	for o := range st.ord {
		st.ord[o] = &olist{}
	}
	return st
}

func (st *state) slots() int { return len(st.ids) }

func (st *state) isAlive(s uint32) bool { return st.alive[s>>6]&(1<<(s&63)) != 0 }

func (st *state) dead() int { return len(st.ids) - st.nAlive }

// fields are slot s's folded columns.
func (st *state) fields(s uint32) searchq.Fields {
	o := st.offs[s*fieldsPerSlot : s*fieldsPerSlot+fieldsPerSlot]
	t := st.text
	return searchq.Fields{Email: t[o[0]:o[1]], FirstName: t[o[1]:o[2]], LastName: t[o[2]:o[3]], Phone: t[o[3]:o[4]]}
}

func (st *state) foldedLast(s uint32) string {
	o := st.offs[s*fieldsPerSlot:]
	return st.text[o[2]:o[3]]
}

func (st *state) foldedFirst(s uint32) string {
	o := st.offs[s*fieldsPerSlot:]
	return st.text[o[1]:o[2]]
}

// rawNames are slot s's first and last name as stored.
func (st *state) rawNames(s uint32) (first, last string) {
	o := st.offs[s*fieldsPerSlot:]
	return st.text[o[4]:o[5]], st.text[o[5]:o[6]]
}

// list is the posting list of term kind+v (nil when no slot has it).
// scratch is the caller's.
func (st *state) list(kind byte, v string, scratch *[]byte) []uint32 {
	if n, ok := st.dict.lookup(kind, v, scratch); ok && int(n) < len(st.post) {
		return st.post[n]
	}
	return nil
}

// apply applies one change. bulk leaves the sort orders alone (see
// sortOrders).
func (st *state) apply(c Change, bulk bool) {
	if s, ok := st.slotOf[c.ID]; ok {
		st.remove(s, bulk)
	}
	if c.Doc != nil {
		st.add(c.ID, c.Doc, bulk)
	}
}

func (st *state) remove(s uint32, bulk bool) {
	if !bulk {
		for o := range st.ord {
			st.ord[o].remove(st, o, s)
		}
	}
	st.alive[s>>6] &^= 1 << (s & 63)
	st.nAlive--
	delete(st.slotOf, st.ids[s])
}

func (st *state) add(id int64, d *Doc, bulk bool) {
	f := searchq.FoldFields(d.Email, d.FirstName, d.LastName, d.Phone)
	s := uint32(len(st.ids))
	st.ids = append(st.ids, id)
	st.sec = append(st.sec, d.CreatedAt.Unix())
	st.nsec = append(st.nsec, int32(d.CreatedAt.Nanosecond()))
	st.spent = append(st.spent, d.TotalSpent)
	st.attrs = append(st.attrs, attrsOf(d))
	vs := [...]string{f.Email, f.FirstName, f.LastName, f.Phone, d.FirstName, d.LastName}
	size := st.arena.Len()
	for _, v := range vs {
		size += len(v)
	}
	if size > math.MaxUint32 {
		panic("searchidx: the text arena would pass 4 GiB (offsets are 32-bit)")
	}
	for _, v := range vs {
		st.offs = append(st.offs, uint32(st.arena.Len()))
		st.arena.WriteString(v)
	}
	st.offs = append(st.offs, uint32(st.arena.Len()))
	st.text = st.arena.String()
	if int(s>>6) >= len(st.alive) {
		st.alive = append(st.alive, 0)
	}
	st.alive[s>>6] |= 1 << (s & 63)
	st.nAlive++
	st.slotOf[id] = s
	st.index(s, f)
	if !bulk {
		for o := range st.ord {
			st.ord[o].insert(st, o, s)
		}
	}
}

// finishBulk sorts the live slots into the sort orders, and cuts the
// posting lists to size, after a bulk load.
func (st *state) finishBulk() {
	live := make([]uint32, 0, st.nAlive)
	for s := range uint32(st.slots()) {
		if st.isAlive(s) {
			live = append(live, s)
		}
	}
	ks := make([]keyed, len(live))
	for o := range st.ord {
		for i, s := range live {
			ks[i] = keyed{st.sortKey(o, s), s}
		}
		slices.SortFunc(ks, func(a, b keyed) int {
			if a.k != b.k {
				return cmp.Compare(a.k, b.k)
			}
			return st.cmpSlots(o, a.s, b.s)
		})
		l := &olist{n: len(ks)}
		for i := 0; i < len(ks); i += blockMax / 2 {
			b := make([]uint32, 0, blockMax/2)
			for _, k := range ks[i:min(len(ks), i+blockMax/2)] {
				b = append(b, k.s)
			}
			l.blocks = append(l.blocks, b)
		}
		st.ord[o] = l
	}
	for i, l := range st.post {
		if cap(l)-len(l) > len(l)/8 {
			st.post[i] = slices.Clone(l)
		}
	}
	st.built = st.slots()
}

// index adds slot s to the posting lists of its terms.
func (st *state) index(s uint32, f searchq.Fields) {
	for _, c := range [...]string{f.Email, f.FirstName, f.LastName, f.Phone} {
		if c == "" {
			continue
		}
		_, n1 := utf8.DecodeRuneInString(c)
		st.addTerm(termPrefix, c[:n1], s)
		if n1 < len(c) {
			_, n2 := utf8.DecodeRuneInString(c[n1:])
			st.addTerm(termPrefix, c[:n1+n2], s)
		}
		for i := 0; i+3 <= len(c); i++ {
			st.addTerm(termTrigram, c[i:i+3], s)
		}
	}
	if strings.HasPrefix(f.Phone, phoneCC) {
		for n := len(phoneCC) + 1; n <= min(len(f.Phone), phonePrefixMax); n++ {
			st.addTerm(termPhone, f.Phone[:n], s)
		}
	}
	if len(f.Phone) > 1 && strings.Contains(f.Phone[1:], phoneCC) {
		st.addTerm(termPhoneInner, "", s)
	}
}

func (st *state) addTerm(kind byte, v string, s uint32) {
	n := st.dict.number(kind, v, &st.scratch)
	for int(n) >= len(st.post) {
		st.post = append(st.post, nil)
	}
	l := st.post[n]
	if k := len(l); k > 0 && l[k-1] == s {
		return // the term occurs twice in this customer
	}
	st.post[n] = append(l, s)
}

// cmpSlots compares slots a and b in sort order o: negative when a
// comes first. It is orderOf on slots.
func (st *state) cmpSlots(o int, a, b uint32) int {
	switch o {
	case ordNewest:
		if c := cmp.Compare(st.sec[b], st.sec[a]); c != 0 {
			return c
		}
		if c := cmp.Compare(st.nsec[b], st.nsec[a]); c != 0 {
			return c
		}
		return cmp.Compare(st.ids[b], st.ids[a])
	case ordSpent:
		if c := cmp.Compare(st.spent[b], st.spent[a]); c != 0 {
			return c
		}
		return cmp.Compare(st.ids[b], st.ids[a])
	default:
		if c := strings.Compare(st.foldedLast(a), st.foldedLast(b)); c != 0 {
			return c
		}
		if c := strings.Compare(st.foldedFirst(a), st.foldedFirst(b)); c != 0 {
			return c
		}
		return cmp.Compare(st.ids[a], st.ids[b])
	}
}

// probe is a place in a sort order (an After key).
type probe struct {
	sec         int64
	nsec        int32
	spent       int64
	last, first string // folded
	id          int64
}

func probeOf(e *entry) *probe {
	return &probe{
		sec: e.doc.CreatedAt.Unix(), nsec: int32(e.doc.CreatedAt.Nanosecond()),
		spent: e.doc.TotalSpent, last: e.nameK1, first: e.nameK2, id: e.id,
	}
}

// cmpProbe compares slot s with p in sort order o: negative when s
// comes first.
func (st *state) cmpProbe(o int, s uint32, p *probe) int {
	switch o {
	case ordNewest:
		if c := cmp.Compare(p.sec, st.sec[s]); c != 0 {
			return c
		}
		if c := cmp.Compare(p.nsec, st.nsec[s]); c != 0 {
			return c
		}
		return cmp.Compare(p.id, st.ids[s])
	case ordSpent:
		if c := cmp.Compare(p.spent, st.spent[s]); c != 0 {
			return c
		}
		return cmp.Compare(p.id, st.ids[s])
	default:
		if c := strings.Compare(st.foldedLast(s), p.last); c != 0 {
			return c
		}
		if c := strings.Compare(st.foldedFirst(s), p.first); c != 0 {
			return c
		}
		return cmp.Compare(st.ids[s], p.id)
	}
}

// sortKey is a 64-bit prefix of slot s's key in order o: a < b in it
// means a comes first; equal keys need cmpSlots.
func (st *state) sortKey(o int, s uint32) uint64 {
	switch o {
	case ordNewest:
		return ^(uint64(st.sec[s]) ^ 1<<63)
	case ordSpent:
		return ^(uint64(st.spent[s]) ^ 1<<63)
	default:
		var b [8]byte
		copy(b[:], st.foldedLast(s))
		return binary.BigEndian.Uint64(b[:])
	}
}

// olist is the alive slots in one sort order: sorted blocks of at most
// blockMax slots, so that inserting or removing one moves at most a
// block, and walking the order is a loop over arrays.
type olist struct {
	blocks [][]uint32
	n      int
}

const blockMax = 512

// lowerBound is the position of the first slot for which before is false
// (before must be true for a prefix of the order).
func (l *olist) lowerBound(before func(uint32) bool) (bi, j int) {
	bi, _ = slices.BinarySearchFunc(l.blocks, 0, func(b []uint32, _ int) int {
		if before(b[0]) {
			return -1
		}
		return 1
	})
	if bi == 0 {
		return 0, 0
	}
	b := l.blocks[bi-1]
	j, _ = slices.BinarySearchFunc(b, 0, func(s uint32, _ int) int {
		if before(s) {
			return -1
		}
		return 1
	})
	if j == len(b) {
		return bi, 0
	}
	return bi - 1, j
}

func (l *olist) insert(st *state, o int, s uint32) {
	l.n++
	if len(l.blocks) == 0 {
		l.blocks = append(l.blocks, []uint32{s})
		return
	}
	bi, j := l.lowerBound(func(e uint32) bool { return st.cmpSlots(o, e, s) < 0 })
	if bi == len(l.blocks) {
		bi--
		j = len(l.blocks[bi])
	}
	b := slices.Insert(l.blocks[bi], j, s)
	if len(b) <= blockMax {
		l.blocks[bi] = b
		return
	}
	half := len(b) / 2
	l.blocks[bi] = b[:half]
	l.blocks = slices.Insert(l.blocks, bi+1, slices.Clone(b[half:]))
}

func (l *olist) remove(st *state, o int, s uint32) {
	bi, j := l.lowerBound(func(e uint32) bool { return st.cmpSlots(o, e, s) < 0 })
	if bi == len(l.blocks) || l.blocks[bi][j] != s {
		panic("searchidx: slot missing from its sort order")
	}
	l.n--
	b := slices.Delete(l.blocks[bi], j, j+1)
	if len(b) == 0 {
		l.blocks = slices.Delete(l.blocks, bi, bi+1)
		return
	}
	l.blocks[bi] = b
}

// snapshot is what a compaction reads of a state while apply goes on:
// copies of what apply changes in place, and the lengths of what it only
// appends to.
type snapshot struct {
	dict   *dict
	post   [][]uint32
	ids    []int64
	sec    []int64
	nsec   []int32
	spent  []int64
	attrs  []attrs
	offs   []uint32
	text   string
	alive  []uint64
	nAlive int
	ord    [numOrders][][]uint32
}

// snapshot must be called under the write lock.
func (st *state) snapshot() *snapshot {
	sn := &snapshot{
		dict: st.dict, post: slices.Clone(st.post),
		ids: st.ids, sec: st.sec, nsec: st.nsec, spent: st.spent, attrs: st.attrs, offs: st.offs, text: st.text,
		alive: slices.Clone(st.alive), nAlive: st.nAlive,
	}
	for o, l := range st.ord {
		bs := make([][]uint32, len(l.blocks))
		for i, b := range l.blocks {
			bs[i] = slices.Clone(b)
		}
		sn.ord[o] = bs
	}
	return sn
}

// build is a state holding the snapshot's live customers in consecutive
// slots (in the same relative order), with posting lists and blocks cut
// to size.
func (sn *snapshot) build() *state {
	n := sn.nAlive
	renum := make([]uint32, len(sn.ids))
	st := &state{
		dict:   sn.dict,
		ids:    make([]int64, 0, n),
		sec:    make([]int64, 0, n),
		nsec:   make([]int32, 0, n),
		spent:  make([]int64, 0, n),
		attrs:  make([]attrs, 0, n),
		offs:   make([]uint32, 0, n*fieldsPerSlot),
		arena:  &strings.Builder{},
		alive:  make([]uint64, (n+63)/64),
		nAlive: n,
		slotOf: make(map[int64]uint32, n),
		built:  n,
	}
	isAlive := func(s uint32) bool { return sn.alive[s>>6]&(1<<(s&63)) != 0 }
	size := 0
	for s := range sn.ids {
		if isAlive(uint32(s)) {
			size += int(sn.offs[(s+1)*fieldsPerSlot-1] - sn.offs[s*fieldsPerSlot])
		}
	}
	st.arena.Grow(size)
	for s := range sn.ids {
		if !isAlive(uint32(s)) {
			continue
		}
		ns := uint32(len(st.ids))
		renum[s] = ns
		st.ids = append(st.ids, sn.ids[s])
		st.sec = append(st.sec, sn.sec[s])
		st.nsec = append(st.nsec, sn.nsec[s])
		st.spent = append(st.spent, sn.spent[s])
		st.attrs = append(st.attrs, sn.attrs[s])
		o := sn.offs[s*fieldsPerSlot : (s+1)*fieldsPerSlot]
		base := uint32(st.arena.Len())
		for _, off := range o {
			st.offs = append(st.offs, base+off-o[0])
		}
		st.arena.WriteString(sn.text[o[0]:o[fieldsPerSlot-1]])
		st.alive[ns>>6] |= 1 << (ns & 63)
		st.slotOf[sn.ids[s]] = ns
	}
	st.text = st.arena.String()
	st.post = make([][]uint32, len(sn.post))
	var buf []uint32
	for t, l := range sn.post {
		buf = buf[:0]
		for _, s := range l {
			if isAlive(s) {
				buf = append(buf, renum[s])
			}
		}
		if len(buf) > 0 {
			st.post[t] = slices.Clone(buf)
		}
	}
	for o, bs := range sn.ord {
		l := &olist{n: n}
		cur := make([]uint32, 0, blockMax/2)
		for _, b := range bs {
			for _, s := range b {
				cur = append(cur, renum[s])
				if len(cur) == blockMax/2 {
					l.blocks = append(l.blocks, cur)
					cur = make([]uint32, 0, blockMax/2)
				}
			}
		}
		if len(cur) > 0 {
			l.blocks = append(l.blocks, cur)
		}
		st.ord[o] = l
	}
	return st
}

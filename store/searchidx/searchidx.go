// Package searchidx is the customer search of every storage engine: an
// index in the server's memory, built from the engine's change feed and
// brought up to date from it before each search, that answers
// store.SearchParams with the same ids in the same order as the
// reference predicate (searchq.Match) evaluated on every customer
// (Index.Naive, which the tests compare it with).
//
// The engine stays the store of record. It keeps a change feed (every
// insert, update and delete of a customer's searched or sorted columns
// gets a new, commit-ordered sequence number) and hands the index a Feed
// that reads it; several server replicas on one database each keep their
// own index and see each other's changes at their next search.
//
// # Storage
//
// Every version of a customer gets a slot, a number given in increasing
// order: an update gives the customer a new slot and marks the old one
// dead in a bit set. A slot's folded columns and stored names live in one
// text arena (offsets per slot), its id and sort keys in arrays. Three
// kinds of term have a posting list (the ascending slots having it, only
// ever appended to): the first one and two runes of each folded column
// (P), the first 5 to 8 bytes of a phone that starts with +254 (Q),
// every three bytes within one folded column (T), and one list of the
// phones with +254 after their first byte (R). Each sort order keeps
// its live slots in sorted blocks of at most 512, so an insert or a
// delete moves at most a block and walking the order is a loop over
// arrays.
//
// Applying a change costs microseconds (fold, a few dozen appends, three
// block inserts). The first load builds the index aside and sorts the
// orders once. When more than a quarter of the slots are dead (or a load
// has doubled the index), a compaction renumbers the live slots into a
// new index built aside from a snapshot while searches and changes go
// on; it replays the changes applied meanwhile and swaps the new index in
// under the lock.
//
// # Searching, and why each query shape is bounded
//
// Each token becomes a set of candidate slots: a short token (one or two
// runes) is exactly P(token), or with a local phone number's forms the
// union of P and Q lists; a long token of three bytes is exactly
// T(token); a longer one is the intersection of its rarest trigrams'
// lists (lists nearly everyone is in are left to the confirmation), and
// its phone forms the same way. The candidates are the intersection of
// every token's set, shortest list first, by a merge or a galloping
// search when one list is much shorter, so the work is bounded by the
// lists' lengths. A long token's +254 form (a local number "0712…")
// occurs in a phone that is +254 and digits only at its start: it is
// the Q list of its first 8 bytes, exact when the form is no longer,
// and the R list with the form's trigrams, so nearly every candidate of
// a local number is exact (a token "+2547…" of up to 8 bytes has its Q
// list, exact, beside its trigrams). A candidate in an exact alternative of every
// set matches; the others are confirmed with searchq.Match (once), and
// dead slots are skipped.
//
//   - Count: the candidates are confirmed in slot order until
//     api.TotalExactCap+1 matches are found; past the cap the total is the
//     cap with Estimate.
//   - Few matches (all of them found within the cap): they are sorted by
//     the order's key (a 64-bit prefix of it, then the full comparison),
//     keeping only the first offset+limit+1 with a heap when that is a
//     small part, and paged; but when they are many (a thousand or more)
//     and the walk to the page at their density takes fewer steps than
//     four per match, the order is walked with a bit set of them (see
//     below), which reads no sort key.
//   - Many matches: the order's blocks are walked from the start (or from
//     the After key, found by binary search) testing each customer with
//     searchq.Match, for at most predBudget customers, which fills the
//     page of most broad queries; then (at once for a page deeper than
//     the budget reaches at the density the count saw) with a bit set of
//     the candidates, a test of a few nanoseconds, so a walk of the whole
//     order stays in milliseconds even when the matches come late in it
//     (a surname in name order). The count's confirmed matches need no
//     second confirmation.
//   - After pages collect at most afterSelectMax matches to decide
//     between sorting them all and walking from the key; they count
//     nothing.
//   - Blank query: the order's blocks are skipped by their lengths to the
//     offset, so any page costs a few blocks.
//
// # Field filters
//
// A query with field filters or column tokens (searchq.ParseQuery:
// orders:>5, status:disabled, email:gmail …) takes pageFiltered
// (filter.go): its candidates are the free text's posting lists (a
// superset for column tokens) or, with no text, every slot; each is
// tested with the filter on per-slot attributes (status, orders, points,
// last order; spend and creation from the sort arrays) and confirmed
// with searchq.Match. The count stops at the cap as above; past it the
// sort order is walked with the same predicate. So a filter costs at most
// one pass over the customers, and Naive applies the same filter.
//
// Searches hold the read lock; applying changes takes the write lock, at
// most applyChunk changes at a time. At 1,000,000 customers the index
// takes about 330 MiB (posting lists 180, text 60) and loads in a few
// seconds; TestLatencyTable measures it on a real store.
package searchidx

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/searchq"
)

// Doc is one customer as search sees it: the searched columns as stored
// (the index folds them), the sort keys, and what the filters test
// (searchq.Filter).
type Doc struct {
	ID                                int64
	Email, FirstName, LastName, Phone string
	CreatedAt                         time.Time
	TotalSpent                        int64
	Disabled                          bool
	TotalOrders                       int64
	Points                            int64
	// LastOrderAt is the time of the last order, zero without orders.
	LastOrderAt time.Time
}

// Change is one entry of an engine's change feed: customer ID changed at
// Seq, and is now Doc (nil when the customer is gone).
type Change struct {
	Seq int64
	ID  int64
	Doc *Doc
}

// Feed reads an engine's change feed: the changes with a sequence number
// above after, in sequence order, at most limit of them. Sequence numbers
// must be assigned in commit order (a change the feed has not shown yet
// never gets a number below one it has), which the engines ensure by
// serialising their writes.
type Feed func(ctx context.Context, after int64, limit int) ([]Change, error)

// feedBatch is how many changes one Feed call reads.
const feedBatch = 10000

// Compaction: when more than 1/compactDeadFrac of the slots are dead
// (and at least compactMinDead), or the index has grown to
// compactGrowth times what it was at the last build (and holds at least
// compactMinGrowth slots: the slack of a large load).
const (
	compactDeadFrac  = 4
	compactMinDead   = 64
	compactGrowth    = 2
	compactMinGrowth = 1 << 16
)

// entry is one customer as Naive sees it.
type entry struct {
	id     int64
	f      searchq.Fields
	doc    Doc
	nameK1 string // folded last name
	nameK2 string // folded first name
}

// Index answers searches from memory. It is safe for concurrent use.
type Index struct {
	feed Feed

	// syncMu lets one Sync read the feed at a time.
	syncMu sync.Mutex

	mu  sync.RWMutex
	seq int64
	st  *state
	// While a compaction builds a new state from a snapshot, apply
	// logs the changes it applies, for the compaction to replay.
	compacting  bool
	log         []Change
	compactions int
	// compacted is signalled (closed and replaced) after each
	// compaction, for tests.
	compacted chan struct{}
	knobs     knobs
}

// New is an empty index over feed; its first Sync (or Search) loads
// every customer.
func New(feed Feed) *Index {
	return &Index{feed: feed, st: newState(), compacted: make(chan struct{})}
}

// Seq is the sequence number of the last change applied.
func (ix *Index) Seq() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.seq
}

// Len is how many customers the index holds.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.st.nAlive
}

// Stats describe the index's size.
type Stats struct {
	// Customers are the live customers; Slots count the dead versions
	// too (until a compaction).
	Customers, Slots int
	// Terms in the dictionary, and Postings: entries in their lists.
	Terms, Postings int
	// TextBytes: the arena of folded and stored names.
	TextBytes int
	// Compactions done so far, and whether one is under way.
	Compactions int
	Compacting  bool
}

// Stats are the index's current sizes (Postings costs a pass over the
// dictionary).
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	s := Stats{
		Customers: st.nAlive, Slots: st.slots(), Terms: st.dict.n, TextBytes: len(st.text),
		Compactions: ix.compactions, Compacting: ix.compacting,
	}
	for _, l := range st.post {
		s.Postings += len(l)
	}
	return s
}

// Sync applies every change the feed has after the last one applied.
func (ix *Index) Sync(ctx context.Context) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	ix.mu.RLock()
	empty := ix.st.slots() == 0 && !ix.compacting
	ix.mu.RUnlock()
	if empty {
		return ix.load(ctx)
	}
	applied := false
	for {
		after := ix.Seq()
		changes, err := ix.feed(ctx, after, feedBatch)
		if err != nil {
			if applied {
				ix.maybeCompact()
			}
			return fmt.Errorf("search index: read the change feed: %w", err)
		}
		if len(changes) > 0 {
			ix.apply(changes)
			applied = true
		}
		if len(changes) < feedBatch {
			break
		}
	}
	if applied {
		ix.maybeCompact()
	}
	return nil
}

// load fills an empty index: it builds a state aside from every change
// the feed has (leaving the sort orders to one sort at the end) and swaps
// it in.
func (ix *Index) load(ctx context.Context) error {
	st := newState()
	seq := ix.Seq()
	n := 0
	for {
		changes, err := ix.feed(ctx, seq, feedBatch)
		if err != nil {
			return fmt.Errorf("search index: read the change feed: %w", err)
		}
		for _, c := range changes {
			st.apply(c, true)
			seq = max(seq, c.Seq)
		}
		n += len(changes)
		if len(changes) < feedBatch {
			break
		}
	}
	if n == 0 {
		return nil
	}
	st.finishBulk()
	ix.mu.Lock()
	ix.st, ix.seq = st, seq
	ix.mu.Unlock()
	ix.maybeCompact()
	return nil
}

// applyChunk is how many changes apply applies per hold of the write
// lock (some milliseconds), so that a large batch lets searches in.
const applyChunk = 256

func (ix *Index) apply(changes []Change) {
	for len(changes) > 0 {
		n := min(len(changes), applyChunk)
		ix.applyLocked(changes[:n])
		changes = changes[n:]
	}
}

func (ix *Index) applyLocked(changes []Change) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	st := ix.st
	for _, c := range changes {
		st.apply(c, false)
		ix.seq = max(ix.seq, c.Seq)
	}
	if ix.compacting {
		ix.log = append(ix.log, changes...)
	}
}

// maybeCompact starts a compaction when the index has too many dead
// slots or too much slack (see compactDeadFrac).
func (ix *Index) maybeCompact() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	st := ix.st
	dead, slots := st.dead(), st.slots()
	if ix.compacting || !((dead >= compactMinDead && dead*compactDeadFrac > slots) ||
		(slots >= compactMinGrowth && slots >= compactGrowth*st.built)) {
		return
	}
	ix.compacting = true
	go ix.compact(st.snapshot())
}

// compact builds a state from sn aside (searches and applies go on),
// then replays the changes applied since and swaps it in.
func (ix *Index) compact(sn *snapshot) {
	nst := sn.build()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, c := range ix.log {
		nst.apply(c, false)
	}
	ix.st = nst
	ix.log = nil
	ix.compacting = false
	ix.compactions++
	close(ix.compacted)
	ix.compacted = make(chan struct{})
}

// Search brings the index up to date and answers p.
func (ix *Index) Search(ctx context.Context, p store.SearchParams) (store.SearchResult, error) {
	if err := ix.Sync(ctx); err != nil {
		return store.SearchResult{}, err
	}
	return ix.search(p)
}

// search answers p from the index as it is.
func (ix *Index) search(p store.SearchParams) (store.SearchResult, error) {
	if _, err := orderOf(p.Sort); err != nil {
		return store.SearchResult{}, err
	}
	o := sortIndex(p.Sort)
	var pr *probe
	if p.After != nil {
		e, err := keyEntry(p.Sort, *p.After)
		if err != nil {
			return store.SearchResult{}, err
		}
		pr = probeOf(e)
	}
	limit, offset := page(p.Page, p.Limit)
	if pr != nil {
		offset = 0
	}
	qq, err := searchq.ParseQuery(p.Query)
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	tokens, blank := qq.Tokens, qq.Blank

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	var pg []uint32
	total := 0
	if qq.Filtered() {
		if !qq.None() {
			pg, total = st.pageFiltered(&qq, o, pr, offset, limit+1)
		}
	} else if blank || len(tokens) > 0 {
		q := st.plan(tokens)
		switch {
		case q.none:
		case len(q.sets) == 0: // every customer
			total = min(st.nAlive, api.TotalExactCap+1)
			pg = st.walk(o, pr, offset, limit+1)
		default:
			pg, total = st.pageOf(q, o, pr, offset, limit+1, ix.knobs)
		}
	}
	var res store.SearchResult
	if pr == nil {
		res.Total = min(total, api.TotalExactCap)
		res.Estimate = total > api.TotalExactCap
	}
	res.More = len(pg) > limit
	pg = pg[:min(limit, len(pg))]
	res.IDs = make([]api.ID, len(pg))
	for i, s := range pg {
		res.IDs[i] = api.IDFromInt(st.ids[s])
	}
	if n := len(pg); n > 0 {
		k := keyOf(p.Sort, st.entry(pg[n-1]))
		res.Last = &k
	}
	return res, nil
}

// entry is slot s as Naive sees it.
func (st *state) entry(s uint32) *entry {
	f := st.fields(s)
	first, last := st.rawNames(s)
	return &entry{
		id: st.ids[s], f: f,
		doc: Doc{
			ID: st.ids[s], Email: f.Email, FirstName: first, LastName: last, Phone: f.Phone,
			CreatedAt: time.Unix(st.sec[s], int64(st.nsec[s])), TotalSpent: st.spent[s],
		},
		nameK1: f.LastName, nameK2: f.FirstName,
	}
}

// Naive answers p by evaluating searchq.Match on every customer and
// sorting the matches: the reference every faster path must equal.
func (ix *Index) Naive(p store.SearchParams) (store.SearchResult, error) {
	less, err := orderOf(p.Sort)
	if err != nil {
		return store.SearchResult{}, err
	}
	var after *entry
	if p.After != nil {
		if after, err = keyEntry(p.Sort, *p.After); err != nil {
			return store.SearchResult{}, err
		}
	}
	limit, offset := page(p.Page, p.Limit)
	qq, err := searchq.ParseQuery(p.Query)
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	tokens, blank := qq.Tokens, qq.Blank
	ix.mu.RLock()
	st := ix.st
	var matches []*entry
	if !qq.None() {
		for s := range uint32(st.slots()) {
			if st.isAlive(s) && (blank || searchq.Match(tokens, st.fields(s))) && qq.Filter.Match(st.attrsAt(s)) {
				matches = append(matches, st.entry(s))
			}
		}
	}
	ix.mu.RUnlock()
	slices.SortFunc(matches, less)
	var res store.SearchResult
	if after != nil {
		i, _ := slices.BinarySearchFunc(matches, after, func(e, k *entry) int {
			if less(e, k) <= 0 {
				return -1
			}
			return 1
		})
		matches = matches[i:]
		offset = 0
	} else {
		res.Total = min(len(matches), api.TotalExactCap)
		res.Estimate = len(matches) > api.TotalExactCap
	}
	pageOf := matches[min(offset, len(matches)):]
	res.More = len(pageOf) > limit
	pageOf = pageOf[:min(limit, len(pageOf))]
	res.IDs = make([]api.ID, len(pageOf))
	for i, e := range pageOf {
		res.IDs[i] = api.IDFromInt(e.id)
	}
	if n := len(pageOf); n > 0 {
		k := keyOf(p.Sort, pageOf[n-1])
		res.Last = &k
	}
	return res, nil
}

// sortIndex is the state.ord of a sort order orderOf accepts.
func sortIndex(sort string) int {
	switch sort {
	case api.SortTopSpenders:
		return ordSpent
	case api.SortName:
		return ordName
	}
	return ordNewest
}

// orderOf is the comparison of a sort order: newest first, top spenders
// first, or by folded last name, folded first name; the id breaks ties.
func orderOf(sort string) (func(a, b *entry) int, error) {
	switch sort {
	case "", api.SortNewest:
		return func(a, b *entry) int {
			if c := b.doc.CreatedAt.Compare(a.doc.CreatedAt); c != 0 {
				return c
			}
			return cmp.Compare(b.id, a.id)
		}, nil
	case api.SortTopSpenders:
		return func(a, b *entry) int {
			if c := cmp.Compare(b.doc.TotalSpent, a.doc.TotalSpent); c != 0 {
				return c
			}
			return cmp.Compare(b.id, a.id)
		}, nil
	case api.SortName:
		return func(a, b *entry) int {
			if c := strings.Compare(a.nameK1, b.nameK1); c != 0 {
				return c
			}
			if c := strings.Compare(a.nameK2, b.nameK2); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		}, nil
	}
	return nil, fmt.Errorf("search: unknown sort %q: use one of %s", sort, strings.Join(api.Sorts, ", "))
}

// keyOf is e's place in the sort order, as Search hands it out.
func keyOf(sort string, e *entry) store.SearchKey {
	k := store.SearchKey{ID: api.IDFromInt(e.id)}
	switch sort {
	case "", api.SortNewest:
		k.K1 = e.doc.CreatedAt.UTC().Format(time.RFC3339Nano)
	case api.SortTopSpenders:
		k.K1 = strconv.FormatInt(e.doc.TotalSpent, 10)
	case api.SortName:
		k.K1, k.K2 = e.doc.LastName, e.doc.FirstName
	}
	return k
}

// keyEntry is a pseudo-entry at key k's place in the sort order.
func keyEntry(sort string, k store.SearchKey) (*entry, error) {
	id, err := strconv.ParseInt(string(k.ID), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("search: key id %q is not one of this store's ids: %w", k.ID, store.ErrInvalidKey)
	}
	e := &entry{id: id}
	switch sort {
	case "", api.SortNewest:
		at, err := time.Parse(time.RFC3339Nano, k.K1)
		if err != nil {
			return nil, fmt.Errorf("search: key %q is not a creation time: %w", k.K1, store.ErrInvalidKey)
		}
		e.doc.CreatedAt = at
	case api.SortTopSpenders:
		spent, err := strconv.ParseInt(k.K1, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("search: key %q is not a total spent: %w", k.K1, store.ErrInvalidKey)
		}
		e.doc.TotalSpent = spent
	case api.SortName:
		e.nameK1, e.nameK2 = searchq.Fold(k.K1), searchq.Fold(k.K2)
	default:
		return nil, fmt.Errorf("search: unknown sort %q: use one of %s", sort, strings.Join(api.Sorts, ", "))
	}
	return e, nil
}

// page normalises Page and Limit into a limit and an offset.
func page(pg, limit int) (int, int) {
	switch {
	case limit <= 0:
		limit = api.DefaultPageLimit
	case limit > api.MaxPageLimit:
		limit = api.MaxPageLimit
	}
	pg = max(pg, 1)
	if pg > math.MaxInt32/limit {
		pg = math.MaxInt32 / limit
	}
	return limit, (pg - 1) * limit
}

package seed

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"frontdesk/api"
)

// Columns of the rows the generator emits, in insert order.
var (
	customerCols = []string{"id", "email", "email_confirmed", "first_name", "last_name", "phone", "status", "total_orders", "total_spent", "currency", "created_at", "updated_at", "version"}
	addressCols  = []string{"id", "customer_id", "type", "address1", "address2", "city", "state", "zip", "country", "is_default"}
	orderCols    = []string{"id", "number", "customer_id", "status", "payment_status", "fulfillment_status", "currency", "subtotal", "shipping", "tax", "discount", "total", "item_count", "items", "shipping_address", "billing_address", "created_at"}
	ledgerCols   = []string{"id", "customer_id", "type", "points", "balance_after", "order_id", "reason", "note", "agent_id", "created_at"}
	accountCols  = []string{"customer_id", "points_balance", "lifetime_earned"}
	noteCols     = []string{"id", "customer_id", "body", "agent_id", "agent_name", "created_at"}
)

// Currency is the ISO 4217 code of every amount the seed writes (Kenyan
// shillings, in cents).
const Currency = "KES"

// Payment and fulfilment statuses the seed writes into orders.
const (
	PaymentPending  = "pending"
	PaymentPaid     = "paid"
	PaymentRefunded = "refunded"
	PaymentVoided   = "voided"

	FulfillmentUnfulfilled = "unfulfilled"
	FulfillmentPartial     = "partial"
	FulfillmentFulfilled   = "fulfilled"
	FulfillmentReturned    = "returned"
)

// AgentID and AgentName identify the agent the seed credits with its
// adjustments and notes.
const (
	AgentID   = "seed"
	AgentName = "Seed Data"
)

// pointsPerCent converts an order total into loyalty points: one point per
// KES 100 (10,000 cents).
const centsPerPoint = 10000

const (
	day  = int64(24 * time.Hour / time.Millisecond)
	year = 365 * day
	// history is how far before Now the first customer signed up.
	history = 3 * year
)

// batch is the rows of a run of consecutive customers as INSERT
// statements.
type batch struct {
	stmts                                []string
	nCustomers, nOrders, nLedger, nNotes int
	hostileIDs                           []int64
}

// gen produces customers in id order. It is used by one goroutine.
type gen struct {
	rng                    *rand.Rand
	now, start             int64 // unix ms
	total, regular         int
	nextAddr, nextOrder    int64
	nextLedger, nextNote   int64
	emails                 map[string]struct{}
	phoneOffset            uint64
	cityWeights, domWeight []int
	productJSON            [][]byte // `{"sku":…,"name":…,"quantity":` per product
	buf                    []byte
	// Rows being written, per table.
	customersV, addressesV, ordersV, ledgerV, accountsV, notesV *values
}

func newGen(seed int64, now time.Time, customers int, ids [4]int64) *gen {
	regular := max(customers-len(hostiles), 0)
	g := &gen{
		rng:         rand.New(rand.NewPCG(uint64(seed), 0x5eed_f00d_cafe_b0a7)),
		now:         now.UnixMilli(),
		total:       regular + len(hostiles),
		regular:     regular,
		nextAddr:    ids[0],
		nextOrder:   ids[1],
		nextLedger:  ids[2],
		nextNote:    ids[3],
		emails:      make(map[string]struct{}, regular),
		domWeight:   emailDomainWeights,
		productJSON: make([][]byte, len(products)),
		customersV:  newValues("customers", customerCols),
		addressesV:  newValues("addresses", addressCols),
		ordersV:     newValues("orders", orderCols),
		ledgerV:     newValues("loyalty_ledger", ledgerCols),
		accountsV:   newValues("loyalty_accounts", accountCols),
		notesV:      newValues("notes", noteCols),
	}
	g.start = g.now - history
	g.phoneOffset = g.rng.Uint64N(100_000_000)
	for _, c := range cities {
		g.cityWeights = append(g.cityWeights, c.weight)
	}
	for i, p := range products {
		g.productJSON[i] = itemPrefix(p.sku, p.name)
	}
	return g
}

// itemPrefix is the JSON of an order item up to its quantity, so the hot
// loop appends numbers instead of marshalling structs.
func itemPrefix(sku, name string) []byte {
	s, _ := json.Marshal(sku)
	n, _ := json.Marshal(name)
	b := append([]byte(`{"sku":`), s...)
	b = append(b, `,"name":`...)
	b = append(b, n...)
	return append(b, `,"quantity":`...)
}

// fill appends customers [from, to) (1-based ids) to b.
func (g *gen) fill(b *batch, from, to int) {
	for id := from; id < to; id++ {
		var h *hostile
		if k := id - g.regular - 1; k >= 0 {
			h = &hostiles[k]
			b.hostileIDs = append(b.hostileIDs, int64(id))
		}
		g.customer(b, int64(id), h)
	}
	for _, v := range []*values{g.customersV, g.addressesV, g.ordersV, g.accountsV, g.ledgerV, g.notesV} {
		b.stmts = append(b.stmts, v.take()...)
	}
}

func (g *gen) weighted(w []int) int {
	sum := 0
	for _, x := range w {
		sum += x
	}
	r := g.rng.IntN(sum)
	for i, x := range w {
		if r < x {
			return i
		}
		r -= x
	}
	return len(w) - 1
}

// pickSkewed picks from n items with the first ones far more likely, like
// real name frequencies: index = n·u^exp.
func (g *gen) pickSkewed(n int, exp float64) int {
	return min(int(float64(n)*math.Pow(g.rng.Float64(), exp)), n-1)
}

func emailPart(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 'a' && c <= 'z':
			b = append(b, c)
		}
	}
	return string(b)
}

// email derives a unique (case-insensitively: it is all lower case)
// address from the name.
func (g *gen) email(first, last string) string {
	f, l := emailPart(first), emailPart(last)
	var local string
	switch g.rng.IntN(7) {
	case 0, 1:
		local = f + "." + l
	case 2:
		local = f + l
	case 3:
		local = f[:1] + l
	case 4:
		local = f + "_" + l
	case 5:
		local = l + "." + f
	default:
		local = f + l[:1]
	}
	if g.rng.IntN(10) < 6 {
		if g.rng.IntN(2) == 0 {
			local += strconv.Itoa(g.rng.IntN(100))
		} else {
			local += strconv.Itoa(1965 + g.rng.IntN(41))
		}
	}
	domain := emailDomains[g.weighted(g.domWeight)]
	e := local + "@" + domain
	for n := 2; ; n++ {
		if _, taken := g.emails[e]; !taken {
			break
		}
		e = local + "." + strconv.Itoa(n) + "@" + domain
	}
	g.emails[e] = struct{}{}
	return e
}

// phone is unique per customer id: the eight digits after the operator
// prefix are a bijection of the id (multiplying by a number coprime to
// 10^8 permutes 0…10^8-1).
func (g *gen) phone(id int64) string {
	digits := (uint64(id)*2654435761 + g.phoneOffset) % 100_000_000
	p := "+2547"
	if g.rng.IntN(100) < 15 {
		p = "+2541"
	}
	d := strconv.FormatUint(digits, 10)
	for len(d) < 8 {
		d = "0" + d
	}
	return p + d
}

func (g *gen) orderCount() int {
	if g.rng.IntN(1000) < 5 { // a few very loyal customers
		return 20 + g.rng.IntN(41)
	}
	return min(int(-3.5*math.Log(1-g.rng.Float64())), 60)
}

type addr struct {
	api.Address
	json string
}

func (g *gen) address(typ string, def bool, h *hostile) addr {
	c := cities[g.weighted(g.cityWeights)]
	a := api.Address{
		Type:    typ,
		City:    c.name,
		State:   c.county,
		Zip:     c.zips[g.rng.IntN(len(c.zips))],
		Country: "KE",
		Default: def,
	}
	street := c.streets[g.rng.IntN(len(c.streets))]
	if g.rng.IntN(5) == 0 {
		a.Address1 = buildings[g.rng.IntN(len(buildings))] + ", " + street
	} else {
		a.Address1 = strconv.Itoa(1+g.rng.IntN(400)) + " " + street
	}
	a.Address2 = address2s[g.rng.IntN(len(address2s))]
	if h != nil {
		a.Address1 = h.payload
		a.Address2 = truncateRunes(h.payload, 40)
	}
	j, _ := json.Marshal(api.Address{Type: a.Type, Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.State, Zip: a.Zip, Country: a.Country})
	return addr{a, string(j)}
}

// orderRow is what the ledger needs to know about an order.
type orderRow struct {
	id      int64
	at      int64
	total   int64
	status  string
	payment string
}

func (g *gen) customer(b *batch, id int64, h *hostile) {
	// Sign-up times rise with the id, as they would with an autoincrement
	// key: slot id of the history, at a random moment inside it.
	slot := history / int64(g.total)
	created := g.start + (id-1)*slot + g.rng.Int64N(max(slot, 1))
	var first, last, email string
	if h != nil {
		// Hostile records take the last ids, so they are the newest
		// customers and on the first page of the default sort.
		first, last, email = h.first, h.last, HostileEmail(h.kind)
	} else {
		first = firstNames[g.pickSkewed(len(firstNames), 1.6)]
		last = lastNames[g.pickSkewed(len(lastNames), 1.8)]
		email = g.email(first, last)
	}
	phone := g.phone(id)
	ship := g.address("shipping", true, h)
	g.addressesV.add(g.nextAddr, id, ship.Type, ship.Address1, ship.Address2, ship.City, ship.State, ship.Zip, ship.Country, int64(1))
	g.nextAddr++
	var billJSON any
	if g.rng.IntN(10) < 3 {
		bill := g.address("billing", false, h)
		g.addressesV.add(g.nextAddr, id, bill.Type, bill.Address1, bill.Address2, bill.City, bill.State, bill.Zip, bill.Country, int64(0))
		g.nextAddr++
		billJSON = bill.json
	}
	shipFee := int64(25000)
	for _, c := range cities {
		if c.name == ship.City {
			shipFee = c.shipping
		}
	}

	n := g.orderCount()
	if h != nil {
		n = 2
	}
	times := make([]int64, n)
	for i := range times {
		times[i] = created + g.rng.Int64N(max(g.now-created, 1))
	}
	sortInt64s(times)
	orders := make([]orderRow, 0, n)
	var totalOrders, totalSpent int64
	for _, at := range times {
		o := g.order(b, id, at, shipFee, ship.json, billJSON, h)
		orders = append(orders, o)
		if o.status != api.OrderCancelled && o.status != api.OrderRefunded {
			totalOrders++
			totalSpent += o.total
		}
	}

	updated := created
	version := int64(1)
	if g.rng.IntN(10) < 3 {
		updated = created + g.rng.Int64N(max(g.now-created, 1))
		version += 1 + g.rng.Int64N(3)
	}
	confirmed := int64(1)
	if g.rng.IntN(100) < 8 {
		confirmed = 0
	}
	status := api.StatusActive
	if h == nil && g.rng.IntN(1000) < 5 {
		status = api.StatusDisabled
	}
	g.customersV.add(id, email, confirmed, first, last, phone, status, totalOrders, totalSpent, Currency, g.fmtTime(created), g.fmtTime(updated), version)
	b.nCustomers++

	g.ledger(b, id, created, orders, h)

	notes := 0
	if h != nil {
		notes = 1
	} else if g.rng.IntN(100) < 2 {
		notes = 1 + g.rng.IntN(2)
	}
	for range notes {
		body := noteBodies[g.rng.IntN(len(noteBodies))]
		if h != nil {
			body = "Customer wrote: " + h.payload
		}
		at := created + g.rng.Int64N(max(g.now-created, 1))
		g.notesV.add(g.nextNote, id, body, AgentID, AgentName, g.fmtTime(at))
		g.nextNote++
		b.nNotes++
	}
}

func (g *gen) order(b *batch, customer, at, shipFee int64, shipJSON string, billJSON any, h *hostile) orderRow {
	id := g.nextOrder
	g.nextOrder++
	age := g.now - at
	var status string
	r := g.rng.IntN(100)
	switch {
	case age < 2*day:
		status = []string{api.OrderPending, api.OrderPaid, api.OrderProcessing, api.OrderCancelled}[min(r/30, 3)]
	case age < 10*day:
		status = []string{api.OrderProcessing, api.OrderShipped, api.OrderShipped, api.OrderDelivered}[r/25]
		if r < 4 {
			status = api.OrderCancelled
		}
	default:
		switch {
		case r < 7:
			status = api.OrderCancelled
		case r < 11:
			status = api.OrderRefunded
		default:
			status = api.OrderDelivered
		}
	}
	payment, fulfil := PaymentPaid, FulfillmentFulfilled
	switch status {
	case api.OrderPending:
		payment, fulfil = PaymentPending, FulfillmentUnfulfilled
	case api.OrderPaid:
		fulfil = FulfillmentUnfulfilled
	case api.OrderProcessing:
		fulfil = FulfillmentUnfulfilled
		if r%3 == 0 {
			fulfil = FulfillmentPartial
		}
	case api.OrderCancelled:
		payment, fulfil = PaymentVoided, FulfillmentUnfulfilled
	case api.OrderRefunded:
		payment, fulfil = PaymentRefunded, FulfillmentReturned
	}

	lines := 1
	switch r := g.rng.IntN(100); {
	case r < 5:
		lines = 4
	case r < 15:
		lines = 3
	case r < 40:
		lines = 2
	}
	buf := append(g.buf[:0], '[')
	var subtotal int64
	items := 0
	for i := range lines {
		p := g.rng.IntN(len(products))
		q := 1
		if r := g.rng.IntN(100); r < 5 {
			q = 3
		} else if r < 20 {
			q = 2
		}
		price := products[p].price
		if i > 0 {
			buf = append(buf, ',')
		}
		if h != nil && i == 0 {
			buf = append(buf, itemPrefix(products[p].sku, products[p].name+" "+h.payload)...)
		} else {
			buf = append(buf, g.productJSON[p]...)
		}
		buf = strconv.AppendInt(buf, int64(q), 10)
		buf = append(buf, `,"unit_price":`...)
		buf = strconv.AppendInt(buf, price, 10)
		buf = append(buf, `,"total":`...)
		buf = strconv.AppendInt(buf, price*int64(q), 10)
		buf = append(buf, '}')
		subtotal += price * int64(q)
		items += q
	}
	buf = append(buf, ']')
	g.buf = buf
	shipping := shipFee
	if subtotal >= 500000 { // free delivery from KES 5,000
		shipping = 0
	}
	tax := (subtotal*16 + 50) / 100 // VAT 16%
	var discount int64
	if g.rng.IntN(100) < 12 {
		discount = subtotal * int64(5*(1+g.rng.IntN(3))) / 100 / 100 * 100
	}
	total := subtotal + shipping + tax - discount
	number := "FD-" + pad8(id)
	g.ordersV.add(id, number, customer, status, payment, fulfil, Currency, subtotal, shipping, tax, discount, total, int64(items), string(buf), shipJSON, billJSON, g.fmtTime(at))
	b.nOrders++
	return orderRow{id: id, at: at, total: total, status: status, payment: payment}
}

func pad8(n int64) string {
	s := strconv.FormatInt(n, 10)
	for len(s) < 8 {
		s = "0" + s
	}
	return s
}

// ledger writes the customer's loyalty history in time order: earn on
// every paid order, redeem at some checkouts, the odd adjustment by the
// seed agent, and expiry after a year without activity. The running
// balance never goes below zero and the account row is its final value.
func (g *gen) ledger(b *batch, customer, created int64, orders []orderRow, h *hostile) {
	var balance, earned, last int64
	entry := func(typ string, points, at int64, order any, reason, note string, agent any) {
		at = max(at, last) // entries stay in time order
		balance += points
		if points > 0 {
			earned += points
		}
		g.ledgerV.add(g.nextLedger, customer, typ, points, balance, order, reason, note, agent, g.fmtTime(at))
		g.nextLedger++
		b.nLedger++
		last = at
	}
	adjustAt := int64(-1)
	if h != nil || (len(orders) > 0 && g.rng.IntN(100) < 3) {
		adjustAt = created + g.rng.Int64N(max(g.now-created, 1))
	}
	adjust := func() {
		reason := api.AdjustmentReasons[g.rng.IntN(len(api.AdjustmentReasons))]
		notes := adjustNotes[reason]
		note := notes[g.rng.IntN(len(notes))]
		if h != nil {
			note = "Adjusted: " + h.payload
		}
		points := int64(50 + 10*g.rng.IntN(46))
		if reason == api.ReasonCorrection || reason == api.ReasonFraudReversal {
			points = -min(points, balance)
		}
		if points != 0 {
			entry("adjust", points, adjustAt, nil, reason, note, AgentID)
		}
		adjustAt = -1
	}
	for _, o := range orders {
		if adjustAt >= 0 && adjustAt < o.at {
			adjust()
		}
		if o.payment != PaymentPaid {
			continue
		}
		if balance >= 500 && g.rng.IntN(4) == 0 {
			redeem := 100 * (1 + g.rng.Int64N(balance/100))
			entry("redeem", -redeem, o.at, o.id, "", "", nil)
		}
		if pts := o.total / centsPerPoint; pts > 0 {
			entry("earn", pts, o.at+60_000, o.id, "", "", nil)
		}
	}
	if adjustAt >= 0 {
		adjustAt = max(adjustAt, last+1)
		if adjustAt < g.now {
			adjust()
		}
	}
	if balance > 0 && last+year < g.now && g.rng.IntN(10) < 6 {
		entry("expire", -balance, last+year, nil, "", "Points expired after 12 months without activity.", nil)
	}
	g.accountsV.add(customer, balance, earned)
}

func sortInt64s(s []int64) {
	// Insertion sort: the slices are short (≤ 60).
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TimeLayout is how the schema stores times: RFC 3339 UTC with
// milliseconds, so they sort as text.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// fmtTime formats unix milliseconds in TimeLayout without the cost of
// time.Format, which matters at millions of rows.
func (g *gen) fmtTime(ms int64) string {
	t := time.UnixMilli(ms).UTC()
	y, mo, d := t.Date()
	hh, mm, ss := t.Clock()
	var b [24]byte
	put := func(i, v, n int) {
		for k := n - 1; k >= 0; k-- {
			b[i+k] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	b[4] = '-'
	put(5, int(mo), 2)
	b[7] = '-'
	put(8, d, 2)
	b[10] = 'T'
	put(11, hh, 2)
	b[13] = ':'
	put(14, mm, 2)
	b[16] = ':'
	put(17, ss, 2)
	b[19] = '.'
	put(20, int(((ms%1000)+1000)%1000), 3)
	b[23] = 'Z'
	return string(b[:])
}

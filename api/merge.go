package api

// MergeRequest is the body of POST /customers/{keep}/merge and of
// POST /customers/{keep}/merge/preview: the customer to merge into keep.
type MergeRequest struct {
	Drop ID `json:"drop"`
}

// MergeReasonMerge is the reason of the two ledger entries a merge
// appends: the dropped customer's balance leaves its ledger and joins
// the kept customer's.
const MergeReasonMerge = "merge"

// MergePreview is what a merge of Drop into Keep moves, and what Keep
// has after it (POST /customers/{keep}/merge/preview; changes nothing).
type MergePreview struct {
	Keep Customer `json:"keep"`
	Drop Customer `json:"drop"`
	// Orders are Drop's orders (up to MergePreviewList, newest first);
	// OrderCount is all of them.
	Orders     []Order `json:"orders"`
	OrderCount int     `json:"order_count"`
	// Notes are Drop's notes (up to MergePreviewList); NoteCount all.
	Notes     []Note `json:"notes"`
	NoteCount int    `json:"note_count"`
	// Addresses are Drop's addresses; they move without their default
	// flag where Keep has a default of the same type.
	Addresses []Address `json:"addresses"`
	// LedgerCount is the number of Drop's ledger entries. They stay in
	// Drop's ledger; its balance moves as one entry on each side.
	LedgerCount int `json:"ledger_count"`
	// KeepBalance and DropBalance are the balances now; PointsBalance is
	// Keep's after the merge (their sum).
	KeepBalance   int64 `json:"keep_balance"`
	DropBalance   int64 `json:"drop_balance"`
	PointsBalance int64 `json:"points_balance"`
	// TotalOrders and TotalSpent are Keep's lifetime totals after.
	TotalOrders int   `json:"total_orders"`
	TotalSpent  int64 `json:"total_spent"`
}

// MergePreviewList bounds the orders and notes a preview lists.
const MergePreviewList = 20

// MergeResult is the answer of POST /customers/{keep}/merge (201; a
// replay of the same Idempotency-Key answers it again).
type MergeResult struct {
	KeepID ID `json:"keep_id"`
	DropID ID `json:"drop_id"`
	// Moved counts what moved from Drop to Keep.
	Moved MergeMoved `json:"moved"`
	// PointsBalance, TotalOrders and TotalSpent are Keep's after.
	PointsBalance int64 `json:"points_balance"`
	TotalOrders   int   `json:"total_orders"`
	TotalSpent    int64 `json:"total_spent"`
}

// MergeMoved counts what a merge moved.
type MergeMoved struct {
	Orders    int   `json:"orders"`
	Notes     int   `json:"notes"`
	Addresses int   `json:"addresses"`
	Points    int64 `json:"points"`
	// LifetimeEarned is Drop's lifetime earned points, added to Keep's.
	LifetimeEarned int64 `json:"lifetime_earned"`
}

package contract_test

import (
	"time"

	"frontdesk/api"
)

var t0 = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

func adjustEntry() api.LedgerEntry {
	return api.LedgerEntry{ID: "9001", Type: api.LedgerAdjust, Points: 50, BalanceAfter: 370,
		Reason: api.ReasonGoodwill, Note: "late delivery", AgentID: "ag_1", AgentName: "Wanjiru Kamau", CreatedAt: t0}
}

func note() api.Note {
	return api.Note{ID: "7", CustomerID: "42", Body: "Called about order ORD-1001", AgentID: "ag_1", AgentName: "Wanjiru Kamau", CreatedAt: t0}
}

package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// newClock is the sandbox tests' clock, at a fixed moment.
func newClock() *sandboxtest.Clock {
	return sandboxtest.NewClock(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
}

// wantError checks that r is an error envelope with status and code.
func wantError(t *testing.T, r sandboxtest.Response, status int, code string) *api.ErrorBody {
	t.Helper()
	if r.Status != status || r.Code() != code {
		t.Fatalf("got %d %q, want %d %q\n%s", r.Status, r.Code(), status, code, r.Body)
	}
	if r.Envelope.Status != api.EnvelopeError || r.Envelope.Error.Message == "" {
		t.Fatalf("error envelope without status or message: %s", r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want JSON", ct)
	}
	return r.Envelope.Error
}

// wantStatus checks a success status.
func wantStatus(t *testing.T, r sandboxtest.Response, status int) {
	t.Helper()
	if r.Status != status || r.Envelope.Status != api.EnvelopeSuccess {
		t.Fatalf("got %d, want %d success\n%s", r.Status, status, r.Body)
	}
}

// newCustomer creates a fresh active customer with a supervisor key.
func newCustomer(t *testing.T, env *sandboxtest.Env, email string) api.Customer {
	t.Helper()
	r := env.Do(t, "supervisor", "POST", "/customers", api.CustomerCreate{
		Email: email, FirstName: "Zawadi", LastName: "Kilonzo", Phone: "0712 345 678",
		Addresses: []api.Address{{Type: "shipping", Address1: "Moi Avenue 12", City: "Mombasa", Country: "Kenya"}},
	})
	wantStatus(t, r, 201)
	var out api.CustomerEnvelope
	r.Data(t, &out)
	return out.Customer
}

// customerWithOrders finds a seeded customer with at least n orders.
func customerWithOrders(t *testing.T, env *sandboxtest.Env, n int) int64 {
	t.Helper()
	var id int64
	if err := env.DB.QueryRow(`SELECT customer_id FROM orders GROUP BY customer_id HAVING count(*) >= ? ORDER BY count(*) DESC LIMIT 1`, n).Scan(&id); err != nil {
		t.Fatalf("no seeded customer with %d orders: %v", n, err)
	}
	return id
}

func adjust(t *testing.T, env *sandboxtest.Env, role string, id api.ID, key string, points int64) sandboxtest.Response {
	t.Helper()
	return env.Do(t, role, "POST", fmt.Sprintf("/customers/%s/loyalty/adjustments", id),
		api.AdjustmentRequest{Points: points, Reason: api.ReasonGoodwill, Note: "late delivery"},
		api.HeaderIdempotencyKey, key)
}

// ledgerSum is SUM(points) of a customer's ledger and its account balance.
func ledgerSum(t *testing.T, env *sandboxtest.Env, id api.ID) (sum, balance int64) {
	t.Helper()
	if err := env.DB.QueryRow(`SELECT coalesce(sum(points), 0) FROM loyalty_ledger WHERE customer_id = ?`, id.String()).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if err := env.DB.QueryRow(`SELECT coalesce((SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?), 0)`, id.String()).Scan(&balance); err != nil {
		t.Fatal(err)
	}
	return sum, balance
}

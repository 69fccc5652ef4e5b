package cli

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/sandbox"
)

// Scripts do not change with the store: against every platform's sandbox
// dialect, `customers search|show` and `orders list|find` print frontdesk's own
// JSON shapes (no field of another platform's), with the platform's ids;
// what the platform cannot do exits 6 with its sentence.
func TestEveryPlatformPrintsFrontdesksShapes(t *testing.T) {
	for _, name := range sandbox.Dialects {
		t.Run(name, func(t *testing.T) {
			e, drv, run := onDialect(t, name, 30)
			caps := drv.caps()

			// A seeded customer with orders, in the platform's id.
			var sid, email string
			if err := run.DB.QueryRow(`SELECT c.id, c.email FROM customers c JOIN orders o ON o.customer_id = c.id
				WHERE c.email NOT LIKE 'hostile-%' GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1`).Scan(&sid, &email); err != nil {
				t.Fatal(err)
			}
			id := sandbox.PlatformCustomerID(name, api.ID(sid))

			check := func(c client.Capability, args []string, into any) {
				t.Helper()
				r := e.run("", append(args, "--json")...)
				if !caps.Has(c) {
					if r.code != ExitUnsupported || !strings.Contains(r.stderr, caps.Why(c)) {
						t.Errorf("%v on a platform without %s: %+v", args, c, r)
					}
					return
				}
				if r.code != ExitOK {
					t.Fatalf("%v: %+v", args, r)
				}
				dec := json.NewDecoder(bytes.NewReader([]byte(r.stdout)))
				dec.DisallowUnknownFields()
				if err := dec.Decode(into); err != nil {
					t.Fatalf("%v printed what is not frontdesk's shape (%v):\n%s", args, err, r.stdout)
				}
			}
			var list api.CustomerList
			check(client.CapSearch, []string{"customers", "search", email}, &list)
			if caps.Has(client.CapSearch) && !slices.ContainsFunc(list.Customers, func(c api.Customer) bool { return string(c.ID) == id }) {
				t.Errorf("searching %s did not find %s: %+v", email, id, list.Customers)
			}
			var one api.CustomerEnvelope
			check(client.CapReadProfile, []string{"customers", "show", id}, &one)
			if caps.Has(client.CapReadProfile) && (string(one.Customer.ID) != id || !strings.EqualFold(one.Customer.Email, email)) {
				t.Errorf("show %s: %+v", id, one.Customer)
			}
			var orders api.OrderList
			check(client.CapOrders, []string{"orders", "list", id}, &orders)
			if caps.Has(client.CapOrders) && len(orders.Orders) == 0 {
				t.Errorf("orders list %s: none", id)
			}

			// orders find: the first listed order by its number, and the
			// customer who placed it; an unknown number exits 3.
			number := "FD-00000001"
			if len(orders.Orders) > 0 {
				number = orders.Orders[0].Number
			}
			var found api.OrderMatch
			check(client.CapFindOrder, []string{"orders", "find", number}, &found)
			if caps.Has(client.CapFindOrder) {
				if found.Order.Number != number || found.Order.ID != orders.Orders[0].ID || string(found.Customer.ID) != id ||
					!strings.EqualFold(found.Customer.Email, email) || len(found.Order.Items) == 0 {
					t.Errorf("orders find %s: %+v", number, found)
				}
				if r := e.run("", "orders", "find", "#99999999"); r.code != ExitNotFound {
					t.Errorf("orders find of an unknown number: %+v, want exit %d", r, ExitNotFound)
				}
			}
		})
	}
}

// onDialect starts the sandbox speaking platform name's wire format with
// customers seeded, and returns a CLI environment logged in to it through
// the environment (the dialect's key, secret and options), the
// platform's driver entry and the running sandbox.
func onDialect(t *testing.T, name string, customers int) (*credEnv, platformDriver, *sandbox.Running) {
	t.Helper()
	run, err := sandbox.Start(t.Context(), sandbox.StartOptions{Customers: customers, Seed: 1, Dialect: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close(t.Context()) })
	creds := dialectCredentials(run, run.Key)
	e := newCredEnv(t)
	e.vars[EnvAPIURL], e.vars[EnvAPIKey], e.vars[EnvAPISecret], e.vars[EnvPlatform] = creds.URL, creds.KeyID, creds.Secret, name
	var opts []string
	for k, v := range creds.Options {
		opts = append(opts, k+"="+v)
	}
	e.vars[EnvAPIOptions] = strings.Join(opts, ",")
	drv, err := platformNamed(name)
	if err != nil {
		t.Fatal(err)
	}
	return e, drv, run
}

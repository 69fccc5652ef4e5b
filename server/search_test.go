package server_test

import (
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/store/postgres/pgtest"
)

// onEngines runs fn on a sandbox over each storage engine: SQLite, and
// PostgreSQL when FRONTDESK_TEST_POSTGRES names one (skipped otherwise,
// see pgtest).
func onEngines(t *testing.T, o sandboxtest.Options, fn func(t *testing.T, env *sandboxtest.Env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, sandboxtest.New(t, o)) })
	t.Run("postgres", func(t *testing.T) {
		o := o
		o.Postgres = pgtest.DSN(t)
		fn(t, sandboxtest.New(t, o))
	})
}

// searchIDs is the ids GET /customers?search=q answers, in order.
func searchIDs(t *testing.T, env *sandboxtest.Env, q string) []api.ID {
	t.Helper()
	var list api.CustomerList
	env.Do(t, "viewer", "GET", "/customers?limit=100&search="+url.QueryEscape(q), nil).Data(t, &list)
	out := make([]api.ID, len(list.Customers))
	for i, c := range list.Customers {
		out[i] = c.ID
	}
	return out
}

func createNamed(t *testing.T, env *sandboxtest.Env, email, first, last string) api.Customer {
	t.Helper()
	r := env.Do(t, "supervisor", "POST", "/customers", api.CustomerCreate{Email: email, FirstName: first, LastName: last})
	wantStatus(t, r, 201)
	var out api.CustomerEnvelope
	r.Data(t, &out)
	return out.Customer
}

// TestSearchFoldsUnicode: the search folds case and accents the same way
// on every engine, through the API.
func TestSearchFoldsUnicode(t *testing.T) {
	onEngines(t, sandboxtest.Options{Customers: 60}, func(t *testing.T, env *sandboxtest.Env) {
		elodie := createNamed(t, env, "elodie.ngugi@example.co.ke", "Élodie", "Ngugi")
		muller := createNamed(t, env, "jm@example.de", "Jürgen", "Müller")
		for _, c := range []struct {
			q    string
			want api.ID
		}{
			{"élodie", elodie.ID}, {"ELODIE", elodie.ID}, {"elodie", elodie.ID}, {"Élodie Ngugi", elodie.ID}, {"elodie NGUGI", elodie.ID},
			{"muller", muller.ID}, {"MÜLLER", muller.ID}, {"jurgen muller", muller.ID},
		} {
			if got := searchIDs(t, env, c.q); !slices.Equal(got, []api.ID{c.want}) {
				t.Errorf("search %q = %v, want [%s]", c.q, got, c.want)
			}
		}
		if got := searchIDs(t, env, "ngugi"); !slices.Contains(got, elodie.ID) {
			t.Errorf("search ngugi = %v, lacks Élodie Ngugi (%s)", got, elodie.ID)
		}
	})
}

// TestSearchAcrossReplicas: a customer created or renamed through one
// server is found by its new name (not its old one) at the very next
// search through another server on the same database.
func TestSearchAcrossReplicas(t *testing.T) {
	onEngines(t, sandboxtest.Options{Customers: 60}, func(t *testing.T, a *sandboxtest.Env) {
		b := a.Replica(t)
		if got := searchIDs(t, b, "wairimu"); len(got) != 0 {
			t.Fatalf("search wairimu before the create = %v", got)
		}
		c := createNamed(t, a, "replica-test@example.co.ke", "Amani", "Wairimu")
		if got := searchIDs(t, b, "wairimu"); !slices.Equal(got, []api.ID{c.ID}) {
			t.Fatalf("the replica's search wairimu right after the create = %v, want [%s]", got, c.ID)
		}
		r := a.Do(t, "agent", "PATCH", "/customers/"+c.ID.String(), map[string]string{"last_name": "Ngũgĩ"}, "If-Match", `"`+strconv.FormatInt(c.Version, 10)+`"`)
		wantStatus(t, r, 200)
		if got := searchIDs(t, b, "amani ngugi"); !slices.Equal(got, []api.ID{c.ID}) {
			t.Fatalf("the replica's search amani ngugi right after the rename = %v, want [%s]", got, c.ID)
		}
		if got := searchIDs(t, b, "wairimu"); slices.Contains(got, c.ID) {
			t.Fatalf("the replica's search for the old name still finds %s", c.ID)
		}
	})
}

// TestReadyWaitsForTheSearchIndex: /readyz is 200 once the search index
// has loaded the seeded customers, and a search right after finds them.
func TestReadyWaitsForTheSearchIndex(t *testing.T) {
	onEngines(t, sandboxtest.Options{Customers: 120}, func(t *testing.T, env *sandboxtest.Env) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			code, body := get(t, env.URL+"/readyz")
			if code == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("readyz still %d %q", code, body)
			}
		}
		w, ok := env.Engine.(interface{ SearchReady() bool })
		if !ok || !w.SearchReady() {
			t.Fatal("/readyz said ready before the search index was loaded")
		}
		var list api.CustomerList
		env.Do(t, "viewer", "GET", "/customers?limit=1", nil).Data(t, &list)
		if list.Total != 120 {
			t.Fatalf("after ready, the listing counts %d customers, want 120", list.Total)
		}
	})
}

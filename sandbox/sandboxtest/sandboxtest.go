// Package sandboxtest starts a real sandbox API for tests: an httptest
// server over a seeded SQLite file in t.TempDir() (or, with
// Options.Postgres, a PostgreSQL schema the seed is copied into), with a
// key for every role. Every other package's tests talk to the API
// through it.
package sandboxtest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/api/contract"
	"frontdesk/sandbox/seed"
	"frontdesk/server"
	"frontdesk/store"
	"frontdesk/store/postgres"
	"frontdesk/store/sqlite"
	"frontdesk/store/sqlite/schema"
)

// loadContract loads api/openapi.yaml once per test binary. The validator
// is immutable and safe for concurrent use, and loading it costs about
// 150 ms under -race: once per sandbox, that added up across the suite.
var loadContract = sync.OnceValues(contract.New)

// Options configure New. The zero value gives 50 seeded customers.
type Options struct {
	// Customers to seed; 0 means 50, a negative number none.
	Customers int
	// Seed for the generator (default 1).
	Seed int64
	// Now is the API's clock (default time.Now); the seed data is
	// generated relative to it.
	Now func() time.Time
	// RateLimit and RateBurst are passed to server.Options (0: the
	// server's defaults; a negative RateLimit turns limiting off).
	RateLimit float64
	RateBurst int
	// RateNow is the rate limiter's clock (default time.Now), apart from
	// Now so that freezing the API's clock does not freeze the limiter.
	RateNow func() time.Time
	// GatewaySessions and GatewayLeaseTTL are passed to server.Options
	// (zero: no caps, the default lease time).
	GatewaySessions store.GatewayCaps
	GatewayLeaseTTL time.Duration
	// Postgres, when set, is a PostgreSQL DSN of the test's own (see
	// store/postgres/pgtest) for the server to run on instead of the
	// SQLite file: the seed is made in SQLite and copied there
	// (CopySQLite). Env.Store and Env.DB are nil then.
	Postgres string
}

// LoyaltyLimit is the loyalty limit of the "agent" role's test agent.
const LoyaltyLimit = 500

// Env is a running test sandbox.
type Env struct {
	// URL is the base URL, without /api/v1.
	URL string
	// DB is the SQLite database under Store, for tests that look at rows.
	DB     *sql.DB
	DBPath string
	// Store is the SQLite engine the server runs on (nil on PostgreSQL).
	Store *sqlite.Store
	// Engine is the storage engine the server runs on, whichever it is.
	Engine store.Store
	Server *server.Server
	// Keys holds a key for "viewer", "agent", "supervisor", "admin" and
	// "gateway" (a gateway key whose own agent is a viewer).
	Keys map[string]server.Key
	// Agents maps the same names to agent ids.
	Agents map[string]string

	opts Options
}

// New starts a sandbox for t; it is shut down and its files removed by
// t.Cleanup.
func New(t testing.TB, o Options) *Env {
	t.Helper()
	if o.Customers == 0 {
		o.Customers = 50
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	db, err := schema.Open(ctx, path)
	if err != nil {
		t.Fatalf("sandboxtest: open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if o.Customers > 0 {
		if _, err := seed.Run(ctx, db, seed.Options{Customers: o.Customers, Seed: o.Seed, Now: o.Now()}); err != nil {
			t.Fatalf("sandboxtest: seed %d customers: %v", o.Customers, err)
		}
	}
	env := &Env{DB: db, DBPath: path, Store: sqlite.New(db), Keys: map[string]server.Key{}, Agents: map[string]string{}}
	env.Engine = env.Store
	if o.Postgres != "" {
		pg, err := postgres.Open(ctx, o.Postgres)
		if err != nil {
			t.Fatalf("sandboxtest: open postgres: %v", err)
		}
		t.Cleanup(func() { pg.Close() })
		if _, err := pg.CopySQLite(ctx, db, nil); err != nil {
			t.Fatalf("sandboxtest: copy the seed to postgres: %v", err)
		}
		env.Engine, env.Store, env.DB = pg, nil, nil
	}
	env.opts = o
	specs := []server.KeySpec{
		{AgentID: "test-viewer", Name: "Vera Viewer", Role: api.RoleViewer},
		{AgentID: "test-agent", Name: "Amani Agent", Role: api.RoleAgent, LoyaltyLimit: LoyaltyLimit},
		{AgentID: "test-supervisor", Name: "Sifa Supervisor", Role: api.RoleSupervisor},
		{AgentID: "test-admin", Name: "Adhiambo Admin", Role: api.RoleAdmin},
		{AgentID: "test-gateway", Name: "SSH Gateway", Role: api.RoleViewer, Gateway: true},
	}
	for _, spec := range specs {
		k, err := server.MintKey(ctx, env.Engine, spec)
		if err != nil {
			t.Fatalf("sandboxtest: %v", err)
		}
		name := spec.Role
		if spec.Gateway {
			name = "gateway"
		}
		env.Keys[name] = k
		env.Agents[name] = spec.AgentID
	}
	env.serve(t, env.Engine)
	return env
}

// Replica starts a second server over a second Store on e's database
// (another server replica: the same SQLite file, the same PostgreSQL
// schema), with e's keys; it is shut down by t.Cleanup.
func (e *Env) Replica(t testing.TB) *Env {
	t.Helper()
	ctx := context.Background()
	var st store.Store
	var err error
	if e.opts.Postgres != "" {
		st, err = postgres.Open(ctx, e.opts.Postgres)
	} else {
		st, err = sqlite.Open(ctx, e.DBPath)
	}
	if err != nil {
		t.Fatalf("sandboxtest: open a replica's store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	r := &Env{DBPath: e.DBPath, Engine: st, Keys: e.Keys, Agents: e.Agents, opts: e.opts}
	if lite, ok := st.(*sqlite.Store); ok {
		r.Store, r.DB = lite, lite.DB()
	}
	r.serve(t, st)
	return r
}

// serve starts e's server over st.
func (e *Env) serve(t testing.TB, st store.Store) {
	t.Helper()
	o := e.opts
	e.Server = server.New(st, server.Options{Now: o.Now, RateLimit: o.RateLimit, RateBurst: o.RateBurst, RateNow: o.RateNow, Logger: testLogger(t),
		GatewaySessions: o.GatewaySessions, GatewayLeaseTTL: o.GatewayLeaseTTL})
	env := e
	// Every response of every test is checked against api/openapi.yaml:
	// a sandbox answer that drifts from the contract fails the test that
	// provoked it.
	v, err := loadContract()
	if err != nil {
		t.Fatalf("sandboxtest: load the contract: %v", err)
	}
	h := v.Handler(env.Server, func(err error) {
		t.Errorf("sandboxtest: %v", err)
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	env.URL = srv.URL
}

// Response is what Do got back.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Envelope is Body decoded (zero if it was not JSON).
	Envelope api.Envelope
}

// Do sends one request as role (a key name from Keys; "" sends no
// credentials) to path under /api/v1. body, when not nil, is sent as JSON
// ([]byte and string are sent as they are). headers are name, value
// pairs.
func (e *Env) Do(t testing.TB, role, method, path string, body any, headers ...string) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("sandboxtest: encode body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.URL+api.Base+path, rd)
	if err != nil {
		t.Fatalf("sandboxtest: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		k, ok := e.Keys[role]
		if !ok {
			t.Fatalf("sandboxtest: no key named %q", role)
		}
		req.SetBasicAuth(k.KeyID, k.Secret)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("sandboxtest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("sandboxtest: read %s %s: %v", method, path, err)
	}
	out := Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
	json.Unmarshal(raw, &out.Envelope)
	return out
}

// Data decodes the success envelope's data into v, failing t otherwise.
func (r Response) Data(t testing.TB, v any) {
	t.Helper()
	if r.Envelope.Status != api.EnvelopeSuccess {
		t.Fatalf("want a success envelope, got %d %s", r.Status, r.Body)
	}
	if err := json.Unmarshal(r.Envelope.Data, v); err != nil {
		t.Fatalf("decode data: %v\n%s", err, r.Body)
	}
}

// Code is error.code of an error envelope ("" for a success).
func (r Response) Code() string {
	if r.Envelope.Error == nil {
		return ""
	}
	return r.Envelope.Error.Code
}

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/server"
	"frontdesk/store"
	"frontdesk/store/postgres"
	"frontdesk/store/postgres/pgtest"
)

// Two desk servers on one PostgreSQL database, a gateway in front of
// each. An on-behalf session started through one server works and ends
// through the other. Then eight clients post retried adjustments (four over HTTP to either
// server, four over SSH through either gateway) while one server is
// killed with SIGKILL and started again. Every acknowledged adjustment
// is applied exactly once, none is lost, every balance equals its
// ledger, and the audit chain verifies with one row per adjustment.
func TestReplicasSurviveAKilledServer(t *testing.T) {
	gwNeed(t, "ssh", "ssh-keygen")
	dsn := pgtest.DSN(t)
	bin := buildFrontdesk(t)
	ctx := t.Context()
	dir := t.TempDir()

	ports := [2]string{freePort(t), freePort(t)}
	serverArgs := func(i int) []string {
		return []string{"server", "--db", dsn, "--addr", "127.0.0.1:" + ports[i], "--rate-limit", "-1", "--shutdown-timeout", "5s"}
	}
	var servers [2]*served
	servers[0] = serve(t, bin, serverArgs(0), "key", "secret")
	boot := server.Key{KeyID: servers[0].Lines["key"], Secret: servers[0].Lines["secret"]}
	servers[1] = serve(t, bin, serverArgs(1))
	if _, printed := servers[1].Lines["secret"]; printed {
		t.Fatal("the second replica made a second bootstrap key")
	}
	urls := [2]string{servers[0].URL(), servers[1].URL()}

	// Agents and a gateway key, minted straight into the database.
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const clients, perClient = 8, 20
	keys := make([]server.Key, clients)
	agentIDs := make([]string, clients)
	for i := range clients {
		agentIDs[i] = fmt.Sprintf("replica-agent-%d", i)
		if keys[i], err = server.MintKey(ctx, st, server.KeySpec{AgentID: agentIDs[i], Name: fmt.Sprintf("Agent %d", i), Role: api.RoleSupervisor}); err != nil {
			t.Fatal(err)
		}
	}
	gatewayKey, err := server.MintKey(ctx, st, server.KeySpec{AgentID: "replica-gateway", Name: "Gateway", Role: api.RoleViewer, Gateway: true})
	if err != nil {
		t.Fatal(err)
	}

	// One customer per client, created through the API.
	customers := make([]api.ID, clients)
	for i := range clients {
		var out api.CustomerEnvelope
		code := postJSON(t, urls[i%2], boot, "/customers", api.CustomerCreate{
			Email: fmt.Sprintf("replica-%d@example.co.ke", i), FirstName: "Replica", LastName: fmt.Sprintf("Customer%d", i),
		}, nil, &out)
		if code != http.StatusCreated {
			t.Fatalf("create customer %d: %d", i, code)
		}
		customers[i] = out.Customer.ID
	}

	// An on-behalf session started through one replica works, and ends,
	// through the other.
	var sess api.AgentSession
	if code := postJSON(t, urls[0], keys[0], "/customers/"+string(customers[0])+"/agent-sessions",
		api.AgentSessionCreate{Reason: "customer on the phone"}, nil, &sess); code != http.StatusCreated || sess.Token == "" {
		t.Fatalf("start a session on server 1: %d", code)
	}
	if code := getAs(t, urls[1], keys[0], "/customers/"+string(customers[0]), sess.Token); code != http.StatusOK {
		t.Fatalf("the session's token on server 2: %d", code)
	}
	if code := do(t, urls[1], keys[0], http.MethodDelete, "/agent-sessions/"+string(sess.ID)); code != http.StatusNoContent {
		t.Fatalf("end the session on server 2: %d", code)
	}
	if code := getAs(t, urls[0], keys[0], "/customers/"+string(customers[0]), sess.Token); code != http.StatusUnauthorized {
		t.Fatalf("the ended session's token on server 1: %d, want 401", code)
	}

	// The SSH clients' agents file and a gateway in front of each server.
	var agents strings.Builder
	sshKeys := make([]string, clients)
	for i := clients / 2; i < clients; i++ {
		sshKeys[i] = gwKey(t, dir, fmt.Sprintf("agent%d", i))
		fmt.Fprintf(&agents, "[[agent]]\nid = %q\nname = %q\nrole = %q\nkeys = [%q]\n\n", agentIDs[i], fmt.Sprintf("Agent %d", i), api.RoleSupervisor, gwPub(t, sshKeys[i]))
	}
	agentsFile := filepath.Join(dir, "agents.toml")
	if err := os.WriteFile(agentsFile, []byte(agents.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var gateways [2]*gwServer
	for i := range gateways {
		gdir := filepath.Join(dir, fmt.Sprintf("gw%d", i))
		if err := os.MkdirAll(filepath.Join(gdir, "state"), 0o700); err != nil {
			t.Fatal(err)
		}
		gateways[i] = gwStartOn(t, bin, gdir, agentsFile, urls[i], gatewayKey)
	}

	// The clients. Each retries its adjustment with the same key, on the
	// other server or gateway, until it is acknowledged.
	var acked, retried atomic.Int64
	want := make([]int64, clients) // points acknowledged, by client
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	deadline := time.Now().Add(3 * time.Minute)
	for c := range clients {
		wg.Go(func() {
			for n := range perClient {
				key := fmt.Sprintf("replica-%d-%d", c, n)
				points := int64(n + 1)
				for attempt := 0; ; attempt++ {
					if time.Now().After(deadline) {
						errs <- fmt.Errorf("client %d: adjustment %s not acknowledged in time", c, key)
						return
					}
					via := (c + attempt) % 2
					var ok bool
					if c < clients/2 {
						ok = adjustHTTP(urls[via], keys[c], customers[c], key, points)
					} else {
						ok = adjustSSH(gateways[via], dir, sshKeys[c], customers[c], key, points)
					}
					if ok {
						want[c] += points
						acked.Add(1)
						if attempt > 0 {
							retried.Add(1)
						}
						break
					}
					time.Sleep(50 * time.Millisecond) // a retry's back-off, not synchronisation
				}
			}
		})
	}

	// Kill the first server once the clients are well under way, and start
	// it again on the same address.
	for acked.Load() < clients*perClient/4 {
		if time.Now().After(deadline) {
			t.Fatal("the clients made no progress")
		}
		time.Sleep(20 * time.Millisecond) // polling
	}
	servers[0].cmd.Process.Kill() // SIGKILL: no drain, no goodbye
	<-servers[0].done
	t.Logf("server 1 killed after %d acknowledged adjustments", acked.Load())
	servers[0] = serve(t, bin, serverArgs(0))
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	// Exactly once, nothing lost, balances equal ledgers.
	var applied int
	err = st.Read(ctx, func(tx store.Tx) error {
		for c := range clients {
			n, err := tx.CountLedger(ctx, customers[c])
			if err != nil {
				return err
			}
			entries, err := tx.LedgerOf(ctx, customers[c], n, 0)
			if err != nil {
				return err
			}
			var sum, adjusts int64
			for _, e := range entries {
				sum += e.Points
				if e.Type == "adjust" {
					adjusts++
				}
			}
			balance, _, err := tx.LoyaltyAccount(ctx, customers[c])
			if err != nil {
				return err
			}
			if adjusts != perClient || sum != want[c] || balance != sum {
				t.Errorf("customer of client %d: %d adjustments summing %d, balance %d; want %d adjustments summing %d",
					c, adjusts, sum, balance, perClient, want[c])
			}
			applied += int(adjusts)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.VerifyAudit(ctx)
	if err != nil {
		t.Fatalf("audit verify: %v", err)
	}
	if res.Rows < int64(applied+clients) {
		t.Errorf("the audit chain has %d rows for %d adjustments and %d customers", res.Rows, applied, clients)
	}
	// The operator's check, on the database the servers share.
	out, err := exec.Command(bin, "audit", "verify", "--db", dsn).CombinedOutput()
	if err != nil || !strings.Contains(string(out), fmt.Sprintf("audit chain intact: %d rows", res.Rows)) {
		t.Errorf("frontdesk audit verify --db postgres://…: %v\n%s", err, out)
	}
	if retried.Load() == 0 {
		t.Error("no adjustment needed a retry: the kill tested nothing")
	}
	t.Logf("%d adjustments through 2 servers and 2 gateways, one server killed, %d acknowledged only on a retry: each applied once; audit chain intact with %d rows",
		applied, retried.Load(), res.Rows)
}

// freePort is a TCP port free on 127.0.0.1 now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// postJSON posts body to path under base's API as k, decoding a success
// into out; it returns the status (0 when no answer came).
func postJSON(t *testing.T, base string, k server.Key, path string, body any, headers map[string]string, out any) int {
	t.Helper()
	code, raw := post(base, k, path, body, headers)
	if code >= 200 && code < 300 && out != nil {
		var env api.Envelope
		if err := json.Unmarshal(raw, &env); err != nil || json.Unmarshal(env.Data, out) != nil {
			t.Fatalf("POST %s: %d %s", path, code, raw)
		}
	}
	return code
}

func post(base string, k server.Key, path string, body any, headers map[string]string) (int, []byte) {
	b, _ := json.Marshal(body)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+api.Base+path, bytes.NewReader(b))
	req.SetBasicAuth(k.KeyID, k.Secret)
	req.Header.Set("Content-Type", "application/json")
	for h, v := range headers {
		req.Header.Set(h, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// getAs GETs path as k acting through an on-behalf session's token.
func getAs(t *testing.T, base string, k server.Key, path, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+api.Base+path, nil)
	req.SetBasicAuth(k.KeyID, k.Secret)
	req.Header.Set(api.HeaderCustomerToken, token)
	return send(t, req)
}

// do sends a bodiless request as k and returns its status.
func do(t *testing.T, base string, k server.Key, method, path string) int {
	t.Helper()
	req, _ := http.NewRequest(method, base+api.Base+path, nil)
	req.SetBasicAuth(k.KeyID, k.Secret)
	return send(t, req)
}

func send(t *testing.T, req *http.Request) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// adjustHTTP posts one adjustment; true when the server acknowledged it
// (applied now, or replayed from an earlier try).
func adjustHTTP(base string, k server.Key, id api.ID, key string, points int64) bool {
	code, _ := post(base, k, "/customers/"+string(id)+"/loyalty/adjustments",
		api.AdjustmentRequest{Points: points, Reason: api.ReasonGoodwill, Note: "replica test"},
		map[string]string{api.HeaderIdempotencyKey: key})
	return code == http.StatusCreated
}

// adjustSSH runs `loyalty adjust` through a gateway as the agent whose
// key is identity; true when it exited 0.
func adjustSSH(gw *gwServer, home, identity string, id api.ID, key string, points int64) bool {
	args := append(gw.sshArgs(identity), "127.0.0.1",
		fmt.Sprintf("loyalty adjust %s --points %d --reason goodwill --note 'replica test' --idempotency-key %s", id, points, key))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home}
	return cmd.Run() == nil
}

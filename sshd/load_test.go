package sshd_test

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/sandbox/sandboxtest"
)

// loadSessions is how many consoles TestConcurrentConsoles opens; the
// benchmark opens 100.
const loadSessions = 20

// TestConcurrentConsoles opens consoles at once, each with a PTY, each
// running a search and reading its answer off the screen.
func TestConcurrentConsoles(t *testing.T) {
	g := startGateway(t, gatewayOptions{sandbox: sandboxtest.Options{RateLimit: -1}})
	cust := pickCustomer(t, g.env)
	before := memNow()
	cons, err := openMany(g, loadSessions, 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	if err := searchAll(cons, cust.last, `matching "`+cust.last+`"`); err != nil {
		t.Fatal(err)
	}
	after := memNow()
	t.Logf("%d consoles: VmRSS %s → %s, heap in use %s → %s (in-process: gateway, sandbox and clients)",
		len(cons), mb(before.rss), mb(after.rss), mb(before.heap), mb(after.heap))
	if n := g.srv.Sessions(); n != loadSessions {
		t.Fatalf("%d sessions open, want %d", n, loadSessions)
	}
}

// openMany opens n consoles concurrently with the roles' keys in turn and
// waits until each shows its agent.
func openMany(g *gateway, n, w, h int) ([]*console, error) {
	roles := map[string]string{"viewer": "Vera Viewer (viewer)", "agent": "Amani Agent (agent)", "supervisor": "Sifa Supervisor (supervisor)"}
	cons := make([]*console, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		role := fileRoles[i%len(fileRoles)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := g.dial(g.keys[role])
			if err != nil {
				errs <- fmt.Errorf("console %d: dial: %w", i, err)
				return
			}
			con, err := openConsoleOn(c, w, h)
			if err != nil {
				c.Close()
				errs <- fmt.Errorf("console %d: %w", i, err)
				return
			}
			con.t = g.t
			cons[i] = con
			if _, err := con.await(60*time.Second, roles[role]); err != nil {
				errs <- fmt.Errorf("console %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	g.t.Cleanup(func() {
		for _, c := range cons {
			if c != nil {
				c.client.Close()
			}
		}
	})
	close(errs)
	return cons, <-errs
}

// searchAll types query into every console at once and waits for want.
func searchAll(cons []*console, query, want string) error {
	errs := make(chan error, len(cons))
	var wg sync.WaitGroup
	for i, con := range cons {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := typeInto(con, query); err != nil {
				errs <- err
				return
			}
			if _, err := con.await(60*time.Second, want); err != nil {
				errs <- fmt.Errorf("console %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// typeInto writes keys to a console without failing a test from a
// goroutine.
func typeInto(c *console, s string) (int, error) { return c.stdin.Write([]byte(s)) }

type mem struct{ rss, heap uint64 }

// memNow is the process's resident set (VmRSS) and Go heap in use, after
// a collection so the heap figure is what is live.
func memNow() mem {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return mem{rss: vmRSS(), heap: ms.HeapInuse}
}

func vmRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func mb(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

// benchSessions is how many consoles the benchmarks hold open.
const benchSessions = 100

// openForBench starts a gateway and opens benchSessions consoles, each
// having run a search, after warming the shared parts (the HTTP pool, the
// sandbox, code paths) with one console so later figures are per session.
func openForBench(b *testing.B) (g *gateway, cons []*console, cust customer, before, after mem) {
	g = startGateway(b, gatewayOptions{sandbox: sandboxtest.Options{RateLimit: -1}})
	cust = pickCustomer(b, g.env)
	answered := `matching "` + cust.last + `"`
	warm, err := openMany(g, 1, 80, 24)
	if err != nil {
		b.Fatal(err)
	}
	if err := searchAll(warm, cust.last, answered); err != nil {
		b.Fatal(err)
	}
	before = memNow()
	cons, err = openMany(g, benchSessions, 80, 24)
	if err != nil {
		b.Fatal(err)
	}
	if err := searchAll(cons, cust.last, answered); err != nil {
		b.Fatal(err)
	}
	after = memNow()
	b.Logf("%d consoles: VmRSS %s → %s, heap in use %s → %s (in-process: gateway, sandbox and the %d clients with their screens)",
		benchSessions, mb(before.rss), mb(after.rss), mb(before.heap), mb(after.heap), benchSessions)
	return g, cons, cust, before, after
}

// BenchmarkConsoleMemory reports what one open console costs: the growth
// of the process's resident set and of the Go heap while 100 consoles
// (each with a PTY, each having run a search) open, divided by 100. The
// clients and their screens live in the same process, so this is an upper
// bound for the gateway. Run it once: -benchtime=1x.
func BenchmarkConsoleMemory(b *testing.B) {
	_, _, _, before, after := openForBench(b)
	b.ReportMetric(float64(after.rss-before.rss)/benchSessions/(1<<20), "MB-rss/session")
	b.ReportMetric(float64(after.heap-before.heap)/benchSessions/(1<<20), "MB-heap/session")
}

// BenchmarkKeystrokeLatency reports the keystroke-to-screen latency over
// SSH on loopback with 100 consoles open: from writing one character into
// a session until its screen shows it in the search box. b.N keystrokes,
// round robin over the sessions; e.g. -benchtime=300x.
func BenchmarkKeystrokeLatency(b *testing.B) {
	_, cons, cust, _, _ := openForBench(b)
	letters := "abcdefghijklmnopqrstuvwxyz"
	typed := make([]string, len(cons))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		k, con := i%len(cons), cons[i%len(cons)]
		key := string(letters[(i/len(cons))%len(letters)])
		typed[k] += key
		want := "Search: " + cust.last + typed[k]
		start := time.Now()
		if _, err := typeInto(con, key); err != nil {
			b.Fatal(err)
		}
		if _, err := con.await(10*time.Second, want); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	b.ReportMetric(float64(p(0.50).Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(p(0.95).Microseconds())/1000, "ms-p95")
	b.ReportMetric(float64(p(0.99).Microseconds())/1000, "ms-p99")
}

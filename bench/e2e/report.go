package main

import (
	"fmt"
	"frontdesk/bench/stats"
	"io"
	"sort"
	"strings"
	"time"
)

// result is the samples of one row of the report.
type result struct {
	what    string
	samples []sample
	skipped string // why samples are missing, if they are
}

// settings are what the report says the numbers were measured with.
type settings struct {
	customers   int
	db          string
	delay       delayRange
	keyInterval time.Duration
	samples     int
	width       int
	height      int
	cores       int
	binary      string
	seed        uint64
	rtts        []time.Duration // control-mode round trips: the resolution
	cmdline     string          // the flags it ran with
}

// writeReport prints the results as markdown: the settings, then one row
// per query shape or action.
func writeReport(w io.Writer, s settings, rows []result, routes map[string]int, statuses map[int]int) {
	fmt.Fprintf(w, "**Console end to end, %s customers** (`go run ./bench/e2e%s`)\n\n", thousands(s.customers), s.cmdline)
	fmt.Fprintf(w, "| what | samples | p50 | p95 | max | searches per query (mean · max) | requests per query (mean · max) | most searches in flight |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		if len(r.samples) == 0 {
			fmt.Fprintf(w, "| %s | 0 | | | | | | |\n", r.what)
			continue
		}
		lats := make([]time.Duration, len(r.samples))
		var searches, requests, maxSearches, maxRequests, inflight int
		for i, x := range r.samples {
			lats[i] = x.lat
			searches += x.win.searches
			requests += x.win.requests
			maxSearches = max(maxSearches, x.win.searches)
			maxRequests = max(maxRequests, x.win.requests)
			inflight = max(inflight, x.win.maxInflight)
		}
		n := float64(len(r.samples))
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.1f · %d | %.1f · %d | %d |\n", r.what, len(r.samples),
			ms(stats.Percentile(lats, 0.50)), ms(stats.Percentile(lats, 0.95)), ms(stats.Percentile(lats, 1)),
			float64(searches)/n, maxSearches, float64(requests)/n, maxRequests, inflight)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%s customers (store `%s`), proxy delay %s, one key every %s, %d samples per row (seed %d), tmux %d×%d, %d cores, %s.\n",
		thousands(s.customers), s.db, s.delay, s.keyInterval, s.samples, s.seed, s.width, s.height, s.cores, s.binary)
	fmt.Fprintf(w, "Latency runs from tmux having written the last key (enter, `2`) to the console to the first capture of the pane that shows the result; "+
		"the pane is captured through a tmux control-mode client each time it has output, "+
		"and a capture costs p50 %s, p95 %s (the resolution).\n",
		msFine(stats.Percentile(s.rtts, 0.5)), msFine(stats.Percentile(s.rtts, 0.95)))
	for _, r := range rows {
		if r.skipped != "" {
			fmt.Fprintf(w, "%s: %s.\n", r.what, r.skipped)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Requests the proxy passed on, whole run: %s; statuses: %s.\n", countsText(routes), statusText(statuses))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

func msFine(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func countsText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || (m[keys[i]] == m[keys[j]] && keys[i] < keys[j]) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("`%s` %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func statusText(m map[int]int) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d × %d", m[k], k)
	}
	return strings.Join(parts, ", ")
}

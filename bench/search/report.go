package search

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Target is the goal for every row's p95.
const Target = 10 * time.Millisecond

// printTable writes the markdown table and the summary under it.
func printTable(w io.Writer, o Options, rep Report) {
	pg := rep.Postgres
	base := !o.NoBaselines
	fmt.Fprintf(w, "Search over %s customers: p50 / p95 in ms over %d runs of each engine (page 1 of 20 unless the page column says otherwise)",
		thousands(rep.Customers), o.Runs)
	if base {
		fmt.Fprintf(w, "; baselines: p95 over %d runs, \"> %s\" when a run took longer", o.BaselineRuns, secs(o.BaselineTimeout))
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintf(w, "SQLite %s (%s)", rep.SQLiteVersion, o.SQLitePath)
	if pg {
		fmt.Fprintf(w, ", PostgreSQL %s (schema %s).\n", rep.PostgresVersion, o.Schema)
	} else {
		fmt.Fprintln(w, "; PostgreSQL: not measured (no --postgres URL, FRONTDESK_TEST_POSTGRES or FRONTDESK_POSTGRES).")
	}
	fmt.Fprintln(w)

	head := []string{"query", "sort", "page", "total", "SQLite p50 / p95"}
	if pg {
		head = append(head, "PostgreSQL p50 / p95")
	}
	if base {
		head = append(head, "naive LIKE SQLite p95")
		if pg {
			head = append(head, "naive LIKE PostgreSQL p95", "per-column pg_trgm p95")
		}
	}
	fmt.Fprintln(w, "| "+strings.Join(head, " | ")+" |")
	fmt.Fprintln(w, strings.Repeat("|---", len(head))+"|")
	for _, r := range rep.Rows {
		cells := []string{queryCell(r.Query), sortName(r.Sort), r.Page, "–", timing(r.SQLite)}
		if r.HasTotal {
			cells[3] = totalText(r.Total, r.Estimate)
		}
		if pg {
			cells = append(cells, timing(r.Postgres))
		}
		if base {
			cells = append(cells, baseline(r.NaiveSQLite, o.BaselineTimeout))
			if pg {
				cells = append(cells, baseline(r.NaivePostgres, o.BaselineTimeout), baseline(r.Trigram, o.BaselineTimeout))
			}
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
	fmt.Fprintln(w)

	summary := func(name string, t func(Row) Timing) {
		within, ahead, compared := 0, 0, 0
		var worst Row
		for _, r := range rep.Rows {
			if t(r).P95 <= Target {
				within++
			}
			if t(r).P95 > t(worst).P95 {
				worst = r
			}
			if r.Trigram.Ran {
				compared++
				if r.Trigram.TimedOut || t(r).P95 < r.Trigram.P95 {
					ahead++
				}
			}
		}
		fmt.Fprintf(w, "%s: %d of %d rows p95 ≤ %s ms", name, within, len(rep.Rows), ms(Target))
		if len(rep.Rows) > 0 {
			fmt.Fprintf(w, " (slowest: %s ms, %s by %s, page %s)", ms(t(worst).P95), queryCell(worst.Query), sortName(worst.Sort), worst.Page)
		}
		if compared > 0 {
			fmt.Fprintf(w, "; ahead of per-column pg_trgm on %d of %d", ahead, compared)
		}
		fmt.Fprintln(w, ".")
	}
	summary("SQLite", func(r Row) Timing { return r.SQLite })
	if pg {
		summary("PostgreSQL", func(r Row) Timing { return r.Postgres })
	}
	if base {
		io.WriteString(w, "Naive LIKE: every token `LIKE '%q%'` (`'q%'` under 3 characters) over the four folded columns, a full scan;"+
			" SQLite folds with searchq.Fold itself, PostgreSQL with lower(unaccent(…)), which approximates it.\n")
		if pg {
			fmt.Fprintln(w, "Per-column pg_trgm: the same over bench_fold(column) = lower(unaccent(column)), one GIN gin_trgm_ops index per column, B-trees for the sorts.")
		}
		fmt.Fprintln(w, "Each baseline orders by the sort and counts up to 10,001, as the search does.")
		for _, n := range baselineNotes(rep) {
			fmt.Fprintln(w, "Note: "+n)
		}
	}
	for _, m := range rep.Mismatches {
		fmt.Fprintln(w, m)
	}
}

// baselineNotes are the rows where a baseline that finished counted
// otherwise than the engines.
func baselineNotes(rep Report) []string {
	var out []string
	for _, r := range rep.Rows {
		if !r.HasTotal {
			continue
		}
		for _, b := range []struct {
			name string
			b    Baseline
		}{{"naive LIKE SQLite", r.NaiveSQLite}, {"naive LIKE PostgreSQL", r.NaivePostgres}, {"per-column pg_trgm", r.Trigram}} {
			if b.b.Ran && !b.b.TimedOut && b.b.Total != r.Total {
				out = append(out, fmt.Sprintf("%s counts %s for %s by %s, the engines %s",
					b.name, thousands(b.b.Total), queryCell(r.Query), sortName(r.Sort), totalText(r.Total, r.Estimate)))
			}
		}
	}
	return out
}

func queryCell(q string) string {
	if q == "" {
		return "(everyone)"
	}
	return "`" + strings.ReplaceAll(q, "|", `\|`) + "`"
}

func timing(t Timing) string {
	if !t.Ran {
		return "–"
	}
	return ms(t.P50) + " / " + mark(t.P95)
}

func baseline(b Baseline, timeout time.Duration) string {
	switch {
	case !b.Ran:
		return "–"
	case b.TimedOut:
		return "> " + secs(timeout)
	}
	return ms(b.P95)
}

// mark bolds a p95 over the target.
func mark(d time.Duration) string {
	if d > Target {
		return "**" + ms(d) + "**"
	}
	return ms(d)
}

func ms(d time.Duration) string {
	v := float64(d.Microseconds()) / 1000
	if v >= 100 {
		return thousands(int(v + 0.5))
	}
	return fmt.Sprintf("%.1f", v)
}

func secs(d time.Duration) string {
	if d < time.Second {
		return d.String()
	}
	s := strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", d.Seconds()), "0"), ".")
	return s + " s"
}

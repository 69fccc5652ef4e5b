package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
)

// exportFormats are the formats of customers export.
var exportFormats = []string{"csv", "jsonl"}

// exportCSVHeader is the first line of a CSV export: one column per
// field of a listed customer (addresses are in jsonl only).
var exportCSVHeader = []string{"id", "email", "email_confirmed", "first_name", "last_name", "phone", "status",
	"total_orders", "total_spent", "currency", "created_at", "updated_at", "version"}

func newCustomersExportCmd(a *App) *cobra.Command {
	var format, out, sort string
	cmd := &cobra.Command{
		Use:   "export [QUERY]",
		Short: "Write every customer (or every match of QUERY) as CSV or JSON lines",
		Long: "export writes every customer matching QUERY (everyone without one) to\n" +
			"stdout or --out FILE, in one stream from a frontdesk desk (page by page\n" +
			"with the platform's cursors elsewhere, or from an older desk):\n" +
			"--format csv (a header line, then one line per customer) or jsonl (one\n" +
			"JSON object per line, as in the API, addresses included). On a terminal a\n" +
			"progress line goes to stderr; on a pipe stdout carries nothing but data.\n" +
			"A failed export leaves no --out file behind. Values are written as\n" +
			"stored: open a CSV of untrusted names in a spreadsheet with care.",
		Example: "  frontdesk customers export > customers.csv\n" +
			"  frontdesk customers export wanjiku --format jsonl --sort name --out wanjiku.jsonl",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return Usagef("export takes at most one QUERY (got %d arguments): quote a query of several words", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			p := client.SearchParams{Sort: sort, Limit: api.MaxPageLimit}
			if len(args) == 1 {
				p.Query = strings.TrimSpace(args[0])
			}
			if n := len([]rune(p.Query)); n > api.MaxSearchQueryLen {
				return Usagef("QUERY is %d characters long; at most %d", n, api.MaxSearchQueryLen)
			}
			if !slices.Contains(exportFormats, format) {
				return Usagef("--format %q: use one of %s", format, strings.Join(exportFormats, ", "))
			}
			if p.Sort != "" && !slices.Contains(api.Sorts, p.Sort) {
				return Usagef("--sort %q: use one of %s", p.Sort, strings.Join(api.Sorts, ", "))
			}
			cl, err := a.NewClient(cmd.Context())
			if err != nil {
				return err
			}
			return a.exportCustomers(cmd, cl, p, format, out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "csv", "csv or jsonl")
	f.StringVar(&out, "out", "", "write to FILE instead of stdout")
	f.StringVar(&sort, "sort", "", "order: "+strings.Join(api.Sorts, ", "))
	return cmd
}

// exportCustomers streams every page of p to stdout or the file out.
func (a *App) exportCustomers(cmd *cobra.Command, cl client.Platform, p client.SearchParams, format, out string) (err error) {
	var w io.Writer = a.Env.Stdout
	if out != "" {
		// A temporary file beside out, renamed into place once complete.
		tmp, cerr := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.part")
		if cerr != nil {
			return fmt.Errorf("export: %w", cerr)
		}
		defer func() {
			if cerr := tmp.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("export: %w", cerr)
			}
			if err == nil {
				if rerr := os.Rename(tmp.Name(), out); rerr != nil {
					err = fmt.Errorf("export: %w", rerr)
				}
			}
			if err != nil {
				os.Remove(tmp.Name())
			}
		}()
		w = tmp
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	var write func(c *api.Customer) error
	flush := bw.Flush
	switch format {
	case "csv":
		cw := csv.NewWriter(bw)
		if err := cw.Write(exportCSVHeader); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		row := make([]string, len(exportCSVHeader))
		write = func(c *api.Customer) error {
			row = append(row[:0], c.ID.String(), c.Email, strconv.FormatBool(c.EmailConfirmed), c.FirstName, c.LastName, c.Phone, c.Status,
				strconv.Itoa(c.TotalOrders), strconv.FormatInt(c.TotalSpent, 10), c.Currency,
				c.CreatedAt.UTC().Format(time.RFC3339Nano), c.UpdatedAt.UTC().Format(time.RFC3339Nano), strconv.FormatInt(c.Version, 10))
			cw.Write(row)
			return cw.Error()
		}
		flush = func() error {
			if cw.Flush(); cw.Error() != nil {
				return cw.Error()
			}
			return bw.Flush()
		}
	default:
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		write = func(c *api.Customer) error { return enc.Encode(c) }
	}

	prog := a.exportProgress()
	n, err := exportRows(cmd.Context(), cl, p, write, prog)
	if err != nil {
		prog.end(n, false)
		return err
	}
	if err := flush(); err != nil {
		prog.end(n, false)
		return fmt.Errorf("export: %w", err)
	}
	prog.end(n, true)
	return nil
}

// exportRows hands every customer matching p to write: in one stream
// when the platform has one (the desk's GET /customers/export), else page
// by page with its cursors (other platforms, an older desk). It returns
// how many it wrote.
func exportRows(ctx context.Context, cl client.Platform, p client.SearchParams, write func(*api.Customer) error, prog *progress) (int, error) {
	n := 0
	if ex, ok := cl.(client.CustomerExporter); ok {
		var werr error
		_, err := ex.ExportCustomers(ctx, p, func(c *api.Customer) error {
			if werr = write(c); werr != nil {
				return werr
			}
			n++
			if n%1000 == 0 {
				prog.update(n, 0, false)
			}
			return nil
		})
		switch {
		case werr != nil:
			return n, fmt.Errorf("export: %w", werr)
		case err == nil:
			return n, nil
		case !errors.Is(err, client.ErrExportUnsupported):
			return n, printable(err)
		}
	}
	for pages := 0; ; pages++ {
		page, err := cl.SearchCustomers(ctx, p)
		if err != nil {
			return n, printable(err)
		}
		for i := range page.Items {
			if err := write(&page.Items[i]); err != nil {
				return n, fmt.Errorf("export: %w", err)
			}
		}
		n += len(page.Items)
		prog.update(n, page.Total, page.TotalIsEstimate)
		if page.Next == "" || len(page.Items) == 0 {
			return n, nil
		}
		if page.Next == p.Cursor {
			return n, fmt.Errorf("export: the platform handed back the same cursor after %d pages", pages+1)
		}
		p.Cursor = page.Next
	}
}

// progress is the export's progress line on a terminal's stderr (a
// no-op elsewhere).
type progress struct {
	w     io.Writer
	start time.Time
	last  time.Time
}

func (a *App) exportProgress() *progress {
	f, ok := a.Env.Stderr.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return &progress{}
	}
	return &progress{w: f, start: time.Now()}
}

func (p *progress) update(n, total int, estimate bool) {
	if p.w == nil || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	of := ""
	switch {
	case estimate:
		of = fmt.Sprintf(" of more than %d", total)
	case total > 0:
		of = fmt.Sprintf(" of %d (%d%%)", total, min(100, n*100/total))
	}
	fmt.Fprintf(p.w, "\r\x1b[Kexported %d%s customers", n, of)
}

func (p *progress) end(n int, ok bool) {
	if p.w == nil {
		return
	}
	word := "exported"
	if !ok {
		word = "stopped after"
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s %d customers in %s\n", word, n, time.Since(p.start).Round(100*time.Millisecond))
}

package frontdesk

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"frontdesk/api"
	"frontdesk/client"
)

// The contract pages by number (?page=N), and the customer list also
// after a cursor (?after=, the list's next). The driver hands out page
// numbers dressed as cursors (client.PageCursor) for numbered lists and
// for the first page and Prev of the customer list, and the server's own
// cursor as the customer list's Next (see searchPage), so that nothing
// above the driver depends on numbering.

// PageCursor is client.PageCursor: the cursor of page n (1-based).
func PageCursor(n int) string { return client.PageCursor(n) }

// parseCursor reads a cursor made by PageCursor: 0 for "" (the server's
// first page, asked for without a page parameter).
func parseCursor(cur string) (int, error) {
	if cur == "" {
		return 0, nil
	}
	return client.PageNumber(cur)
}

// setPage sets page and limit from a cursor and a limit.
func setPage(q url.Values, cursor string, limit int) error {
	n, err := parseCursor(cursor)
	if err != nil {
		return err
	}
	setInt(q, "page", n)
	setInt(q, "limit", limit)
	return nil
}

// newPage wraps one numbered page of the contract in a client.Page: there
// is a next page while this one is not empty and the total (or, when it
// is only a lower bound, the fact that there may be more) says so.
func newPage[T any](items []T, total int, estimate bool, number, limit int) client.Page[T] {
	p := client.Page[T]{Items: items, Total: total, TotalIsEstimate: estimate, Number: number, Limit: limit}
	if number < 1 {
		number = 1
		p.Number = 1
	}
	if len(items) > 0 && (estimate || limit > 0 && number*limit < total) {
		p.Next = PageCursor(number + 1)
	}
	if number > 1 {
		p.Prev = client.PrevPageCursor(number - 1)
	}
	return p
}

// ifMatch is the If-Match value for an opaque version: the contract's
// versions are integers, quoted as an ETag.
func ifMatch(id api.ID, version string) (string, error) {
	v := strings.Trim(strings.TrimPrefix(strings.TrimSpace(version), "W/"), `"`)
	if n, err := strconv.ParseInt(v, 10, 64); err != nil || n <= 0 {
		if v == "" || v == "0" {
			return "", fmt.Errorf("patch customer %s: no version to match: fetch the customer first", id)
		}
		return "", errors.New("patch customer " + string(id) + ": version " + strconv.Quote(version) + " is not one of this store's versions")
	}
	return strconv.Quote(v), nil
}

// isServerCursor reports whether cur is a cursor the server made (the
// customer list's next) rather than a page number dressed as one.
func isServerCursor(cur string) bool {
	return cur != "" && !strings.HasPrefix(cur, "page:")
}

// searchPage wraps one page of the customer list: Next is the server's
// cursor (keyset pagination, the same cost at any depth); a server that
// sends none either has no next page or predates cursors, and then the
// numbered next page stands in, up to where the server stops numbering
// (api.TotalExactCap). Prev is the numbered page before, where there is
// one the server still numbers. keyset: the page was asked for after a
// server cursor, so a missing next means the end.
func searchPage(out api.CustomerList, keyset bool) client.Page[api.Customer] {
	p := newPage(out.Customers, out.Total, out.TotalIsEstimate, out.Page, out.Limit)
	limit := max(out.Limit, 1)
	switch {
	case out.Next != "":
		p.Next = out.Next
	case keyset || p.Number*limit >= api.TotalExactCap:
		p.Next = ""
	}
	if p.Number > 1 && (p.Number-2)*limit >= api.TotalExactCap {
		p.Prev = ""
	}
	return p
}

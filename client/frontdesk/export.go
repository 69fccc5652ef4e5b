package frontdesk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// maxExportLine is the longest line the export stream may send (one
// customer with all its addresses).
const maxExportLine = 4 << 20

// The driver streams exports.
var _ client.CustomerExporter = (*Client)(nil)

// ExportCustomers streams GET /customers/export: every customer matching
// p.Query (field filters included) in p.Sort's order, one request, one
// hit on the rate limit. It is not retried: each has seen the rows
// already. A desk without the stream (a 404 from an older desk, a 501)
// is client.ErrExportUnsupported, before any customer; a stream that ends
// without its {"_end":…} line, or whose count disagrees, is an error.
func (c *Client) ExportCustomers(ctx context.Context, p client.SearchParams, each func(*api.Customer) error) (int, error) {
	if api.HasSearchFilter(p.Query) {
		if err := c.Capabilities().Check(client.CapSearchFilters); err != nil {
			return 0, err
		}
	}
	q := url.Values{}
	if s := strings.TrimSpace(p.Query); s != "" {
		q.Set("search", s)
	}
	if p.Sort != "" {
		q.Set("sort", p.Sort)
	}
	target := c.base + "/customers/export"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, fmt.Errorf("export customers: %w", err)
	}
	req.SetBasicAuth(c.cfg.KeyID, c.cfg.Secret)
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", api.ContentTypeNDJSON)
	req.Header.Set(api.HeaderVia, c.cfg.Via)
	if c.cfg.Agent != "" {
		req.Header.Set(api.HeaderAgent, c.cfg.Agent)
	}
	// The answer's head must come within the usual timeout; the body may
	// take as long as it takes.
	headWait := time.AfterFunc(c.cfg.Timeout, cancel)
	resp, err := c.stream.Do(req)
	timedOut := !headWait.Stop()
	if err != nil {
		if timedOut {
			return 0, &client.TransportError{BaseURL: c.base, Attempts: 1,
				Err: fmt.Errorf("no answer to the export within %s", c.cfg.Timeout)}
		}
		if ctx.Err() != nil {
			return 0, contextError(ctx, c.base, nil)
		}
		return 0, &client.TransportError{BaseURL: c.base, Attempts: 1, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		switch resp.StatusCode {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
			return 0, client.ErrExportUnsupported
		}
		return 0, fmt.Errorf("export customers: %w", decodeError(resp.StatusCode, resp.Header, body, target))
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, api.ContentTypeNDJSON) {
		return 0, fmt.Errorf("export customers: the desk answered %q, not %s: is the URL a frontdesk desk?", ct, api.ContentTypeNDJSON)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), maxExportLine)
	n := 0
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case bytes.HasPrefix(line, []byte(api.ExportEndPrefix)), bytes.HasPrefix(line, []byte(api.ExportErrorPrefix)):
			var t api.ExportTrailer
			if err := json.Unmarshal(line, &t); err != nil {
				return n, fmt.Errorf("export customers: unreadable end of the stream after %d customers: %w", n, err)
			}
			if t.Error != nil {
				ae := &client.APIError{Status: http.StatusOK, Code: t.Error.Code, Message: t.Error.Message,
					RequestID: resp.Header.Get(api.HeaderRequestID)}
				return n, fmt.Errorf("export customers: the desk stopped the export after %d customers: %w", n, ae)
			}
			if t.End == nil || t.End.Count != n {
				return n, fmt.Errorf("export customers: the desk says it sent %v customers, %d arrived", t.End, n)
			}
			if sc.Scan() {
				return n, fmt.Errorf("export customers: data after the end of the stream")
			}
			return n, nil
		}
		var cust api.Customer
		if err := json.Unmarshal(line, &cust); err != nil {
			return n, fmt.Errorf("export customers: line %d of the stream is not a customer: %w", n+1, err)
		}
		if err := each(&cust); err != nil {
			return n, err
		}
		n++
	}
	if ctx.Err() != nil {
		return n, contextError(ctx, c.base, nil)
	}
	cause := "the connection closed"
	if err := sc.Err(); err != nil {
		cause = err.Error()
	}
	return n, &client.TransportError{BaseURL: c.base, Attempts: 1,
		Err: fmt.Errorf("the export stream was cut off after %d customers (%s) before the desk confirmed it complete", n, cause)}
}

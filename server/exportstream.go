package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/store"
)

const (
	// exportPagesPerRead is how many search pages (of api.MaxPageLimit)
	// one read transaction of the export stream covers: short reads, so a
	// minute-long export never holds one transaction (PostgreSQL).
	exportPagesPerRead = 10
	// exportFlushRows is how many customers go out between flushes.
	exportFlushRows = 500
)

// exportCustomers answers GET /customers/export: every customer matching
// search and the field filters (as GET /customers takes them), in sort
// order, as application/x-ndjson, one customer per line, masked for the
// caller as the list masks them, closed by a {"_end":{"count":N}} line
// (api.ExportTrailer). It pages through the search index with keys
// internally, one short read per few pages. An error after the first
// byte ends the stream with an {"_error":…} line instead; a stream
// without a trailer was cut off. One request against the rate limit.
func (s *Server) exportCustomers(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	f := api.FieldErrors{}
	for _, p := range []string{"page", "limit", "after"} {
		if q.Has(p) {
			f[p] = p + " does not apply to the export: it streams every match; leave it out"
		}
	}
	sort := q.Get("sort")
	if sort == "" {
		sort = api.SortNewest
	} else if !slices.Contains(api.Sorts, sort) {
		f["sort"] = "sort must be one of " + strings.Join(api.Sorts, ", ")
	}
	query := strings.TrimSpace(q.Get("search"))
	if utf8.RuneCountInString(query) > api.MaxSearchQueryLen {
		f["search"] = fmt.Sprintf("search is longer than %d characters", api.MaxSearchQueryLen)
	} else if !utf8.ValidString(query) {
		f["search"] = "search is not valid UTF-8"
	} else {
		query = filterQuery(q, query, f)
	}
	if len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	sp := store.SearchParams{Query: query, Sort: sort, Page: 1, Limit: api.MaxPageLimit}
	// The first batch is read before the answer starts, so a store that
	// cannot search (or a bad query) is still an ordinary error answer.
	batch, more, err := s.exportBatch(r, &sp)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	// The stream may run longer than the server's write timeout.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", api.ContentTypeNDJSON)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	n, unflushed := 0, 0
	for {
		for i := range batch {
			maskCustomerFor(c, &batch[i])
			if err := enc.Encode(&batch[i]); err != nil {
				return nil // the client went away: nothing to tell it
			}
			n++
			if unflushed++; unflushed >= exportFlushRows {
				if bw.Flush() != nil {
					return nil // the client went away
				}
				_ = rc.Flush() // a writer that cannot flush sends at the end
				unflushed = 0
			}
		}
		if !more {
			break
		}
		if batch, more, err = s.exportBatch(r, &sp); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.LogAttrs(ctx, slog.LevelError, "export stream failed",
				slog.String("request_id", RequestID(ctx)), slog.Int("sent", n), slog.String("error", err.Error()))
			body := api.ErrorBody{Code: api.CodeInternal,
				Message: fmt.Sprintf("the export stopped after %d customers; the error is in the server's log under request id %s", n, RequestID(ctx))}
			var ae *apiError
			if errors.As(err, &ae) {
				body = ae.body
			}
			enc.Encode(api.ExportTrailer{Error: &body})
			bw.Flush()
			return nil
		}
	}
	enc.Encode(api.ExportTrailer{End: &api.ExportEnd{Count: n}})
	if bw.Flush() == nil {
		rc.Flush()
	}
	return nil
}

// exportBatch reads the next few pages of sp in one read transaction and
// moves sp past them; more reports whether any customer follows.
func (s *Server) exportBatch(r *http.Request, sp *store.SearchParams) (batch []api.Customer, more bool, err error) {
	ctx := r.Context()
	err = s.read(ctx, func(tx store.Tx) error {
		batch, more = batch[:0], false
		var ids []api.ID
		for range exportPagesPerRead {
			res, err := tx.SearchCustomers(ctx, *sp)
			if errors.Is(err, store.ErrInvalidKey) {
				return fmt.Errorf("search customers %q: the store refused its own key: %w", sp.Query, err)
			} else if err != nil {
				return fmt.Errorf("search customers %q: %w", sp.Query, err)
			}
			ids = append(ids, res.IDs...)
			more = res.More && res.Last != nil
			if !more {
				break
			}
			last := *res.Last
			sp.Page, sp.After = 0, &last
		}
		var err error
		if batch, err = tx.CustomersByID(ctx, ids); err != nil {
			return fmt.Errorf("load customers: %w", err)
		}
		return nil
	})
	return batch, more, err
}

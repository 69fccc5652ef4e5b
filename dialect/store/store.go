// Package store is the sandbox speaking the plain store API of seed 004
// (../shared/seeds/004_a679ea25c4de115c.txt), for `frontdesk sandbox serve
// --dialect store` and the store driver's tests: the three documented
// calls, in the seed's wire format and auth, over the sandbox's storage.
//
//	GET /api/v1/customers?page=&limit=&search=   search by email, first or last name
//	GET /api/v1/customers/{id}                   one customer (+ notes, orders)
//	GET /api/v1/customers/{id}/loyalty           balance, lifetime, ≤ 50 recent entries
//
// Auth is HTTP Basic with the sandbox's key pairs (ck_…:cs_…), checked
// against the keys the desk server mints. Every other path or method is
// 404 in the error envelope {"status":"error","error":{"code","message"}}
// (DESIGN.md's reading of seed 004; the seed shows only successes).
// Answers carry exactly the fields of the seed's examples
// (client/store/testdata), with the same JSON types.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/dialect"
	storage "frontdesk/store"
)

// Paging of GET /customers: the seed's defaults, and frontdesk's maximum
// (the seed names none).
const (
	DefaultLimit = 20
	MaxLimit     = api.MaxPageLimit
	// RecentLedger is how many entries GET /loyalty carries (seed 004).
	RecentLedger = 50
	// recentOnDetail is how many notes and orders ride on one customer.
	recentOnDetail = 5
	// phoneScanPages bounds the pages of candidates a phone-like search
	// walks to leave out matches on the phone alone.
	phoneScanPages = 50
)

// Handler serves the dialect over a storage engine.
type Handler struct {
	st  storage.Store
	log *slog.Logger
}

// New builds the dialect's handler over st (not closed by it). A nil
// logger logs nothing.
func New(st storage.Store, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{st: st, log: logger}
}

// apiError is an answer in the error envelope.
type apiError struct {
	status        int
	code, message string
	fields        map[string]string
}

func (e *apiError) Error() string { return e.message }

func notFound(format string, args ...any) *apiError {
	return &apiError{status: http.StatusNotFound, code: api.CodeNotFound, message: fmt.Sprintf(format, args...)}
}

// ServeHTTP authenticates, routes the three documented calls and answers
// 404 for everything else.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status, err := h.serve(w, r)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			h.log.Error("store dialect", "method", r.Method, "path", r.URL.Path, "err", err)
			ae = &apiError{status: http.StatusInternalServerError, code: "internal_error", message: "the store failed; try again"}
		}
		if ae.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="store"`)
		}
		status = ae.status
		writeJSON(w, status, errorEnvelope{Status: api.EnvelopeError, Error: errorBody{Code: ae.code, Message: ae.message, Fields: ae.fields}})
	}
	h.log.Info("request", "dialect", "store", "method", r.Method, "path", r.URL.Path, "status", status,
		"duration", time.Since(start).Round(time.Microsecond))
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) (int, error) {
	ctx := r.Context()
	if err := h.authenticate(ctx, r); err != nil {
		return 0, err
	}
	rest, ok := strings.CutPrefix(r.URL.Path, api.Base+"/customers")
	if !ok || r.Method != http.MethodGet {
		return 0, notFound("no such endpoint: %s %s (this store's API has GET /customers, /customers/:id and /customers/:id/loyalty)", r.Method, r.URL.Path)
	}
	parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	var data any
	var err error
	switch {
	case rest == "":
		data, err = h.list(ctx, r)
	case len(parts) == 1 && parts[0] != "":
		data, err = h.one(ctx, api.ID(parts[0]))
	case len(parts) == 2 && parts[0] != "" && parts[1] == "loyalty":
		data, err = h.loyalty(ctx, api.ID(parts[0]))
	default:
		err = notFound("no such endpoint: %s %s (this store's API has GET /customers, /customers/:id and /customers/:id/loyalty)", r.Method, r.URL.Path)
	}
	if err != nil {
		return 0, err
	}
	writeJSON(w, http.StatusOK, successEnvelope{Status: api.EnvelopeSuccess, Data: data})
	return http.StatusOK, nil
}

// authenticate checks the Basic key pair against the sandbox's keys.
func (h *Handler) authenticate(ctx context.Context, r *http.Request) error {
	unauthorized := func(msg string) error {
		return &apiError{status: http.StatusUnauthorized, code: api.CodeUnauthorized, message: msg}
	}
	keyID, secret, ok := r.BasicAuth()
	if !ok {
		return unauthorized("send the API key as HTTP Basic auth: ck_… as the user, cs_… as the password")
	}
	if !strings.HasPrefix(keyID, "ck_") || len(keyID) > 100 || !strings.HasPrefix(secret, "cs_") || len(secret) > 200 {
		return unauthorized("the key must start with ck_ and the secret with cs_")
	}
	switch _, err := dialect.CheckKey(ctx, h.st, keyID, secret); {
	case errors.Is(err, dialect.ErrBadKey):
		return unauthorized("unknown key or wrong secret")
	case err != nil:
		return fmt.Errorf("look up key: %w", err)
	}
	return nil
}

// positive reads an integer query parameter ≥ 1, def when absent.
func positive(r *http.Request, name string, def int, f map[string]string) int {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		f[name] = name + " must be a whole number, 1 or more"
		return def
	}
	return n
}

func (h *Handler) list(ctx context.Context, r *http.Request) (listData, error) {
	f := map[string]string{}
	page := positive(r, "page", 1, f)
	limit := positive(r, "limit", DefaultLimit, f)
	if limit > MaxLimit {
		f["limit"] = fmt.Sprintf("limit must be at most %d", MaxLimit)
	}
	query := strings.TrimSpace(r.URL.Query().Get("search"))
	if utf8.RuneCountInString(query) > api.MaxSearchQueryLen || !utf8.ValidString(query) {
		f["search"] = fmt.Sprintf("search must be valid text of at most %d characters", api.MaxSearchQueryLen)
	}
	if len(f) > 0 {
		return listData{}, &apiError{status: http.StatusBadRequest, code: api.CodeValidation, message: "invalid query parameters", fields: f}
	}
	out := listData{Customers: []wireCustomer{}, Page: page, Limit: limit}
	err := h.st.Read(ctx, func(tx storage.Tx) error {
		var (
			custs []api.Customer
			err   error
		)
		if phoneLike(query) {
			custs, out.Total, err = searchWithoutPhones(ctx, tx, query, page, limit)
		} else {
			var res storage.SearchResult
			if res, err = tx.SearchCustomers(ctx, storage.SearchParams{Query: query, Sort: api.SortNewest, Page: page, Limit: limit}); err != nil {
				return fmt.Errorf("search customers %q: %w", query, err)
			}
			out.Total = res.Total
			custs, err = tx.CustomersByID(ctx, res.IDs)
		}
		if err != nil {
			return err
		}
		for _, c := range custs {
			out.Customers = append(out.Customers, customer(c))
		}
		return nil
	})
	return out, err
}

// phoneLike reports whether a word of q could match a phone number: the
// desk's search matches phones too, the seed's store does not, so such a
// query needs the matches on the phone alone left out.
func phoneLike(q string) bool {
	for w := range strings.FieldsSeq(q) {
		if !strings.ContainsFunc(w, func(r rune) bool { return !strings.ContainsRune("0123456789+-()", r) }) {
			return true
		}
	}
	return false
}

// matchesWithoutPhone is the seed's search: every word of q is in the
// email, first name or last name (a substring; a prefix for words of one
// or two characters, as the desk's search does), case-insensitively.
func matchesWithoutPhone(c api.Customer, q string) bool {
	fields := []string{strings.ToLower(c.Email), strings.ToLower(c.FirstName), strings.ToLower(c.LastName)}
	for w := range strings.FieldsSeq(strings.ToLower(q)) {
		found := false
		for _, f := range fields {
			if len(w) >= 3 && strings.Contains(f, w) || len(w) < 3 && strings.HasPrefix(f, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// searchWithoutPhones walks the desk's matches for q (newest first) and
// keeps those that match without the phone, returning page's slice and
// how many there are (among the first phoneScanPages pages of candidates).
func searchWithoutPhones(ctx context.Context, tx storage.Tx, q string, page, limit int) ([]api.Customer, int, error) {
	var kept []api.Customer
	for p := 1; p <= phoneScanPages; p++ {
		res, err := tx.SearchCustomers(ctx, storage.SearchParams{Query: q, Sort: api.SortNewest, Page: p, Limit: api.MaxPageLimit})
		if err != nil {
			return nil, 0, fmt.Errorf("search customers %q: %w", q, err)
		}
		custs, err := tx.CustomersByID(ctx, res.IDs)
		if err != nil {
			return nil, 0, err
		}
		for _, c := range custs {
			if matchesWithoutPhone(c, q) {
				kept = append(kept, c)
			}
		}
		if len(res.IDs) < api.MaxPageLimit {
			break
		}
	}
	from := min((page-1)*limit, len(kept))
	return kept[from:min(from+limit, len(kept))], len(kept), nil
}

func (h *Handler) one(ctx context.Context, id api.ID) (oneData, error) {
	var out oneData
	err := h.st.Read(ctx, func(tx storage.Tx) error {
		c, err := tx.Customer(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return notFound("customer %s not found", truncate(string(id), 64))
		}
		if err != nil {
			return err
		}
		notes, err := tx.NotesOf(ctx, id, recentOnDetail, 0)
		if err != nil {
			return err
		}
		orders, err := tx.OrdersOf(ctx, storage.OrderFilter{CustomerID: id}, recentOnDetail, 0)
		if err != nil {
			return err
		}
		out.Customer = detail{wireCustomer: customer(c), Notes: orEmpty(notes), Orders: orEmpty(orders)}
		return nil
	})
	return out, err
}

func (h *Handler) loyalty(ctx context.Context, id api.ID) (loyaltyData, error) {
	out := loyaltyData{Ledger: []ledgerEntry{}}
	err := h.st.Read(ctx, func(tx storage.Tx) error {
		if _, err := tx.Customer(ctx, id); errors.Is(err, storage.ErrNotFound) {
			return notFound("customer %s not found", truncate(string(id), 64))
		} else if err != nil {
			return err
		}
		var err error
		if out.PointsBalance, out.LifetimeEarned, err = tx.LoyaltyAccount(ctx, id); err != nil {
			return err
		}
		entries, err := tx.LedgerOf(ctx, id, RecentLedger, 0)
		if err != nil {
			return err
		}
		for _, e := range entries {
			out.Ledger = append(out.Ledger, ledgerEntry{ID: e.ID, Type: e.Type, Points: e.Points, OrderID: e.OrderID, Note: e.Note})
		}
		return nil
	})
	return out, err
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"status":"error","error":{"code":"internal_error","message":"could not encode the answer"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// Package contract checks live HTTP traffic against the Customers API
// contract (api/openapi.yaml) with kin-openapi. Tests wrap the sandbox's
// handler with Validator.Handler and the client's transport with
// Validator.Transport, so every response the sandbox produces and every
// request the client sends during the test suite is held against the
// contract, and drift fails CI.
//
// A request that breaks the contract is only a violation when the server
// accepted it (answered 2xx): tests send bad input on purpose, and the
// server refusing it is exactly what the contract asks for. A response is
// always checked against what the contract documents for its status.
package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"frontdesk/api"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Validator holds the parsed contract. It is read-only after New and safe
// for concurrent use.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
	// headersOnly is opts with the body check off, for responses whose
	// body a stricter schema has already judged.
	headersOnly *openapi3filter.Options
	// unrouted documents what a path or method outside the contract may
	// still answer: the error envelopes of 404, 405 and the statuses the
	// server sends before it routes (auth, rate limit, bad headers).
	unrouted *routers.Route
	// getCustomer's 200 is anyOf(full, selection) in the document; the
	// validator knows from ?fields which of the two applies.
	customerFull, customerSelection *openapi3.Schema
	// customer and exportTrailer judge the lines of GET /customers/export.
	customer, exportTrailer *openapi3.Schema
}

// Violation is one way a request or response broke the contract.
type Violation struct {
	Method string
	// Path is the request path with its query, as sent.
	Path string
	// Status is the response status, 0 if no response was seen.
	Status int
	// What names the part that failed: "request", "response" or "route".
	What string
	Err  error
}

func (v *Violation) Error() string {
	status := "no response"
	if v.Status != 0 {
		status = fmt.Sprintf("%d %s", v.Status, http.StatusText(v.Status))
	}
	return fmt.Sprintf("contract violation: %s %s → %s: %s: %v", v.Method, v.Path, status, v.What, v.Err)
}

func (v *Violation) Unwrap() error { return v.Err }

// New parses and validates the embedded contract (api.Spec). It takes tens
// of milliseconds, so a test suite that makes many servers may share one
// Validator.
func New() (*Validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.Spec)
	if err != nil {
		return nil, fmt.Errorf("contract: parse api/openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("contract: api/openapi.yaml is not a valid OpenAPI 3.0 document: %w", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contract: route api/openapi.yaml: %w", err)
	}
	opts := &openapi3filter.Options{
		// The server checks credentials; the contract only says Basic.
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
	}
	opts.WithCustomSchemaErrorFunc(schemaErrorMessage)
	headersOnly := *opts
	headersOnly.ExcludeResponseBody = true

	v := &Validator{doc: doc, router: router, opts: opts, headersOnly: &headersOnly}

	unrouted := openapi3.NewResponses()
	for status, name := range map[int]string{
		http.StatusBadRequest:          "BadRequest",
		http.StatusUnauthorized:        "Unauthorized",
		http.StatusForbidden:           "Forbidden",
		http.StatusNotFound:            "NotFound",
		http.StatusMethodNotAllowed:    "MethodNotAllowed",
		http.StatusTooManyRequests:     "TooManyRequests",
		http.StatusInternalServerError: "InternalError",
	} {
		ref := doc.Components.Responses[name]
		if ref == nil || ref.Value == nil {
			return nil, fmt.Errorf("contract: api/openapi.yaml lacks components.responses.%s", name)
		}
		unrouted.Set(fmt.Sprint(status), ref)
	}
	v.unrouted = &routers.Route{Spec: doc, Path: "(no operation)", Operation: &openapi3.Operation{Responses: unrouted}}

	for name, dst := range map[string]**openapi3.Schema{
		"CustomerResponse":          &v.customerFull,
		"CustomerSelectionResponse": &v.customerSelection,
		"Customer":                  &v.customer,
		"ExportTrailer":             &v.exportTrailer,
	} {
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			return nil, fmt.Errorf("contract: api/openapi.yaml lacks components.schemas.%s", name)
		}
		*dst = ref.Value
	}
	return v, nil
}

// exchange is one request and its response, as seen on either side.
type exchange struct {
	method string
	url    *url.URL
	header http.Header // request headers
	body   []byte      // request body
	// checkRequest is false when only the response is to be judged (the
	// request body was too large to hold, or ValidateResponse was called).
	checkRequest bool

	status     int
	respHeader http.Header
	respBody   []byte
}

// OperatorPaths are the desk server's endpoints for load balancers and
// Prometheus (/healthz, /readyz, /metrics): outside the Customers API and
// its contract, documented in docs/deploy.md. The validator passes them.
var OperatorPaths = map[string]bool{api.PathHealth: true, api.PathReady: true, api.PathMetrics: true}

// check returns every violation in x.
func (v *Validator) check(ctx context.Context, x *exchange) []error {
	if x.method == http.MethodHead || OperatorPaths[x.url.Path] {
		return nil
	}
	target := x.url.Path
	if x.url.RawQuery != "" {
		target += "?" + x.url.RawQuery
	}
	violation := func(what string, err error) error {
		return &Violation{Method: x.method, Path: target, Status: x.status, What: what, Err: err}
	}

	req := &http.Request{
		Method: x.method,
		// Routing matches the servers' relative URL (/api/v1), so drop the
		// scheme and host a client-side request carries.
		URL:    &url.URL{Path: x.url.Path, RawPath: x.url.RawPath, RawQuery: x.url.RawQuery},
		Header: x.header,
		Body:   http.NoBody,
	}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		if err := v.checkUnrouted(ctx, req, x); err != nil {
			return []error{violation("route", err)}
		}
		return nil
	}

	var out []error
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: v.opts}
	// Only an accepted request can be drift, so a refused one is not even
	// checked.
	if x.checkRequest && x.status >= 200 && x.status < 300 {
		if len(x.body) > 0 {
			body := x.body
			req.Body = readCloser(body)
			req.GetBody = func() (io.ReadCloser, error) { return readCloser(body), nil }
			req.ContentLength = int64(len(body))
		}
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			out = append(out, violation("request", fmt.Errorf("the contract forbids this request, yet the server accepted it: %w", flatten(err))))
		}
		req.Body = http.NoBody
	}

	opts := v.opts
	if route.Operation.OperationID == "getCustomer" && x.status == http.StatusOK {
		// The document says anyOf(full, selection); pick the one that
		// applies so a missing field in a full answer is caught, with a
		// message naming the field rather than "matches none of anyOf".
		schema, name := v.customerFull, "CustomerResponse"
		if strings.TrimSpace(x.url.Query().Get("fields")) != "" {
			schema, name = v.customerSelection, "CustomerSelectionResponse"
		}
		if err := v.checkJSON(schema, x.respHeader, x.respBody); err != nil {
			out = append(out, violation("response", fmt.Errorf("body doesn't match schema #/components/schemas/%s: %w", name, err)))
		}
		opts = v.headersOnly
	}
	if route.Operation.OperationID == "exportCustomers" && x.status == http.StatusOK {
		// JSON lines, which kin-openapi does not read: each line is
		// judged here, the headers there.
		if err := v.checkNDJSON(x.respHeader, x.respBody); err != nil {
			out = append(out, violation("response", err))
		}
		opts = v.headersOnly
	}
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 x.status,
		Header:                 x.respHeader,
		Options:                opts,
	}
	rin.SetBodyBytes(x.respBody)
	if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
		var re *openapi3filter.ResponseError
		if errors.As(err, &re) && re.Err == nil && re.Reason == "status is not supported" {
			err = fmt.Errorf("the contract documents no %d answer for %s %s (documented: %s)",
				x.status, route.Method, route.Path, strings.Join(documented(route.Operation), ", "))
		}
		out = append(out, violation("response", flatten(err)))
	}
	return out
}

// documented lists the statuses an operation documents, in order.
func documented(op *openapi3.Operation) []string {
	var out []string
	for code := range op.Responses.Map() {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// checkUnrouted judges the answer to a request the contract has no
// operation for: a 404 envelope for an unknown path, a 405 envelope for a
// known path with another method, the mux's redirect to a cleaned path, or
// an error the server gives before routing (401, 403, 429, ...). Anything
// else — above all a success — is an undocumented operation.
func (v *Validator) checkUnrouted(ctx context.Context, req *http.Request, x *exchange) error {
	knownPath := v.pathExists(req)
	what := "no path " + req.URL.Path + " in the contract"
	if knownPath {
		what = "the contract documents no " + x.method + " on " + req.URL.Path
	}
	switch x.status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return nil
	case http.StatusNotFound:
		if knownPath {
			return fmt.Errorf("%s, so the answer should be 405 method_not_allowed, not 404", what)
		}
	case http.StatusMethodNotAllowed:
		if !knownPath {
			return fmt.Errorf("%s, so the answer should be 404 not_found, not 405", what)
		}
	}
	if v.unrouted.Operation.Responses.Status(x.status) == nil {
		return fmt.Errorf("%s, yet the server answered %d (undocumented operation)", what, x.status)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, Route: v.unrouted, Options: v.opts}
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.status, Header: x.respHeader, Options: v.opts}
	rin.SetBodyBytes(x.respBody)
	if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
		return fmt.Errorf("%s; its %d answer is not the documented error envelope: %w", what, x.status, flatten(err))
	}
	return nil
}

// pathExists reports whether any operation of the contract has req's path.
func (v *Validator) pathExists(req *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions} {
		if m == req.Method {
			continue
		}
		probe := *req
		probe.Method = m
		if _, _, err := v.router.FindRoute(&probe); err == nil {
			return true
		}
	}
	return false
}

// checkJSON validates a JSON response body against schema.
func (v *Validator) checkJSON(schema *openapi3.Schema, header http.Header, body []byte) error {
	if ct := header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return fmt.Errorf("Content-Type is %q, want application/json", ct)
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	return schema.VisitJSON(value,
		openapi3.VisitAsResponse(),
		openapi3.SetSchemaErrorMessageCustomizer(schemaErrorMessage))
}

// checkNDJSON judges an export stream (GET /customers/export): every
// line a Customer, the last one an ExportTrailer. A body without its
// trailer was cut off, which is no contract violation by itself, but
// nothing but customers may come before it.
func (v *Validator) checkNDJSON(header http.Header, body []byte) error {
	if ct := header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), api.ContentTypeNDJSON) {
		return fmt.Errorf("Content-Type is %q, want %s", ct, api.ContentTypeNDJSON)
	}
	lines := bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n"))
	for i, line := range lines {
		if len(line) == 0 && len(lines) == 1 {
			break
		}
		schema, name := v.customer, "Customer"
		trailer := bytes.HasPrefix(line, []byte(api.ExportEndPrefix)) || bytes.HasPrefix(line, []byte(api.ExportErrorPrefix))
		if trailer {
			schema, name = v.exportTrailer, "ExportTrailer"
			if i != len(lines)-1 {
				return fmt.Errorf("line %d is the stream's end, yet %d lines follow", i+1, len(lines)-1-i)
			}
		}
		var value any
		if err := json.Unmarshal(line, &value); err != nil {
			return fmt.Errorf("line %d is not JSON: %w", i+1, err)
		}
		if err := schema.VisitJSON(value, openapi3.VisitAsResponse(),
			openapi3.SetSchemaErrorMessageCustomizer(schemaErrorMessage)); err != nil {
			return fmt.Errorf("line %d doesn't match schema #/components/schemas/%s: %w", i+1, name, err)
		}
	}
	return nil
}

// ValidateResponse checks one response against the contract: the
// operation is found from method and path (path may carry a ?query,
// which matters for GET /customers/{id}?fields=), and header and body must
// match what the contract documents for status. The request itself is not
// judged. It returns nil or the violations, joined.
func (v *Validator) ValidateResponse(method, path string, status int, header http.Header, body []byte) error {
	u, err := url.Parse(path)
	if err != nil {
		return fmt.Errorf("contract: bad path %q: %w", path, err)
	}
	if header == nil {
		header = http.Header{}
	}
	errs := v.check(context.Background(), &exchange{
		method: method, url: u, header: http.Header{},
		status: status, respHeader: header, respBody: body,
	})
	return errors.Join(errs...)
}

// schemaErrorMessage says where in the document the value failed and why,
// in one line (kin-openapi's default dumps the schema and the value).
func schemaErrorMessage(e *openapi3.SchemaError) string {
	path := e.JSONPointer()
	// An allOf failure wraps the failure of one part: follow it down so
	// the message names the field itself ("/data/order/status", not
	// "/data/order"). kin-openapi keeps the inner error's path whole.
	for e.SchemaField == "allOf" {
		var me openapi3.MultiError
		if !errors.As(e.Origin, &me) || len(me) != 1 {
			break
		}
		inner, ok := me[0].(*openapi3.SchemaError)
		if !ok {
			break
		}
		path = inner.JSONPointer()
		e = inner
	}
	var b strings.Builder
	b.WriteString("at /")
	b.WriteString(strings.Join(path, "/"))
	b.WriteString(": ")
	switch {
	case e.Reason != "":
		b.WriteString(e.Reason)
	case e.Origin != nil:
		b.WriteString(e.Origin.Error())
	default:
		b.WriteString("doesn't match the schema's " + e.SchemaField)
	}
	if e.Origin != nil && e.Reason != "" && !strings.Contains(e.Reason, e.Origin.Error()) {
		b.WriteString(": ")
		b.WriteString(e.Origin.Error())
	}
	if s := shortJSON(e.Value); s != "" {
		b.WriteString(" (got ")
		b.WriteString(s)
		b.WriteString(")")
	}
	return b.String()
}

// shortJSON renders a failing value briefly: scalars whole (cut at 60
// bytes), objects and arrays by their shape only.
func shortJSON(v any) string {
	switch t := v.(type) {
	case map[string]any:
		return fmt.Sprintf("an object with %d fields", len(t))
	case []any:
		return fmt.Sprintf("an array of %d", len(t))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

// flatten turns kin-openapi's multi-part errors into one line.
func flatten(err error) error {
	if me, ok := err.(openapi3.MultiError); ok {
		parts := make([]string, len(me))
		for i, e := range me {
			parts[i] = e.Error()
		}
		return errors.New(strings.Join(parts, "; "))
	}
	return err
}

func readCloser(b []byte) *nopCloser { return &nopCloser{bytes.NewReader(b)} }

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"frontdesk/api"
	"frontdesk/store"
)

// apiError is an answer other than success: an HTTP status and the error
// half of the envelope.
type apiError struct {
	status int
	body   api.ErrorBody
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.body.Code, e.body.Message)
}

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, body: api.ErrorBody{Code: code, Message: fmt.Sprintf(format, args...)}}
}

// validationErr is a 400 with one message per bad field.
func validationErr(fields api.FieldErrors) *apiError {
	return &apiError{status: http.StatusBadRequest, body: api.ErrorBody{
		Code:    api.CodeValidation,
		Message: fields.Error(),
		Fields:  fields,
	}}
}

func notFound(what string, id any) *apiError {
	return errf(http.StatusNotFound, api.CodeNotFound, "%s %v not found", what, id)
}

// writeErr sends err as the error envelope; errors that are not
// *apiError are logged and become a 500 without internal details.
func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var unsupported *store.UnsupportedError
	var upstream *store.UpstreamError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &unsupported):
		ae = errf(http.StatusNotImplemented, api.CodeUnsupported, "%s", unsupported.Reason)
	case errors.As(err, &upstream):
		s.log.LogAttrs(r.Context(), slog.LevelError, "upstream failed",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("error", upstream.Err.Error()))
		ae = errf(http.StatusBadGateway, api.CodeUpstream, "%s", upstream.Error())
	}
	if ae == nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "handler failed",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("error", err.Error()))
		ae = errf(http.StatusInternalServerError, api.CodeInternal,
			"the sandbox failed to answer; the error is in its log under request id %s", RequestID(r.Context()))
	}
	s.ops.countError(ae.status, ae.body.Code)
	body, _ := json.Marshal(api.Envelope{Status: api.EnvelopeError, Error: &ae.body})
	writeBody(w, ae.status, body)
}

// envelope marshals data into the success envelope.
func envelope(data any) ([]byte, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("encode response: %w", err)
	}
	return json.Marshal(api.Envelope{Status: api.EnvelopeSuccess, Data: raw})
}

// writeData sends data in the success envelope.
func writeData(w http.ResponseWriter, status int, data any) error {
	body, err := envelope(data)
	if err != nil {
		return err
	}
	writeBody(w, status, body)
	return nil
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
	w.Write([]byte{'\n'})
}

// decodeBody reads one JSON object into v, refusing a body that is not
// declared JSON (415), anything but an object (null, an array, a
// string), unknown fields, trailing data and bodies over MaxBodyBytes.
func decodeBody(r *http.Request, v any) error {
	if err := jsonContentType(r); err != nil {
		return err
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyErr(err)
	}
	return decodeObject(raw, v)
}

// jsonContentType refuses a request body not sent as application/json
// (the contract: 415 unsupported_media_type). A body is never guessed to
// be JSON, so a form post or a forgotten header gets a clear answer.
func jsonContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case ct == "":
		return errf(http.StatusUnsupportedMediaType, api.CodeUnsupportedMediaType,
			"the body has no Content-Type: send it as JSON with Content-Type: application/json")
	case err != nil || mt != "application/json":
		return errf(http.StatusUnsupportedMediaType, api.CodeUnsupportedMediaType,
			"the body must be JSON (Content-Type: application/json), not %q", truncate(ct, 64))
	}
	return nil
}

// decodeObject decodes raw, which must be exactly one JSON object, into v.
// encoding/json reads null into a struct as "nothing", so without the
// first check a null body would pass as an empty object.
func decodeObject(raw []byte, v any) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return bodyErr(io.EOF)
	}
	if trimmed[0] != '{' {
		what := "a JSON " + jsonValueKind(trimmed)
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the body must be a JSON object, not %s", what)
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyErr(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the body must hold exactly one JSON object; found more after it")
	}
	return nil
}

// jsonValueKind names the JSON value raw starts with, for messages.
func jsonValueKind(raw []byte) string {
	switch {
	case bytes.HasPrefix(raw, []byte("null")):
		return "null"
	case raw[0] == '[':
		return "array"
	case raw[0] == '"':
		return "string"
	case bytes.HasPrefix(raw, []byte("true")), bytes.HasPrefix(raw, []byte("false")):
		return "boolean"
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		return "number"
	}
	return "value (it is not valid JSON)"
}

func bodyErr(err error) error {
	var maxErr *http.MaxBytesError
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &maxErr):
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the body is larger than %d bytes", maxErr.Limit)
	case errors.Is(err, io.EOF):
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the body is cut short: not complete JSON")
	case errors.As(err, &syntaxErr):
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the body is not valid JSON (at byte %d): %v", syntaxErr.Offset, err)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return errf(http.StatusBadRequest, api.CodeBadRequest, "the body must be a JSON object, not a JSON %s", typeErr.Value)
		}
		return errf(http.StatusBadRequest, api.CodeBadRequest, "field %q must be a %s, not a JSON %s", field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errf(http.StatusBadRequest, api.CodeBadRequest, "unknown field %s in the body", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return errf(http.StatusBadRequest, api.CodeBadRequest, "cannot read the body: %v", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "number"
	case "bool":
		return "boolean"
	case "slice":
		return "array"
	case "ptr", "struct", "map":
		return "object or value of the right type"
	}
	return goKind
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on supported platforms (Go 1.24+
		// crashes instead); keep the signature simple.
		panic(err)
	}
	return hex.EncodeToString(b)
}

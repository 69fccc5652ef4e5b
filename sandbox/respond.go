package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"frontdesk/api"
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
	if !errors.As(err, &ae) {
		s.log.LogAttrs(r.Context(), slog.LevelError, "handler failed",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("error", err.Error()))
		ae = errf(http.StatusInternalServerError, api.CodeInternal,
			"the sandbox failed to answer; the error is in its log under request id %s", RequestID(r.Context()))
	}
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

// decodeBody reads one JSON object into v, refusing unknown fields,
// trailing data and bodies over MaxBodyBytes.
func decodeBody(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json") {
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the body must be JSON (Content-Type: application/json), not %q", ct)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyErr(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the body must hold exactly one JSON object; found more after it")
	}
	return nil
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

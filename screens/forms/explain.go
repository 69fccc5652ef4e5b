package forms

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"frontdesk/client"
	"frontdesk/tui/sanitize"
)

// What went wrong, in words an agent can act on: every error a form
// shows goes through here, sanitized, with the store's request id.

// explain says in words what went wrong with a call, sanitized, as one
// or more sentences. An answer from the store ends with its request id,
// to quote when reporting it.
func explain(err error) string {
	var ae *client.APIError
	switch {
	case errors.Is(err, context.Canceled):
		return "The save was cancelled before the store answered."
	case client.IsTransport(err):
		return sentence(capitalize(sanitize.Line(innermostTransport(err))))
	case errors.As(err, &ae):
		msg := strings.TrimRight(sanitize.Line(ae.UserMessage()), ". ")
		var s string
		switch ae.Kind() {
		case client.KindUnauthenticated:
			s = "The store does not accept your API key (" + msg + "): check the profile's credentials"
		case client.KindForbidden:
			s = "The store refused: " + msg
		case client.KindNotFound:
			s = "The customer no longer exists (" + msg + ")"
		case client.KindRateLimited:
			s = "The store is rate limiting you: wait a moment"
		case client.KindUnsupported:
			s = "This store cannot do that: " + msg
		case client.KindUnavailable:
			s = "The store failed" + statusRef(ae) + ": " + msg
		default:
			code := sanitize.Line(ae.Code)
			if ae.Status != 0 {
				code = strconv.Itoa(ae.Status) + " " + code
			}
			s = "The store refused (" + code + "): " + msg
		}
		return sentence(s + requestRef(err))
	}
	return sentence(sanitize.Line(err.Error()))
}

// statusRef is " (503)" for an answer with an HTTP status, "" for a
// failure that had none.
func statusRef(ae *client.APIError) string {
	if ae.Status == 0 {
		return ""
	}
	return " (" + strconv.Itoa(ae.Status) + ")"
}

// requestID is the server's request id of an answer from the store
// (sanitized), or "": every server error a form shows quotes it, so the
// agent can give it to whoever looks into the failure.
func requestID(err error) string {
	var ae *client.APIError
	if asAPIError(err, &ae) {
		return sanitize.Line(ae.RequestID)
	}
	return ""
}

// requestRef is " (request req_…)" after a clause, or "".
func requestRef(err error) string {
	if id := requestID(err); id != "" {
		return " (request " + id + ")"
	}
	return ""
}

// withRequest ends sentences about err with its request id, if any.
func withRequest(text string, err error) string {
	if id := requestID(err); id != "" {
		return text + " Request " + id + "."
	}
	return text
}

// sentence ends s with a full stop unless it already ends a sentence
// (the transport errors' advice ends in "?"): never "right?." .
func sentence(s string) string {
	s = strings.TrimRight(s, " ")
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "…") {
		return s
	}
	return s + "."
}

// innermostTransport is the transport error's own message (it names the
// cause and what to check), without the call's wrapping.
func innermostTransport(err error) string {
	var te *client.TransportError
	if errors.As(err, &te) {
		return te.Error()
	}
	return err.Error()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

func asAPIError(err error, target **client.APIError) bool {
	return errors.As(err, target) && *target != nil
}

func isCancel(err error) bool { return errors.Is(err, context.Canceled) }

func apiMessage(err error) string {
	var ae *client.APIError
	if asAPIError(err, &ae) {
		return sanitize.Line(ae.Message)
	}
	return sanitize.Line(err.Error())
}

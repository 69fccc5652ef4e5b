package frontdesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// decodeError turns a non-2xx answer into a *client.APIError. A body that
// is not the API's error envelope (an HTML 502 from a proxy) still
// becomes one, with a message saying so. The kind follows the status.
func decodeError(status int, h http.Header, body []byte, url string) *client.APIError {
	ae := &client.APIError{Status: status, RequestID: h.Get(api.HeaderRequestID)}
	ae.RetryAfter, _ = client.ParseRetryAfter(h.Get(api.HeaderRetryAfter), time.Now())
	var env api.Envelope
	if err := json.Unmarshal(body, &env); err == nil && env.Status == api.EnvelopeError && env.Error != nil && env.Error.Code != "" {
		ae.Code = env.Error.Code
		ae.Message = env.Error.Message
		ae.Fields = env.Error.Fields
		if v := env.Error.CurrentVersion; v != nil {
			ae.CurrentVersion = strconv.FormatInt(*v, 10)
		}
		if ae.Code == api.CodeUnsupported {
			ae.K = client.KindUnsupported // the store behind the desk cannot
		}
		return ae
	}
	ae.Code = client.CodeBadResponse
	ae.Message = fmt.Sprintf("the store answered %d %s from %s with %s, not the API's JSON envelope — check the URL points at the Customers API and that any proxy in front of it is healthy",
		status, http.StatusText(status), url, client.DescribeBody(h.Get("Content-Type"), body))
	return ae
}

// badSuccess is a 2xx answer whose body the client cannot read.
func badSuccess(status int, h http.Header, body []byte, url string, err error) *client.APIError {
	return &client.APIError{
		Status:    status,
		Code:      client.CodeBadResponse,
		RequestID: h.Get(api.HeaderRequestID),
		Message: fmt.Sprintf("the store answered %d from %s with %s that the client cannot read (%v) — check the URL points at the Customers API, version v1",
			status, url, client.DescribeBody(h.Get("Content-Type"), body), err),
	}
}

// contextError explains a call stopped by its context: the caller's
// deadline passed or it was cancelled. last is the last answer seen
// before giving up, if any; both stay reachable with errors.Is/As.
func contextError(ctx context.Context, baseURL string, last error) error {
	err := ctx.Err()
	if err == nil {
		err = context.Canceled
	}
	what := "cancelled"
	if errors.Is(err, context.DeadlineExceeded) {
		what = "gave up at the deadline"
	}
	if last != nil {
		return fmt.Errorf("%w; %s while retrying %s: %w", last, what, baseURL, err)
	}
	return fmt.Errorf("call to the store at %s %s: %w", baseURL, what, err)
}

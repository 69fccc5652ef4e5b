package contract

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// Transport sends each request through next (http.DefaultTransport when
// nil) and checks the request and the response it got against the
// contract, calling report once per violation. The caller still gets the
// response unchanged. Transport errors are passed on and not judged.
func (v *Validator) Transport(next http.RoundTripper, report func(error)) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{v: v, next: next, report: report}
}

type transport struct {
	v      *Validator
	next   http.RoundTripper
	report func(error)
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	whole := true
	if req.Body != nil && req.Body != http.NoBody {
		orig := req.Body
		body, whole = readUpTo(orig, maxRequestBody)
		// A RoundTripper must not change the caller's request: send a
		// clone whose body replays what was read (then the rest, if the
		// body was too large to hold).
		req = req.Clone(req.Context())
		if whole {
			orig.Close()
			b := body
			req.Body = io.NopCloser(bytes.NewReader(b))
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		} else {
			req.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(body), orig), orig}
		}
	}
	header := req.Header.Clone()
	u := *req.URL

	resp, err := t.next.RoundTrip(req)
	if err != nil || t.report == nil {
		return resp, err
	}
	respBody, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if rerr != nil {
		// The body broke off (deadline, reset): hand the caller what came
		// and then the same error; there is no whole response to judge.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(respBody), errReader{fmt.Errorf("read response body: %w", rerr)}))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	for _, verr := range t.v.check(req.Context(), &exchange{
		method: req.Method, url: &u, header: header, body: body, checkRequest: whole,
		status: resp.StatusCode, respHeader: resp.Header, respBody: respBody,
	}) {
		t.report(verr)
	}
	return resp, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

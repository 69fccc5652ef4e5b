package contract

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// maxRequestBody is how much of a request body the validators hold to
// judge it; a larger body is passed on whole but not judged (the server
// refuses bodies over 1 MiB anyway).
const maxRequestBody = 4 << 20

// Handler serves next and checks each request and the response next wrote
// against the contract, calling report once per violation. It never
// changes or blocks the response. report runs before ServeHTTP returns,
// so once an httptest.Server's Close returns, every report has been made.
// report may be called from many goroutines at once.
func (v *Validator) Handler(next http.Handler, report func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, whole := readUpTo(r.Body, maxRequestBody)
		if r.Body != nil {
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		}
		header := r.Header.Clone()
		u := *r.URL
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if report == nil {
			return
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
			rec.sent = w.Header().Clone()
		}
		for _, err := range v.check(context.WithoutCancel(r.Context()), &exchange{
			method: r.Method, url: &u, header: header, body: body, checkRequest: whole,
			status: rec.status, respHeader: rec.sent, respBody: rec.body.Bytes(),
		}) {
			report(err)
		}
	})
}

// readUpTo reads at most limit bytes of rc; whole reports whether that was
// all of it.
func readUpTo(rc io.Reader, limit int64) (b []byte, whole bool) {
	if rc == nil || rc == http.NoBody {
		return nil, true
	}
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil || int64(len(b)) > limit {
		return b, false
	}
	return b, true
}

// recorder passes a response through and keeps a copy: the status, the
// headers as they were when the status was sent, and the body.
type recorder struct {
	http.ResponseWriter
	status int
	sent   http.Header
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
		r.sent = r.ResponseWriter.Header().Clone()
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (Flush,
// deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

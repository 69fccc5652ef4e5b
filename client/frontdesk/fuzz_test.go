package frontdesk

import (
	"net/http"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
)

// FuzzDecodeError feeds arbitrary bodies and headers to the error
// decoding: it must never panic, always keep the status, and never let a
// control character from a body that is not the API's envelope into the
// message (only the API's own message, which callers sanitize, passes
// through as is).
func FuzzDecodeError(f *testing.F) {
	f.Add(404, `{"status":"error","error":{"code":"not_found","message":"customer 42 not found"}}`, "req_1", "")
	f.Add(400, `{"status":"error","error":{"code":"validation_error","message":"invalid","fields":{"note":"too short"}}}`, "", "")
	f.Add(412, `{"status":"error","error":{"code":"version_mismatch","message":"stale","current_version":9}}`, "", "")
	f.Add(429, `{"status":"error","error":{"code":"rate_limited","message":"slow"}}`, "", "3")
	f.Add(502, "<html>\x1b]52;c;SGk=\x07Bad Gateway</html>", "", "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(500, `{"status":"error","error":null}`, "", "-1")
	f.Add(503, "\xff\xfe\x00", "", "")
	f.Add(0, `{"status":"error","error":{"code":"","fields":{"":""}}}`, "", "99999999999999999999")
	f.Fuzz(func(t *testing.T, status int, body, reqID, retryAfter string) {
		h := http.Header{}
		h.Set(api.HeaderRequestID, reqID)
		h.Set(api.HeaderRetryAfter, retryAfter)
		h.Set("Content-Type", "text/html")
		ae := decodeError(status, h, []byte(body), "http://x/api/v1/customers")
		if ae == nil || ae.Status != status {
			t.Fatalf("decodeError lost the status: %+v", ae)
		}
		msg := ae.Error()
		if msg == "" {
			t.Fatal("empty message")
		}
		if ae.Code == client.CodeBadResponse && strings.ContainsFunc(ae.Message, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) }) {
			t.Fatalf("control character from the body in %q", ae.Message)
		}
		if ae.RetryAfter < 0 {
			t.Fatalf("negative Retry-After %v", ae.RetryAfter)
		}
		var out api.CustomerEnvelope
		_ = decodeSuccess(200, h, []byte(body), "u", &out)
	})
}

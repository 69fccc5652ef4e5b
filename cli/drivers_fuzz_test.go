package cli

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox"
)

// FuzzDriversDecode answers every driver's calls with an arbitrary status
// and body: no driver panics, hangs or calls a broken answer a success
// with nothing in it silently — each call returns either an answer or an
// error the CLI and console can show (an *APIError, or a transport one).
func FuzzDriversDecode(f *testing.F) {
	f.Add(200, `{"status":"success","data":{"customers":[],"total":0,"page":1,"limit":20}}`)
	f.Add(200, `{"data":[{"id":"cstmr_1","email":"a@b.c"}],"meta":{"pagination":{"total":1,"count":1,"per_page":20,"current_page":1,"total_pages":1}}}`)
	f.Add(200, `{"_v":"20.4","count":1,"hits":[{"data":{"customer_id":"ab","customer_no":"1"}}],"total":1,"start":0}`)
	f.Add(200, `{"customer":{"id":"00000000-0000-4000-8000-000000000001","name":"A B"}}`)
	f.Add(200, `{"data":{"id":1,"email":"a@b.c","first_name":"A"}}`)
	f.Add(404, `{"error":{"type":"not_found","message":"\u001b[2Jgone"}}`)
	f.Add(500, "<html>oops</html>")
	f.Add(200, `{"status":"success","data":null}`)
	f.Add(200, "\xff\xfe")
	f.Fuzz(runOne)
}

// runOne is one FuzzDriversDecode input.
func runOne(t *testing.T, status int, body string) {
	if status < 200 || status > 599 || status == http.StatusTooManyRequests || status/100 == 3 {
		return // 1xx are not answers; retried waits and redirects are other tests' subject
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "oauth2") || strings.Contains(r.URL.Path, "access_token") {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":1799}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	defer srv.Close()
	for _, drv := range platforms {
		// The credentials each platform's sandbox dialect prints: real
		// shapes (a Chec sk_ key, an SFCC client id and site, …).
		keyID, secret, opts := "ck_fuzz", "cs_fuzz", map[string]string{}
		d, _ := sandbox.DialectNamed(drv.name)
		for _, l := range d.Credentials(srv.URL, keyID, secret) {
			switch l.Name {
			case "key":
				keyID = l.Value
			case "secret":
				secret = l.Value
			default:
				opts[l.Name] = l.Value
			}
		}
		p, err := drv.build(frontdesk.Config{BaseURL: srv.URL, KeyID: keyID, Secret: secret, MaxRetries: -1, Timeout: 5 * time.Second}, opts)
		if err != nil {
			t.Fatalf("%s: build: %v", drv.name, err)
		}
		ctx := context.Background()
		check := func(call string, err error) {
			if err == nil {
				return
			}
			var ae *client.APIError
			var te *client.TransportError
			if !errors.As(err, &ae) && !errors.As(err, &te) && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s %s: %d %q gave an error the console cannot read: %v", drv.name, call, status, body, err)
			}
		}
		_, err = p.SearchCustomers(ctx, client.SearchParams{Query: "wan", Limit: 5})
		check("SearchCustomers", err)
		_, err = p.GetCustomer(ctx, "00000000-0000-4000-8000-000000000001")
		check("GetCustomer", err)
		_, err = p.ListOrders(ctx, "00000000-0000-4000-8000-000000000001", client.OrderParams{Limit: 5})
		check("ListOrders", err)
		_, err = p.GetLoyalty(ctx, "1")
		check("GetLoyalty", err)
	}
}

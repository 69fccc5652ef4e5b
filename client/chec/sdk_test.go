package chec_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// Chec's own SDK, @chec/commerce.js (testdata/sdk, installed by `npm ci`
// there), calls the sandbox's chec dialect: its headers, URL building
// and error handling meet the dialect, and what it reads is what the
// driver reads.
func TestVendorSDK(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "sdk"))
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	missing := ""
	switch {
	case err != nil:
		missing = "node is not installed"
	default:
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "@chec", "commerce.js")); err != nil {
			missing = "the Commerce.js SDK is not installed: run `npm ci` in client/chec/testdata/sdk"
		}
	}
	if missing != "" {
		if os.Getenv("FRONTDESK_E2E_REQUIRED") == "1" {
			t.Fatalf("FRONTDESK_E2E_REQUIRED=1 but %s", missing)
		}
		t.Skip(missing)
	}

	s := newSandbox(t)
	ctx := context.Background()
	var local string
	if err := s.sb.DB.QueryRow(`SELECT email FROM customers c WHERE email NOT LIKE 'hostile-%'
		AND (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) > 1 ORDER BY id LIMIT 1`).Scan(&local); err != nil {
		t.Fatal(err)
	}
	local, _, _ = strings.Cut(local, "@")

	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(cctx, node, "check.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHEC_URL="+s.url, "CHEC_SECRET="+s.sk, "CHEC_QUERY="+local)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.js: %v\n%s", err, stderr.String())
	}
	type failure struct {
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
		Data       struct {
			Error struct {
				Type    string              `json:"type"`
				Message string              `json:"message"`
				Errors  map[string][]string `json:"errors"`
			} `json:"error"`
		} `json:"data"`
	}
	type customer struct {
		ID        string `json:"id"`
		Email     string `json:"email"`
		FirstName string `json:"firstname"`
		LastName  string `json:"lastname"`
	}
	var got struct {
		SecretWithoutAllow string `json:"secretWithoutAllow"`
		List               struct {
			Data []customer `json:"data"`
			Meta struct {
				Pagination struct {
					Total int `json:"total"`
				} `json:"pagination"`
			} `json:"meta"`
		} `json:"list"`
		Customer customer `json:"customer"`
		Orders   struct {
			Data []struct {
				ID                string `json:"id"`
				CustomerReference string `json:"customer_reference"`
			} `json:"data"`
			Meta struct {
				Pagination struct {
					Total int `json:"total"`
				} `json:"pagination"`
			} `json:"meta"`
		} `json:"orders"`
		Order struct {
			ID         string `json:"id"`
			OrderValue struct {
				Raw float64 `json:"raw"`
			} `json:"order_value"`
		} `json:"order"`
		Updated       customer `json:"updated"`
		NotFound      *failure `json:"notFound"`
		Invalid       *failure `json:"invalid"`
		CustomerToken *failure `json:"customerToken"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("the script's answer: %v\n%s", err, out)
	}

	if got.SecretWithoutAllow != "refused" {
		t.Errorf("the SDK took a secret key without allowSecretKey: %q", got.SecretWithoutAllow)
	}
	if len(got.List.Data) == 0 || got.List.Meta.Pagination.Total != len(got.List.Data) || !strings.HasPrefix(got.List.Data[0].Email, local) {
		t.Fatalf("the SDK's search for %q: %+v", local, got.List)
	}
	id := api.ID(got.List.Data[0].ID)
	// What the SDK read is what the driver reads.
	page, err := s.c.SearchCustomers(ctx, client.SearchParams{Query: local, Limit: 5})
	if err != nil || len(page.Items) != len(got.List.Data) || page.Items[0].ID != id {
		t.Fatalf("driver's search: %+v %v", page, err)
	}
	if got.Customer.ID != string(id) || got.Customer.Email != got.List.Data[0].Email {
		t.Errorf("the SDK's customer: %+v", got.Customer)
	}
	orders, err := s.c.ListOrders(ctx, id, client.OrderParams{Limit: 2})
	if err != nil || len(got.Orders.Data) != len(orders.Items) || got.Orders.Meta.Pagination.Total != orders.Total ||
		got.Orders.Data[0].ID != string(orders.Items[0].ID) || got.Orders.Data[0].CustomerReference != orders.Items[0].Number {
		t.Fatalf("orders: SDK %+v, driver %+v %v", got.Orders, orders, err)
	}
	o, err := s.c.GetOrder(ctx, id, orders.Items[0].ID)
	if err != nil || got.Order.ID != string(o.ID) || int64(got.Order.OrderValue.Raw*100+0.5) != o.Total {
		t.Fatalf("order: SDK %+v, driver %+v %v", got.Order, o, err)
	}
	// The SDK's PUT is stored; the driver reads the change.
	cu, err := s.c.GetCustomer(ctx, id)
	if err != nil || got.Updated.FirstName != "Commerce" || cu.FirstName != "Commerce" || cu.LastName != "Sdk" {
		t.Fatalf("update: SDK %+v, driver %+v %v", got.Updated, cu, err)
	}
	if f := got.NotFound; f == nil || f.StatusCode != 404 || f.Data.Error.Type != "not_found" || f.Data.Error.Message == "" {
		t.Errorf("not found through the SDK: %+v", f)
	}
	if f := got.Invalid; f == nil || f.StatusCode != 422 || f.Data.Error.Type != "validation" || len(f.Data.Error.Errors["email"]) == 0 {
		t.Errorf("validation through the SDK: %+v", f)
	}
	// The SDK's customer feature (about, getOrders, update with a
	// customer's JWT) sets X-Authorization to undefined: browsers send
	// the word "undefined", Node refuses to send the request at all. So
	// in Node only request() with the secret key reaches Chec, which is
	// what the script uses above (and what the driver does).
	if f := got.CustomerToken; f == nil || f.StatusCode != 0 || !strings.Contains(f.Message, `"X-Authorization"`) {
		t.Errorf("the customer feature in Node: %+v", f)
	}
}

package e2e

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"frontdesk/api"
)

// `frontdesk server --upstream chec` in front of `sandbox serve --dialect
// chec`: the CLI on the desk searches and shows the Commerce.js store's
// customers by their cstmr_ ids, edits one with an audit row, and is told
// with Commerce.js's sentence that there are no loyalty points.
func TestServerInFrontOfCommerceJS(t *testing.T) {
	bin := buildFrontdesk(t)
	dir := t.TempDir()
	shop := serve(t, bin, []string{"sandbox", "serve", "--db", filepath.Join(dir, "shop.db"), "--seed", "40", "--dialect", "chec", "--addr", "127.0.0.1:0"}, "key", "secret")
	desk := serveWith(t, bin, []string{"FRONTDESK_UPSTREAM_SECRET=" + shop.Lines["secret"]},
		[]string{"server", "--db", filepath.Join(dir, "desk.db"), "--addr", "127.0.0.1:0",
			"--upstream", "chec", "--upstream-url", shop.URL(), "--upstream-key", shop.Lines["key"]}, "key", "secret")

	cli := func(args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		home := t.TempDir()
		cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "cfg"), "PATH=/usr/bin:/bin",
			"FRONTDESK_API_URL=" + desk.URL(), "FRONTDESK_API_KEY=" + desk.Lines["key"], "FRONTDESK_API_SECRET=" + desk.Lines["secret"]}
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}

	out, errs, code := cli("customers", "search", "gmail", "--limit", "3", "--json")
	var list api.CustomerList
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list.Customers) == 0 || !strings.HasPrefix(string(list.Customers[0].ID), "cstmr_") {
		t.Fatalf("search through the desk: %d %s %s", code, out, errs)
	}
	id := string(list.Customers[0].ID)
	out, errs, code = cli("customers", "show", id, "--json")
	var one api.CustomerEnvelope
	if code != 0 || json.Unmarshal([]byte(out), &one) != nil || string(one.Customer.ID) != id {
		t.Fatalf("show %s: %d %s %s", id, code, out, errs)
	}
	if _, errs, code = cli("loyalty", "show", id); code != 6 || !strings.Contains(errs, "Commerce.js") {
		t.Fatalf("loyalty on Commerce.js through the desk: %d %s", code, errs)
	}
	if _, errs, code = cli("audit", "list", "--customer", id); code != 0 {
		t.Fatalf("audit list: %d %s", code, errs)
	}
}

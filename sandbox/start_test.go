package sandbox_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox"
)

func TestStart(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "start.db")
	run, err := sandbox.Start(ctx, sandbox.StartOptions{DBPath: path, Customers: 12, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !run.KeyCreated || !run.Seeded || !strings.HasPrefix(run.URL, "http://127.0.0.1:") {
		t.Fatalf("first start: %+v", run)
	}
	req, _ := http.NewRequest("GET", run.URL+api.Base+"/customers", nil)
	req.SetBasicAuth(run.Key.KeyID, run.Key.Secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Data api.CustomerList }
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if resp.StatusCode != 200 || list.Data.Total != 12 {
		t.Fatalf("GET /customers on Start: %d total %d", resp.StatusCode, list.Data.Total)
	}
	if err := run.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := http.DefaultClient.Get(run.URL + api.Base + "/me"); err == nil {
		t.Fatal("server still answers after Close")
	}
	// Second start on the same file: no new key, no reseed.
	run2, err := sandbox.Start(ctx, sandbox.StartOptions{DBPath: path, Customers: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer run2.Close(ctx)
	if run2.KeyCreated || run2.Seeded || run2.Key != (sandbox.Key{}) {
		t.Fatalf("second start: %+v", run2)
	}
}

package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/cli"
	"frontdesk/sandbox/sandboxtest"
)

func TestCustomersExportDataAndErase(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 3})
	sup, agent := apiEnv(t, env, "supervisor"), apiEnv(t, env, "agent")
	var email string
	if err := env.DB.QueryRow(`SELECT email FROM customers WHERE id = 2`).Scan(&email); err != nil {
		t.Fatal(err)
	}

	runCLI(t, agent, "customers", "export-data", "2").want(t, cli.ExitPermission)
	runCLI(t, agent, "customers", "erase", "2", "--reason", "erasure request T-1").want(t, cli.ExitPermission)
	runCLI(t, sup, "customers", "erase", "2").want(t, cli.ExitUsage)
	runCLI(t, sup, "customers", "erase", "2", "--reason", "x").want(t, cli.ExitUsage)

	out := filepath.Join(t.TempDir(), "c2.json")
	r := runCLI(t, sup, "customers", "export-data", "2", "--out", out)
	r.want(t, 0)
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v %v", fi, err)
	}
	b, _ := os.ReadFile(out)
	var doc api.CustomerDataExport
	if err := json.Unmarshal(b, &doc); err != nil || doc.Customer.Email != email || doc.ExportedBy != env.Agents["supervisor"] {
		t.Fatalf("export: %v %+v", err, doc.Customer)
	}

	runCLI(t, sup, "customers", "erase", "2", "--reason", "erasure request T-1", "--confirm-email", "not@theirs.example").
		want(t, cli.ExitUsage)
	r = runCLI(t, sup, "customers", "erase", "2", "--reason", "erasure request T-1", "--confirm-email", email)
	r.want(t, 0)
	if !strings.Contains(r.stdout, "Erased customer 2") || !strings.Contains(r.stdout, "erased-2@erased.invalid") {
		t.Fatalf("erase:\n%s", r.stdout)
	}
	r = runCLI(t, sup, "customers", "erase", "2", "--reason", "erasure request T-1")
	r.want(t, 0)
	if !strings.Contains(r.stdout, "already erased") {
		t.Fatalf("second erase:\n%s", r.stdout)
	}
	r = runCLI(t, sup, "customers", "export-data", "2")
	r.want(t, 0)
	if strings.Contains(r.stdout, email) {
		t.Fatal("the export after the erasure still holds the email")
	}
	r = runCLI(t, map[string]string{}, "audit", "verify", "--db", env.DBPath)
	r.want(t, 0)
	if !strings.Contains(r.stdout, "payloads erased") {
		t.Fatalf("verify:\n%s", r.stdout)
	}
}

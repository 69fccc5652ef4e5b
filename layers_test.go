package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

// The layers of docs/architecture.md, checked on the real import graph
// (non-test imports): a change that makes the console reach past the
// Platform, the server reach past the storage interface, or the policy
// depend on anything but the wire types fails here.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		imports[strings.TrimPrefix(p.ImportPath, "frontdesk/")] = p.Imports
	}
	if len(imports) < 20 {
		t.Fatalf("go list found %d packages; the check would prove nothing", len(imports))
	}

	// A rule covers a folder and the packages below it; a package obeys
	// the rule of the deepest folder that covers it.
	type rule struct {
		mayUse  []string // the only frontdesk packages it may import (nil: any but never)
		never   []string // packages, frontdesk or not, it must not import
		because string
	}
	leaf := rule{mayUse: []string{}, because: "a leaf everything else builds on"}
	rules := map[string]rule{
		"api":              leaf,
		"money":            leaf,
		"tui/sanitize":     leaf,
		"store/audit":      leaf,
		"api/contract":     {mayUse: []string{"api"}, because: "it checks traffic against the contract"},
		"policy":           {mayUse: []string{"api", "money"}, because: "the server, the console and the gateway all ask it"},
		"client":           {mayUse: []string{"api"}, because: "the Platform interface knows no driver"},
		"bulk":             {mayUse: []string{"api", "client", "policy", "money"}, because: "bulk corrections work on any Platform, for the CLI, the gateway and the console alike"},
		"client/frontdesk": {mayUse: []string{"api", "client"}, because: "a driver speaks its platform, nothing of the console"},
		"client/fake":      {mayUse: []string{"api", "client"}, because: "a driver speaks its platform, nothing of the console"},
		"client/store":     {mayUse: []string{"api", "client"}, because: "a driver speaks its platform, nothing of the console"},
		"client/chec":      {mayUse: []string{"api", "client"}, because: "a driver speaks its platform, nothing of the console or another driver"},
		"client/sfcc":      {mayUse: []string{"api", "client"}, because: "a driver speaks its platform, nothing of the console or another driver"},
		"client/tybrite":   {mayUse: []string{"api", "client"}, because: "a driver speaks its platform, nothing of the console or another driver"},
		"client/openapi":   {mayUse: []string{"api", "client"}, because: "a driver speaks its platform, nothing of the console or another driver"},
		"dialect": {mayUse: []string{"api", "store"}, never: []string{"frontdesk/client", "frontdesk/tui", "frontdesk/screens", "frontdesk/server"},
			because: "a dialect is the sandbox speaking a platform's wire format over the storage interface"},
		"tui": {never: []string{"frontdesk/client", "frontdesk/screens", "frontdesk/server", "frontdesk/store", "frontdesk/sandbox", "net/http"},
			because: "the shell knows screens only by the Screen interface"},
		"screens": {never: []string{"frontdesk/client/frontdesk", "frontdesk/client/fake", "frontdesk/server", "frontdesk/store", "frontdesk/sandbox",
			"frontdesk/cli", "frontdesk/sshd", "net/http", "github.com/go-resty/resty/v2"},
			because: "screens hold a client.Platform and nothing else of the client"},
		"sshd": {never: []string{"frontdesk/server", "frontdesk/store", "frontdesk/sandbox", "frontdesk/client/frontdesk", "frontdesk/client/store", "frontdesk/client/fake"},
			because: "the gateway holds a client.Platform that cli builds, and reaches the store over the API"},
		"server": {never: []string{"frontdesk/store/sqlite", "frontdesk/sandbox", "frontdesk/client", "frontdesk/tui", "frontdesk/screens", "database/sql"},
			because: "the server reaches data only through store.Store"},
		"desk": {never: []string{"frontdesk/client/frontdesk", "frontdesk/client/store", "frontdesk/client/fake", "frontdesk/tui", "frontdesk/screens",
			"frontdesk/sandbox", "frontdesk/cli", "frontdesk/dialect"},
			because: "the desk server runs the server on a store and holds a platform by its interface; cli builds the driver"},
		"store": {never: []string{"frontdesk/server", "frontdesk/sandbox", "frontdesk/client", "frontdesk/tui", "frontdesk/screens"},
			because: "storage knows nothing of HTTP or the console"},
	}
	ruleFor := func(pkg string) (string, rule, bool) {
		for dir := pkg; dir != "."; dir = path.Dir(dir) {
			if r, ok := rules[dir]; ok {
				return dir, r, true
			}
		}
		return "", rule{}, false
	}
	checked := 0
	for pkg, imps := range imports {
		dir, r, ok := ruleFor(pkg)
		if !ok {
			continue
		}
		checked++
		for _, imp := range imps {
			local, isLocal := strings.CutPrefix(imp, "frontdesk/")
			if r.mayUse != nil && isLocal && local != dir && !strings.HasPrefix(local, dir+"/") && !slices.Contains(r.mayUse, local) {
				t.Errorf("%s imports %s: it may use only %v (%s)", pkg, imp, r.mayUse, r.because)
			}
			for _, n := range r.never {
				if imp == n || strings.HasPrefix(imp, n+"/") {
					t.Errorf("%s imports %s (%s)", pkg, imp, r.because)
				}
			}
		}
	}
	if checked < 15 {
		t.Fatalf("only %d packages fell under a rule", checked)
	}
}

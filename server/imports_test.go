package server_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestServerReachesDataOnlyThroughTheStore keeps the seam honest: the
// server's code (tests aside) names no storage engine and no database
// driver; it is handed a store.Store.
func TestServerReachesDataOnlyThroughTheStore(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"frontdesk/store": true, "frontdesk/store/audit": true}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case strings.HasPrefix(path, "database/sql"),
				strings.HasPrefix(path, "modernc.org/"),
				strings.HasPrefix(path, "frontdesk/store") && !allowed[path],
				strings.HasPrefix(path, "frontdesk/sandbox"):
				t.Errorf("%s imports %s: the server reaches data only through store.Store", name, path)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d files; is the test running in the server's directory?", checked)
	}
}

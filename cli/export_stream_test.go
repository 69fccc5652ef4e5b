package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// exportProxy stands between the CLI and a sandbox, counting the calls
// by path; export decides what it does with GET /customers/export.
type exportProxy struct {
	streams, pages atomic.Int64
	export         func(w http.ResponseWriter, r *http.Request, next http.Handler)
}

func (p *exportProxy) start(t *testing.T, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	next := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case api.Base + "/customers/export":
			p.streams.Add(1)
			if p.export != nil {
				p.export(w, r, next)
				return
			}
		case api.Base + "/customers":
			p.pages.Add(1)
		}
		next.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestExportStreamAndPagingAgree: the same export through the desk's
// stream (one request) and through cursor paging (a desk that answers
// the stream with 404, as one older than it does) writes the same bytes,
// CSV and JSON lines, with a query and each sort; a stream cut off before
// its end line fails the export and leaves no file.
func TestExportStreamAndPagingAgree(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 1300, RateLimit: -1})
	home := t.TempDir()
	k := env.Keys["agent"]
	vars := map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "cfg"), "XDG_STATE_HOME": filepath.Join(home, "state"),
		EnvAPIKey: k.KeyID, EnvAPISecret: k.Secret,
	}
	run := func(base string, args ...string) (code int, stdout, stderr string) {
		t.Helper()
		vars[EnvAPIURL] = base
		var out, errb bytes.Buffer
		code = Run(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string { return vars[k] }}, args)
		return code, out.String(), errb.String()
	}
	var stream, old exportProxy
	old.export = func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
		http.Error(w, `{"status":"error","error":{"code":"not_found","message":"customer export not found"}}`, http.StatusNotFound)
	}
	streamURL, oldURL := stream.start(t, env.URL), old.start(t, env.URL)

	for _, args := range [][]string{
		{"--format", "csv"},
		{"--format", "jsonl"},
		{"mail", "--format", "csv", "--sort", api.SortName},
		{"a", "--format", "jsonl", "--sort", api.SortTopSpenders},
		{"orders:>2", "--format", "jsonl"},
	} {
		args = append([]string{"customers", "export"}, args...)
		s0, p0 := stream.streams.Load(), stream.pages.Load()
		code, viaStream, errOut := run(streamURL, args...)
		if code != ExitOK || errOut != "" {
			t.Fatalf("%v over the stream: exit %d\n%s", args, code, errOut)
		}
		if s, p := stream.streams.Load()-s0, stream.pages.Load()-p0; s != 1 || p != 0 {
			t.Fatalf("%v: %d stream requests and %d pages, want the one stream", args, s, p)
		}
		p0 = old.pages.Load()
		code, viaPages, errOut := run(oldURL, args...)
		if code != ExitOK || errOut != "" {
			t.Fatalf("%v over pages: exit %d\n%s", args, code, errOut)
		}
		if old.pages.Load()-p0 < 2 {
			t.Fatalf("%v: the fallback paged %d times", args, old.pages.Load()-p0)
		}
		if viaStream != viaPages || strings.Count(viaStream, "\n") < 10 {
			t.Fatalf("%v: the stream wrote %d bytes (%d lines), paging %d bytes (%d lines), or they differ",
				args, len(viaStream), strings.Count(viaStream, "\n"), len(viaPages), strings.Count(viaPages, "\n"))
		}
	}

	// A stream that loses its end line (a connection cut at a line's
	// end) is no complete export.
	var cut exportProxy
	cut.export = func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		end := bytes.LastIndex(bytes.TrimSuffix(body, []byte("\n")), []byte("\n"))
		if rec.Code != http.StatusOK || end < 0 || !bytes.Contains(body[end:], []byte(api.ExportEndPrefix)) {
			t.Errorf("proxy: status %d, no end line to cut", rec.Code)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		io.Copy(w, bytes.NewReader(body[:end+1]))
	}
	cutURL := cut.start(t, env.URL)
	file := filepath.Join(t.TempDir(), "cut.jsonl")
	code, out, errOut := run(cutURL, "customers", "export", "--format", "jsonl", "--out", file)
	if code == ExitOK || out != "" || !strings.Contains(errOut, "cut off") {
		t.Fatalf("cut stream: exit %d\nstdout %q\nstderr %s", code, out, errOut)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("cut stream left %s: %v", file, err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*part")); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

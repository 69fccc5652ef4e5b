package sshd

import (
	"context"
	"io"
	"net/http"
	"sync"
)

// inflight counts what is still running (API requests, sessions) so a
// shutdown can wait until it is done.
type inflight struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed while n == 0
}

func newInflight() *inflight {
	ch := make(chan struct{})
	close(ch)
	return &inflight{idle: ch}
}

func (f *inflight) add() {
	f.mu.Lock()
	if f.n == 0 {
		f.idle = make(chan struct{})
	}
	f.n++
	f.mu.Unlock()
}

func (f *inflight) done() {
	f.mu.Lock()
	f.n--
	if f.n == 0 {
		close(f.idle)
	}
	f.mu.Unlock()
}

func (f *inflight) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// wait returns when nothing is in flight, or with ctx's error.
func (f *inflight) wait(ctx context.Context) error {
	f.mu.Lock()
	ch := f.idle
	f.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// countingTransport counts API requests from the moment they are sent
// until their body is closed, so a shutdown lets them finish: a loyalty
// adjustment already on its way gets its answer to the agent.
type countingTransport struct {
	next http.RoundTripper
	f    *inflight
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.f.add()
	resp, err := t.next.RoundTrip(r)
	if err != nil || resp == nil || resp.Body == nil {
		t.f.done()
		return resp, err
	}
	resp.Body = &countedBody{ReadCloser: resp.Body, done: t.f.done}
	return resp, nil
}

type countedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *countedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

package sshd

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestIPLimiter(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := newIPLimiter(0.5, 3, clock.now) // burst 3, then one every 2 s
	a := &net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 1000}
	b := &net.TCPAddr{IP: net.ParseIP("192.0.2.2"), Port: 1000}
	for i := range 3 {
		if !l.allow(a) {
			t.Fatalf("connection %d of the burst refused", i+1)
		}
	}
	if l.allow(a) {
		t.Fatal("a 4th connection at once allowed")
	}
	if !l.allow(&net.TCPAddr{IP: a.IP, Port: 2000}) == false {
		t.Fatal("another port of the same IP escaped the bucket")
	}
	if !l.allow(b) {
		t.Fatal("another IP was limited by the first one's bucket")
	}
	clock.t = clock.t.Add(1900 * time.Millisecond)
	if l.allow(a) {
		t.Fatal("allowed before a token refilled")
	}
	clock.t = clock.t.Add(200 * time.Millisecond)
	if !l.allow(a) {
		t.Fatal("refused after a token refilled")
	}
	clock.t = clock.t.Add(time.Hour)
	for i := range 3 {
		if !l.allow(a) {
			t.Fatalf("after an hour, connection %d refused: the bucket must refill to its burst", i+1)
		}
	}
	if l.allow(a) {
		t.Fatal("the bucket refilled beyond its burst")
	}
}

func TestIPLimiterGroupsIPv6By64(t *testing.T) {
	l := newIPLimiter(0.001, 1, (&fakeClock{t: time.Unix(0, 0)}).now)
	if !l.allow(&net.TCPAddr{IP: net.ParseIP("2001:db8:1:2::1")}) {
		t.Fatal("first refused")
	}
	if l.allow(&net.TCPAddr{IP: net.ParseIP("2001:db8:1:2::ffff")}) {
		t.Fatal("another address of the same /64 got its own bucket")
	}
	if !l.allow(&net.TCPAddr{IP: net.ParseIP("2001:db8:1:3::1")}) {
		t.Fatal("another /64 was limited")
	}
}

func TestIPLimiterBoundsItsMemory(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	l := newIPLimiter(0.001, 1, clock.now)
	ip := net.IPv4(10, 0, 0, 0).To4()
	for i := range maxBuckets + 500 {
		ip[2], ip[3] = byte(i>>8), byte(i)
		ip[1] = byte(i >> 16)
		l.allow(&net.TCPAddr{IP: ip})
	}
	if n := len(l.buckets); n > maxBuckets+1 {
		t.Fatalf("%d buckets, want at most %d", n, maxBuckets+1)
	}
}

func TestCountingTransportWaitsForBodies(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("head "))
		w.(http.Flusher).Flush()
		<-release
		w.Write([]byte("tail"))
	}))
	defer srv.Close()
	f := newInflight()
	hc := &http.Client{Transport: &countingTransport{next: http.DefaultTransport, f: f}}
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if f.count() != 1 {
		t.Fatalf("in flight %d with the body unread, want 1", f.count())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	if err := f.wait(ctx); err == nil {
		t.Fatal("wait returned while a body was open")
	}
	cancel()
	close(release)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "tail") {
		t.Fatalf("body %q", body)
	}
	if err := f.wait(context.Background()); err != nil || f.count() != 0 {
		t.Fatalf("after the body closed: %v, %d in flight", err, f.count())
	}
}

package sshd

import (
	"net"
	"sync"
	"time"
)

// ipLimiter is a token bucket per remote IP for new connections: each IP
// may open burst connections at once and then one every 1/rate seconds.
// It guards the handshake (the costly part, and the one a key-guessing
// client repeats), so it runs before any SSH is spoken.
type ipLimiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the map; beyond it, full buckets (IPs that have not
// connected for a while) are dropped, and if that is not enough new
// addresses share the overflow bucket.
const (
	maxBuckets  = 10000
	overflowKey = "overflow"
)

func newIPLimiter(rate float64, burst int, now func() time.Time) *ipLimiter {
	if now == nil {
		now = time.Now
	}
	return &ipLimiter{rate: rate, burst: float64(max(1, burst)), now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from addr's bucket, reporting false when it is
// empty. A nil limiter allows everything.
func (l *ipLimiter) allow(addr net.Addr) bool {
	if l == nil {
		return true
	}
	key := ipOf(addr)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		if len(l.buckets) >= maxBuckets {
			// Many addresses at once (a flood from a large range): the
			// newcomers share one bucket rather than growing the map.
			key = overflowKey
			b, ok = l.buckets[key]
		}
	}
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// prune drops the buckets that have refilled: forgetting them changes
// nothing for their IPs.
func (l *ipLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// ipOf is the bucket of an address: the IPv4 address, or the /64 of an
// IPv6 address (one host usually owns a whole /64, so per-address buckets
// would not limit it).
func ipOf(addr net.Addr) string {
	var ip net.IP
	switch a := addr.(type) {
	case *net.TCPAddr:
		ip = a.IP
	case nil:
		return ""
	default:
		host, _, err := net.SplitHostPort(addr.String())
		if err != nil {
			return addr.String()
		}
		if ip = net.ParseIP(host); ip == nil {
			return host
		}
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

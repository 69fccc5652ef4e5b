package sshd

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipLimiter is a token bucket (golang.org/x/time/rate) per remote IP for
// new connections: each IP may open burst connections at once and then
// one every 1/rate seconds. It guards the handshake (the costly part, and
// the one a key-guessing client repeats), so it runs before any SSH is
// spoken.
type ipLimiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// maxBuckets bounds the map; beyond it, full buckets (IPs that have not
// connected for a while) are dropped, and if that is not enough new
// addresses share the overflow bucket.
const (
	maxBuckets  = 10000
	overflowKey = "overflow"
)

func newIPLimiter(perSecond float64, burst int, now func() time.Time) *ipLimiter {
	if now == nil {
		now = time.Now
	}
	return &ipLimiter{limit: rate.Limit(perSecond), burst: max(1, burst), now: now, buckets: map[string]*rate.Limiter{}}
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
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[key] = b
	}
	return b.AllowN(now, 1)
}

// prune drops the buckets that have refilled: a new bucket starts full,
// so forgetting them changes nothing for their IPs.
func (l *ipLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
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

package auth

import (
	"sync"
	"time"
)

// Limit allows Max failures per Window for one key.
type Limit struct {
	Max    int
	Window time.Duration
}

// LoginLimits bound failed logins. The tight limit is per account and address, so that a
// guesser is stopped fast; the per-account limit is looser, so that an attacker spraying
// from many addresses locks the owner out for one window at most; the per-address limit
// stops one address from trying many accounts.
type LoginLimits struct {
	AccountAddr, Account, Addr Limit
}

// DefaultLoginLimits are the production limits.
var DefaultLoginLimits = LoginLimits{
	AccountAddr: Limit{Max: 5, Window: 15 * time.Minute},
	Account:     Limit{Max: 30, Window: 15 * time.Minute},
	Addr:        Limit{Max: 100, Window: 15 * time.Minute},
}

// Throttle counts failures per key in a fixed window. It is in memory: each replica
// counts on its own, which bounds a guesser by the replica count, documented in SECURITY.
type Throttle struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
	maxKeys int
}

type bucket struct {
	start time.Time
	count int
}

// NewThrottle returns a throttle using now as its clock.
func NewThrottle(now func() time.Time) *Throttle {
	return &Throttle{now: now, buckets: map[string]*bucket{}, maxKeys: 200_000}
}

// Blocked reports how long key must wait when it has reached its limit, else 0.
func (t *Throttle) Blocked(key string, l Limit) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buckets[key]
	now := t.now()
	if b == nil || now.Sub(b.start) >= l.Window {
		return 0
	}
	if b.count >= l.Max {
		return b.start.Add(l.Window).Sub(now)
	}
	return 0
}

// Fail records one failure for key.
func (t *Throttle) Fail(key string, l Limit) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	b := t.buckets[key]
	if b == nil || now.Sub(b.start) >= l.Window {
		if b == nil && len(t.buckets) >= t.maxKeys {
			t.prune(now, l.Window)
		}
		t.buckets[key] = &bucket{start: now, count: 1}
		return
	}
	b.count++
}

// Reset forgets key's failures.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	delete(t.buckets, key)
	t.mu.Unlock()
}

// prune drops windows that have ended, bounding memory under a spray of distinct keys.
func (t *Throttle) prune(now time.Time, window time.Duration) {
	for k, b := range t.buckets {
		if now.Sub(b.start) >= window {
			delete(t.buckets, k)
		}
	}
}

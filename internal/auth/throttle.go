package auth

import (
	"slices"
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
//
// Profile PINs have their own: four digits are few, so a profile's PIN allows a handful of
// wrong tries per window and an account's PINs together a few more.
type LoginLimits struct {
	AccountAddr, Account, Addr Limit
	PINProfile, PINAccount     Limit
	// Reset bounds password-reset requests from one address, whatever accounts they name.
	Reset Limit
}

// DefaultLoginLimits are the production limits.
var DefaultLoginLimits = LoginLimits{
	AccountAddr: Limit{Max: 5, Window: 15 * time.Minute},
	Account:     Limit{Max: 30, Window: 15 * time.Minute},
	Addr:        Limit{Max: 100, Window: 15 * time.Minute},
	PINProfile:  Limit{Max: 5, Window: 15 * time.Minute},
	PINAccount:  Limit{Max: 10, Window: 15 * time.Minute},
	Reset:       Limit{Max: 20, Window: time.Hour},
}

// Key is one counter an attempt is charged to.
type Key struct {
	Name  string
	Limit Limit
}

// Throttle counts failures per key in a fixed window, and the attempts still being checked:
// an attempt is reserved before the slow password check, so that N guesses sent at once cost
// what N guesses sent one after another do. It is in memory: each replica counts on its own,
// which bounds a guesser by the replica count, documented in SECURITY.
type Throttle struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
	maxKeys int
}

type bucket struct {
	start    time.Time
	failures int
	// pending counts reserved attempts not yet settled; they count against the limit.
	pending int
}

// pendingWait is the wait reported when only attempts in flight fill a key's allowance: they
// settle within a password check, after which the key may be free again.
const pendingWait = time.Second

// NewThrottle returns a throttle using now as its clock.
func NewThrottle(now func() time.Time) *Throttle {
	return &Throttle{now: now, buckets: map[string]*bucket{}, maxKeys: 200_000}
}

// Attempt is one reserved try; settle it exactly once with Fail or Succeed.
type Attempt struct {
	t    *Throttle
	keys []Key
}

// Reserve takes one attempt on every key at once. When any key has reached its limit, with
// failures and attempts in flight counted together, it reserves nothing and returns how long
// to wait instead.
func (t *Throttle) Reserve(keys ...Key) (*Attempt, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range keys {
		b := t.current(k, now)
		if b == nil || b.failures+b.pending < k.Limit.Max {
			continue
		}
		w := pendingWait
		if b.failures >= k.Limit.Max {
			w = b.start.Add(k.Limit.Window).Sub(now)
		}
		wait = max(wait, w)
	}
	if wait > 0 {
		return nil, wait
	}
	for _, k := range keys {
		b := t.current(k, now)
		if b == nil {
			if len(t.buckets) >= t.maxKeys {
				t.prune(now, k.Limit.Window)
			}
			b = &bucket{start: now}
			t.buckets[k.Name] = b
		}
		b.pending++
	}
	return &Attempt{t: t, keys: keys}, 0
}

// current returns key's bucket with its window brought up to now: an ended window starts
// again with no failures, keeping the attempts in flight.
func (t *Throttle) current(k Key, now time.Time) *bucket {
	b := t.buckets[k.Name]
	if b != nil && now.Sub(b.start) >= k.Limit.Window {
		b.start, b.failures = now, 0
	}
	return b
}

// Fail records the attempt as a failure on every key.
func (a *Attempt) Fail() { a.settle(true, nil) }

// Succeed ends the attempt without a failure, and forgets the failures of the keys named in
// forget (those a success vouches for, such as one account from one address).
func (a *Attempt) Succeed(forget ...string) { a.settle(false, forget) }

// Release ends the attempt without counting it either way (an internal fault).
func (a *Attempt) Release() { a.settle(false, nil) }

func (a *Attempt) settle(failed bool, forget []string) {
	t := a.t
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range a.keys {
		b := t.current(k, now)
		if b == nil {
			continue
		}
		b.pending--
		if failed {
			b.failures++
		} else if slices.Contains(forget, k.Name) {
			b.failures = 0
		}
		if b.failures == 0 && b.pending == 0 {
			delete(t.buckets, k.Name)
		}
	}
}

// prune drops windows that have ended and have nothing in flight, bounding memory under a
// spray of distinct keys.
func (t *Throttle) prune(now time.Time, window time.Duration) {
	for k, b := range t.buckets {
		if b.pending == 0 && now.Sub(b.start) >= window {
			delete(t.buckets, k)
		}
	}
}

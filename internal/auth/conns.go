package auth

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ErrSessionRevoked is the cause of a connection context cancelled by logout.
var ErrSessionRevoked = errors.New("session ended")

// Conns tracks long-lived connections (websockets) per login session, so that logging
// out closes them: they outlive the request that authenticated them.
type Conns struct {
	mu sync.Mutex
	m  map[int]map[*conn]struct{}
	// grace lets subscriptions deliver their last event (a stream's REVOKED heartbeat)
	// before the socket closes.
	grace time.Duration
}

// RevokeGrace is how long a logged-out session's sockets stay open for final events.
const RevokeGrace = time.Second

// NewConns returns an empty registry.
func NewConns() *Conns {
	return &Conns{m: map[int]map[*conn]struct{}{}, grace: RevokeGrace}
}

// conn is one tracked connection. revoked is set the moment its session ends, so that the
// connection authorises nothing new while its last events go out; cancel closes it later.
type conn struct {
	cancel  context.CancelCauseFunc
	revoked atomic.Bool
}

type connKey struct{}

// revoked reports whether ctx belongs to a connection whose session has ended.
func revoked(ctx context.Context) bool {
	c, ok := ctx.Value(connKey{}).(*conn)
	return ok && c.revoked.Load()
}

// Track returns a context that is cancelled when sessionID is revoked, and a release
// function to call when the connection ends. From the moment of the revocation the context
// carries no viewer (FromContext), so operations the connection starts run anonymously.
func (c *Conns) Track(ctx context.Context, sessionID int) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	k := &conn{cancel: cancel}
	ctx = context.WithValue(ctx, connKey{}, k)
	c.mu.Lock()
	if c.m[sessionID] == nil {
		c.m[sessionID] = map[*conn]struct{}{}
	}
	c.m[sessionID][k] = struct{}{}
	c.mu.Unlock()
	return ctx, func() {
		c.mu.Lock()
		delete(c.m[sessionID], k)
		if len(c.m[sessionID]) == 0 {
			delete(c.m, sessionID)
		}
		c.mu.Unlock()
		cancel(nil)
	}
}

// Revoke stops every connection of sessionID from authorising anything at once, and
// closes them after the grace period.
func (c *Conns) Revoke(sessionID int) {
	c.mu.Lock()
	conns := c.m[sessionID]
	delete(c.m, sessionID)
	c.mu.Unlock()
	if len(conns) == 0 {
		return
	}
	for k := range conns {
		k.revoked.Store(true)
	}
	time.AfterFunc(c.grace, func() {
		for k := range conns {
			k.cancel(ErrSessionRevoked)
		}
	})
}

// Count reports how many connections sessionID has open.
func (c *Conns) Count(sessionID int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m[sessionID])
}

// Sessions lists the login sessions that have connections open.
func (c *Conns) Sessions() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Collect(maps.Keys(c.m))
}

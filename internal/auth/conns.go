package auth

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"
)

// ErrSessionRevoked is the cause of a connection context cancelled by logout.
var ErrSessionRevoked = errors.New("session ended")

// Conns tracks long-lived connections (websockets) per login session, so that logging
// out closes them: they outlive the request that authenticated them.
type Conns struct {
	mu sync.Mutex
	m  map[int]map[*context.CancelCauseFunc]struct{}
	// grace lets subscriptions deliver their last event (a stream's REVOKED heartbeat)
	// before the socket closes.
	grace time.Duration
}

// RevokeGrace is how long a logged-out session's sockets stay open for final events.
const RevokeGrace = time.Second

// NewConns returns an empty registry.
func NewConns() *Conns {
	return &Conns{m: map[int]map[*context.CancelCauseFunc]struct{}{}, grace: RevokeGrace}
}

// Track returns a context that is cancelled when sessionID is revoked, and a release
// function to call when the connection ends.
func (c *Conns) Track(ctx context.Context, sessionID int) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	key := &cancel
	c.mu.Lock()
	if c.m[sessionID] == nil {
		c.m[sessionID] = map[*context.CancelCauseFunc]struct{}{}
	}
	c.m[sessionID][key] = struct{}{}
	c.mu.Unlock()
	return ctx, func() {
		c.mu.Lock()
		delete(c.m[sessionID], key)
		if len(c.m[sessionID]) == 0 {
			delete(c.m, sessionID)
		}
		c.mu.Unlock()
		cancel(nil)
	}
}

// Revoke closes every connection of sessionID, after the grace period.
func (c *Conns) Revoke(sessionID int) {
	c.mu.Lock()
	fns := c.m[sessionID]
	delete(c.m, sessionID)
	c.mu.Unlock()
	if len(fns) == 0 {
		return
	}
	time.AfterFunc(c.grace, func() {
		for fn := range fns {
			(*fn)(ErrSessionRevoked)
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

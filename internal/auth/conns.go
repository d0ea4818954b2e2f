package auth

import (
	"context"
	"errors"
	"sync"
)

// ErrSessionRevoked is the cause of a connection context cancelled by logout.
var ErrSessionRevoked = errors.New("session ended")

// Conns tracks long-lived connections (websockets) per login session, so that logging
// out closes them: they outlive the request that authenticated them.
type Conns struct {
	mu sync.Mutex
	m  map[int]map[*context.CancelCauseFunc]struct{}
}

// NewConns returns an empty registry.
func NewConns() *Conns { return &Conns{m: map[int]map[*context.CancelCauseFunc]struct{}{}} }

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

// Revoke cancels every connection of sessionID.
func (c *Conns) Revoke(sessionID int) {
	c.mu.Lock()
	fns := c.m[sessionID]
	delete(c.m, sessionID)
	c.mu.Unlock()
	for fn := range fns {
		(*fn)(ErrSessionRevoked)
	}
}

// Count reports how many connections sessionID has open.
func (c *Conns) Count(sessionID int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m[sessionID])
}

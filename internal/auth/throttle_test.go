package auth

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestThrottleBlocksWithinWindowOnly(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	th := NewThrottle(clock.Now)
	l := Limit{Max: 3, Window: time.Minute}

	for range 3 {
		require.Zero(t, th.Blocked("k", l))
		th.Fail("k", l)
	}
	clock.Advance(10 * time.Second)
	require.Equal(t, 50*time.Second, th.Blocked("k", l))
	require.Zero(t, th.Blocked("other", l), "keys are independent")

	clock.Advance(50 * time.Second)
	require.Zero(t, th.Blocked("k", l), "the block ends with the window")

	th.Fail("k", l)
	th.Fail("k", l)
	th.Fail("k", l)
	require.NotZero(t, th.Blocked("k", l))
	th.Reset("k")
	require.Zero(t, th.Blocked("k", l))
}

func TestThrottlePrunesEndedWindows(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(0, 0)}
	th := NewThrottle(clock.Now)
	th.maxKeys = 10
	l := Limit{Max: 1, Window: time.Minute}
	for i := range 10 {
		th.Fail(string(rune('a'+i)), l)
	}
	clock.Advance(2 * time.Minute)
	th.Fail("new", l)
	require.Len(t, th.buckets, 1, "ended windows are dropped when the map is full")
}

package auth

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/testkit"
)

// fail reserves an attempt on k and records it as a failure.
func fail(t *testing.T, th *Throttle, k Key) {
	t.Helper()
	a, wait := th.Reserve(k)
	require.NotNil(t, a, "blocked for %s", wait)
	a.Fail()
}

func blocked(th *Throttle, k Key) time.Duration {
	a, wait := th.Reserve(k)
	if a != nil {
		a.Release()
	}
	return wait
}

func TestThrottleBlocksWithinWindowOnly(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	th := NewThrottle(clock.Now)
	k := Key{"k", Limit{Max: 3, Window: time.Minute}}

	for range 3 {
		require.Zero(t, blocked(th, k))
		fail(t, th, k)
	}
	clock.Advance(10 * time.Second)
	require.Equal(t, 50*time.Second, blocked(th, k))
	require.Zero(t, blocked(th, Key{"other", k.Limit}), "keys are independent")

	clock.Advance(50 * time.Second)
	require.Zero(t, blocked(th, k), "the block ends with the window")

	fail(t, th, k)
	fail(t, th, k)
	fail(t, th, k)
	require.NotZero(t, blocked(th, k))
}

func TestThrottleCountsAttemptsInFlight(t *testing.T) {
	t.Parallel()
	th := NewThrottle(testkit.NewClock(time.Unix(0, 0)).Now)
	tight := Key{"acct+ip", Limit{Max: 2, Window: time.Minute}}
	loose := Key{"ip", Limit{Max: 10, Window: time.Minute}}

	first, _ := th.Reserve(tight, loose)
	second, _ := th.Reserve(tight, loose)
	require.NotNil(t, first)
	require.NotNil(t, second)
	third, wait := th.Reserve(tight, loose)
	require.Nil(t, third, "two attempts in flight fill an allowance of two")
	require.Equal(t, pendingWait, wait)
	require.Equal(t, 2, th.buckets["ip"].pending, "a refused attempt reserves nothing on any key")

	// A success forgets the failures of the keys it names and counts none elsewhere.
	first.Succeed("acct+ip")
	again, _ := th.Reserve(tight, loose)
	require.NotNil(t, again)
	again.Release()
	second.Fail()
	require.Equal(t, 1, th.buckets["acct+ip"].failures)
	require.Equal(t, 1, th.buckets["ip"].failures)

	// Released attempts count for nothing; settled keys with nothing left are dropped.
	fail(t, th, tight)
	require.NotZero(t, blocked(th, tight))
	released, _ := th.Reserve(loose)
	released.Release()
	require.Equal(t, 1, th.buckets["ip"].failures)
	ok, _ := th.Reserve(Key{"fresh", loose.Limit})
	ok.Succeed("fresh")
	require.NotContains(t, th.buckets, "fresh")
}

func TestThrottleParallelAttemptsCostWhatSequentialOnesDo(t *testing.T) {
	t.Parallel()
	th := NewThrottle(testkit.NewClock(time.Unix(0, 0)).Now)
	k := Key{"k", Limit{Max: 5, Window: time.Minute}}
	// Every attempt is still being checked when the others arrive: none settles before all
	// 40 have asked.
	var tried, wg sync.WaitGroup
	tried.Add(40)
	attempts := make(chan *Attempt, 40)
	for range 40 {
		wg.Go(func() {
			a, _ := th.Reserve(k)
			tried.Done()
			tried.Wait()
			if a != nil {
				attempts <- a
				a.Fail()
			}
		})
	}
	wg.Wait()
	require.Len(t, attempts, 5)
	require.Equal(t, 5, th.buckets["k"].failures)
}

func TestThrottlePrunesEndedWindows(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Unix(0, 0))
	th := NewThrottle(clock.Now)
	th.maxKeys = 10
	l := Limit{Max: 1, Window: time.Minute}
	for i := range 10 {
		fail(t, th, Key{string(rune('a' + i)), l})
	}
	clock.Advance(2 * time.Minute)
	fail(t, th, Key{"new", l})
	require.Len(t, th.buckets, 1, "ended windows are dropped when the map is full")
}

package playback

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestActiveSet(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db := map[int]bool{1: true, 2: true, 3: false}
	loads, batches := 0, 0
	a := newActiveSet(
		func(ids []int) (map[int]bool, error) {
			if len(ids) == 1 {
				loads++
			} else {
				batches++
			}
			out := map[int]bool{}
			for _, id := range ids {
				out[id] = db[id]
			}
			return out, nil
		},
		func() time.Time { return now },
	)

	require.True(t, a.Active(1))
	require.True(t, a.Active(1))
	require.Equal(t, 1, loads, "a known session is answered from memory")
	require.False(t, a.Active(3))

	a.set(1, false) // a revocation event
	db[1] = true    // even if the database were stale
	now = now.Add(2 * time.Minute)
	require.False(t, a.Active(1), "a revoked session never comes back")

	db[2] = false // ended while this replica missed the event
	require.NoError(t, a.refresh([]int{1, 2, 3, 4}))
	require.Equal(t, 1, batches, "due sessions are looked up in one batch")
	require.False(t, a.Active(2), "the periodic re-check catches a lost revocation")
	require.False(t, a.Active(4))
	require.Equal(t, 2, loads, "nothing looked up one by one after the batch")

	a.forgetOlderThan(now.Add(time.Second))
	require.Empty(t, a.m)
}

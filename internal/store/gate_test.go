package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// TestReadsGoOnWhileWritesQueue holds SQLite's write lock in a transaction while more
// writers than the pool has connections queue behind it: reads must still get connections
// and answer, and every queued write must land once the lock is free.
func TestReadsGoOnWhileWritesQueue(t *testing.T) {
	t.Parallel()
	st := storetest.SQLite(t)
	ctx := context.Background()

	tx, err := st.Client.Tx(ctx)
	require.NoError(t, err)
	_, err = tx.User.Create().SetEmail("first@example.com").SetPasswordHash("x").SetCountry("US").Save(ctx)
	require.NoError(t, err)

	const writers = 24 // three times the pool
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = st.Client.User.Create().SetEmail(fmt.Sprintf("w%d@example.com", i)).
				SetPasswordHash("x").SetCountry("US").Save(ctx)
		})
	}
	time.Sleep(200 * time.Millisecond) // let the writers queue

	// A deadline well under busy_timeout: without the gate these reads would wait for
	// a connection until the writers gave up.
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for range 10 {
		n, err := st.Client.User.Query().Count(rctx)
		require.NoError(t, err, "a read while writes queue")
		require.Zero(t, n, "the open transaction is not visible yet")
	}

	require.NoError(t, tx.Commit())
	wg.Wait()
	for i := range writers {
		require.NoError(t, errs[i])
	}
	require.Equal(t, writers+1, st.Client.User.Query().CountX(ctx))

	// store.InTx takes the same gate.
	require.NoError(t, st.InTx(ctx, func(_ *sql.Tx, c *ent.Client) error {
		return c.User.Create().SetEmail("intx@example.com").SetPasswordHash("x").SetCountry("US").Exec(ctx)
	}))
}

// TestWaitingWriterKeepsItsDeadline: a writer queued behind another gives up when its
// context ends, with the context's error.
func TestWaitingWriterKeepsItsDeadline(t *testing.T) {
	t.Parallel()
	st := storetest.SQLite(t)
	ctx := context.Background()
	tx, err := st.Client.Tx(ctx)
	require.NoError(t, err)
	defer tx.Rollback()

	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err = st.Client.User.Create().SetEmail("late@example.com").SetPasswordHash("x").SetCountry("US").Exec(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the writer waits for the gate, not for SQLite")
}

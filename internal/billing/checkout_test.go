package billing

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
)

// TestAHoldThatLapsedCannotCharge: a checkout whose hold lapsed and was taken by another
// learns so before it asks the provider, and gives the account to nobody on release.
func TestAHoldThatLapsedCannotCharge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clock := testkit.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
		s := NewService(st, NewSandbox(0), pubsub.NewLocal(), slog.New(slog.DiscardHandler),
			Options{Now: clock.Now, ProviderTimeout: 10 * time.Second})
		u, err := st.Client.User.Create().SetEmail("slow@example.com").SetPasswordHash("x").Save(ctx)
		require.NoError(t, err)

		first, err := s.hold(ctx, u.ID)
		require.NoError(t, err)
		require.NoError(t, first.renew(ctx), "a checkout renews its own hold")
		busy, err := s.tryHold(ctx, u.ID)
		require.NoError(t, err)
		require.Nil(t, busy, "held")

		clock.Advance(16 * time.Second) // past the 15 s lease
		second, err := s.tryHold(ctx, u.ID)
		require.NoError(t, err)
		require.NotNil(t, second, "a lapsed hold is taken over")
		require.ErrorIs(t, first.renew(ctx), errHoldLost)
		first.release(ctx)
		again, err := s.tryHold(ctx, u.ID)
		require.NoError(t, err)
		require.Nil(t, again, "the first checkout's release leaves the second's hold in place")
		second.release(ctx)
		again, err = s.tryHold(ctx, u.ID)
		require.NoError(t, err)
		require.NotNil(t, again)
	})
}

package recommend

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

func TestRefreshIsDueAfterActivityOrTime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := NewService(s, slog.New(slog.NewTextHandler(io.Discard, nil)), ServeOptions{})
		now := time.Now().Truncate(time.Second)
		due := func(at time.Time) bool {
			ok, err := svc.Due(ctx, at)
			require.NoError(t, err)
			return ok
		}
		require.True(t, due(now), "never computed")

		id := s.Client.Title.Create().SetKind(title.KindMOVIE).SetName("Once").SaveX(ctx).ID
		s.Client.Recommendation.Create().SetKind(recommendation.KindSIMILAR).SetSourceTitleID(id).
			SetTitleID(id).SetRank(1).SetScore(1).SetCreatedAt(now).ExecX(ctx)
		require.False(t, due(now.Add(time.Minute)), "just computed, nothing new")

		for i := range RefreshActivity {
			require.False(t, due(now.Add(time.Minute)), "%d new interactions are not enough", i)
			s.Client.ViewEvent.Create().SetTitleID(id).SetKind(viewevent.KindPLAY).
				SetCreatedAt(now.Add(time.Second)).ExecX(ctx)
		}
		require.True(t, due(now.Add(time.Minute)), "enough new activity")

		s.Client.ViewEvent.Delete().ExecX(ctx)
		require.True(t, due(now.Add(RefreshEvery)), "and in any case after a while")
	})
}

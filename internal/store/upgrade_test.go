package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/profile"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/session"
	"github.com/marquee-org/marquee/ent/watchprogress"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// TestUpgradeGivesAccountsTheirFirstProfile: accounts and activity from before profiles
// existed (rows without a profile) belong, after a migration, to the account's first
// profile; running it again changes nothing, and two profiles may then hold progress in
// the same video, which the account-wide unique index of old forbade.
func TestUpgradeGivesAccountsTheirFirstProfile(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := s.Client
		old := c.User.Create().SetEmail("early@example.com").SetName("Early Bird").SetPasswordHash("x").SaveX(ctx)
		anon := c.User.Create().SetEmail("nameless@example.com").SetPasswordHash("x").SaveX(ctx)
		tt := c.Title.Create().SetKind("MOVIE").SetName("Old Favourite").SaveX(ctx)
		c.WatchProgress.Create().SetUserID(old.ID).SetTitleID(tt.ID).SetVideoID(7).SetPositionSeconds(40).ExecX(ctx)
		c.Rating.Create().SetUserID(old.ID).SetTitleID(tt.ID).SetStars(4).ExecX(ctx)
		c.Session.Create().SetUserID(old.ID).SetTokenHash("h").SetExpiresAt(tt.CreatedAt.AddDate(1, 0, 0)).ExecX(ctx)

		// The index of the schema before profiles.
		_, err := s.DB.ExecContext(ctx, "CREATE UNIQUE INDEX watchprogress_user_id_video_id ON watch_progresses (user_id, video_id)")
		require.NoError(t, err)

		require.NoError(t, s.Migrate(ctx))
		require.NoError(t, s.Migrate(ctx), "a second run finds nothing to do")

		ps := c.Profile.Query().Where(profile.UserID(old.ID)).AllX(ctx)
		require.Len(t, ps, 1)
		require.Equal(t, "Early Bird", ps[0].Name)
		require.Equal(t, 18, ps[0].MaturityCeiling)
		require.Equal(t, "nameless", c.Profile.Query().Where(profile.UserID(anon.ID)).OnlyX(ctx).Name)
		first := ps[0].ID
		require.Equal(t, first, c.WatchProgress.Query().Where(watchprogress.UserID(old.ID)).OnlyX(ctx).ProfileID)
		require.Equal(t, first, c.Rating.Query().Where(rating.UserID(old.ID)).OnlyX(ctx).ProfileID)
		require.Equal(t, first, *c.Session.Query().Where(session.UserID(old.ID)).OnlyX(ctx).ProfileID)

		second := c.Profile.Create().SetUserID(old.ID).SetName("Partner").SetMaturityCeiling(18).SaveX(ctx)
		c.WatchProgress.Create().SetUserID(old.ID).SetProfileID(second.ID).SetTitleID(tt.ID).SetVideoID(7).ExecX(ctx)
		require.Equal(t, 2, c.WatchProgress.Query().Where(watchprogress.VideoID(7)).CountX(ctx))
	})
}

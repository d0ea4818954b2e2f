package catalog_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// TestKeptRowsFollowChanges: title rows are kept between requests, yet a viewer sees their
// own rating at once, and an edit made behind the Service's back (another process, another
// replica) within seconds.
func TestKeptRowsFollowChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		sh := stock(t, s)
		go sh.cat.Follow(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
		viewer := catalog.Viewer{UserID: sh.user, Country: "US"}
		id := sh.ids["Alpha"]
		read := func() *catalog.Title {
			ts, err := sh.cat.NewLoader(ctx, viewer).Titles(ctx, []int{id})
			require.NoError(t, err)
			require.Len(t, ts, 1)
			return ts[0]
		}
		require.Nil(t, read().AverageRating(), "kept before anyone rated it")

		_, err := sh.cat.Rate(ctx, viewer, id, 4)
		require.NoError(t, err)
		require.Equal(t, 4.0, *read().AverageRating(), "the rater sees their stars on the next read")
		require.Equal(t, 1, read().RatingCount)

		// Renamed straight in the database, as another process would.
		require.NoError(t, s.Client.Title.UpdateOneID(id).SetName("Alpha Prime").Exec(ctx))
		require.Eventually(t, func() bool { return read().Name == "Alpha Prime" }, 15*time.Second, 50*time.Millisecond)
	})
}

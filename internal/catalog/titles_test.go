package catalog_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func TestCreateTitle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		premium := plancode.Premium
		a, err := catalog.NewService(s, pubsub.NewLocal()).CreateTitle(ctx, catalog.NewTitle{
			Kind: title.KindMOVIE, Name: "  The Long Night ", Synopsis: "A lighthouse keeper waits.",
			Year: ptr(2024), Genres: []string{"Drama", "Sci-Fi & Fantasy"}, MaturityRating: "PG-13",
			MinPlan: &premium, Regions: []string{"us", "CA", "US"}, RuntimeMinutes: ptr(98),
		})
		require.NoError(t, err)
		require.Equal(t, "The Long Night", a.Name)
		require.Equal(t, []string{"US", "CA"}, a.Regions)
		require.Equal(t, plancode.Premium, *a.MinPlan)

		b, err := catalog.NewService(s, pubsub.NewLocal()).CreateTitle(ctx, catalog.NewTitle{Kind: title.KindSERIES, Name: "Harbor", Genres: []string{"drama"}})
		require.NoError(t, err)
		require.Equal(t, 2, s.Client.Genre.Query().CountX(ctx), "genres are shared by slug")
		slugs := a.QueryGenres().Order().IDsX(ctx)
		require.Len(t, slugs, 2)
		require.Equal(t, "drama", b.QueryGenres().OnlyX(ctx).Slug)
	})
}

func TestCreateTitleRejectsBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		bogus := plancode.Code("GOLD")
		for field, in := range map[string]catalog.NewTitle{
			"kind":           {Kind: "FILM", Name: "x"},
			"name":           {Kind: title.KindMOVIE, Name: "   "},
			"year":           {Kind: title.KindMOVIE, Name: "x", Year: ptr(1700)},
			"runtimeMinutes": {Kind: title.KindMOVIE, Name: "x", RuntimeMinutes: ptr(0)},
			"maturityRating": {Kind: title.KindMOVIE, Name: "x", MaturityRating: "<script>"},
			"minPlan":        {Kind: title.KindMOVIE, Name: "x", MinPlan: &bogus},
			"regions":        {Kind: title.KindMOVIE, Name: "x", Regions: []string{"Atlantis"}},
			"genres":         {Kind: title.KindMOVIE, Name: "x", Genres: []string{"!!!"}},
		} {
			_, err := catalog.NewService(s, pubsub.NewLocal()).CreateTitle(ctx, in)
			e, ok := apperr.As(err)
			require.True(t, ok, "%s: %v", field, err)
			require.Equal(t, apperr.BadUserInput, e.Code, field)
			require.Equal(t, field, e.Field)
		}
		require.Zero(t, s.Client.Title.Query().CountX(ctx))
		require.Zero(t, s.Client.Genre.Query().CountX(ctx))
	})
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Sci-Fi & Fantasy": "sci-fi-fantasy", " Drama ": "drama", "Kids' TV": "kids-tv", "!!!": ""} {
		require.Equal(t, want, catalog.Slug(in), in)
	}
}

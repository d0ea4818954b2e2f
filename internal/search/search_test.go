package search_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// fixture is a title to create; kind defaults to MOVIE.
type fixture struct {
	name, synopsis string
	kind           title.Kind
	year           int
	genres         []string
	regions        []string
	people         []string
	rating         string
}

// seed creates the titles and returns their ids in order.
func seed(t *testing.T, s *store.Store, fs ...fixture) []int {
	t.Helper()
	ctx := context.Background()
	ids := make([]int, len(fs))
	for i, f := range fs {
		in := catalog.NewTitle{Kind: f.kind, Name: f.name, Synopsis: f.synopsis, Genres: f.genres, Regions: f.regions, MaturityRating: f.rating}
		if in.Kind == "" {
			in.Kind = title.KindMOVIE
		}
		if f.year != 0 {
			in.Year = &f.year
		}
		tt, err := catalog.NewService(s, pubsub.NewLocal()).CreateTitle(ctx, in)
		require.NoError(t, err)
		for pos, name := range f.people {
			p, err := s.Client.Person.Create().SetName(name).Save(ctx)
			require.NoError(t, err)
			s.Client.Credit.Create().SetTitleID(tt.ID).SetPersonID(p.ID).SetRole(credit.RoleCAST).
				SetPosition(pos).SaveX(ctx)
		}
		ids[i] = tt.ID
	}
	return ids
}

// open creates an index in a temp dir and fills it from s.
func open(t *testing.T, s *store.Store) *search.Index {
	t.Helper()
	ix, err := search.Open(filepath.Join(t.TempDir(), "search"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, ix.Close()) })
	_, err = ix.Sync(context.Background(), s.Client)
	require.NoError(t, err)
	return ix
}

func find(t *testing.T, ix *search.Index, q search.Query) []int {
	t.Helper()
	r, err := ix.Search(context.Background(), q)
	require.NoError(t, err)
	return r.IDs
}

func TestTypoToleranceAndPrefixes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seed(t, s,
			fixture{name: "Midnight Harbor", synopsis: "Fishing boats come home late.", people: []string{"Ada Lovelace"}},
			fixture{name: "The Silent Orchestra", synopsis: "Musicians lose their voices."},
			fixture{name: "Moon", synopsis: "One miner, three years."},
			fixture{name: "Incomprehensibilities", synopsis: "Nobody understands."},
			fixture{name: "Orbit of Small Things", synopsis: "Satellites, seen up close."},
		)
		harbor, orchestra, moon, long, orbit := ids[0], ids[1], ids[2], ids[3], ids[4]
		ix := open(t, s)

		// A trailing space ends the last word, so these test typos without prefixes.
		for _, tc := range []struct {
			name, text string
			want       []int
		}{
			{"exact", "harbor ", []int{harbor}},
			{"case and accents fold", "HÁRBOR ", []int{harbor}},
			{"transposition counts as one typo", "hrabor ", []int{harbor}},
			{"deletion", "harbr ", []int{harbor}},
			{"insertion", "harbour ", []int{harbor}},
			{"substitution", "harbar ", []int{harbor}},
			{"two typos in a 6-letter word", "hxrbxr ", nil},
			{"two typos in a 9-letter word", "orkhestrs ", []int{orchestra}},
			{"transposition and a typo in a 9-letter word", "ocrhestrs ", []int{orchestra}},
			{"three typos in a 9-letter word", "orkhectrs ", nil},
			{"4-letter words match exactly", "moon ", []int{moon}},
			{"a 4-letter word with a typo, when nothing matches exactly", "moan ", []int{moon}},
			{"a 4-letter transposition is one typo", "mono ", []int{moon}},
			{"a missing letter in a short word", "orbt ", []int{orbit}},
			{"forgiving still needs every word", "moon orbt ", nil},
			{"3-letter words are exact", "mon ", nil},
			{"short words with typos, and a prefix, in several words", "orbt of smal", []int{orbit}},
			{"the exact title first", "orbit of small things ", []int{orbit}},
			{"every word must match", "midnight orchestra ", nil},
			{"each word in any field", "midnight boats ", []int{harbor}},
			{"prefix of one letter", "o", []int{orchestra, orbit}},
			{"prefixes complete names and people, not synopses", "l", []int{harbor}},
			{"prefix of a person's name", "lovel", []int{harbor}},
			{"whole words still match synopses", "one", []int{moon}},
			{"prefix of two letters", "or", []int{orchestra, orbit}},
			{"prefix of four letters", "midn", []int{harbor}},
			{"prefix only on the last word", "midn harbor", nil},
			{"prefix after whole words", "silent orch", []int{orchestra}},
			{"no prefix once the word is ended", "midn ", nil},
			{"prefix longer than the indexed n-grams", "incomprehensibil", []int{long}},
			{"two typos in a long word", "incomprehansibilitiez ", []int{long}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				require.ElementsMatch(t, tc.want, find(t, ix, search.Query{Text: tc.text}))
			})
		}
	})
}

func TestSyntaxIsText(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seed(t, s,
			fixture{name: "Midnight Harbor", synopsis: "Boats."},
			fixture{name: "Moon", synopsis: "A miner."},
			fixture{name: "Title Foo", synopsis: "Bar without baz."},
		)
		harbor, moon, foo := ids[0], ids[1], ids[2]
		ix := open(t, s)
		for _, tc := range []struct {
			text string
			want []int
		}{
			{`"title:foo"`, []int{foo}},
			{`name:moon`, nil}, // no title has the word "name"; a query parser would find Moon
			{`+bar -baz`, []int{foo}},
			{`-moon`, []int{moon}},
			{`a*`, []int{moon}},
			{`moo*`, []int{moon}},
			{`"midnight harbor`, []int{harbor}},
			{`harbor"`, []int{harbor}},
			{`moon~`, []int{moon}},
			{`moon^`, []int{moon}},
			{`(moon) OR [harbor]`, nil},
			{`{moon}`, []int{moon}},
			{`/mo.*/`, []int{moon}},
			{`\moon`, []int{moon}},
			{`"""`, nil},
		} {
			t.Run(tc.text, func(t *testing.T) {
				require.ElementsMatch(t, tc.want, find(t, ix, search.Query{Text: tc.text}))
			})
		}
	})
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s, fixture{name: "Moon"})
		ix := open(t, s)
		const ok, empty, bad = 0, 1, 2
		for _, tc := range []struct {
			name, text string
			want       int
		}{
			{"empty", "", empty},
			{"spaces", "   ", empty},
			{"punctuation only", `"+-:*~^()`, empty},
			{"at the character limit", strings.Repeat("m", search.MaxQueryRunes), ok},
			{"over the character limit", strings.Repeat("m", search.MaxQueryRunes+1), bad},
			{"10 kB", strings.Repeat("moon ", 2000), bad},
			{"at the word limit", strings.Repeat("moon ", search.MaxQueryWords), ok},
			{"over the word limit", strings.Repeat("a ", search.MaxQueryWords+1), bad},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r, err := ix.Search(context.Background(), search.Query{Text: tc.text})
				switch tc.want {
				case bad:
					e, isApp := apperr.As(err)
					require.True(t, isApp, "%v", err)
					require.Equal(t, apperr.BadUserInput, e.Code)
					require.Equal(t, "query", e.Field)
				case empty:
					require.NoError(t, err)
					require.Equal(t, search.Result{}, r)
				default:
					require.NoError(t, err)
				}
			})
		}
	})
}

func TestRanking(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seed(t, s,
			// Created in reverse order of the expected ranking, so that ids alone would not
			// produce it.
			fixture{name: "Rainy Days", synopsis: "A slow noir tale of a wet town and its people."},
			fixture{name: "Dark Streets", synopsis: "Crime in a port city.", genres: []string{"Noir", "Crime"}},
			fixture{name: "Harbor Lamps", synopsis: "Crime in a port city.", people: []string{"Jean Noir"}},
			fixture{name: "Noir City", synopsis: "Crime in a port city.", genres: []string{"Crime"}},
			fixture{name: "Night Train", synopsis: "Passengers."},
			fixture{name: "Light Rail", synopsis: "Commuters."},
		)
		synopsis, genre, person, name, night, light := ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]
		ix := open(t, s)

		require.Equal(t, []int{name, person, genre, synopsis}, find(t, ix, search.Query{Text: "noir"}),
			"name above people above genre above synopsis")
		require.Equal(t, []int{night, light}, find(t, ix, search.Query{Text: "night "}),
			"an exact word above a typo")
		require.Equal(t, []int{light, night}, find(t, ix, search.Query{Text: "light "}),
			"an exact word above a typo")
	})
}

func TestFiltersFacetsAndPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seed(t, s,
			fixture{name: "Echo One", year: 1999, genres: []string{"Drama"}, rating: "PG"},
			fixture{name: "Echo Two", year: 2005, genres: []string{"Drama", "Sci-Fi"}, kind: title.KindSERIES, rating: "TV-MA"},
			fixture{name: "Echo Three", year: 2010, genres: []string{"Comedy"}, regions: []string{"FR", "BE"}},
			fixture{name: "Echo Four", year: 2020, genres: []string{"Sci-Fi"}, regions: []string{"US"}},
			fixture{name: "Echo Five", genres: []string{"Drama"}, kind: title.KindSERIES},
		)
		one, two, three, four, five := ids[0], ids[1], ids[2], ids[3], ids[4]
		ix := open(t, s)

		for _, tc := range []struct {
			name string
			q    search.Query
			want []int
		}{
			{"no country sees titles available everywhere", search.Query{}, []int{one, two, five}},
			{"a country sees its own titles too", search.Query{Country: "FR"}, []int{one, two, three, five}},
			{"country codes fold", search.Query{Country: "us"}, []int{one, two, four, five}},
			{"genre slug", search.Query{Genre: "sci-fi", Country: "US"}, []int{two, four}},
			{"kind", search.Query{Kind: title.KindSERIES}, []int{two, five}},
			{"year range", search.Query{YearFrom: 2000, YearTo: 2010, Country: "FR"}, []int{two, three}},
			{"year from", search.Query{YearFrom: 2005, Country: "US"}, []int{two, four}},
			{"year to leaves out unknown years", search.Query{YearTo: 2005}, []int{one, two}},
			{"all together", search.Query{Genre: "drama", Kind: title.KindSERIES, YearFrom: 2001}, []int{two}},
			{"a maturity ceiling leaves out older and unrated titles", search.Query{MaxAge: ptr(maturity.Kids)}, []int{one}},
			{"an adult ceiling sees them all", search.Query{MaxAge: ptr(maturity.Adult)}, []int{one, two, five}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.q.Text = "echo"
				require.ElementsMatch(t, tc.want, find(t, ix, tc.q))
			})
		}

		r, err := ix.Search(context.Background(), search.Query{Text: "echo", Country: "US", Facets: true})
		require.NoError(t, err)
		require.Equal(t, 4, r.Total)
		require.Equal(t, []search.GenreCount{{"drama", 3}, {"sci-fi", 2}}, r.Genres)

		r, err = ix.Search(context.Background(), search.Query{Text: "echo", Country: "US", Genre: "sci-fi", Facets: true})
		require.NoError(t, err)
		require.Equal(t, []search.GenreCount{{"sci-fi", 2}, {"drama", 1}}, r.Genres)

		r, err = ix.Search(context.Background(), search.Query{Text: "echo", Country: "US"})
		require.NoError(t, err)
		require.Equal(t, 4, r.Total)
		require.Nil(t, r.Genres, "facets only when asked")
	})
}

func TestPagesAreStable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fs := make([]fixture, 25)
		for i := range fs {
			fs[i] = fixture{name: "Same Name"}
		}
		ids := seed(t, s, fs...)
		ix := open(t, s)
		var got []int
		for offset := 0; offset < 30; offset += 10 {
			r, err := ix.Search(context.Background(), search.Query{Text: "same name", Offset: offset, Limit: 10})
			require.NoError(t, err)
			require.Equal(t, 25, r.Total)
			got = append(got, r.IDs...)
		}
		require.Equal(t, ids, got, "equal scores are ordered by id")

		r, err := ix.Search(context.Background(), search.Query{Text: "same"})
		require.NoError(t, err)
		require.Len(t, r.IDs, 20, "default page")
	})
}

func ptr[T any](v T) *T { return &v }

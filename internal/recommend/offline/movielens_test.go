package offline

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/recommend"
)

func TestReadMovieLens(t *testing.T) {
	t.Parallel()
	items, err := ReadItems(strings.NewReader("movieId,title,genres\n" +
		"1,Toy Story (1995),Adventure|Animation|Children\n" +
		"2,\"American President, The (1995)\",Comedy|Drama|Romance\n" +
		"3,Untitled,(no genres listed)\n"))
	require.NoError(t, err)
	require.Equal(t, []recommend.Item{
		{ID: 1, Title: "Toy Story (1995)", Year: 1995, Genres: []string{"Adventure", "Animation", "Children"}},
		{ID: 2, Title: "American President, The (1995)", Year: 1995, Genres: []string{"Comedy", "Drama", "Romance"}},
		{ID: 3, Title: "Untitled"},
	}, items)

	for _, tc := range []struct{ name, in string }{
		{"header", "userId,movieId,rating,timestamp\n1,10,4.5,964982703\n"},
		{"columns reordered", "timestamp,rating,movieId,userId\n964982703,4.5,10,1\n"},
		{"no header", "1,10,4.5,964982703\n"},
	} {
		log, err := ReadRatings(strings.NewReader(tc.in))
		require.NoError(t, err, tc.name)
		require.Equal(t, []recommend.Interaction{{User: 1, Item: 10, Weight: 3.5, Time: 964982703}}, log, tc.name)
	}

	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"missing column", "userId,movieId,timestamp\n1,2,3\n", "no rating column"},
		{"short row", "1,10,4\n", "3 fields"},
		{"user not a number", "userId,movieId,rating,timestamp\nx,10,4,5\n", `line 2: userId "x" is not an integer`},
		{"rating not a number", "1,10,four,5\n", `line 1: rating "four" is not a star rating`},
		{"timestamp not a number", "1,10,4,yesterday\n", `timestamp "yesterday"`},
		{"bad quoting", "1,\"10,4,5\n", "ratings:"},
	} {
		_, err := ReadRatings(strings.NewReader(tc.in))
		require.ErrorContains(t, err, tc.want, tc.name)
	}
	_, err = ReadItems(strings.NewReader("movieId,name\n1,x\n"))
	require.ErrorContains(t, err, "no title column")
	_, err = ReadItems(strings.NewReader("one,Toy Story,Comedy\n"))
	require.ErrorContains(t, err, `movieId "one" is not an integer`)
}

func TestWriteMovieLensRoundTrips(t *testing.T) {
	t.Parallel()
	items, ratings := Generate(GenOptions{Users: 30, Items: 40, Ratings: 10, Seed: 3})
	var rb, mb bytes.Buffer
	require.NoError(t, WriteMovieLens(&rb, &mb, items, ratings))
	back, err := ReadItems(&mb)
	require.NoError(t, err)
	for i := range items {
		require.Equal(t, items[i].ID, back[i].ID)
		require.Equal(t, items[i].Title, back[i].Title)
		require.Equal(t, items[i].Genres, back[i].Genres)
		require.Equal(t, items[i].Year, back[i].Year)
	}
	log, err := ReadRatings(&rb)
	require.NoError(t, err)
	require.Len(t, log, len(ratings))
	require.Equal(t, recommend.StarsWeight(ratings[0].Stars), log[0].Weight)
}

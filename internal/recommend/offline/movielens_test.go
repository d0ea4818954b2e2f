package offline

import (
	"bytes"
	"os"
	"path/filepath"
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

func TestReadMovieLens100K(t *testing.T) {
	t.Parallel()
	// u.item is ISO-8859-1: 0xe9 is "é".
	items, err := ReadItems100K(strings.NewReader("1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n" +
		"2|Caf\xe9 au lait (1994)|01-Jan-1994||http://x|0|0|0|0|0|1|0|0|0|0|0|0|0|0|1|0|0|0|0\n" +
		"3|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n"))
	require.NoError(t, err)
	require.Equal(t, []recommend.Item{
		{ID: 1, Title: "Toy Story (1995)", Year: 1995, Genres: []string{"Animation", "Children", "Comedy"}},
		{ID: 2, Title: "Café au lait (1994)", Year: 1994, Genres: []string{"Comedy", "Romance"}},
		{ID: 3, Title: "unknown"},
	}, items)
	log, err := ReadRatings100K(strings.NewReader("196\t242\t3\t881250949\n186\t302\t5\t891717742\n"))
	require.NoError(t, err)
	require.Equal(t, []recommend.Interaction{
		{User: 196, Item: 242, Weight: 2, Time: 881250949},
		{User: 186, Item: 302, Weight: 4, Time: 891717742},
	}, log)
	_, err = ReadItems100K(strings.NewReader("1|Toy Story (1995)|01-Jan-1995\n"))
	require.ErrorContains(t, err, "u.item: line 1: 3 fields")
	_, err = ReadRatings100K(strings.NewReader("196,242,3,881250949\n"))
	require.ErrorContains(t, err, "u.data: line 1: 1 fields")
}

func TestReadDirKnowsBothLayouts(t *testing.T) {
	t.Parallel()
	small, big := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(small, "movies.csv"), []byte("movieId,title,genres\n1,Heat (1995),Crime\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(small, "ratings.csv"), []byte("userId,movieId,rating,timestamp\n7,1,5,100\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(big, "u.item"), []byte("1|Heat (1995)|||x|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(big, "u.data"), []byte("7\t1\t5\t100\n"), 0o644))
	for _, dir := range []string{small, big} {
		items, log, err := ReadDir(dir)
		require.NoError(t, err, dir)
		require.Equal(t, []recommend.Item{{ID: 1, Title: "Heat (1995)", Year: 1995, Genres: []string{"Crime"}}}, items, dir)
		require.Equal(t, []recommend.Interaction{{User: 7, Item: 1, Weight: 4, Time: 100}}, log, dir)
	}
	_, _, err := ReadDir(t.TempDir())
	require.ErrorContains(t, err, "movies.csv")
}

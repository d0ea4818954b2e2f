package library_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/library"
)

func TestParseNFO(t *testing.T) {
	t.Parallel()
	n, err := library.ParseNFO([]byte("\xef\xbb\xbf"+`<?xml version="1.0" encoding="UTF-8"?>
<movie>
  <title>  Am&eacute;lie
  </title>
  <outline>A shy waitress.</outline>
  <premiered>2001-04-25</premiered>
  <runtime>122</runtime>
  <mpaa>Rated R</mpaa>
  <genre>Comedy</genre><genre>Romance / comedy</genre><genre>!!!</genre>
  <actor><name>Audrey Tautou</name><role>Amélie Poulain</role></actor>
  <director>Jean-Pierre Jeunet</director>
  <thumb aspect="poster">folder.jpg</thumb>
  <thumb aspect="poster">second.jpg</thumb>
  <fanart><thumb>art/backdrop.png</thumb></fanart>
</movie>`), "movie")
	require.NoError(t, err)
	require.Equal(t, "Amélie", n.Title)
	require.Equal(t, "A shy waitress.", n.Plot, "the outline stands in for a missing plot")
	require.Equal(t, 2001, *n.Year)
	require.Equal(t, 122, *n.RuntimeMinutes)
	require.Equal(t, "R", n.MaturityRating)
	require.Equal(t, []string{"Comedy", "Romance"}, n.Genres)
	require.Equal(t, []catalog.Credit{{Name: "Audrey Tautou", Role: credit.RoleCAST, Character: "Amélie Poulain"},
		{Name: "Jean-Pierre Jeunet", Role: credit.RoleDIRECTOR}}, n.Credits)
	require.Equal(t, map[string]string{"POSTER": "folder.jpg", "BACKDROP": "art/backdrop.png"}, n.Artwork)
	require.Equal(t, []string{`genre "!!!"`}, n.Dropped)

	// Latin-1, as older tools write; odd values are left out, the rest kept.
	n, err = library.ParseNFO([]byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"+
		"<tvshow><title>Caf\xe9</title><year>1700</year><runtime>forever</runtime><mpaa>Not rated by anyone at all</mpaa></tvshow>"), "tvshow")
	require.NoError(t, err)
	require.Equal(t, "Café", n.Title)
	require.Nil(t, n.Year)
	require.Nil(t, n.RuntimeMinutes)
	require.Equal(t, []string{"year 1700", `maturity rating "Not rated by anyone at all"`, `runtime "forever"`}, n.Dropped)
	require.Equal(t, "Café", *n.TitleEdit().Name)

	for _, c := range []struct{ doc, want, why string }{
		{`<movie><title>x</title></movie>`, "tvshow", "root element is <movie>, not <tvshow>"},
		{`https://www.themoviedb.org/movie/194`, "movie", "not XML"},
		{`<movie><title>unclosed</movie>`, "movie", "not XML"},
		{``, "movie", "not XML"},
		{`<?xml version="1.0" encoding="KOI8-R"?><movie/>`, "movie", `"KOI8-R" encoding is not read`},
	} {
		_, err := library.ParseNFO([]byte(c.doc), c.want)
		require.ErrorIs(t, err, library.ErrNFO, c.doc)
		require.Contains(t, err.Error(), c.why)
	}

	// Entities declared in a DOCTYPE are never expanded: no billion laughs.
	laughs := `<?xml version="1.0"?><!DOCTYPE movie [<!ENTITY a "` + strings.Repeat("ha", 100) + `">` +
		`<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><movie><title>&b;</title></movie>`
	_, err = library.ParseNFO([]byte(laughs), "movie")
	require.ErrorIs(t, err, library.ErrNFO)
}

package library_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/library"
)

func TestParseTitle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]library.Named{
		"Arrival (2016)":                    {Name: "Arrival", Year: 2016},
		"Heat [1995]":                       {Name: "Heat", Year: 1995},
		"Amélie (2001) {imdb-tt0211915}":    {Name: "Amélie", Year: 2001},
		"Amélie {tmdb-194} (2001)":          {Name: "Amélie", Year: 2001},
		"Les Misérables":                    {Name: "Les Misérables"},
		"  Spirited   Away  (2001) [1080p]": {Name: "Spirited Away", Year: 2001},
		"The.Matrix.(1999)":                 {Name: "The Matrix", Year: 1999},
		"Blade_Runner":                      {Name: "Blade Runner"},
		"2001 A Space Odyssey (1968)":       {Name: "2001 A Space Odyssey", Year: 1968},
		"1917":                              {Name: "1917"},
		"Mr. Robot (2015)":                  {Name: "Mr. Robot", Year: 2015},
		"千と千尋の神隠し (2001)":                   {Name: "千と千尋の神隠し", Year: 2001},
		"Film (0001)":                       {Name: "Film (0001)"},
		"[Group] Name (2020) [x265]":        {Name: "Name", Year: 2020},
	} {
		require.Equal(t, want, library.ParseTitle(in), in)
	}
}

func TestParseSeasonDir(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"Season 01": 1, "Season 1": 1, "season 12": 12, "Season 00": 0,
		"Specials": 0, "Staffel 3": 3, "Saison 2": 2} {
		got, ok := library.ParseSeasonDir(in)
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"Extras 2", "Season", "Behind the scenes", "S01"} {
		_, ok := library.ParseSeasonDir(in)
		require.False(t, ok, in)
	}
}

func TestParseEpisode(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		file   string
		season int
		want   library.Episode
	}{
		{"Slow Horses - S01E02 - Failure's Contagious.mkv", 1, library.Episode{Season: 1, Number: 2, Last: 2, Name: "Failure's Contagious"}},
		{"slow.horses.s01e03.lions.mkv", 1, library.Episode{Season: 1, Number: 3, Last: 3, Name: "lions"}},
		{"Show S02E01-E02 Double.mp4", 2, library.Episode{Season: 2, Number: 1, Last: 2, Name: "Double"}},
		{"Show - S01E05E06.mkv", -1, library.Episode{Season: 1, Number: 5, Last: 6}},
		{"1x03 Lions.mkv", 1, library.Episode{Season: 1, Number: 3, Last: 3, Name: "Lions"}},
		{"Show 01x02-03 Two Parts.mkv", 1, library.Episode{Season: 1, Number: 2, Last: 3, Name: "Two Parts"}},
		{"S00E01 - Behind the Scenes.mkv", 0, library.Episode{Season: 0, Number: 1, Last: 1, Name: "Behind the Scenes"}},
		{"Show - S03E01.mkv", 2, library.Episode{Season: 3, Number: 1, Last: 1}}, // the name wins over the folder
		{"E04 - Homecoming.mkv", 2, library.Episode{Season: 2, Number: 4, Last: 4, Name: "Homecoming"}},
		{"Episode 7 [1080p].mkv", 1, library.Episode{Season: 1, Number: 7, Last: 7}},
		{"Série - S01E01 - Épisode spécial.mkv", 1, library.Episode{Season: 1, Number: 1, Last: 1, Name: "Épisode spécial"}},
	} {
		got, ok := library.ParseEpisode(c.file, c.season)
		require.True(t, ok, c.file)
		require.Equal(t, c.want, got, c.file)
	}
	for _, c := range []struct {
		file   string
		season int
	}{
		{"Trailer.mkv", 1},
		{"E04 - Homecoming.mkv", -1}, // no season anywhere
		{"Show S01E00.mkv", 1},
		{"Show S01E05-E02.mkv", 1},
		{"1080x720 sample.mkv", 1},
		{"Show S01E01-E99.mkv", 1},
	} {
		_, ok := library.ParseEpisode(c.file, c.season)
		require.False(t, ok, c.file)
	}
}

func TestIsVideo(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"a.mkv", "B.MP4", "c.webm", "d.m2ts"} {
		require.True(t, library.IsVideo(n), n)
	}
	for _, n := range []string{"poster.jpg", "movie.nfo", "subs.srt", "noext", "evil.mkv.exe"} {
		require.False(t, library.IsVideo(n), n)
	}
}

func TestIsExtra(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		"Movies/Arrival (2016)/Arrival (2016)-trailer.mkv":    true,
		"Movies/Arrival (2016)/trailer.mp4":                   true,
		"Movies/Arrival (2016)/Arrival.sample.mkv":            true,
		"Movies/Arrival (2016)/Trailers/Teaser.mkv":           true,
		"Movies/Arrival (2016)/Behind The Scenes/Making.mkv":  true,
		"Movies/Arrival (2016)/Arrival (2016).mkv":            false,
		"Shows/Lost/Season 01/Lost - S01E03 - Scene.mkv":      false,
		"Movies/The Trailer (2004)/The Trailer (2004).mkv":    false,
		"Shows/Slow Horses/Season 01/S01E01 - Sample Run.mkv": false,
	} {
		require.Equal(t, want, library.IsExtra(p), p)
	}
}

func TestParseSubtitleName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Arrival (2016).en.srt":        "en SUBTITLES",
		"arrival (2016).EN.SDH.srt":    "en CAPTIONS",
		"Arrival (2016).fr.forced.ass": "fr FORCED",
		"Arrival (2016).pt-BR.vtt":     "pt-br SUBTITLES",
		"Arrival (2016).srt":           "und SUBTITLES",
		"Arrival (2016).cc.srt":        "und CAPTIONS",
		"Arrival (2016) Extended.srt":  "",
		"Arrival (2016).en.sub":        "",
		"Heat (1995).en.srt":           "",
	} {
		lang, kind, ok := library.ParseSubtitleName("Arrival (2016)", name)
		got := ""
		if ok {
			got = lang + " " + string(kind)
		}
		require.Equal(t, want, got, name)
	}
}

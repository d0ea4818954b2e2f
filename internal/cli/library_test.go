package cli

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/ent/genre"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/library"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/testmedia"
)

// TestLibraryScan scans a folder of movies and series laid out as Jellyfin and Plex expect,
// with Kodi .nfo files and artwork beside them, twice (the second changes nothing), then
// again after files were touched, changed, removed and brought back. Files and sidecars
// that say nothing usable are skipped with a reason, nothing is created for them, and the
// scan goes on.
func TestLibraryScan(t *testing.T) {
	t.Parallel()
	data, lib := t.TempDir(), t.TempDir()
	clip, err := os.ReadFile(testmedia.Make(t, testmedia.Default))
	require.NoError(t, err)
	put := func(rel string, content []byte) string {
		p := filepath.Join(lib, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, content, 0o644))
		return p
	}
	var poster bytes.Buffer
	require.NoError(t, png.Encode(&poster, image.NewRGBA(image.Rect(0, 0, 200, 300))))

	arrival := put("Movies/Arrival (2016)/Arrival (2016).mp4", clip)
	put("Movies/Arrival (2016)/movie.nfo", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<movie>
  <title>Arrival</title>
  <plot>A linguist is recruited when twelve spacecraft land.</plot>
  <year>2016</year>
  <runtime>116 min</runtime>
  <mpaa>US:Rated PG-13</mpaa>
  <genre>Drama / Science Fiction</genre>
  <director>Denis Villeneuve</director>
  <credits>Eric Heisserer</credits>
  <actor><name>Jeremy Renner</name><role>Ian Donnelly</role><order>1</order></actor>
  <actor><name>Amy Adams</name><role>Louise Banks</role><order>0</order></actor>
  <thumb aspect="poster">https://example.com/poster.jpg</thumb>
</movie>`))
	put("Movies/Arrival (2016)/poster.png", poster.Bytes())
	put("Movies/Arrival (2016)/fanart.jpg", []byte("<html><body>not an image</body></html>"))
	put("Movies/Arrival (2016)/Arrival (2016)-trailer.mp4", clip)
	put("Movies/Amélie [2001] {imdb-tt0211915}/Amélie.mp4", clip)
	put("Movies/Amélie [2001] {imdb-tt0211915}/Amélie.nfo", []byte("https://www.imdb.com/title/tt0211915/"))
	heat := put("Movies/Heat/Heat.mp4", clip)
	put("Movies/Heat/movie.nfo", []byte(`<movie><title>Heat</title><year>1995</year>
<thumb aspect="poster">../../../../../../etc/hostname</thumb></movie>`))
	put("Movies/Big (2020)/Big (2020).mp4", clip)
	put("Movies/Big (2020)/movie.nfo", append([]byte("<movie><plot>"), bytes.Repeat([]byte("x"), library.MaxNFO)...))
	put("Movies/notes.mkv", []byte("a shopping list, not a film"))
	put("Shows/Slow Horses (2022)/tvshow.nfo", []byte(`<tvshow><title>Slow Horses</title><plot>Failed spies.</plot><genre>Thriller</genre></tvshow>`))
	put("Shows/Slow Horses (2022)/Season 01/Slow Horses - S01E01 - Dead Slow.mp4", clip)
	second := put("Shows/Slow Horses (2022)/Season 01/Slow Horses - S01E02.mp4", clip)
	put("Shows/Slow Horses (2022)/Season 01/Slow Horses - S01E02.nfo", []byte(`<episodedetails>
<title>Failure's Contagious</title><plot>River follows a lead.</plot><season>1</season><episode>2</episode></episodedetails>`))
	put("Shows/Slow Horses (2022)/Season 01/Slow Horses 1x02.mp4", clip) // the same episode again
	put("Shows/Slow Horses (2022)/Specials/S00E01 - Behind the Scenes.mp4", clip)
	put("Shows/Slow Horses (2022)/Season 01/trailer.mp4", clip)
	require.NoError(t, os.Symlink(lib, filepath.Join(lib, "Shows", "loop"))) // not followed
	// A named pipe would block whoever opens it: never opened.
	require.NoError(t, syscall.Mkfifo(filepath.Join(lib, "Movies", "Heat", "Heat.part2.mkv"), 0o644))

	scan := func() result {
		t.Helper()
		r := run(t, nil, "library", "scan", lib, "--data-dir", data)
		require.Equal(t, 0, r.code, r.stderr)
		return r
	}
	r := scan()
	require.Equal(t, "added=7 updated=0 unchanged=0 skipped=8\n", r.stdout, r.stderr)
	for _, want := range []string{
		"Arrival (2016)-trailer.mp4: an extra",
		"trailer.mp4: an extra",
		"Slow Horses 1x02.mp4: " + second + " is already episode 2 of season 1",
		"notes.mkv: Not a video: this is not a video format",
		"fanart.jpg: Artwork must be a JPEG, PNG or WebP image",
		"Amélie.nfo: not XML",
		"Big (2020)/movie.nfo: larger than 1024 KiB",
		"note " + filepath.Join(lib, "Movies", "Heat", "movie.nfo") + ": names artwork",
		"outside the library; left out",
		"(nothing is fetched from the web)",
		"Heat.part2.mkv: not a regular file",
	} {
		require.Contains(t, r.stderr, want)
	}

	s, err := store.Open(context.Background(), "", data, store.Options{})
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	var names []string
	for _, tt := range s.Client.Title.Query().AllX(ctx) {
		names = append(names, string(tt.Kind)+" "+tt.Name)
	}
	sort.Strings(names)
	require.Equal(t, []string{"MOVIE Amélie", "MOVIE Arrival", "MOVIE Big", "MOVIE Heat", "SERIES Slow Horses"}, names,
		"nothing is created for a file that is no video")

	// The .nfo and the artwork beside the movie.
	a := s.Client.Title.Query().Where(title.Name("Arrival")).OnlyX(ctx)
	require.Equal(t, "A linguist is recruited when twelve spacecraft land.", a.Synopsis)
	require.Equal(t, 2016, *a.Year)
	require.Equal(t, 116, *a.RuntimeMinutes)
	require.Equal(t, "PG-13", a.MaturityRating)
	require.ElementsMatch(t, []string{"Drama", "Science Fiction"}, a.QueryGenres().Select(genre.FieldName).StringsX(ctx))
	var credits []string
	for _, c := range a.QueryCredits().Order(ent.Asc(credit.FieldPosition)).WithPerson().AllX(ctx) {
		credits = append(credits, string(c.Role)+" "+c.Edges.Person.Name+" "+c.Character)
	}
	require.Equal(t, []string{"CAST Amy Adams Louise Banks", "CAST Jeremy Renner Ian Donnelly",
		"DIRECTOR Denis Villeneuve ", "WRITER Eric Heisserer "}, credits)
	require.Contains(t, a.Artwork, "POSTER")
	require.NotContains(t, a.Artwork, "BACKDROP", "the HTML named fanart.jpg is refused")
	h := s.Client.Title.Query().Where(title.Name("Heat")).OnlyX(ctx)
	require.Equal(t, 1995, *h.Year)
	require.Empty(t, h.Artwork, "artwork outside the library is never read")

	horses := s.Client.Title.Query().Where(title.Name("Slow Horses")).OnlyX(ctx)
	require.Equal(t, "Failed spies.", horses.Synopsis)
	episodes := func() []string {
		var eps []string
		for _, se := range horses.QuerySeasons().AllX(ctx) {
			for _, ep := range se.QueryEpisodes().AllX(ctx) {
				eps = append(eps, strconv.Itoa(se.Number)+"/"+strconv.Itoa(ep.Number)+" "+ep.Name+" "+ep.Synopsis)
			}
		}
		sort.Strings(eps)
		return eps
	}
	require.Equal(t, []string{"0/1 Behind the Scenes ", "1/1 Dead Slow ", "1/2 Failure's Contagious River follows a lead."}, episodes())
	require.Equal(t, 7, s.Client.Video.Query().CountX(ctx), "a transcode queued per file")

	r = scan()
	require.Equal(t, "added=0 updated=0 unchanged=7 skipped=8\n", r.stdout, "a second scan changes nothing")
	require.Equal(t, 7, s.Client.Video.Query().CountX(ctx))

	// A title deleted in the app while its file stays comes back with the next scan.
	amelie := s.Client.Title.Query().Where(title.Name("Amélie")).OnlyX(ctx)
	require.NoError(t, catalog.NewService(s, pubsub.NewLocal()).DeleteTitle(ctx, amelie.ID))
	r = scan()
	require.Equal(t, "added=1 updated=0 unchanged=6 skipped=8\n", r.stdout, r.stderr)
	require.Equal(t, 7, s.Client.Video.Query().CountX(ctx))

	// Touched but the same; the series' .nfo edited; an episode replaced with a new cut; a
	// movie removed, whose ready video becomes unavailable.
	later := time.Now().Add(time.Hour)
	require.NoError(t, os.Chtimes(heat, later, later))
	put("Shows/Slow Horses (2022)/tvshow.nfo", []byte(`<tvshow><title>Slow Horses</title><plot>Failed spies, second thoughts.</plot></tvshow>`))
	require.NoError(t, os.WriteFile(second, append(clip, 0), 0o644))
	arrivalVideo := a.QueryVideos().OnlyX(ctx)
	s.Client.Video.UpdateOne(arrivalVideo).SetStatus(entvideo.StatusREADY).ExecX(ctx) // as its transcode would
	require.NoError(t, os.Remove(arrival))
	r = scan()
	require.Equal(t, "added=0 updated=3 unchanged=3 skipped=7\n", r.stdout, r.stderr) // the missing movie's fanart.jpg is not looked at
	require.Contains(t, r.stderr, "missing "+arrival)
	require.Equal(t, 8, s.Client.Video.Query().CountX(ctx), "the changed file is transcoded again, the touched one not")
	require.Equal(t, "Failed spies, second thoughts.", s.Client.Title.GetX(ctx, horses.ID).Synopsis)
	require.Equal(t, entvideo.StatusUNAVAILABLE, s.Client.Video.GetX(ctx, arrivalVideo.ID).Status)

	// The same file back (a disk mounted again) plays again without a transcode.
	put("Movies/Arrival (2016)/Arrival (2016).mp4", clip)
	r = scan()
	require.Equal(t, "added=0 updated=1 unchanged=6 skipped=8\n", r.stdout, r.stderr)
	require.Equal(t, entvideo.StatusREADY, s.Client.Video.GetX(ctx, arrivalVideo.ID).Status)
	require.Equal(t, 8, s.Client.Video.Query().CountX(ctx))

	r = run(t, nil, "library", "scan", filepath.Join(lib, "nowhere"), "--data-dir", data)
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "is not a folder that can be read")
}

// TestLibraryScanSubtitles: subtitle files beside a video become its tracks, by the
// language and kind their names give; one that is no subtitles is skipped with the reason.
func TestLibraryScanSubtitles(t *testing.T) {
	t.Parallel()
	data, lib := t.TempDir(), t.TempDir()
	clip, err := os.ReadFile(testmedia.Make(t, testmedia.Default))
	require.NoError(t, err)
	dir := filepath.Join(lib, "Arrival (2016)")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	srt := []byte("1\n00:00:00,500 --> 00:00:02,000\nHello\n")
	for name, content := range map[string][]byte{
		"Arrival (2016).mp4":           clip,
		"Arrival (2016).en.srt":        srt,
		"Arrival (2016).en.sdh.srt":    srt,
		"Arrival (2016).fr.forced.srt": srt,
		"Arrival (2016).de.srt":        clip, // a video named .srt
		"Notes.srt":                    srt,  // no video's
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), content, 0o644))
	}
	r := run(t, nil, "library", "scan", lib, "--data-dir", data)
	require.Equal(t, "added=1 updated=0 unchanged=0 skipped=1\n", r.stdout, r.stderr)
	require.Contains(t, r.stderr, "Arrival (2016).de.srt: This file cannot be used: this is a video (MP4/MOV) file.")

	s, err := store.Open(context.Background(), "", data, store.Options{})
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	var tracks []string
	for _, tr := range s.Client.SubtitleTrack.Query().AllX(ctx) {
		tracks = append(tracks, tr.Language+" "+string(tr.Kind)+" "+string(tr.Origin))
	}
	sort.Strings(tracks)
	require.Equal(t, []string{"en CAPTIONS LIBRARY", "en SUBTITLES LIBRARY", "fr FORCED LIBRARY"}, tracks)

	r = run(t, nil, "library", "scan", lib, "--data-dir", data)
	require.Equal(t, "added=0 updated=0 unchanged=1 skipped=1\n", r.stdout, r.stderr)
	require.Equal(t, 3, s.Client.SubtitleTrack.Query().CountX(ctx))
}

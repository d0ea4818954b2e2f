package cli

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/testmedia"
)

// TestLibraryScan scans a folder of movies and series laid out as Jellyfin and Plex expect
// twice (the second changes nothing), then again after a file changed and one was removed.
// Files that say nothing usable are skipped with a reason and the scan goes on.
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
	put("Movies/Arrival (2016)/Arrival (2016).mp4", clip)
	put("Movies/Amélie [2001] {imdb-tt0211915}/Amélie.mp4", clip)
	put("Shows/Slow Horses (2022)/Season 01/Slow Horses - S01E01 - Dead Slow.mp4", clip)
	second := put("Shows/Slow Horses (2022)/Season 01/Slow Horses - S01E02 - Failure's Contagious.mp4", clip)
	put("Shows/Slow Horses (2022)/Specials/S00E01 - Behind the Scenes.mp4", clip)
	put("Shows/Slow Horses (2022)/Season 01/trailer.mp4", clip) // no episode number
	put("Shows/Slow Horses (2022)/poster.jpg", []byte("not a video, not looked at"))
	require.NoError(t, os.Symlink(lib, filepath.Join(lib, "Shows", "loop"))) // not followed

	scan := func() result {
		t.Helper()
		r := run(t, nil, "library", "scan", lib, "--data-dir", data)
		require.Equal(t, 0, r.code, r.stderr)
		return r
	}
	r := scan()
	require.Equal(t, "added=5 updated=0 unchanged=0 skipped=1\n", r.stdout, r.stderr)
	require.Contains(t, r.stderr, "trailer.mp4: in a season folder, but its name gives no episode number")

	s, err := store.Open(context.Background(), "", data, store.Options{})
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	var names []string
	for _, tt := range s.Client.Title.Query().AllX(ctx) {
		names = append(names, string(tt.Kind)+" "+tt.Name)
		if tt.Name == "Arrival" {
			require.Equal(t, 2016, *tt.Year)
		}
	}
	sort.Strings(names)
	require.Equal(t, []string{"MOVIE Amélie", "MOVIE Arrival", "SERIES Slow Horses"}, names)
	horses := s.Client.Title.Query().Where(title.Name("Slow Horses")).OnlyX(ctx)
	var eps []string
	for _, se := range horses.QuerySeasons().AllX(ctx) {
		for _, ep := range se.QueryEpisodes().AllX(ctx) {
			eps = append(eps, strconv.Itoa(se.Number)+"/"+ep.Name)
		}
	}
	sort.Strings(eps)
	require.Equal(t, []string{"0/Behind the Scenes", "1/Dead Slow", "1/Failure's Contagious"}, eps)
	require.Equal(t, 5, s.Client.Video.Query().CountX(ctx), "a transcode queued per file")

	r = scan()
	require.Equal(t, "added=0 updated=0 unchanged=5 skipped=1\n", r.stdout, "a second scan changes nothing")
	require.Equal(t, 5, s.Client.Video.Query().CountX(ctx))

	// A title deleted in the app while its file stays comes back with the next scan.
	amelie := s.Client.Title.Query().Where(title.Name("Amélie")).OnlyX(ctx)
	require.NoError(t, catalog.NewService(s, pubsub.NewLocal()).DeleteTitle(ctx, amelie.ID))
	r = scan()
	require.Equal(t, "added=1 updated=0 unchanged=4 skipped=1\n", r.stdout, r.stderr)
	require.Equal(t, 5, s.Client.Video.Query().CountX(ctx))

	// A file replaced with a new cut, and one removed.
	require.NoError(t, os.WriteFile(second, append(clip, 0), 0o644))
	require.NoError(t, os.Remove(filepath.Join(lib, "Movies", "Arrival (2016)", "Arrival (2016).mp4")))
	r = scan()
	require.Equal(t, "added=0 updated=1 unchanged=3 skipped=1\n", r.stdout, r.stderr)
	require.Contains(t, r.stderr, "missing "+filepath.Join(lib, "Movies", "Arrival (2016)", "Arrival (2016).mp4"))
	require.Equal(t, 6, s.Client.Video.Query().CountX(ctx), "the changed file is transcoded again")

	r = run(t, nil, "library", "scan", filepath.Join(lib, "nowhere"), "--data-dir", data)
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "is not a folder that can be read")
}

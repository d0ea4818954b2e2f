package server_test

import (
	"bytes"
	"context"
	"image"
	pngpkg "image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/testmedia"
	"github.com/marquee-org/marquee/internal/video"
)

// TestAdministratorsEditTheLibrary: an administrator edits a title (fields, genres,
// credits, clearing a year), builds a series' seasons and episodes, and every clash or bad
// value is a typed error naming its field that changes nothing; viewers are refused.
func TestAdministratorsEditTheLibrary(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		admin := bearer(e.admin())
		viewer := bearer(e.viewer("fan@example.com", "US", plancode.Premium))
		gql := func(h opt, q string, vars map[string]any) *gqlResponse {
			t.Helper()
			return e.gql(nil, q, vars, h)
		}
		ok := func(r *gqlResponse) map[string]any {
			t.Helper()
			require.Empty(t, r.Errors, r.Raw)
			return r.Data
		}
		refused := func(r *gqlResponse, code, field string) {
			t.Helper()
			require.Equal(t, code, r.code(), r.Raw)
			if field != "" {
				require.Equal(t, field, r.Errors[0].Extensions["field"], r.Raw)
			}
		}
		id := ok(gql(admin, `mutation { createTitle(input: {kind: SERIES, name: "Harbour Lights", year: 2019,
			genres: ["Drama"]}) { id } }`, nil))["createTitle"].(map[string]any)["id"]

		const update = `mutation($id: ID!, $in: UpdateTitleInput!) { updateTitle(id: $id, input: $in) {
			name year synopsis genres credits { role character position person { name } } } }`
		refused(gql(viewer, update, map[string]any{"id": id, "in": map[string]any{"name": "Mine"}}), "FORBIDDEN", "")
		got := ok(gql(admin, update, map[string]any{"id": id, "in": map[string]any{
			"name": "Harbour Lights: Winter", "synopsis": "A lighthouse keeper's last season.",
			"genres": []string{"Drama", "Mystery"}, "clear": []string{"year"},
			"credits": []map[string]any{
				{"name": "Ana Ferreira", "role": "CREATOR"},
				{"name": "Tom Okafor", "role": "CAST", "character": "The keeper"},
			},
		}}))["updateTitle"].(map[string]any)
		require.Equal(t, "Harbour Lights: Winter", got["name"])
		require.Nil(t, got["year"])
		require.Equal(t, []any{"Drama", "Mystery"}, got["genres"])
		require.Equal(t, []any{
			map[string]any{"role": "CREATOR", "character": "", "position": float64(0), "person": map[string]any{"name": "Ana Ferreira"}},
			map[string]any{"role": "CAST", "character": "The keeper", "position": float64(1), "person": map[string]any{"name": "Tom Okafor"}},
		}, got["credits"])

		for _, c := range []struct {
			in          map[string]any
			code, field string
		}{
			{map[string]any{"year": 1700}, "BAD_USER_INPUT", "year"},
			{map[string]any{"name": "  "}, "BAD_USER_INPUT", "name"},
			{map[string]any{"regions": []string{"Atlantis"}}, "BAD_USER_INPUT", "regions"},
			{map[string]any{"clear": []string{"name"}}, "BAD_USER_INPUT", "clear"},
			{map[string]any{"credits": []map[string]any{{"name": "Ana Ferreira", "role": "DIRECTOR", "character": "Herself"}}}, "BAD_USER_INPUT", "credits"},
			{map[string]any{"maturityRating": "M"}, "BAD_USER_INPUT", "maturityRating"},
			{map[string]any{"maturityRating": "Not rated"}, "BAD_USER_INPUT", "maturityRating"},
		} {
			refused(gql(admin, update, map[string]any{"id": id, "in": c.in}), c.code, c.field)
		}
		refused(gql(admin, update, map[string]any{"id": "999999", "in": map[string]any{"name": "Ghost"}}), "NOT_FOUND", "")
		got = ok(gql(admin, `query($id: ID!) { title(id: $id) { name credits { person { name } } } }`,
			map[string]any{"id": id}))["title"].(map[string]any)
		require.Equal(t, "Harbour Lights: Winter", got["name"], "a refused edit changes nothing")
		require.Len(t, got["credits"], 2)

		// Ratings of the four known systems are kept in their canonical spelling, with the
		// youngest age they suit; an unrated title has none.
		const rate = `mutation($id: ID!, $r: String!) { updateTitle(id: $id, input: {maturityRating: $r}) { maturityRating maturityAge } }`
		for in, want := range map[string][]any{"tv-14": {"TV-14", 14.0}, "FSK16": {"FSK 16", 16.0}, "12A": {"12A", 12.0}, "G": {"G", 0.0}} {
			got := ok(gql(admin, rate, map[string]any{"id": id, "r": in}))["updateTitle"].(map[string]any)
			require.Equal(t, want, []any{got["maturityRating"], got["maturityAge"]}, in)
		}
		refused(gql(admin, `mutation { createTitle(input: {kind: MOVIE, name: "Banned", maturityRating: "X"}) { id } }`, nil), "BAD_USER_INPUT", "maturityRating")
		got = ok(gql(admin, `mutation($id: ID!) { updateTitle(id: $id, input: {clear: ["maturityRating"]}) { maturityRating maturityAge } }`,
			map[string]any{"id": id}))["updateTitle"].(map[string]any)
		require.Nil(t, got["maturityAge"])

		// Seasons: unique numbers per series, 0 for specials, none on a movie.
		movie := ok(gql(admin, `mutation { createTitle(input: {kind: MOVIE, name: "Short Film"}) { id } }`, nil))["createTitle"].(map[string]any)["id"]
		const season = `mutation($in: CreateSeasonInput!) { createSeason(input: $in) { id number name } }`
		refused(gql(viewer, season, map[string]any{"in": map[string]any{"titleId": id, "number": 1}}), "FORBIDDEN", "")
		refused(gql(admin, season, map[string]any{"in": map[string]any{"titleId": movie, "number": 1}}), "BAD_USER_INPUT", "titleId")
		s1 := ok(gql(admin, season, map[string]any{"in": map[string]any{"titleId": id, "number": 1, "name": "Autumn"}}))["createSeason"].(map[string]any)["id"]
		refused(gql(admin, season, map[string]any{"in": map[string]any{"titleId": id, "number": 1}}), "BAD_USER_INPUT", "number")
		refused(gql(admin, season, map[string]any{"in": map[string]any{"titleId": id, "number": -1}}), "BAD_USER_INPUT", "number")
		specials := ok(gql(admin, season, map[string]any{"in": map[string]any{"titleId": id, "number": 0, "name": "Specials"}}))["createSeason"].(map[string]any)["id"]
		refused(gql(admin, `mutation($id: ID!) { updateSeason(id: $id, input: {number: 1}) { id } }`,
			map[string]any{"id": specials}), "BAD_USER_INPUT", "number")
		ok(gql(admin, `mutation($id: ID!) { updateSeason(id: $id, input: {name: "Autumn Tides"}) { id } }`, map[string]any{"id": s1}))

		// Episodes: unique numbers per season.
		const episode = `mutation($in: CreateEpisodeInput!) { createEpisode(input: $in) { id number name runtimeMinutes } }`
		e1 := ok(gql(admin, episode, map[string]any{"in": map[string]any{"seasonId": s1, "number": 1, "name": "The Lamp", "runtimeMinutes": 48}}))["createEpisode"].(map[string]any)["id"]
		ok(gql(admin, episode, map[string]any{"in": map[string]any{"seasonId": s1, "number": 2, "name": "Fog"}}))
		refused(gql(admin, episode, map[string]any{"in": map[string]any{"seasonId": s1, "number": 2, "name": "Fog again"}}), "BAD_USER_INPUT", "number")
		refused(gql(admin, episode, map[string]any{"in": map[string]any{"seasonId": "999999", "number": 3, "name": "Lost"}}), "NOT_FOUND", "seasonId")
		refused(gql(admin, episode, map[string]any{"in": map[string]any{"seasonId": s1, "number": 3, "name": "Long", "runtimeMinutes": 5000}}), "BAD_USER_INPUT", "runtimeMinutes")
		refused(gql(admin, `mutation($id: ID!) { updateEpisode(id: $id, input: {number: 2}) { id } }`,
			map[string]any{"id": e1}), "BAD_USER_INPUT", "number")
		ok(gql(admin, `mutation($id: ID!) { updateEpisode(id: $id, input: {name: "The Lamp Room"}) { id } }`, map[string]any{"id": e1}))

		got = ok(gql(viewer, `query($id: ID!) { title(id: $id) { seasons { number name episodes { number name runtimeMinutes } } } }`,
			map[string]any{"id": id}))["title"].(map[string]any)
		require.Equal(t, []any{
			map[string]any{"number": float64(0), "name": "Specials", "episodes": []any{}},
			map[string]any{"number": float64(1), "name": "Autumn Tides", "episodes": []any{
				map[string]any{"number": float64(1), "name": "The Lamp Room", "runtimeMinutes": float64(48)},
				map[string]any{"number": float64(2), "name": "Fog", "runtimeMinutes": nil},
			}},
		}, got["seasons"])

		// The new name is what search finds, on this replica at once or within its poll.
		require.Eventually(t, func() bool {
			r := gql(viewer, `{ search(query: "Winter") { edges { node { id } } } }`, nil)
			edges, _ := r.Data["search"].(map[string]any)["edges"].([]any)
			return len(edges) == 1
		}, 10*time.Second, 50*time.Millisecond)
	})
}

// TestDeletingATitleTakesEverythingOfIt: deleting a title while a viewer watches it revokes
// the stream (its manifest is refused), removes its media, and drops it from the viewer's
// My List, ratings and search, leaving their membership alone; deleting an episode takes
// its video and progress with it.
func TestDeletingATitleTakesEverythingOfIt(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.startWorkers()
		admin := e.admin()
		tok := e.viewer("watcher@example.com", "US", plancode.Premium)
		id := e.readyTitle(admin, `kind: MOVIE, name: "Vanishing Point", genres: ["Drama"]`)
		tid, err := strconv.Atoi(id)
		require.NoError(t, err)
		vid := e.store.Client.Video.Query().Where(entvideo.TitleID(tid)).OnlyX(ctx)
		out, err := e.media.Path(vid.OutputDir)
		require.NoError(t, err)
		require.DirExists(t, out)

		r := e.start(tok, id)
		require.Empty(t, r.Errors, r.Raw)
		manifest := r.Data["startPlayback"].(map[string]any)["manifestUrl"].(string)
		get := func() int {
			res, err := http.Get(e.http.URL + manifest)
			require.NoError(t, err)
			res.Body.Close()
			return res.StatusCode
		}
		require.Equal(t, http.StatusOK, get())
		for _, m := range []string{`mutation($id: ID!) { addToMyList(titleId: $id) { id } }`,
			`mutation($id: ID!) { rateTitle(titleId: $id, stars: 5) { id } }`} {
			r = e.gql(nil, m, map[string]any{"id": id}, bearer(tok))
			require.Empty(t, r.Errors, r.Raw)
		}

		r = e.gql(nil, `mutation($id: ID!) { deleteTitle(id: $id) }`, map[string]any{"id": id}, bearer(tok))
		require.Equal(t, "FORBIDDEN", r.code(), r.Raw)
		r = e.gql(nil, `mutation($id: ID!) { deleteTitle(id: $id) }`, map[string]any{"id": id}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, true, r.Data["deleteTitle"])

		require.Equal(t, http.StatusForbidden, get(), "the stream is revoked")
		require.NoDirExists(t, out, "its media is gone")
		require.Zero(t, e.store.Client.Video.Query().CountX(ctx))
		r = e.gql(nil, `query($id: ID!) { title(id: $id) { id } }`, map[string]any{"id": id}, bearer(tok))
		require.Nil(t, r.Data["title"], r.Raw)
		require.Zero(t, e.store.Client.MyListItem.Query().CountX(ctx))
		require.Zero(t, e.store.Client.Rating.Query().CountX(ctx))
		require.Equal(t, 1, e.store.Client.Membership.Query().CountX(ctx), "memberships are untouched")
		require.Eventually(t, func() bool {
			r := e.gql(nil, `{ search(query: "Vanishing") { totalCount } }`, nil, bearer(tok))
			return r.Data["search"] != nil && r.Data["search"].(map[string]any)["totalCount"] == float64(0)
		}, 10*time.Second, 50*time.Millisecond)
		r = e.gql(nil, `mutation($id: ID!) { deleteTitle(id: $id) }`, map[string]any{"id": id}, bearer(admin))
		require.Equal(t, "NOT_FOUND", r.code(), r.Raw)

		// An episode goes with its progress; the season stays until it is deleted too.
		series := e.gql(nil, `mutation { createTitle(input: {kind: SERIES, name: "Tides"}) { id } }`, nil, bearer(admin)).
			Data["createTitle"].(map[string]any)["id"]
		s1 := e.gql(nil, `mutation($t: ID!) { createSeason(input: {titleId: $t, number: 1}) { id } }`,
			map[string]any{"t": series}, bearer(admin)).Data["createSeason"].(map[string]any)["id"]
		ep := e.gql(nil, `mutation($s: ID!) { createEpisode(input: {seasonId: $s, number: 1, name: "Ebb"}) { id } }`,
			map[string]any{"s": s1}, bearer(admin)).Data["createEpisode"].(map[string]any)["id"]
		r = e.gql(nil, `mutation($id: ID!) { deleteEpisode(id: $id) }`, map[string]any{"id": ep}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		seasons := func() []any {
			r := e.gql(nil, `query($id: ID!) { title(id: $id) { seasons { number episodes { number } } } }`,
				map[string]any{"id": series}, bearer(tok))
			require.Empty(t, r.Errors, r.Raw)
			return r.Data["title"].(map[string]any)["seasons"].([]any)
		}
		require.Equal(t, []any{map[string]any{"number": float64(1), "episodes": []any{}}}, seasons())
		r = e.gql(nil, `mutation($id: ID!) { deleteSeason(id: $id) }`, map[string]any{"id": s1}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		require.Empty(t, seasons())
	})
}

// TestArtworkUploads: an administrator uploads a poster and a backdrop; posterUrl prefers
// the upload and both are served as JPEG with immutable caching; a replacement removes the
// files it replaces; images that are not images, or too large, are refused with nothing
// stored; deleting the title removes its artwork.
func TestArtworkUploads(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		admin := e.admin()
		viewer := e.viewer("art@example.com", "US", plancode.Premium)
		id := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Framed"}) { id } }`, nil, bearer(admin)).
			Data["createTitle"].(map[string]any)["id"].(string)
		const upload = `mutation($t: ID!, $k: ArtworkKind!, $f: Upload!) { uploadArtwork(titleId: $t, kind: $k, file: $f) {
			posterUrl backdropUrl logoUrl } }`
		png := func(w, h int) io.Reader {
			var b bytes.Buffer
			require.NoError(t, pngpkg.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))))
			return &b
		}
		send := func(kind string, name string, body io.Reader, who string) *gqlResponse {
			return e.uploadFile(upload, map[string]any{"t": id, "k": kind}, name, body, bearer(who))
		}
		fetch := func(path string) *http.Response {
			res, err := http.Get(e.http.URL + path)
			require.NoError(t, err)
			res.Body.Close()
			return res
		}
		artDir, err := e.media.Path("art/" + id)
		require.NoError(t, err)

		r := send("POSTER", "poster.png", png(600, 900), viewer)
		require.Equal(t, "FORBIDDEN", r.code(), r.Raw)
		r = send("POSTER", "poster.png", png(600, 900), admin)
		require.Empty(t, r.Errors, r.Raw)
		got := r.Data["uploadArtwork"].(map[string]any)
		poster := got["posterUrl"].(string)
		require.Contains(t, poster, "/art/")
		require.Contains(t, poster, "/342.jpg")
		require.Nil(t, got["backdropUrl"])
		res := fetch(poster)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, "image/jpeg", res.Header.Get("Content-Type"))
		require.Contains(t, res.Header.Get("Cache-Control"), "immutable")

		r = send("BACKDROP", "wide.png", png(1600, 900), admin)
		require.Empty(t, r.Errors, r.Raw)
		backdrop := r.Data["uploadArtwork"].(map[string]any)["backdropUrl"].(string)
		require.Contains(t, backdrop, "/1280.jpg")
		require.Equal(t, http.StatusOK, fetch(backdrop).StatusCode)

		// A new poster replaces the old one's files.
		r = send("POSTER", "again.png", png(400, 600), admin)
		require.Empty(t, r.Errors, r.Raw)
		require.NotEqual(t, poster, r.Data["uploadArtwork"].(map[string]any)["posterUrl"])
		require.Equal(t, http.StatusNotFound, fetch(poster).StatusCode)
		entries, err := os.ReadDir(artDir)
		require.NoError(t, err)
		require.Len(t, entries, 2, "one poster and one backdrop")

		for name, body := range map[string]io.Reader{
			"logo.svg":   strings.NewReader(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
			"fake.jpg":   strings.NewReader("<!doctype html><p>not an image</p>"),
			"huge.png":   png(12001, 10),
			"empty.webp": strings.NewReader(""),
		} {
			r = send("LOGO", name, body, admin)
			require.Equal(t, "BAD_USER_INPUT", r.code(), "%s: %s", name, r.Raw)
			require.Equal(t, "file", r.Errors[0].Extensions["field"], name)
		}
		entries, err = os.ReadDir(artDir)
		require.NoError(t, err)
		require.Len(t, entries, 2, "refused images store nothing")

		r = e.gql(nil, `mutation($id: ID!) { deleteTitle(id: $id) }`, map[string]any{"id": id}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		require.NoDirExists(t, artDir)
	})
}

// TestVideoMarkers: an administrator marks a video's intro and credits; the player gets
// them with its session; markers out of order or outside the video are refused by field,
// and leaving them out clears them.
func TestVideoMarkers(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.startWorkers()
		admin := e.admin()
		tok := e.viewer("skipper@example.com", "US", plancode.Premium)
		clip := testmedia.Default
		clip.Chapters = []string{"Cold open", "The heist"}
		id := e.readyTitle(admin, `kind: MOVIE, name: "Marked"`, clip)
		tid, err := strconv.Atoi(id)
		require.NoError(t, err)
		v := e.store.Client.Video.Query().Where(entvideo.TitleID(tid)).OnlyX(ctx)
		require.Positive(t, v.DurationSeconds)
		const set = `mutation($v: ID!, $in: VideoMarkersInput!) { setVideoMarkers(videoId: $v, input: $in) {
			introStart introEnd creditsStart } }`
		mark := func(who string, in map[string]any) *gqlResponse {
			return e.gql(nil, set, map[string]any{"v": strconv.Itoa(v.ID), "in": in}, bearer(who))
		}
		require.Equal(t, "FORBIDDEN", mark(tok, map[string]any{"introStart": 0, "introEnd": 1}).code())
		for _, c := range []struct {
			in    map[string]any
			field string
		}{
			{map[string]any{"introStart": 0.5}, "introEnd"},
			{map[string]any{"introStart": 1, "introEnd": 0.5}, "introEnd"},
			{map[string]any{"introStart": -1, "introEnd": 0.5}, "introStart"},
			{map[string]any{"creditsStart": v.DurationSeconds + 10}, "creditsStart"},
			{map[string]any{"introStart": 0, "introEnd": 1.5, "creditsStart": 1}, "creditsStart"},
		} {
			r := mark(admin, c.in)
			require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
			require.Equal(t, c.field, r.Errors[0].Extensions["field"], r.Raw)
		}
		r := mark(admin, map[string]any{"introStart": 0.2, "introEnd": 1, "creditsStart": 1.5})
		require.Empty(t, r.Errors, r.Raw)

		r = e.gql(nil, `mutation($t: ID!) { startPlayback(input: {titleId: $t}) { introStart introEnd creditsStart
			chapters { start end title } } }`, map[string]any{"t": id}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		chapters := []any{
			map[string]any{"start": float64(0), "end": 1.5, "title": "Cold open"},
			map[string]any{"start": 1.5, "end": float64(3), "title": "The heist"},
		}
		require.Equal(t, map[string]any{"introStart": 0.2, "introEnd": float64(1), "creditsStart": 1.5, "chapters": chapters},
			r.Data["startPlayback"], "chapters are kept from the source")
		r = e.gql(nil, `query($t: ID!) { title(id: $t) { video { chapters { start end title } } } }`, map[string]any{"t": id}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, chapters, r.Data["title"].(map[string]any)["video"].(map[string]any)["chapters"])

		r = mark(admin, map[string]any{})
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, map[string]any{"introStart": nil, "introEnd": nil, "creditsStart": nil}, r.Data["setVideoMarkers"])
		r = e.gql(nil, set, map[string]any{"v": "999999", "in": map[string]any{}}, bearer(admin))
		require.Equal(t, "NOT_FOUND", r.code(), r.Raw)
	})
}

// TestLibraryScanFromTheApp: an administrator starts a scan of a folder on the server's
// machine and follows it over a subscription to its report; folders outside the allowed
// ones, relative paths and viewers are refused.
func TestLibraryScanFromTheApp(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		admin := e.admin()
		tok := e.viewer("scanner@example.com", "US", plancode.Premium)
		lib := t.TempDir()
		clip, err := os.ReadFile(testmedia.Make(t, testmedia.Default))
		require.NoError(t, err)
		for rel, content := range map[string][]byte{
			"Movies/Arrival (2016)/Arrival (2016).mp4":                clip,
			"Shows/Dark (2017)/Season 01/Dark - S01E01 - Secrets.mp4": clip,
			"Movies/list.mkv": []byte("not a film"),
		} {
			p := filepath.Join(lib, filepath.FromSlash(rel))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, content, 0o644))
		}
		const start = `mutation($p: String!) { startLibraryScan(path: $p) { id path state } }`
		require.Equal(t, "FORBIDDEN", e.gql(nil, start, map[string]any{"p": lib}, bearer(tok)).code())
		for _, p := range []string{"/etc", "relative/folder", filepath.Join(lib, "nowhere")} {
			r := e.gql(nil, start, map[string]any{"p": p}, bearer(admin))
			require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
			require.Equal(t, "path", r.Errors[0].Extensions["field"], r.Raw)
		}
		r := e.gql(nil, start, map[string]any{"p": lib}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		scan := r.Data["startLibraryScan"].(map[string]any)
		require.Equal(t, lib, scan["path"])

		last := e.followScan(admin, scan["id"].(string))
		require.Equal(t, "DONE", last["state"], "%v", last)
		require.Equal(t, float64(3), last["done"])
		require.Equal(t, float64(3), last["total"])
		require.Equal(t, float64(2), last["added"])
		require.Equal(t, "", last["error"])
		require.NotNil(t, last["finishedAt"])
		require.Len(t, last["skipped"], 1)
		require.Contains(t, last["skipped"].([]any)[0].(map[string]any)["why"], "Not a video")

		r = e.gql(nil, `query($id: ID!) { libraryScan(id: $id) { state added } }`, map[string]any{"id": scan["id"]}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, map[string]any{"state": "DONE", "added": float64(2)}, r.Data["libraryScan"])
		require.Equal(t, 2, e.store.Client.Title.Query().CountX(context.Background()), "%v", e.store.Client.Title.Query().Select("name").StringsX(context.Background()))
		r = e.gql(nil, `query { libraryScan(id: "999999") { state } }`, nil, bearer(admin))
		require.Equal(t, "NOT_FOUND", r.code(), r.Raw)

		// The episode's video, queued for its transcode, is on the episode.
		dark := e.store.Client.Title.Query().Where(title.Name("Dark")).OnlyX(context.Background())
		r = e.gql(nil, `query($id: ID!) { title(id: $id) { seasons { number episodes { name video { id status } } } } }`,
			map[string]any{"id": strconv.Itoa(dark.ID)}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		ep := r.Data["title"].(map[string]any)["seasons"].([]any)[0].(map[string]any)["episodes"].([]any)[0].(map[string]any)
		require.Equal(t, "Secrets", ep["name"])
		require.Equal(t, "QUEUED", ep["video"].(map[string]any)["status"])
	})
}

// followScan follows a library scan over the subscription to its end and returns its
// last state.
func (e *env) followScan(token, id string) map[string]any {
	e.t.Helper()
	c := e.open(nil, map[string]any{"authorization": "Bearer " + token})
	require.NoError(e.t, c.WriteJSON(wsMsg{ID: "s", Type: "subscribe", Payload: map[string]any{
		"query": `subscription($id: ID!) { libraryScanProgress(id: $id) { state done total added updated unchanged
			skipped { path why } missing error finishedAt } }`,
		"variables": map[string]any{"id": id},
	}}))
	var last map[string]any
	for {
		m := e.next(c)
		if m.Type == "complete" {
			return last
		}
		require.Equal(e.t, "next", m.Type, "%+v", m)
		require.Nil(e.t, m.Payload["errors"], "%+v", m.Payload)
		last = m.Payload["data"].(map[string]any)["libraryScanProgress"].(map[string]any)
	}
}

// scanLibrary scans dir from the app and returns the scan's last state.
func (e *env) scanLibrary(token, dir string) map[string]any {
	e.t.Helper()
	r := e.gql(nil, `mutation($p: String!) { startLibraryScan(path: $p) { id } }`, map[string]any{"p": dir}, bearer(token))
	require.Empty(e.t, r.Errors, r.Raw)
	last := e.followScan(token, r.Data["startLibraryScan"].(map[string]any)["id"].(string))
	require.Equal(e.t, "DONE", last["state"], "%v", last)
	return last
}

// TestChangedLibraryFileReplacesItsVideo: a library file replaced with a new cut is
// transcoded again; the old version plays until the new one is ready, then goes with its
// media, and the viewers' positions move to the new one.
func TestChangedLibraryFileReplacesItsVideo(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.startWorkers()
		admin := e.admin()
		tok := e.viewer("recut@example.com", "US", plancode.Premium)
		lib := t.TempDir()
		file := filepath.Join(lib, "Solaris (1972)", "Solaris (1972).mp4")
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		clip, err := os.ReadFile(testmedia.Make(t, testmedia.Default))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(file, clip, 0o644))
		require.Equal(t, float64(1), e.scanLibrary(admin, lib)["added"])
		first := e.store.Client.Video.Query().OnlyX(ctx)
		events := e.watch(admin, strconv.Itoa(first.ID))
		require.Equal(t, "READY", events[len(events)-1]["status"], "%v", events)

		titleID := strconv.Itoa(first.TitleID)
		r := e.start(tok, titleID)
		require.Empty(t, r.Errors, r.Raw)
		session := r.Data["startPlayback"].(map[string]any)["id"]
		r = e.gql(nil, `mutation($s: ID!) { reportProgress(input: {sessionId: $s, positionSeconds: 1.5}) }`,
			map[string]any{"s": session}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)

		recut, err := os.ReadFile(testmedia.Make(t, testmedia.Clip{Seconds: 2, Width: 320, Height: 180, Audio: true}))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(file, recut, 0o644))
		require.Equal(t, float64(1), e.scanLibrary(admin, lib)["updated"])
		second := e.store.Client.Video.Query().Where(entvideo.IDNEQ(first.ID)).OnlyX(ctx)
		require.Equal(t, first.ID, *second.ReplacesID)
		events = e.watch(admin, strconv.Itoa(second.ID))
		require.Equal(t, "READY", events[len(events)-1]["status"], "%v", events)

		require.Equal(t, 1, e.store.Client.Video.Query().CountX(ctx), "the old version is gone once the new one is ready")
		old, err := e.media.Path(video.OutputKey(first.ID))
		require.NoError(t, err)
		require.NoFileExists(t, filepath.Join(old, "master.m3u8"))
		wp := e.store.Client.WatchProgress.Query().OnlyX(ctx)
		require.Equal(t, second.ID, wp.VideoID, "the viewer's position moved to the new version")
		r = e.gql(nil, `mutation($t: ID!) { startPlayback(input: {titleId: $t}) { resumePositionSeconds } }`,
			map[string]any{"t": titleID}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, 1.5, r.Data["startPlayback"].(map[string]any)["resumePositionSeconds"])
	})
}

// TestDeletedWhileTranscoding: a title deleted while its video transcodes leaves nothing in
// the media store once the transcode ends (here it stops for want of its source; with an
// object store, which hands the worker a copy, it publishes and removes what it published).
func TestDeletedWhileTranscoding(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.startWorkers()
		admin := e.admin()
		r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Short Lived"}) { id } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		id := r.Data["createTitle"].(map[string]any)["id"].(string)
		f, err := os.Open(testmedia.Make(t, testmedia.Clip{Seconds: 12, Width: 320, Height: 180, Audio: true}))
		require.NoError(t, err)
		defer f.Close()
		r = e.upload(id, "clip.mp4", f, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		videoID := r.Data["uploadVideo"].(map[string]any)["id"].(string)
		vid, err := strconv.Atoi(videoID)
		require.NoError(t, err)
		source := e.store.Client.Video.GetX(ctx, vid).SourcePath

		c := e.open(nil, map[string]any{"authorization": "Bearer " + admin})
		require.NoError(t, c.WriteJSON(wsMsg{ID: "p", Type: "subscribe", Payload: map[string]any{
			"query": `subscription($v: ID!) { transcodeProgress(videoId: $v) { status percent } }`, "variables": map[string]any{"v": videoID},
		}}))
		for { // deleted once ffmpeg is at work: the source is read, the output not yet published
			m := e.next(c)
			require.Equal(t, "next", m.Type, "%+v", m)
			p := m.Payload["data"].(map[string]any)["transcodeProgress"].(map[string]any)
			require.NotEqual(t, "READY", p["status"], "the clip transcoded before it could be deleted")
			if p["status"] == "PROCESSING" && p["percent"].(float64) > 0 {
				break
			}
		}
		r = e.gql(nil, `mutation($id: ID!) { deleteTitle(id: $id) }`, map[string]any{"id": id}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)

		require.Eventually(t, func() bool {
			var n int
			err := e.store.DB.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'transcode'
				AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n)
			return err == nil && n == 0
		}, time.Minute, 50*time.Millisecond, "the transcode ends")
		for _, key := range []string{video.OutputKey(vid), source} {
			p, err := e.media.Path(key)
			require.NoError(t, err)
			require.NoFileExists(t, p)
			require.NoDirExists(t, p)
		}
	})
}

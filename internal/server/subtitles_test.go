package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/subtitletrack"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/testmedia"
)

const uploadSubtitle = `mutation($v: ID!, $l: String!, $k: SubtitleKind!, $f: Upload!) {
	uploadSubtitle(videoId: $v, language: $l, kind: $k, file: $f) { id language name kind cues dropped } }`

// TestSubtitleUploads: administrators add subtitle tracks in whatever encoding and format
// they have; players find them in the master playlist as segmented WebVTT behind the same
// signed URLs; files that are no subtitles, odd language tags and viewers are refused.
func TestSubtitleUploads(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.startWorkers()
		admin := e.admin()
		tok := e.viewer("reader@example.com", "US", plancode.Premium)
		id := e.readyTitle(admin, `kind: MOVIE, name: "Captioned"`)
		tid, err := strconv.Atoi(id)
		require.NoError(t, err)
		v := e.store.Client.Video.Query().Where(entvideo.TitleID(tid)).OnlyX(ctx)
		vid := strconv.Itoa(v.ID)

		// A UTF-16 SubRip with a byte-order mark, markup and a cue out of range.
		srt := "1\r\n00:00:00,500 --> 00:00:02,000\r\n<i>Hello</i> <script>alert(1)</script>\r\n\r\n" +
			"2\r\n00:00:01,000 --> 00:00:01,500\r\n[Door slams]\r\n\r\n" +
			"3\r\n00:00:02,000 --> 00:00:01,000\r\nBackwards\r\n"
		utf16le := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(srt)) {
			utf16le = append(utf16le, byte(u), byte(u>>8))
		}
		send := func(token, lang, kind, name string, content []byte) *gqlResponse {
			return e.uploadFile(uploadSubtitle, map[string]any{"v": vid, "l": lang, "k": kind}, name, bytes.NewReader(content), bearer(token))
		}
		require.Equal(t, "FORBIDDEN", send(tok, "en", "CAPTIONS", "en.srt", utf16le).code())
		r := send(admin, "en-us", "CAPTIONS", "en.srt", utf16le)
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, map[string]any{"language": "en-US", "name": "American English (CC)", "kind": "CAPTIONS",
			"cues": float64(2), "dropped": float64(1)}, without(r.Data["uploadSubtitle"], "id"))
		cp1252 := []byte("1\n00:00:00,000 --> 00:00:01,000\nCaf\xe9 cr\xe8me\n")
		r = send(admin, "fr", "SUBTITLES", "fr.srt", cp1252)
		require.Empty(t, r.Errors, r.Raw)

		clip, err := os.ReadFile(testmedia.Make(t, testmedia.Default))
		require.NoError(t, err)
		for _, c := range []struct {
			lang, field string
			content     []byte
		}{
			{"en", "file", clip},
			{"english please", "language", cp1252},
			{"de", "file", []byte("no cues at all")},
		} {
			r := send(admin, c.lang, "SUBTITLES", "x.srt", c.content)
			require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
			require.Equal(t, c.field, r.Errors[0].Extensions["field"], r.Raw)
		}

		r = e.gql(nil, `query($t: ID!) { title(id: $t) { video { subtitles { language name kind cues } } } }`,
			map[string]any{"t": id}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, []any{
			map[string]any{"language": "en-US", "name": "American English (CC)", "kind": "CAPTIONS", "cues": float64(2)},
			map[string]any{"language": "fr", "name": "French", "kind": "SUBTITLES", "cues": float64(1)},
		}, r.Data["title"].(map[string]any)["video"].(map[string]any)["subtitles"])

		// The master lists both, every variant names the group, and the WebVTT is clean.
		r = e.start(tok, id)
		require.Empty(t, r.Errors, r.Raw)
		manifest := e.http.URL + r.Data["startPlayback"].(map[string]any)["manifestUrl"].(string)
		get := func(url string) string {
			res, err := http.Get(url)
			require.NoError(t, err)
			defer res.Body.Close()
			require.Equal(t, http.StatusOK, res.StatusCode, url)
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			return string(b)
		}
		master := storedURIs(get(manifest))
		require.Contains(t, master, `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="American English (CC)",LANGUAGE="en-US",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,CHARACTERISTICS="public.accessibility.describes-spoken-dialog,public.accessibility.describes-music-and-sound",URI="subs/`)
		require.Contains(t, master, `NAME="French",LANGUAGE="fr"`)
		for _, line := range strings.Split(master, "\n") {
			if strings.HasPrefix(line, "#EXT-X-STREAM-INF:") {
				require.True(t, strings.HasSuffix(line, `,SUBTITLES="subs"`), line)
			}
		}
		var english string
		for _, line := range strings.Split(master, "\n") {
			if strings.Contains(line, `LANGUAGE="en-US"`) {
				english = line[strings.Index(line, `URI="`)+5 : len(line)-1]
			}
		}
		base := manifest[:strings.LastIndex(manifest, "/")+1]
		playlist := get(base + english)
		require.Contains(t, playlist, "#EXT-X-TARGETDURATION:60\n")
		require.Contains(t, playlist, "\n0.vtt\n#EXT-X-ENDLIST\n")
		segment := get(base + english[:strings.LastIndex(english, "/")+1] + "0.vtt")
		require.Equal(t, "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n<i>Hello</i> alert(1)\n\n00:00:01.000 --> 00:00:01.500\n[Door slams]\n", segment)

		// Removing a track takes it out of the master.
		frID := e.store.Client.SubtitleTrack.Query().Where(subtitletrack.Language("fr")).OnlyIDX(ctx)
		r = e.gql(nil, `mutation($id: ID!) { deleteSubtitle(id: $id) }`, map[string]any{"id": strconv.Itoa(frID)}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		require.NotContains(t, get(manifest), `LANGUAGE="fr"`)
	})
}

// without returns m (a JSON object) without key.
func without(m any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m.(map[string]any) {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// TestSubtitlesFromTheSource: text subtitle streams in an uploaded source become tracks of
// its video, by their language and disposition, and players find them in the master.
func TestSubtitlesFromTheSource(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		dir := t.TempDir()
		srt := filepath.Join(dir, "en.srt")
		require.NoError(t, os.WriteFile(srt, []byte("1\n00:00:00,200 --> 00:00:01,500\nHello <b>there</b>\n"), 0o644))
		fr := filepath.Join(dir, "fr.srt")
		require.NoError(t, os.WriteFile(fr, []byte("1\n00:00:01,000 --> 00:00:02,000\nPANNEAU : SORTIE\n"), 0o644))
		mkv := filepath.Join(dir, "with-subs.mkv")
		// A dub beside the original sound, and a subtitle stream of each text format.
		out, err := exec.Command("ffmpeg", "-loglevel", "error", "-i", testmedia.Make(t, testmedia.Default), "-i", srt, "-i", fr,
			"-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration=3",
			"-map", "0", "-map", "3", "-map", "1", "-map", "2", "-c:v", "copy", "-c:a:0", "copy", "-c:a:1", "aac", "-c:s:0", "srt", "-c:s:1", "ass",
			"-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fre",
			"-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=fre", "-disposition:s:1", "forced", mkv).CombinedOutput()
		require.NoError(t, err, string(out))

		r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Subtitled"}) { id } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		id := r.Data["createTitle"].(map[string]any)["id"].(string)
		f, err := os.Open(mkv)
		require.NoError(t, err)
		defer f.Close()
		r = e.upload(id, "with-subs.mkv", f, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		events := e.watch(admin, r.Data["uploadVideo"].(map[string]any)["id"].(string))
		require.Equal(t, "READY", events[len(events)-1]["status"], "%v", events)

		r = e.gql(nil, `query($t: ID!) { title(id: $t) { video {
			subtitles { language name kind cues }
			audioTracks { language name kind default channels surround } } } }`,
			map[string]any{"t": id}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		video := r.Data["title"].(map[string]any)["video"].(map[string]any)
		require.Equal(t, []any{
			map[string]any{"language": "en", "name": "English", "kind": "SUBTITLES", "cues": float64(1)},
			map[string]any{"language": "fr", "name": "French (forced)", "kind": "FORCED", "cues": float64(1)},
		}, video["subtitles"])
		require.Equal(t, []any{
			map[string]any{"language": "en", "name": "English", "kind": "MAIN", "default": true, "channels": float64(1), "surround": false},
			map[string]any{"language": "fr", "name": "French", "kind": "MAIN", "default": false, "channels": float64(1), "surround": false},
		}, video["audioTracks"])

		tok := e.viewer("subs@example.com", "US", plancode.Premium)
		r = e.start(tok, id)
		require.Empty(t, r.Errors, r.Raw)
		manifest := e.http.URL + r.Data["startPlayback"].(map[string]any)["manifestUrl"].(string)
		get := func(uri string) string {
			t.Helper()
			res, err := http.Get(manifest[:strings.LastIndex(manifest, "/")+1] + uri)
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.StatusCode, uri)
			return string(body)
		}
		master := storedURIs(get("master.m3u8"))
		require.Contains(t, master, `NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="subs/`)
		require.Contains(t, master, `NAME="French (forced)",LANGUAGE="fr",DEFAULT=NO,AUTOSELECT=YES,FORCED=YES,URI="subs/`)
		require.Contains(t, master, `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="stereo",NAME="English",LANGUAGE="en",CHANNELS="2",DEFAULT=YES,AUTOSELECT=YES,URI="audio1/index.m3u8"`)
		require.Contains(t, master, `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="stereo",NAME="French",LANGUAGE="fr",CHANNELS="2",DEFAULT=NO,AUTOSELECT=YES,URI="audio2/index.m3u8"`)
		variants := regexp.MustCompile(`(?m)^#EXT-X-STREAM-INF:.*$`).FindAllString(master, -1)
		require.NotEmpty(t, variants)
		for _, v := range variants {
			require.Contains(t, v, `AUDIO="stereo"`)
			require.Contains(t, v, `SUBTITLES="subs"`)
		}

		// The audio and subtitle playlists are behind the same signed URL, and the WebVTT
		// segments are valid.
		require.Contains(t, get("audio2/index.m3u8"), "#EXTINF:")
		for _, uri := range regexp.MustCompile(`URI="(subs/[^"]+)"`).FindAllStringSubmatch(master, -1) {
			playlist := get(uri[1])
			require.Contains(t, playlist, "#EXT-X-ENDLIST")
			seg := regexp.MustCompile(`(?m)^[0-9]+\.vtt$`).FindString(playlist)
			require.NotEmpty(t, seg, playlist)
			vtt := get(path.Dir(uri[1]) + "/" + seg)
			require.True(t, strings.HasPrefix(vtt, "WEBVTT"), vtt)
			require.Regexp(t, `(?m)^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}`, vtt)
		}
	})
}

package media

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// Fuzz targets for everything in this package that reads text a client or a file hands it:
// playback tokens, artwork URLs, media paths and master playlists. Seeds live in
// testdata/fuzz/<name>; `make fuzz` runs each target for a few seconds.

var fuzzNow = time.Unix(1_760_000_000, 0)

// FuzzVerify feeds Verify arbitrary tokens. Whatever it accepts must be exactly the token
// Sign writes for the grant it returns (one token per grant, so nothing about a token can
// be altered and still pass), unexpired, and made of non-negative fields.
func FuzzVerify(f *testing.F) {
	s, err := NewSigner([]byte(testSecret))
	require.NoError(f, err)
	for _, g := range []Grant{
		{SessionID: 1, VideoID: 42, MaxHeight: 720, Expires: fuzzNow.Add(time.Hour)},
		{SessionID: 987_654_321_012, VideoID: 3, Expires: fuzzNow.Add(time.Second)},
		{Expires: fuzzNow.Add(-time.Second)},
	} {
		tok := s.Sign(g)
		f.Add(tok, fuzzNow.Unix())
		f.Add(strings.Replace(tok, "-", "--", 1), fuzzNow.Unix())
		f.Add("0"+tok, fuzzNow.Unix())
		f.Add(tok[:len(tok)-1]+"_", fuzzNow.Unix())
	}
	f.Add("", int64(0))
	f.Add("1-2-3-4-"+strings.Repeat("A", macLen), int64(0))
	f.Add(strings.Repeat("9", 18)+"-1-1-1-"+strings.Repeat("A", macLen), int64(-1))

	f.Fuzz(func(t *testing.T, token string, nowUnix int64) {
		now := time.Unix(nowUnix, 0)
		g, err := s.Verify(token, now)
		if err != nil {
			require.Zero(t, g)
			require.True(t, err == ErrTokenMalformed || err == ErrTokenSignature || err == ErrTokenExpired, "unexpected error %v", err)
			return
		}
		require.Equal(t, token, s.Sign(g), "a token that verifies re-signs to itself")
		require.True(t, now.Before(g.Expires))
		require.GreaterOrEqual(t, g.SessionID, 0)
		require.GreaterOrEqual(t, g.VideoID, 0)
		require.GreaterOrEqual(t, g.MaxHeight, 0)
	})
}

// FuzzSignVerify signs arbitrary grants and alters one byte of the token: the token itself
// must verify to the same grant, and the altered one must not verify at all.
func FuzzSignVerify(f *testing.F) {
	s, err := NewSigner([]byte(testSecret))
	require.NoError(f, err)
	f.Add(int64(1), int64(42), int64(720), int64(3600), 0, byte('7'))
	f.Add(int64(5), int64(42), int64(720), int64(60), 2, byte('1'))
	f.Add(int64(0), int64(0), int64(0), int64(1), 7, byte('-'))
	f.Add(int64(999_999_999_999_999_999), int64(1), int64(2160), int64(1<<32), 80, byte('A'))

	f.Fuzz(func(t *testing.T, session, video, height, ttl int64, at int, b byte) {
		if session < 0 || video < 0 || height < 0 || ttl <= 0 || ttl > 1<<32 ||
			session > 999_999_999_999_999_999 || video > 999_999_999_999_999_999 || height > 999_999_999_999_999_999 {
			return // outside what Sign promises to handle
		}
		g := Grant{SessionID: int(session), VideoID: int(video), MaxHeight: int(height), Expires: fuzzNow.Add(time.Duration(ttl) * time.Second)}
		tok := s.Sign(g)
		got, err := s.Verify(tok, fuzzNow)
		require.NoError(t, err)
		require.Equal(t, g, Grant{SessionID: got.SessionID, VideoID: got.VideoID, MaxHeight: got.MaxHeight, Expires: got.Expires})
		require.Equal(t, tok, url.PathEscape(tok), "usable in a path as is")

		if at < 0 {
			at = -at
		}
		at %= len(tok)
		if tok[at] == b {
			return
		}
		tampered := tok[:at] + string([]byte{b}) + tok[at+1:]
		_, err = s.Verify(tampered, fuzzNow)
		require.Error(t, err, "a token with byte %d changed still verifies: %q", at, tampered)
	})
}

// FuzzArtURL signs arbitrary store keys. A URL is handed out only for keys that fit the MAC's
// input, and the handler serves it only when the key is a plain-named .jpg: then it serves
// that file and nothing else. A URL whose tag is altered is never served.
func FuzzArtURL(f *testing.F) {
	fx := newFixture(f)
	art := NewArtHandler(fx.store, fx.signer)
	for _, k := range []string{"videos/42/poster.jpg", "videos/42/thumbs/sprite_001.jpg", "videos/42/master.m3u8",
		"videos/42/../42/poster.jpg", "videos/42/.secret.jpg", "secret.txt", "videos%2F42/poster.jpg", ""} {
		f.Add(k, 0)
	}
	f.Add("videos/42/poster.jpg", 5)

	f.Fuzz(func(t *testing.T, key string, flip int) {
		u := fx.signer.ArtURL(key)
		if len(key) > maxArtKey {
			require.Empty(t, u)
			return
		}
		tag, back, ok := strings.Cut(strings.TrimPrefix(u, artPrefix), "/")
		require.True(t, ok && strings.HasPrefix(u, artPrefix), u)
		require.Equal(t, key, back, "the URL names the key it signs")
		require.Len(t, tag, macLen)

		if flip != 0 {
			i := flip % macLen
			if i < 0 {
				i = -i
			}
			c := byte('A')
			if tag[i] == c {
				c = 'B'
			}
			u = artPrefix + tag[:i] + string([]byte{c}) + tag[i+1:] + "/" + key
		}
		w := serveRaw(art, u)
		if w == nil || w.Code != http.StatusOK {
			return
		}
		require.Zero(t, flip, "an altered tag was served: %s", u)
		require.True(t, validRest(key) && strings.HasSuffix(key, ".jpg"), "served %q", key)
		require.Equal(t, fx.file(t, key), w.Body.String())
	})
}

// FuzzMediaPath requests arbitrary paths under a valid token for video 42. Whatever is
// served is a file of that video, never a secret and never a rung above the token's
// height; a master playlist served lists no such rung either.
func FuzzMediaPath(f *testing.F) {
	fx := newFixture(f)
	for _, p := range []string{"master.m3u8", "720p/index.m3u8", "2160p/seg_00001.m4s", "poster.jpg", "thumbs.vtt",
		"notes.txt", ".secret.m4s", "720p/.secret.m4s", "../7/720p/seg_00001.m4s", "..%2f7/720p/seg_00001.m4s",
		"%2e%2e/secret.m4s", "720p//init.mp4", "720p/folder.m4s", "./master.m3u8", "720p\\..\\..\\secret.m4s",
		"0720p/index.m3u8", "720P/index.m3u8", "master.m3u8/x.m4s", "videos/42/master.m3u8"} {
		f.Add(p, 720)
	}
	f.Add("240p/index.m3u8", 100)
	f.Add("master.m3u8", 0)

	f.Fuzz(func(t *testing.T, rest string, maxHeight int) {
		if maxHeight < 0 || maxHeight > 10_000 {
			return
		}
		tok := fx.token(Grant{VideoID: 42, MaxHeight: maxHeight})
		w := serveRaw(fx.handler, mediaPrefix+tok+"/"+rest)
		if w == nil || w.Code != http.StatusOK {
			return
		}
		body := w.Body.String()
		require.NotContains(t, body, secretMarker)
		require.True(t, validRest(rest), "served %q", rest)
		key := "videos/42/" + rest
		if rest != masterName || maxHeight == 0 {
			require.Equal(t, fx.file(t, key), body)
		}
		fallback := 0
		if maxHeight > 0 {
			_, fallback = filterMaster([]byte(master42), maxHeight)
		}
		if rung, ok := rungHeight(rest); ok && maxHeight > 0 {
			require.True(t, rung <= maxHeight || rung == fallback, "rung %d served under a %dp token", rung, maxHeight)
		}
		if rest == masterName {
			requireNoRungAbove(t, []byte(body), maxHeight, fallback)
		}
	})
}

// FuzzFilterMaster filters arbitrary playlists. The result keeps the input's bytes in order
// (it only removes variants), never lists a rung folder above the limit other than the
// fallback, keeps a playable variant whenever the input had one, and filtering it again
// changes nothing.
func FuzzFilterMaster(f *testing.F) {
	f.Add([]byte(master42), 720)
	f.Add([]byte(master42), 100)
	f.Add([]byte(master42), 0)
	f.Add([]byte(master42Head+"#EXT-X-STREAM-INF:RESOLUTION=1920x1080\r\n1080p/index.m3u8\r\n#EXT-X-STREAM-INF:RESOLUTION=640x360\r\n360p/index.m3u8\r\n"), 480)
	f.Add([]byte("#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=1280x720\n720p/index.m3u8\n#EXT-X-I-FRAME-STREAM-INF:RESOLUTION=1920x1080,URI=\"1080p/iframes.m3u8\"\n"), 720)
	f.Add([]byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-STREAM-INF:RESOLUTION=1x1080\n1080p/a.m3u8\n#EXT-X-STREAM-INF:RESOLUTION=1x240\n240p/a.m3u8\n"), 720)
	f.Add([]byte("#EXT-X-STREAM-INF:CODECS=\"a,RESOLUTION=1x9\",RESOLUTION=1x2160\nhigh.m3u8\n"), 720)
	f.Add([]byte("#EXT-X-STREAM-INF:RESOLUTION=1920x1080"), 720)

	f.Fuzz(func(t *testing.T, master []byte, maxHeight int) {
		out, fallback := filterMaster(master, maxHeight)
		if maxHeight <= 0 {
			require.Equal(t, master, out)
			require.Zero(t, fallback)
			return
		}
		require.True(t, isSubsequenceOfLines(out, master), "the output is not the input with variants removed:\nin:  %q\nout: %q", master, out)
		requireNoRungAbove(t, out, maxHeight, fallback)
		if fallback != 0 {
			require.Greater(t, fallback, maxHeight)
		}
		if playable(master) {
			require.True(t, playable(out), "nothing left to play:\nin:  %q\nout: %q", master, out)
		}
		again, fallback2 := filterMaster(out, maxHeight)
		require.Equal(t, string(out), string(again), "filtering twice changes the result")
		require.Equal(t, fallback, fallback2)
	})
}

// serveRaw sends target to h exactly as a client would write it, or returns nil for a
// target no client could send.
func serveRaw(h http.Handler, target string) *httptest.ResponseRecorder {
	if !utf8.ValidString(target) || strings.ContainsAny(target, " \t\r\n#?") {
		return nil
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.URL, r.RequestURI = u, target
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// playerVariants lists the URIs a player would load from a master playlist, with the
// RESOLUTION height of the tag that introduced each, pairing tags and URIs the way players
// do: any line break (LF, CR or CRLF) ends a line, and a STREAM-INF tag takes the next line
// that is neither blank nor a tag or comment, whatever lies between.
func playerVariants(master []byte) (uris [][]byte, heights []int, iframe []bool) {
	lines := bytes.FieldsFunc(master, func(r rune) bool { return r == '\n' || r == '\r' })
	pending := -1 // RESOLUTION height of a STREAM-INF waiting for its URI
	for _, raw := range lines {
		line := bytes.TrimSpace(raw)
		switch {
		case len(line) == 0:
		case bytes.HasPrefix(line, []byte("#EXT-X-STREAM-INF:")):
			if pending < 0 {
				pending = resolutionHeight(line[len("#EXT-X-STREAM-INF:"):])
			}
		case bytes.HasPrefix(line, []byte("#EXT-X-I-FRAME-STREAM-INF:")):
			attrs := line[len("#EXT-X-I-FRAME-STREAM-INF:"):]
			if uri, ok := quotedAttr(attrs, "URI"); ok {
				uris, heights, iframe = append(uris, uri), append(heights, resolutionHeight(attrs)), append(iframe, true)
			}
		case line[0] == '#':
		case pending >= 0:
			uris, heights, iframe = append(uris, line), append(heights, pending), append(iframe, false)
			pending = -1
		}
	}
	return uris, heights, iframe
}

// requireNoRungAbove fails when a player reading master would load a URI inside a rung
// folder above maxHeight, other than the fallback.
func requireNoRungAbove(t *testing.T, master []byte, maxHeight, fallback int) {
	t.Helper()
	if maxHeight <= 0 {
		return
	}
	uris, _, _ := playerVariants(master)
	for _, uri := range uris {
		folder, _, ok := bytes.Cut(uri, []byte("/"))
		if !ok {
			continue
		}
		if n, ok := parseRungName(string(folder)); ok {
			require.True(t, n <= maxHeight || n == fallback, "the filtered master lists %q under a %dp limit (fallback %d):\n%q", uri, maxHeight, fallback, master)
		}
	}
}

// playable reports whether a player finds at least one non-I-frame variant in master.
func playable(master []byte) bool {
	_, _, iframe := playerVariants(master)
	for _, i := range iframe {
		if !i {
			return true
		}
	}
	return false
}

// isSubsequenceOfLines reports whether out is in, with some whole lines left out.
func isSubsequenceOfLines(out, in []byte) bool {
	for len(out) > 0 {
		i := bytes.IndexByte(out, '\n')
		line := out
		if i >= 0 {
			line = out[:i+1]
		}
		j := bytes.Index(in, line)
		if j < 0 {
			return false
		}
		in, out = in[j+len(line):], out[len(line):]
	}
	return true
}

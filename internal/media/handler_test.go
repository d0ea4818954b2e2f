package media

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// secretMarker is in every file the handler must never serve.
const secretMarker = "TOPSECRET"

const master42 = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=412000,AVERAGE-BANDWIDTH=380000,RESOLUTION=426x240,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=30.000
240p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=820000,AVERAGE-BANDWIDTH=760000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=30.000
360p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=3100000,AVERAGE-BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=30.000
720p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=6200000,AVERAGE-BANDWIDTH=5600000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",FRAME-RATE=30.000
1080p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=18000000,AVERAGE-BANDWIDTH=16000000,RESOLUTION=3840x2160,CODECS="avc1.640033,mp4a.40.2",FRAME-RATE=30.000
2160p/index.m3u8
`

// variantLines is master42's pair of lines for one rung.
func variantLines(t testing.TB, rung string) string {
	t.Helper()
	lines := strings.Split(master42, "\n")
	for i, l := range lines {
		if l == rung+"/index.m3u8" {
			return lines[i-1] + "\n" + l + "\n"
		}
	}
	t.Fatalf("no rung %s", rung)
	return ""
}

const master42Head = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"

// activeSet is a fake Sessions: the sessions in it are active.
type activeSet map[int]bool

func (s activeSet) Active(id int) bool { return s[id] }

type fixture struct {
	root    string // where the store keeps its files, for traversal attempts: a directory or "/bucket/prefix"
	store   Store
	signer  *Signer
	now     time.Time
	handler http.Handler
}

const (
	liveSession  = 1
	endedSession = 2
)

// newFixture is the media fixture on a filesystem store.
func newFixture(t testing.TB) *fixture { return newFixtureOn(t, "local") }

// eachFixture runs fn on a fixture in every kind of store: the serving tests must pass on both.
func eachFixture(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, newFixtureOn(t, kind))
		})
	}
}

// newFixtureOn writes a media store of the given kind with three videos and secrets around them:
//   - 42: a full ladder 240p…2160p, poster, thumbnails, plus things never to serve;
//   - 7: another video whose files are told apart by their content;
//   - 9: only 1080p and 2160p rungs, for the keep-the-lowest rule.
func newFixtureOn(t testing.TB, kind string) *fixture {
	t.Helper()
	ts := openTestStore(t, kind)
	f := &fixture{root: ts.root, store: ts.Store, signer: testSigner(t), now: time.Unix(1_760_000_000, 0)}

	put := func(key, content string) {
		_, err := ts.Put(key, strings.NewReader(content), 1<<20)
		require.NoError(t, err)
	}
	put("videos/42/master.m3u8", master42)
	for _, rung := range []string{"240p", "360p", "720p", "1080p", "2160p"} {
		put("videos/42/"+rung+"/index.m3u8", "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:4.0,\nseg_00001.m4s\n")
		put("videos/42/"+rung+"/init.mp4", fileContent("42/"+rung+"/init.mp4"))
		put("videos/42/"+rung+"/seg_00001.m4s", fileContent("42/"+rung+"/seg_00001.m4s"))
	}
	put("videos/42/poster.jpg", fileContent("42/poster.jpg"))
	put("videos/42/thumbs.vtt", "WEBVTT\n\n00:00.000 --> 00:05.000\nthumbs/sprite_001.jpg#xywh=0,0,160,90\n")
	put("videos/42/thumbs/sprite_001.jpg", fileContent("42/thumbs/sprite_001.jpg"))
	put("videos/42/notes.txt", secretMarker+" an extension the handler does not serve")
	// A folder named like a file: on S3, a prefix with an object under it.
	ts.raw(t, "videos/42/720p/folder.m4s/inside.m4s", secretMarker)

	put("videos/7/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=1280x720\n720p/index.m3u8\n")
	put("videos/7/720p/seg_00001.m4s", "video seven")

	put("videos/9/master.m3u8", master42Head+variantLines(t, "2160p")+variantLines(t, "1080p"))
	put("videos/9/1080p/seg_00001.m4s", "video nine 1080p")
	put("videos/9/2160p/seg_00001.m4s", "video nine 2160p")

	for _, name := range []string{"../secret.m4s", "../secret.txt", "secret.m4s", ".tmp/secret.m4s", "videos/secret.m4s",
		"videos/42/.secret.m4s", "videos/42/720p/.secret.m4s"} {
		ts.raw(t, name, secretMarker+" "+name)
	}

	videoDir := func(id int) string { return "videos/" + strconv.Itoa(id) }
	f.handler = NewHandler(ts.Store, f.signer, activeSet{liveSession: true}, videoDir, func() time.Time { return f.now })
	return f
}

// fileContent is a few KB, distinct per file, so that a wrong file or a wrong range shows.
func fileContent(name string) string {
	var b strings.Builder
	for i := 0; b.Len() < 4000; i++ {
		fmt.Fprintf(&b, "%s:%d;", name, i)
	}
	return b.String()
}

func (f *fixture) token(g Grant) string {
	if g.SessionID == 0 {
		g.SessionID = liveSession
	}
	if g.Expires.IsZero() {
		g.Expires = f.now.Add(time.Hour)
	}
	return f.signer.Sign(g)
}

func (f *fixture) serve(method, target string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	return w
}

func (f *fixture) file(t *testing.T, key string) string {
	t.Helper()
	return readKey(t, f.store, key)
}

// rawGet sends target exactly as written, which an http.Client would normalise, and reads the response.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: media.test\r\nConnection: close\r\n\r\n", target)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestServesFilesWithTheirTypesAndCaching(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		const (
			playlist = "application/vnd.apple.mpegurl"
			short    = "private, max-age=5"
			forever  = "public, max-age=31536000, immutable"
		)
		for _, tc := range []struct {
			path        string
			contentType string
			cache       string
		}{
			{"master.m3u8", playlist, short},
			{"720p/index.m3u8", playlist, short},
			{"720p/init.mp4", "video/mp4", forever},
			{"720p/seg_00001.m4s", "video/iso.segment", forever},
			{"thumbs.vtt", "text/vtt", short},
			{"thumbs/sprite_001.jpg", "image/jpeg", forever},
			{"poster.jpg", "image/jpeg", forever},
		} {
			t.Run(tc.path, func(t *testing.T) {
				t.Parallel()
				w := f.serve(http.MethodGet, "/media/"+f.token(Grant{VideoID: 42, MaxHeight: 1080})+"/"+tc.path, nil)
				require.Equal(t, http.StatusOK, w.Code)
				if tc.path != "master.m3u8" { // filtered; see TestMasterIsFilteredByPlan
					require.Equal(t, f.file(t, "videos/42/"+tc.path), w.Body.String())
				}
				require.Equal(t, tc.contentType, w.Header().Get("Content-Type"))
				require.Equal(t, tc.cache, w.Header().Get("Cache-Control"))
				require.Equal(t, "no-referrer", w.Header().Get("Referrer-Policy"))
				require.Equal(t, "*", w.Header().Get("Access-Control-Allow-Origin"))
				require.NotEmpty(t, w.Header().Get("Etag"))
				require.NotEmpty(t, w.Header().Get("Last-Modified"))
			})
		}
	})
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct {
			name      string
			video     int
			maxHeight int
			path      string
		}{
			{"missing file", 42, 0, "720p/seg_00099.m4s"},
			{"missing rung", 42, 0, "480p/index.m3u8"},
			{"rung above the plan", 42, 720, "1080p/seg_00001.m4s"},
			{"its playlist", 42, 720, "1080p/index.m3u8"},
			{"its init segment", 42, 720, "1080p/init.mp4"},
			{"far above the plan", 42, 720, "2160p/seg_00001.m4s"},
			{"not the lowest rung either", 9, 720, "2160p/seg_00001.m4s"},
			{"directory", 42, 0, "720p"},
			{"directory with a slash", 42, 0, "720p/"},
			{"directory named like a file", 42, 0, "720p/folder.m4s"},
			{"the video directory itself", 42, 0, ""},
			{"file used as a directory", 42, 0, "master.m3u8/seg_00001.m4s"},
			{"extension not served", 42, 0, "notes.txt"},
			{"no extension", 42, 0, "thumbs"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				w := f.serve(http.MethodGet, "/media/"+f.token(Grant{VideoID: tc.video, MaxHeight: tc.maxHeight})+"/"+tc.path, nil)
				require.Equal(t, http.StatusNotFound, w.Code)
				require.Equal(t, "Not Found\n", w.Body.String())
				require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
			})
		}
	})
}

func TestRungsWithinThePlanAreServed(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct {
			name      string
			video     int
			maxHeight int
			path      string
			want      string
		}{
			{"at the limit", 42, 720, "720p/seg_00001.m4s", fileContent("42/720p/seg_00001.m4s")},
			{"below the limit", 42, 720, "240p/seg_00001.m4s", fileContent("42/240p/seg_00001.m4s")},
			{"no limit", 42, 0, "2160p/seg_00001.m4s", fileContent("42/2160p/seg_00001.m4s")},
			{"lowest rung kept when none fits", 9, 720, "1080p/seg_00001.m4s", "video nine 1080p"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				w := f.serve(http.MethodGet, "/media/"+f.token(Grant{VideoID: tc.video, MaxHeight: tc.maxHeight})+"/"+tc.path, nil)
				require.Equal(t, http.StatusOK, w.Code)
				require.Equal(t, tc.want, w.Body.String())
			})
		}
	})
}

func TestForbidden(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		good := f.token(Grant{VideoID: 42, MaxHeight: 720})
		flipped := "A"
		if strings.HasSuffix(good, "A") {
			flipped = "B"
		}
		other, err := NewSigner([]byte(strings.Repeat("o", 32)))
		require.NoError(t, err)
		for _, tc := range []struct {
			name  string
			token string
		}{
			{"empty", ""},
			{"garbage", "not-a-token"},
			{"tampered mac", good[:len(good)-1] + flipped},
			{"raised limit", strings.Replace(good, "-720-", "-0-", 1)},
			{"other video", strings.Replace(good, "-42-", "-7-", 1)},
			{"other key", other.Sign(Grant{SessionID: liveSession, VideoID: 42, Expires: f.now.Add(time.Hour)})},
			{"expired", f.token(Grant{VideoID: 42, Expires: f.now})},
			{"ended session", f.token(Grant{SessionID: endedSession, VideoID: 42})},
			{"unknown session", f.token(Grant{SessionID: 99, VideoID: 42})},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				for _, method := range []string{http.MethodGet, http.MethodHead} {
					w := f.serve(method, "/media/"+tc.token+"/720p/seg_00001.m4s", nil)
					require.Equal(t, http.StatusForbidden, w.Code, method)
					if method == http.MethodGet {
						require.Equal(t, "Forbidden\n", w.Body.String(), "no detail about which check failed")
					}
					require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
					require.Equal(t, "*", w.Header().Get("Access-Control-Allow-Origin"), "players can read the status")
					require.Equal(t, "no-referrer", w.Header().Get("Referrer-Policy"))
				}
			})
		}
	})
}

func TestTokenReachesOnlyItsVideo(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		tok7 := f.token(Grant{VideoID: 7})
		for _, tc := range []struct {
			path   string
			status int
			body   string
		}{
			{"720p/seg_00001.m4s", http.StatusOK, "video seven"},
			{"240p/seg_00001.m4s", http.StatusNotFound, "Not Found\n"},
			{"poster.jpg", http.StatusNotFound, "Not Found\n"},
			{"../42/720p/seg_00001.m4s", http.StatusNotFound, "Not Found\n"},
			{"%2e%2e/42/720p/seg_00001.m4s", http.StatusNotFound, "Not Found\n"},
		} {
			t.Run(tc.path, func(t *testing.T) {
				t.Parallel()
				w := f.serve(http.MethodGet, "/media/"+tok7+"/"+tc.path, nil)
				require.Equal(t, tc.status, w.Code)
				require.Equal(t, tc.body, w.Body.String())
			})
		}
	})
}

func TestTraversalNeverLeavesTheVideoDir(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		srv := httptest.NewServer(f.handler)
		t.Cleanup(srv.Close)
		tok := f.token(Grant{VideoID: 42})
		abs := filepath.ToSlash(filepath.Join(f.root, "secret.m4s"))
		for _, rest := range []string{
			"../secret.m4s",
			"../../secret.m4s",
			"../../../secret.m4s",
			"720p/../../secret.m4s",
			"%2e%2e%2fsecret.m4s",
			"%2e%2e%2f%2e%2e%2fsecret.m4s",
			"%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.m4s",
			"..%2fsecret.m4s",
			"..%2f..%2fsecret.m4s",
			"%2e%2e/secret.m4s",
			"%2e%2e/%2e%2e/secret.m4s",
			"%2E%2E%2F%2E%2E%2Fsecret.m4s",
			"720p%2F..%2F..%2Fsecret.m4s",
			"720p%2fseg_00001.m4s",
			"%252e%252e%252fsecret.m4s",
			`..\secret.m4s`,
			`..\..\secret.m4s`,
			`720p\..\..\secret.m4s`,
			"..%5csecret.m4s",
			".secret.m4s",
			"720p/.secret.m4s",
			"./720p/seg_00001.m4s",
			"720p/./seg_00001.m4s",
			".tmp/secret.m4s",
			"../../.tmp/secret.m4s",
			"../../../media/.tmp/secret.m4s",
			"/" + strings.TrimPrefix(abs, "/"),
			"/../secret.m4s",
			"720p//seg_00001.m4s",
			"%00../secret.m4s",
			"notes.txt",
		} {
			t.Run(rest, func(t *testing.T) {
				t.Parallel()
				target := "/media/" + tok + "/" + rest
				w := f.serve(http.MethodGet, target, nil)
				require.Equal(t, http.StatusNotFound, w.Code)
				require.NotContains(t, w.Body.String(), secretMarker)

				status, body := rawGet(t, srv.Listener.Addr().String(), target)
				require.NotContains(t, body, secretMarker)
				// Go's server itself answers 400 to some of these (a NUL byte) before the handler runs.
				require.Contains(t, []int{http.StatusNotFound, http.StatusBadRequest}, status)
			})
		}
	})
}

func TestMethodsOtherThanGetAndHead(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		tok := f.token(Grant{VideoID: 42})
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			t.Run(method, func(t *testing.T) {
				t.Parallel()
				w := f.serve(method, "/media/"+tok+"/720p/seg_00001.m4s", nil)
				require.Equal(t, http.StatusMethodNotAllowed, w.Code)
				require.Equal(t, "GET, HEAD", w.Header().Get("Allow"))
				require.Equal(t, fileContent("42/720p/seg_00001.m4s"), f.file(t, "videos/42/720p/seg_00001.m4s"), "untouched")
			})
		}
	})
}

func TestMasterIsFilteredByPlan(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		v := func(rungs ...string) string {
			s := master42Head
			for _, r := range rungs {
				s += variantLines(t, r)
			}
			return s
		}
		for _, tc := range []struct {
			name      string
			video     int
			maxHeight int
			want      string
		}{
			{"720", 42, 720, v("240p", "360p", "720p")},
			{"1080", 42, 1080, v("240p", "360p", "720p", "1080p")},
			{"between rungs", 42, 900, v("240p", "360p", "720p")},
			{"no limit", 42, 0, master42},
			{"limit above the ladder", 42, 4320, master42},
			{"below every rung keeps the lowest", 42, 144, v("240p")},
			{"keeps the lowest wherever it is listed", 9, 720, v("1080p")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				w := f.serve(http.MethodGet, "/media/"+f.token(Grant{VideoID: tc.video, MaxHeight: tc.maxHeight})+"/master.m3u8", nil)
				require.Equal(t, http.StatusOK, w.Code)
				require.Equal(t, tc.want, w.Body.String())
				require.Equal(t, strconv.Itoa(len(tc.want)), w.Header().Get("Content-Length"))
				require.Equal(t, "private, max-age=5", w.Header().Get("Cache-Control"))
			})
		}
	})
}

func TestFilterMaster(t *testing.T) {
	t.Parallel()
	const head = "#EXTM3U\n#EXT-X-VERSION:7\n"
	for _, tc := range []struct {
		name         string
		in           string
		maxHeight    int
		want         string
		wantFallback int
	}{
		{
			name:      "descending order, CRLF and other tags kept verbatim",
			in:        "#EXTM3U\r\n#EXT-X-STREAM-INF:BANDWIDTH=2,RESOLUTION=1920x1080\r\n1080p/index.m3u8\r\n## a comment\r\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=1280x720\r\n720p/index.m3u8\r\n",
			maxHeight: 720,
			want:      "#EXTM3U\r\n## a comment\r\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=1280x720\r\n720p/index.m3u8\r\n",
		},
		{
			name:      "no trailing newline",
			in:        head + "#EXT-X-STREAM-INF:RESOLUTION=1280x720\n720p/index.m3u8\n#EXT-X-STREAM-INF:RESOLUTION=1920x1080\n1080p/index.m3u8",
			maxHeight: 720,
			want:      head + "#EXT-X-STREAM-INF:RESOLUTION=1280x720\n720p/index.m3u8\n",
		},
		{
			name:      "portrait rungs go by their name, not their pixel height",
			in:        head + "#EXT-X-STREAM-INF:RESOLUTION=720x1280\n720p/index.m3u8\n#EXT-X-STREAM-INF:RESOLUTION=1080x1920\n1080p/index.m3u8\n",
			maxHeight: 720,
			want:      head + "#EXT-X-STREAM-INF:RESOLUTION=720x1280\n720p/index.m3u8\n",
		},
		{
			name:      "wide rungs too",
			in:        head + "#EXT-X-STREAM-INF:RESOLUTION=1280x534\n720p/index.m3u8\n#EXT-X-STREAM-INF:RESOLUTION=1920x640\n1080p/index.m3u8\n",
			maxHeight: 720,
			want:      head + "#EXT-X-STREAM-INF:RESOLUTION=1280x534\n720p/index.m3u8\n",
		},
		{
			name:      "URIs outside rung folders go by RESOLUTION",
			in:        head + "#EXT-X-STREAM-INF:RESOLUTION=1280x720,CODECS=\"avc1,mp4a\"\nlow.m3u8\n#EXT-X-STREAM-INF:CODECS=\"a,b\",RESOLUTION=1920x1080\nhttps://cdn.test/high.m3u8\n",
			maxHeight: 720,
			want:      head + "#EXT-X-STREAM-INF:RESOLUTION=1280x720,CODECS=\"avc1,mp4a\"\nlow.m3u8\n",
		},
		{
			name:      "variants without a height stay",
			in:        head + "#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS=\"mp4a.40.2\"\naudio.m3u8\n#EXT-X-STREAM-INF:RESOLUTION=1920x1080\n1080p/index.m3u8\n",
			maxHeight: 720,
			want:      head + "#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS=\"mp4a.40.2\"\naudio.m3u8\n",
		},
		{
			name:      "I-frame playlists follow their rung",
			in:        head + "#EXT-X-STREAM-INF:RESOLUTION=1280x720\n720p/index.m3u8\n#EXT-X-I-FRAME-STREAM-INF:RESOLUTION=1280x720,URI=\"720p/iframes.m3u8\"\n#EXT-X-I-FRAME-STREAM-INF:RESOLUTION=1920x1080,URI=\"1080p/iframes.m3u8\"\n",
			maxHeight: 720,
			want:      head + "#EXT-X-STREAM-INF:RESOLUTION=1280x720\n720p/index.m3u8\n#EXT-X-I-FRAME-STREAM-INF:RESOLUTION=1280x720,URI=\"720p/iframes.m3u8\"\n",
		},
		{
			name:         "keeps the lowest, its I-frames and its twins",
			in:           head + "#EXT-X-STREAM-INF:RESOLUTION=3840x2160\n2160p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=1\n1080p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2\n1080p/index.m3u8\n#EXT-X-I-FRAME-STREAM-INF:URI=\"1080p/iframes.m3u8\"\n",
			maxHeight:    720,
			want:         head + "#EXT-X-STREAM-INF:BANDWIDTH=1\n1080p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2\n1080p/index.m3u8\n#EXT-X-I-FRAME-STREAM-INF:URI=\"1080p/iframes.m3u8\"\n",
			wantFallback: 1080,
		},
		{
			name:      "a tag without its URI is left alone",
			in:        head + "#EXT-X-STREAM-INF:RESOLUTION=1280x720\n720p/index.m3u8\n#EXT-X-STREAM-INF:RESOLUTION=1920x1080\n",
			maxHeight: 720,
			want:      head + "#EXT-X-STREAM-INF:RESOLUTION=1280x720\n720p/index.m3u8\n#EXT-X-STREAM-INF:RESOLUTION=1920x1080\n",
		},
		{
			name:      "no limit",
			in:        master42,
			maxHeight: 0,
			want:      master42,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, fallback := filterMaster([]byte(tc.in), tc.maxHeight)
			require.Equal(t, tc.want, string(got))
			require.Equal(t, tc.wantFallback, fallback)
		})
	}
}

func TestRangeOverRealServer(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		srv := httptest.NewServer(f.handler)
		t.Cleanup(srv.Close)
		url := srv.URL + "/media/" + f.token(Grant{VideoID: 42, MaxHeight: 720}) + "/720p/seg_00001.m4s"
		content := fileContent("42/720p/seg_00001.m4s")

		first, err := srv.Client().Get(url)
		require.NoError(t, err)
		first.Body.Close()
		etag := first.Header.Get("Etag")
		require.NotEmpty(t, etag)

		for _, tc := range []struct {
			name         string
			header       map[string]string
			status       int
			body         string
			contentRange string
		}{
			{"middle", map[string]string{"Range": "bytes=10-19"}, http.StatusPartialContent, content[10:20], fmt.Sprintf("bytes 10-19/%d", len(content))},
			// Past the first 512 bytes, which the server copies itself, the rest goes by sendfile from the
			// descriptor's offset.
			{"longer than a sniff", map[string]string{"Range": "bytes=1000-3999"}, http.StatusPartialContent, content[1000:4000], fmt.Sprintf("bytes 1000-3999/%d", len(content))},
			{"open ended", map[string]string{"Range": "bytes=3990-"}, http.StatusPartialContent, content[3990:], fmt.Sprintf("bytes 3990-%d/%d", len(content)-1, len(content))},
			{"suffix", map[string]string{"Range": "bytes=-5"}, http.StatusPartialContent, content[len(content)-5:], fmt.Sprintf("bytes %d-%d/%d", len(content)-5, len(content)-1, len(content))},
			{"If-Range matches", map[string]string{"Range": "bytes=0-3", "If-Range": etag}, http.StatusPartialContent, content[:4], fmt.Sprintf("bytes 0-3/%d", len(content))},
			{"If-Range stale", map[string]string{"Range": "bytes=0-3", "If-Range": `"stale"`}, http.StatusOK, content, ""},
			{"unsatisfiable", map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(content)+10)}, http.StatusRequestedRangeNotSatisfiable, "", fmt.Sprintf("bytes */%d", len(content))},
			{"several ranges", map[string]string{"Range": "bytes=0-3,100-109"}, http.StatusPartialContent, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				req, err := http.NewRequest(http.MethodGet, url, nil)
				require.NoError(t, err)
				for k, v := range tc.header {
					req.Header.Set(k, v)
				}
				resp, err := srv.Client().Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				require.Equal(t, tc.status, resp.StatusCode)
				require.Equal(t, tc.contentRange, resp.Header.Get("Content-Range"))
				switch mediaType, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); {
				case mediaType == "multipart/byteranges":
					// Each part is read at its own offset: the seeks sizedFile defers must land.
					parts := multipart.NewReader(bytes.NewReader(body), params["boundary"])
					for _, want := range []struct{ from, to int }{{0, 3}, {100, 109}} {
						p, err := parts.NextPart()
						require.NoError(t, err)
						require.Equal(t, fmt.Sprintf("bytes %d-%d/%d", want.from, want.to, len(content)), p.Header.Get("Content-Range"))
						got, err := io.ReadAll(p)
						require.NoError(t, err)
						require.Equal(t, content[want.from:want.to+1], string(got))
					}
					_, err := parts.NextPart()
					require.ErrorIs(t, err, io.EOF)
				case tc.status != http.StatusRequestedRangeNotSatisfiable:
					require.Equal(t, tc.body, string(body))
				}
			})
		}
	})
}

func TestConditionalRequests(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		tok720 := f.token(Grant{VideoID: 42, MaxHeight: 720})
		tok1080 := f.token(Grant{VideoID: 42, MaxHeight: 1080})
		etagOf := func(tok, path string) string {
			w := f.serve(http.MethodGet, "/media/"+tok+"/"+path, nil)
			require.Equal(t, http.StatusOK, w.Code)
			return w.Header().Get("Etag")
		}
		seg := etagOf(tok720, "720p/seg_00001.m4s")
		require.Equal(t, seg, etagOf(tok1080, "720p/seg_00001.m4s"), "a file's validator is the same for every plan")
		require.NotEqual(t, seg, etagOf(tok720, "720p/init.mp4"))
		master720 := etagOf(tok720, "master.m3u8")
		require.NotEqual(t, master720, etagOf(tok1080, "master.m3u8"), "the filtered master differs per plan, so must its validator")

		for _, tc := range []struct {
			name   string
			tok    string
			path   string
			match  string
			status int
		}{
			{"segment, current", tok720, "720p/seg_00001.m4s", seg, http.StatusNotModified},
			{"segment, one of several", tok720, "720p/seg_00001.m4s", `"x", ` + seg, http.StatusNotModified},
			{"segment, stale", tok720, "720p/seg_00001.m4s", `"stale"`, http.StatusOK},
			{"other file, same tag", tok720, "720p/init.mp4", seg, http.StatusOK},
			{"master, same plan", tok720, "master.m3u8", master720, http.StatusNotModified},
			{"master, upgraded plan", tok1080, "master.m3u8", master720, http.StatusOK},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				w := f.serve(http.MethodGet, "/media/"+tc.tok+"/"+tc.path, http.Header{"If-None-Match": {tc.match}})
				require.Equal(t, tc.status, w.Code)
				if tc.status == http.StatusNotModified {
					require.Empty(t, w.Body.String())
				}
			})
		}
	})
}

func TestHead(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, f *fixture) {
		tok := f.token(Grant{VideoID: 42, MaxHeight: 720})
		for _, tc := range []struct {
			path   string
			length int
		}{
			{"720p/seg_00001.m4s", len(fileContent("42/720p/seg_00001.m4s"))},
			{"master.m3u8", len(master42Head + variantLines(t, "240p") + variantLines(t, "360p") + variantLines(t, "720p"))},
		} {
			t.Run(tc.path, func(t *testing.T) {
				t.Parallel()
				w := f.serve(http.MethodHead, "/media/"+tok+"/"+tc.path, nil)
				require.Equal(t, http.StatusOK, w.Code)
				require.Equal(t, strconv.Itoa(tc.length), w.Header().Get("Content-Length"))
				require.NotEmpty(t, w.Header().Get("Etag"))
				require.Empty(t, w.Body.String())
			})
		}
	})
}

func TestSizedFileSeeksOnlyWhenItReads(t *testing.T) {
	t.Parallel()
	name := filepath.Join(t.TempDir(), "seg.m4s")
	content := fileContent("seg")
	require.NoError(t, os.WriteFile(name, []byte(content), 0o640))
	type step struct {
		op      string // "seek", "read", "conn"
		offset  int64
		whence  int
		n       int
		want    string // read: the bytes; seek: the new position
		wantErr bool
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"size like ServeContent, then the whole file", []step{
			{op: "seek", whence: io.SeekEnd, want: strconv.Itoa(len(content))},
			{op: "seek", whence: io.SeekStart, want: "0"},
			{op: "read", n: 10, want: content[:10]},
			{op: "read", n: 5, want: content[10:15]},
		}},
		{"a range", []step{
			{op: "seek", whence: io.SeekEnd, want: strconv.Itoa(len(content))},
			{op: "seek", offset: 100, whence: io.SeekStart, want: "100"},
			{op: "read", n: 4, want: content[100:104]},
			{op: "seek", offset: -4, whence: io.SeekCurrent, want: "100"},
			{op: "read", n: 4, want: content[100:104]},
		}},
		{"from the end", []step{
			{op: "seek", offset: -3, whence: io.SeekEnd, want: strconv.Itoa(len(content) - 3)},
			{op: "read", n: 10, want: content[len(content)-3:]},
		}},
		{"after the descriptor was handed out", []step{
			{op: "read", n: 4, want: content[:4]},
			{op: "conn"},
			{op: "seek", offset: 4, whence: io.SeekStart, want: "4"},
			{op: "read", n: 4, want: content[4:8]},
		}},
		{"bad seeks", []step{
			{op: "seek", offset: -1, whence: io.SeekStart, wantErr: true},
			{op: "seek", whence: 7, wantErr: true},
			{op: "read", n: 3, want: content[:3]},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(name)
			require.NoError(t, err)
			defer f.Close()
			s := &sizedFile{f: f, size: int64(len(content))}
			for i, st := range tc.steps {
				switch st.op {
				case "seek":
					pos, err := s.Seek(st.offset, st.whence)
					if st.wantErr {
						require.Error(t, err, i)
						continue
					}
					require.NoError(t, err, i)
					require.Equal(t, st.want, strconv.FormatInt(pos, 10), i)
				case "read":
					b := make([]byte, st.n)
					n, err := io.ReadFull(s, b)
					if err != io.ErrUnexpectedEOF {
						require.NoError(t, err, i)
					}
					require.Equal(t, st.want, string(b[:n]), i)
				case "conn":
					raw, err := s.SyscallConn()
					require.NoError(t, err)
					// What sendfile does to the offset, unknown to sizedFile.
					require.NoError(t, raw.Control(func(fd uintptr) { _, _ = f.Seek(1000, io.SeekStart) }))
				}
			}
		})
	}
}

// BenchmarkServeSegment is the handler's own cost per segment request, without the network, next
// to the least a Go route does to serve the same file (os.Open, Stat, ServeContent):
// go test -run '^$' -bench ServeSegment -benchmem ./internal/media/. bench/segments measures both
// over loopback against nginx.
func BenchmarkServeSegment(b *testing.B) {
	store, err := NewLocal(b.TempDir())
	require.NoError(b, err)
	content := strings.Repeat("s", 512<<10)
	_, err = store.Put("videos/42/720p/seg_00001.m4s", strings.NewReader(content), int64(len(content)))
	require.NoError(b, err)
	signer, err := NewSigner([]byte(testSecret))
	require.NoError(b, err)
	now := time.Unix(1_760_000_000, 0)
	dir, err := store.Path("videos/42")
	require.NoError(b, err)

	for _, bc := range []struct {
		name    string
		handler http.Handler
		target  string
	}{
		{
			name: "plain",
			handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				f, err := os.Open(filepath.Join(dir, filepath.FromSlash(r.URL.Path)))
				if err != nil {
					http.NotFound(w, r)
					return
				}
				defer f.Close()
				fi, err := f.Stat()
				if err != nil {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "video/iso.segment")
				http.ServeContent(w, r, "", fi.ModTime(), f)
			}),
			target: "/720p/seg_00001.m4s",
		},
		{
			name:    "signed",
			handler: NewHandler(store, signer, activeSet{liveSession: true}, func(id int) string { return "videos/" + strconv.Itoa(id) }, func() time.Time { return now }),
			target:  "/media/" + signer.Sign(Grant{SessionID: liveSession, VideoID: 42, MaxHeight: 1080, Expires: now.Add(time.Hour)}) + "/720p/seg_00001.m4s",
		},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, bc.target, nil)
			r.Header.Set("Range", "bytes=0-0") // keeps copying the body out of what is measured
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				bc.handler.ServeHTTP(w, r)
				if w.Code != http.StatusPartialContent {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

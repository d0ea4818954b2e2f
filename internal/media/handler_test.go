package media

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
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
		_, err := ts.Put(context.Background(), key, strings.NewReader(content), 1<<20)
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

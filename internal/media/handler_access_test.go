package media

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

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

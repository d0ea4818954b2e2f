package media

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
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
	_, err = store.Put(context.Background(), "videos/42/720p/seg_00001.m4s", strings.NewReader(content), int64(len(content)))
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

package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/media/mediatest"
)

// storeKinds are the stores the conformance and serving tests run on. "s3" is a real
// S3-compatible server (versitygw); see mediatest for when it is skipped.
var storeKinds = []string{"local", "s3"}

// testStore is a Store with a way around it, to plant files the store itself would refuse.
type testStore struct {
	Store
	root    string // the local root, or "/bucket/prefix"
	scratch string // the local scratch area
	// raw writes content at name relative to the store's root, without any key check ("../x"
	// lands outside the root, or outside the bucket prefix).
	raw func(t testing.TB, name, content string)
}

// openTestStore opens an empty store of the given kind. An S3 store lives under the prefix
// "media" of a fresh bucket, so that "../x" has somewhere to be.
func openTestStore(t testing.TB, kind string) testStore {
	t.Helper()
	switch kind {
	case "local":
		l, err := NewLocal(filepath.Join(t.TempDir(), "media"))
		require.NoError(t, err)
		return testStore{Store: l, root: l.Root(), scratch: string(l.scratchArea), raw: func(t testing.TB, name, content string) {
			p := filepath.Join(l.Root(), filepath.FromSlash(name))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
			require.NoError(t, os.WriteFile(p, []byte(content), 0o640))
		}}
	case "s3":
		srv := mediatest.Start(t)
		bucket, mediaURL := srv.Bucket(t, "media")
		st, err := Open(context.Background(), mediaURL, filepath.Join(t.TempDir(), "scratch"))
		require.NoError(t, err)
		s := st.(*S3)
		return testStore{Store: s, root: "/" + bucket + "/media", scratch: string(s.scratchArea), raw: func(t testing.TB, name, content string) {
			_, err := srv.Client.PutObject(context.Background(), &s3.PutObjectInput{
				Bucket: &bucket, Key: new(path.Clean("media/" + name)), Body: strings.NewReader(content),
			})
			require.NoError(t, err)
		}}
	}
	t.Fatalf("no store kind %q", kind)
	return testStore{}
}

// eachStore runs fn on an empty store of every kind.
func eachStore(t *testing.T, fn func(t *testing.T, ts testStore)) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, openTestStore(t, kind))
		})
	}
}

// readKey reads a whole object through the store.
func readKey(t testing.TB, st Store, key string) string {
	t.Helper()
	obj, err := st.Open(context.Background(), key)
	require.NoError(t, err, key)
	defer obj.Close()
	b, err := io.ReadAll(obj)
	require.NoError(t, err, key)
	require.EqualValues(t, len(b), obj.Size())
	return string(b)
}

func requireMissing(t testing.TB, st Store, key string) {
	t.Helper()
	_, err := st.Open(context.Background(), key)
	require.ErrorIs(t, err, fs.ErrNotExist, key)
}

func requireScratchEmpty(t testing.TB, ts testStore) {
	t.Helper()
	entries, err := os.ReadDir(ts.scratch)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	require.NoError(t, err)
	require.Empty(t, entries, "nothing left in scratch")
}

func TestStorePutReadBack(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, ts testStore) {
		ctx := context.Background()
		n, err := ts.Put(ctx, "sources/1/clip.mp4", strings.NewReader("0123456789"), 10)
		require.NoError(t, err)
		require.EqualValues(t, 10, n, "exactly at the limit is fine")
		require.Equal(t, "0123456789", readKey(t, ts, "sources/1/clip.mp4"))

		_, err = ts.Put(ctx, "sources/1/clip.mp4", strings.NewReader("replaced"), 10)
		require.NoError(t, err)
		require.Equal(t, "replaced", readKey(t, ts, "sources/1/clip.mp4"), "overwrite")

		n, err = ts.Put(ctx, "sources/2/empty.mp4", strings.NewReader(""), 10)
		require.NoError(t, err)
		require.Zero(t, n)
		require.Empty(t, readKey(t, ts, "sources/2/empty.mp4"))

		obj, err := ts.Open(context.Background(), "sources/1/clip.mp4")
		require.NoError(t, err)
		defer obj.Close()
		require.EqualValues(t, 8, obj.Size())
		require.False(t, obj.ModTime().IsZero())
		// The moves http.ServeContent makes for a range, then a second range elsewhere.
		for _, step := range []struct {
			offset int64
			whence int
			read   int
			want   string
		}{
			{0, io.SeekEnd, 0, ""},
			{2, io.SeekStart, 3, "pla"},
			{1, io.SeekCurrent, 2, "ed"},
			{-3, io.SeekEnd, 10, "ced"},
			{0, io.SeekStart, 4, "repl"},
		} {
			_, err := obj.Seek(step.offset, step.whence)
			require.NoError(t, err)
			b := make([]byte, step.read)
			n, err := io.ReadFull(obj, b)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				require.NoError(t, err)
			}
			require.Equal(t, step.want, string(b[:n]))
		}
		requireScratchEmpty(t, ts)
	})
}

func TestStorePutNeverLeavesHalfAnObject(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, ts testStore) {
		ctx := context.Background()
		_, err := ts.Put(ctx, "sources/2/big.mp4", strings.NewReader("01234567890"), 10)
		require.ErrorIs(t, err, ErrTooLarge)
		requireMissing(t, ts, "sources/2/big.mp4")

		broken := io.MultiReader(strings.NewReader("half of it"), iotest.ErrReader(errors.New("client went away")))
		_, err = ts.Put(ctx, "sources/3/cut.mp4", broken, 1<<20)
		require.ErrorContains(t, err, "client went away")
		requireMissing(t, ts, "sources/3/cut.mp4")

		// A failed replacement keeps the old content whole.
		_, err = ts.Put(ctx, "sources/4/keep.mp4", strings.NewReader("old"), 10)
		require.NoError(t, err)
		_, err = ts.Put(ctx, "sources/4/keep.mp4", strings.NewReader("much too long"), 10)
		require.ErrorIs(t, err, ErrTooLarge)
		require.Equal(t, "old", readKey(t, ts, "sources/4/keep.mp4"))
		requireScratchEmpty(t, ts)
	})
}

func TestStoreRefusesKeysOutsideIt(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, ts testStore) {
		ctx := context.Background()
		ts.raw(t, "../secret.m4s", secretMarker)
		for _, bad := range []string{
			"", "/etc/passwd", "../secret.m4s", "videos/../../secret.m4s", "videos/./x", "videos//x",
			".tmp/x", "videos/.hidden", `videos\..\x`, "videos/%2e%2e/x", "videos/x/", "a/../b", "/",
		} {
			_, err := ts.Put(ctx, bad, strings.NewReader(secretMarker), 100)
			require.ErrorIs(t, err, ErrInvalidKey, bad)
			_, err = ts.Open(ctx, bad)
			require.ErrorIs(t, err, ErrInvalidKey, bad)
			require.ErrorIs(t, err, fs.ErrNotExist, bad, "the handler answers 404")
			_, err = ts.Fetch(ctx, bad, t.TempDir())
			require.ErrorIs(t, err, ErrInvalidKey, bad)
			require.ErrorIs(t, ts.Remove(ctx, bad), ErrInvalidKey, bad)
			dir, err := ts.TempDir("bad-")
			require.NoError(t, err)
			require.ErrorIs(t, ts.Publish(ctx, dir, bad), ErrInvalidKey, bad)
			require.NoError(t, ts.CleanTemp("bad-"))
		}
		_, err := ts.TempDir("../x-")
		require.Error(t, err)
		require.Error(t, ts.CleanTemp(""), "an empty prefix would clean everything")
		require.Error(t, ts.CleanTemp("../"))
	})
}

func TestStorePublishReplaces(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, ts testStore) {
		ctx := context.Background()
		publish := func(files map[string]string) {
			dir, err := ts.TempDir("transcode-7-")
			require.NoError(t, err)
			for name, content := range files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
				require.NoError(t, os.WriteFile(p, []byte(content), 0o640))
			}
			require.NoError(t, ts.Publish(ctx, dir, "videos/7"))
			_, err = os.Stat(dir)
			require.ErrorIs(t, err, fs.ErrNotExist, "the scratch directory is gone")
		}
		publish(map[string]string{"master.m3u8": "first", "720p/seg_00001.m4s": "a", "720p/seg_00002.m4s": "b"})
		require.Equal(t, "a", readKey(t, ts, "videos/7/720p/seg_00001.m4s"))
		publish(map[string]string{"master.m3u8": "second", "360p/seg_00001.m4s": "c"})
		require.Equal(t, "second", readKey(t, ts, "videos/7/master.m3u8"))
		require.Equal(t, "c", readKey(t, ts, "videos/7/360p/seg_00001.m4s"))
		requireMissing(t, ts, "videos/7/720p/seg_00001.m4s")
		requireMissing(t, ts, "videos/7/720p/seg_00002.m4s")
		requireMissing(t, ts, "videos/7/360p")
		requireMissing(t, ts, "videos/7")

		require.Error(t, ts.Publish(ctx, t.TempDir(), "videos/9"), "only scratch directories are published")
		requireMissing(t, ts, "videos/9/master.m3u8")
		requireScratchEmpty(t, ts)
	})
}

// cancelOnRead cancels its context on the first read, as a client that goes away mid-upload.
type cancelOnRead struct {
	r      io.Reader
	cancel context.CancelFunc
}

func (c cancelOnRead) Read(p []byte) (int, error) {
	c.cancel()
	return c.r.Read(p)
}

func TestStoreStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, ts testStore) {
		live := context.Background()
		done, cancel := context.WithCancel(live)
		cancel()

		_, err := ts.Put(done, "sources/5/clip.mp4", strings.NewReader("never stored"), 100)
		require.ErrorIs(t, err, context.Canceled)
		requireMissing(t, ts, "sources/5/clip.mp4")

		midway, cancelMidway := context.WithCancel(live)
		body := cancelOnRead{r: strings.NewReader(strings.Repeat("x", 64<<10)), cancel: cancelMidway}
		_, err = ts.Put(midway, "sources/6/clip.mp4", iotest.OneByteReader(body), 1<<20)
		require.ErrorIs(t, err, context.Canceled, "the copy stops")
		requireMissing(t, ts, "sources/6/clip.mp4")

		_, err = ts.Put(live, "videos/5/master.m3u8", strings.NewReader("kept"), 100)
		require.NoError(t, err)
		dir, err := ts.TempDir("transcode-5-")
		require.NoError(t, err)
		for name, content := range map[string]string{"master.m3u8": "replacement", "720p/seg_00001.m4s": "a"} {
			p := filepath.Join(dir, filepath.FromSlash(name))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
			require.NoError(t, os.WriteFile(p, []byte(content), 0o640))
		}
		require.ErrorIs(t, ts.Publish(done, dir, "videos/5"), context.Canceled)
		require.Equal(t, "kept", readKey(t, ts, "videos/5/master.m3u8"), "what was published stays")
		requireMissing(t, ts, "videos/5/720p/seg_00001.m4s")

		require.ErrorIs(t, ts.Remove(done, "videos/5"), context.Canceled)
		require.Equal(t, "kept", readKey(t, ts, "videos/5/master.m3u8"))

		require.NoError(t, ts.CleanTemp("transcode-5-"))
		requireScratchEmpty(t, ts)
	})
}

func TestStoreCleanTempRemovesOnlyItsLeftovers(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, ts testStore) {
		gone, err := ts.TempDir("transcode-7-")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(gone, "x"), []byte("x"), 0o640))
		keep, err := ts.TempDir("transcode-70-")
		require.NoError(t, err)
		require.NoError(t, ts.CleanTemp("transcode-7-"))
		_, err = os.Stat(gone)
		require.ErrorIs(t, err, fs.ErrNotExist)
		require.DirExists(t, keep)
	})
}

func TestStoreFetchGivesALocalFile(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, ts testStore) {
		ctx := context.Background()
		_, err := ts.Put(ctx, "sources/ab/source.mp4", strings.NewReader("moving pictures"), 100)
		require.NoError(t, err)
		dir, err := ts.TempDir("transcode-1-")
		require.NoError(t, err)
		p, err := ts.Fetch(ctx, "sources/ab/source.mp4", dir)
		require.NoError(t, err)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		require.Equal(t, "moving pictures", string(b))

		_, err = ts.Fetch(ctx, "sources/missing/source.mp4", dir)
		require.ErrorIs(t, err, fs.ErrNotExist)
		require.NoError(t, ts.CleanTemp("transcode-1-"))
		requireScratchEmpty(t, ts)
	})
}

func TestStoreRemove(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, ts testStore) {
		ctx := context.Background()
		for _, key := range []string{"videos/1/master.m3u8", "videos/1/720p/seg_00001.m4s", "videos/10/master.m3u8", "videos/1.jpg"} {
			_, err := ts.Put(ctx, key, strings.NewReader(key), 100)
			require.NoError(t, err)
		}
		require.NoError(t, ts.Remove(ctx, "videos/1"))
		requireMissing(t, ts, "videos/1/master.m3u8")
		requireMissing(t, ts, "videos/1/720p/seg_00001.m4s")
		require.Equal(t, "videos/10/master.m3u8", readKey(t, ts, "videos/10/master.m3u8"), "a key sharing the name's start stays")
		require.Equal(t, "videos/1.jpg", readKey(t, ts, "videos/1.jpg"))
		require.NoError(t, ts.Remove(ctx, "videos/1.jpg"), "a single object")
		requireMissing(t, ts, "videos/1.jpg")
		require.NoError(t, ts.Remove(ctx, "videos/404"), "removing nothing is fine")
	})
}

func TestS3LargePutGoesInParts(t *testing.T) {
	t.Parallel()
	ts := openTestStore(t, "s3")
	s := ts.Store.(*S3)
	s.partSize = 5 << 20 // S3's smallest part
	content := bytes.Repeat([]byte("0123456789abcdef"), (12<<20)/16+3)
	n, err := s.Put(context.Background(), "sources/big/source.mp4", bytes.NewReader(content), int64(len(content)))
	require.NoError(t, err)
	require.EqualValues(t, len(content), n)
	require.Equal(t, string(content), readKey(t, s, "sources/big/source.mp4"))
	requireScratchEmpty(t, ts)
}

func TestOpenS3RefusesBadURLs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url  string
		want string
	}{
		{"s3:///prefix", "not a bucket name"},
		{"s3://Bad_Bucket/x", "not a bucket name"},
		{"s3://bucket/../x", "prefix"},
		{"s3://bucket/x?endpoint=ftp://host", "endpoint"},
		{"s3://bucket/x?endpoint=http://127.0.0.1:1&redirect=forever", "redirect"},
		{"s3://bucket/x?endpoint=http://127.0.0.1:1&redirect=2h", "redirect"},
		{"s3://bucket/x?endpoint=http://127.0.0.1:1&acl=public", `unknown parameter "acl"`},
		{"s3://onlykey@bucket/x?endpoint=http://127.0.0.1:1", "both keys"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			scratch := filepath.Join(t.TempDir(), "scratch")
			_, err := Open(context.Background(), tc.url, scratch)
			require.ErrorContains(t, err, tc.want)
			require.NoDirExists(t, scratch, "nothing written")
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		u, _ := url.Parse("s3://k:s@bucket/x?endpoint=http://127.0.0.1:1")
		_, err := OpenS3(context.Background(), u, t.TempDir())
		require.ErrorContains(t, err, `bucket "bucket"`)
	})
}

func TestS3RedirectsSegmentsAfterTheTokenCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := mediatest.Start(t)
	_, mediaURL := srv.Bucket(t, "media")
	st, err := Open(ctx, mediaURL+"&redirect=1m", t.TempDir())
	require.NoError(t, err)
	for key, content := range map[string]string{
		"videos/9/master.m3u8":        master42Head + variantLines(t, "720p") + variantLines(t, "1080p"),
		"videos/9/720p/index.m3u8":    "#EXTM3U\n",
		"videos/9/720p/seg_00001.m4s": "segment of nine",
		"videos/9/1080p/init.mp4":     "init of nine",
	} {
		_, err := st.Put(ctx, key, strings.NewReader(content), 1<<20)
		require.NoError(t, err)
	}
	signer := testSigner(t)
	now := time.Unix(1_760_000_000, 0)
	h := NewHandler(st, signer, activeSet{liveSession: true}, func(id int) string { return "videos/" + strconv.Itoa(id) }, func() time.Time { return now })
	serve := func(g Grant, rest string) *httptest.ResponseRecorder {
		if g.SessionID == 0 {
			g.SessionID = liveSession
		}
		g.VideoID, g.Expires = 9, now.Add(time.Hour)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/media/"+signer.Sign(g)+"/"+rest, nil))
		return w
	}

	w := serve(Grant{MaxHeight: 720}, "720p/seg_00001.m4s")
	require.Equal(t, http.StatusFound, w.Code)
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	loc := w.Header().Get("Location")
	require.True(t, strings.HasPrefix(loc, srv.Endpoint+"/"), loc)
	require.Equal(t, []string{srv.Endpoint}, Origins(st), "the web app's policy must let browsers follow the redirect")
	res, err := http.Get(loc)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "segment of nine", string(body))
	require.Equal(t, "video/iso.segment", res.Header.Get("Content-Type"))

	for _, tc := range []struct {
		name   string
		g      Grant
		rest   string
		status int
	}{
		{"ended session", Grant{SessionID: endedSession}, "720p/seg_00001.m4s", http.StatusForbidden},
		{"rung above the plan", Grant{MaxHeight: 720}, "1080p/init.mp4", http.StatusNotFound},
		{"extension not served", Grant{}, "720p/seg_00001.txt", http.StatusNotFound},
	} {
		w := serve(tc.g, tc.rest)
		require.Equal(t, tc.status, w.Code, tc.name)
		require.Empty(t, w.Header().Get("Location"), tc.name)
	}

	// Playlists are still proxied: the master is filtered per plan.
	w = serve(Grant{MaxHeight: 720}, "master.m3u8")
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, master42Head+variantLines(t, "720p"), w.Body.String())
	w = serve(Grant{}, "720p/index.m3u8")
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "#EXTM3U\n", w.Body.String())
}

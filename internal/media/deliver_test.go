package media

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// deliveryFixture is the media fixture with video 42 marked encrypted (its seed in a fake
// database that counts its reads) and video 7 left in the clear.
type deliveryFixture struct {
	*fixture
	h     *Handler
	seed  []byte
	reads atomic.Int32
}

func newDeliveryFixture(t *testing.T, kind string, d Delivery) *deliveryFixture {
	t.Helper()
	f := &deliveryFixture{fixture: newFixtureOn(t, kind)}
	_, err := f.store.Put(context.Background(), "videos/42/"+EncryptedMarker, strings.NewReader("{}"), 1<<10)
	require.NoError(t, err)
	kr, err := NewKeyring([]byte(strings.Repeat("k", MinSecretLen)))
	require.NoError(t, err)
	seed, sealed, err := kr.NewSeed(42)
	require.NoError(t, err)
	f.seed = seed
	d.Keyring = kr
	d.Seeds = func(_ context.Context, id int) ([]byte, error) {
		f.reads.Add(1)
		if id != 42 {
			return nil, fs.ErrNotExist
		}
		return sealed, nil
	}
	f.h = f.handler.(*Handler).Deliver(d)
	return f
}

func (f *deliveryFixture) key(target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	f.h.Keys().ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	return w
}

func TestEncryptedMasterPointsAtThePublicFolderAndTheSessionsKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, public, keysURL, wantBase, wantKeys string
	}{
		{"same origin", "", "", "/media/videos/42/", "/keys/"},
		{"cdn", "https://cdn.example.org/m/", "", "https://cdn.example.org/m/videos/42/", "http://example.com/keys/"},
		{"cdn and public url", "https://cdn.example.org/m", "https://tv.example.org", "https://cdn.example.org/m/videos/42/", "https://tv.example.org/keys/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newDeliveryFixture(t, "local", Delivery{PublicURL: tc.public, KeysURL: tc.keysURL})
			tok := f.token(Grant{VideoID: 42, MaxHeight: 720})
			w := f.serve(http.MethodGet, "/media/"+tok+"/master.m3u8", nil)
			require.Equal(t, http.StatusOK, w.Code)
			body := w.Body.String()
			require.Equal(t, "private, max-age=5", w.Header().Get("Cache-Control"))
			require.Contains(t, body, "#EXT-X-VERSION:8\n#EXT-X-DEFINE:NAME=\"marquee_keys\",VALUE=\""+tc.wantKeys+tok+"\"\n")
			require.Contains(t, body, "\n"+tc.wantBase+"720p/index.m3u8\n")
			require.NotContains(t, body, "1080p", "the plan's limit still applies")
			for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
				if !strings.HasPrefix(line, "#") {
					require.True(t, strings.HasPrefix(line, tc.wantBase), line)
				}
			}
		})
	}
	// A video in the clear keeps its relative master, served through the token only.
	f := newDeliveryFixture(t, "local", Delivery{})
	w := f.serve(http.MethodGet, "/media/"+f.token(Grant{VideoID: 7})+"/master.m3u8", nil)
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, f.file(t, "videos/7/master.m3u8"), w.Body.String())
}

func TestPublicRouteServesOnlyEncryptedFolders(t *testing.T) {
	t.Parallel()
	for _, kind := range storeKinds {
		f := newDeliveryFixture(t, kind, Delivery{})
		w := f.serve(http.MethodGet, "/media/videos/42/1080p/seg_00001.m4s", nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, f.file(t, "videos/42/1080p/seg_00001.m4s"), w.Body.String())
		require.Equal(t, "public, max-age=31536000, immutable", w.Header().Get("Cache-Control"))
		w = f.serve(http.MethodGet, "/media/videos/42/1080p/index.m3u8", nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, "public, max-age=31536000, immutable", w.Header().Get("Cache-Control"))
		for _, target := range []string{
			"/media/videos/42/master.m3u8",        // the master is per session
			"/media/videos/42/" + EncryptedMarker, // not a media file
			"/media/videos/42/notes.txt",
			"/media/videos/7/720p/seg_00001.m4s", // in the clear: token only
			"/media/videos/42/../7/720p/seg_00001.m4s",
			"/media/videos/042/720p/seg_00001.m4s",
			"/media/videos/x/720p/seg_00001.m4s",
			"/media/videos/42/720p/%2e%2e/seg_00001.m4s",
			"/media/videos/42",
		} {
			w := f.serve(http.MethodGet, target, nil)
			require.Equal(t, http.StatusNotFound, w.Code, target)
			require.NotContains(t, w.Body.String(), secretMarker)
		}
	}
}

func TestKeysGoOnlyToLiveSessionsOfTheirVideo(t *testing.T) {
	t.Parallel()
	f := newDeliveryFixture(t, "local", Delivery{})
	tok := f.token(Grant{VideoID: 42, MaxHeight: 720})
	w := f.key("/keys/" + tok + "/720p/3.key")
	require.Equal(t, http.StatusOK, w.Code)
	want := ContentKey(f.seed, "720p", 3)
	require.Equal(t, want[:], w.Body.Bytes())
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	require.NotEqual(t, want, ContentKey(f.seed, "720p", 4), "each period has its own key")
	require.NotEqual(t, want, ContentKey(f.seed, "360p", 3), "each rendition has its own key")

	for _, tc := range []struct {
		name, target string
		code         int
	}{
		{"ended session", "/keys/" + f.token(Grant{SessionID: endedSession, VideoID: 42}) + "/720p/3.key", http.StatusForbidden},
		{"expired token", "/keys/" + f.token(Grant{VideoID: 42, Expires: f.now.Add(-time.Second)}) + "/720p/3.key", http.StatusForbidden},
		{"tampered token", "/keys/" + strings.Replace(tok, "-42-", "-43-", 1) + "/720p/3.key", http.StatusForbidden},
		{"garbage token", "/keys/xyz/720p/3.key", http.StatusForbidden},
		{"rung above the plan", "/keys/" + tok + "/1080p/3.key", http.StatusForbidden},
		{"video without a key", "/keys/" + f.token(Grant{VideoID: 7}) + "/720p/0.key", http.StatusNotFound},
		{"bad period", "/keys/" + tok + "/720p/03.key", http.StatusNotFound},
		{"huge period", "/keys/" + tok + "/720p/99999999999.key", http.StatusNotFound},
		{"no suffix", "/keys/" + tok + "/720p/3", http.StatusNotFound},
		{"bad rendition", "/keys/" + tok + "/..%2f/3.key", http.StatusNotFound},
		{"extra segment", "/keys/" + tok + "/720p/x/3.key", http.StatusNotFound},
	} {
		w := f.key(tc.target)
		require.Equal(t, tc.code, w.Code, tc.name)
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"), tc.name)
		require.NotEqual(t, 16, w.Body.Len(), tc.name)
	}
	// The lowest rung is the one a plan below every rung still plays, and gets its key.
	f9 := newDeliveryFixture(t, "local", Delivery{})
	require.Equal(t, http.StatusNotFound, f9.key("/keys/"+f9.token(Grant{VideoID: 9, MaxHeight: 480})+"/1080p/0.key").Code,
		"allowed as the fallback rung; 404 only because video 9 has no key in this fixture")
	require.Equal(t, http.StatusForbidden, f9.key("/keys/"+f9.token(Grant{VideoID: 9, MaxHeight: 480})+"/2160p/0.key").Code)
}

func TestKeyFloodsAreLimitedWithoutDatabaseReads(t *testing.T) {
	t.Parallel()
	f := newDeliveryFixture(t, "local", Delivery{KeyRate: 1, KeyBurst: 5})
	tok := f.token(Grant{VideoID: 42})
	codes := map[int]int{}
	for i := range 50 {
		codes[f.key(fmt.Sprintf("/keys/%s/720p/%d.key", tok, i)).Code]++
	}
	require.Equal(t, map[int]int{http.StatusOK: 5, http.StatusTooManyRequests: 45}, codes)
	// Another session is not held back by the first one's flood.
	f.h.sessions.(activeSet)[5] = true
	require.Equal(t, http.StatusOK, f.key("/keys/"+f.token(Grant{SessionID: 5, VideoID: 42})+"/720p/0.key").Code)
	// Refill: one more a second later.
	f.now = f.now.Add(time.Second)
	require.Equal(t, http.StatusOK, f.key("/keys/"+tok+"/720p/0.key").Code)
	// Bad tokens never reach the database; good ones read the seed once.
	for range 100 {
		f.key("/keys/1-42-0-99999999999-" + strings.Repeat("A", macLen) + "/720p/0.key")
	}
	require.Equal(t, int32(1), f.reads.Load())
}

func TestSealedSeedsOpenOnlyForTheirVideoAndSecret(t *testing.T) {
	t.Parallel()
	kr, err := NewKeyring([]byte(strings.Repeat("a", MinSecretLen)))
	require.NoError(t, err)
	other, err := NewKeyring([]byte(strings.Repeat("b", MinSecretLen)))
	require.NoError(t, err)
	seed, sealed, err := kr.NewSeed(1)
	require.NoError(t, err)
	got, err := kr.Open(1, sealed)
	require.NoError(t, err)
	require.Equal(t, seed, got)
	_, err = kr.Open(2, sealed)
	require.ErrorIs(t, err, ErrSealed)
	_, err = other.Open(1, sealed)
	require.ErrorIs(t, err, ErrSealed)
	_, err = kr.Open(1, sealed[:10])
	require.ErrorIs(t, err, ErrSealed)
	require.NotContains(t, string(sealed), string(seed))
	_, err = NewKeyring([]byte("short"))
	require.Error(t, err)
}

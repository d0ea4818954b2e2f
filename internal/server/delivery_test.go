package server_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/plan"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/transcoder"
)

// publicFolder is the prefix delivery gives an encrypted video's URIs in its master.
var publicFolder = regexp.MustCompile(`/media/videos/\d+/`)

// storedURIs undoes what delivery does to an encrypted video's master (URIs into the public
// folder), for tests about its content that read the folder through the signed URL.
func storedURIs(master string) string { return publicFolder.ReplaceAllString(master, "") }

// fetch GETs an absolute path of the test server.
func (e *env) fetch(path string) (*http.Response, []byte) {
	e.t.Helper()
	res, err := http.Get(e.http.URL + path)
	require.NoError(e.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	return res, body
}

// TestEncryptedTitlePlaysFromPublicURLsWithSessionKeys follows a player through an encrypted title:
// the session's master points into the public folder and names the session's keys; the media
// playlist and the segments are the same public, immutable URLs for every viewer; a segment decrypts
// with the key the session fetches; after logout the key is refused while another viewer's still
// works.
func TestEncryptedTitlePlaysFromPublicURLsWithSessionKeys(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		id := e.readyTitle(admin, `kind: MOVIE, name: "Sealed", synopsis: "s", year: 2024, genres: ["Drama"], maturityRating: "PG", regions: []`)
		alice := e.viewer("alice@example.com", "US", plancode.Premium)
		bob := e.viewer("bob@example.com", "US", plancode.Premium)
		manifestOf := func(token string) string {
			r := e.start(token, id)
			require.Empty(t, r.Errors, r.Raw)
			return r.Data["startPlayback"].(map[string]any)["manifestUrl"].(string)
		}
		aliceMaster, bobMaster := manifestOf(alice), manifestOf(bob)

		res, master := e.fetch(aliceMaster)
		require.Equal(t, http.StatusOK, res.StatusCode)
		_, keysLine, ok := strings.Cut(string(master), `#EXT-X-DEFINE:NAME="marquee_keys",VALUE="`)
		require.True(t, ok, string(master))
		keys := keysLine[:strings.IndexByte(keysLine, '"')]
		require.True(t, strings.HasPrefix(keys, "/keys/"), keys)
		var variant string
		for _, line := range strings.Split(string(master), "\n") {
			if line != "" && !strings.HasPrefix(line, "#") {
				variant = line
				break
			}
		}
		require.Regexp(t, `^/media/videos/\d+/\d+p/index\.m3u8$`, variant)

		// Bob's master names the same playlists: only the key prefix differs.
		_, other := e.fetch(bobMaster)
		require.Contains(t, string(other), "\n"+variant+"\n")
		require.NotContains(t, string(other), keys)

		res, list := e.fetch(variant)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
		rung := strings.Split(variant, "/")[4]
		require.Contains(t, string(list), `#EXT-X-DEFINE:IMPORT="marquee_keys"`)
		require.Contains(t, string(list), `#EXT-X-KEY:METHOD=AES-128,URI="{$marquee_keys}/`+rung+`/0.key"`)
		dir := strings.TrimSuffix(variant, "index.m3u8")
		var seg string
		seq := uint64(0)
		for _, line := range strings.Split(string(list), "\n") {
			if n, ok := strings.CutPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"); ok {
				seq, _ = strconv.ParseUint(n, 10, 64)
			}
			if line != "" && !strings.HasPrefix(line, "#") {
				seg = line
				break
			}
		}
		res, enc := e.fetch(dir + seg)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
		require.NotContains(t, string(enc[:64]), "moof", "served encrypted")

		keyURL := keys + "/" + rung + "/0.key"
		res, key := e.fetch(keyURL)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
		require.Len(t, key, 16)
		block, err := aes.NewCipher(key)
		require.NoError(t, err)
		plain := make([]byte, len(enc))
		cipher.NewCBCDecrypter(block, transcoder.SegmentIV(seq)).CryptBlocks(plain, enc)
		require.Contains(t, string(plain[:200]), "moof", "the key opens the segment")

		// The master itself is never public, and the key route wants a live session's token.
		res, _ = e.fetch(strings.TrimSuffix(dir, rung+"/") + "master.m3u8")
		require.Equal(t, http.StatusNotFound, res.StatusCode)
		res, _ = e.fetch(strings.Replace(keyURL, "/keys/", "/keys/9", 1))
		require.Equal(t, http.StatusForbidden, res.StatusCode)

		// Logout: Alice's key URL is refused (replayed or not), Bob's still answers.
		r := e.gql(nil, `mutation { logout }`, nil, bearer(alice))
		require.Empty(t, r.Errors, r.Raw)
		require.Eventually(t, func() bool {
			res, _ := e.fetch(keyURL)
			return res.StatusCode == http.StatusForbidden
		}, 10*time.Second, 20*time.Millisecond)
		_, bobKeysLine, _ := strings.Cut(string(other), `VALUE="`)
		res, bobKey := e.fetch(bobKeysLine[:strings.IndexByte(bobKeysLine, '"')] + "/" + rung + "/0.key")
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, key, bobKey, "one key per rendition and period, whoever asks")
	})
}

// keysOf is the session key prefix a delivered master defines.
func keysOf(t *testing.T, master string) string {
	t.Helper()
	_, rest, ok := strings.Cut(master, `#EXT-X-DEFINE:NAME="marquee_keys",VALUE="`)
	require.True(t, ok, master)
	return rest[:strings.IndexByte(rest, '"')]
}

// A downgrade that takes effect at renewal ends the streams opened under the dearer plan, and
// with them their keys; the viewer starts again under the new plan.
func TestDowngradeAtRenewalEndsStreamsAndTheirKeys(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.startWorkers()
		admin := e.admin()
		movie := e.readyTitle(admin, `kind: MOVIE, name: "Lowered"`)
		tok := e.viewer("lower@example.com", "US", "")
		r := e.gql(nil, subscribeMutation, cardVars("STANDARD", "4242424242424242", "k1"), bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		r = e.start(tok, movie)
		require.Empty(t, r.Errors, r.Raw)
		started := r.Data["startPlayback"].(map[string]any)
		_, master := e.fetch(started["manifestUrl"].(string))
		key := keysOf(t, string(master)) + "/audio1/0.key"
		res, _ := e.fetch(key)
		require.Equal(t, http.StatusOK, res.StatusCode)
		// The player keeps its heartbeat, so the stream stays live until something ends it.
		beat := e.heartbeat(tok, started["id"])
		require.Equal(t, "ACTIVE", beat())

		r = e.gql(nil, subscribeMutation, cardVars("BASIC", "4242424242424242", "k2"), bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		res, _ = e.fetch(key)
		require.Equal(t, http.StatusOK, res.StatusCode, "a scheduled downgrade changes nothing before the period ends")

		n, err := e.store.Client.Membership.Update().SetCurrentPeriodEnd(time.Now().Add(-time.Second)).Save(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		renewed, err := e.billing.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{Renewed: 1}, renewed)
		status := beat()
		for range 10 { // a beat a second: ten are plenty for the event to arrive
			if status != "ACTIVE" {
				break
			}
			status = beat()
		}
		require.Equal(t, "REVOKED", status)
		require.Eventually(t, func() bool {
			res, _ := e.fetch(key)
			return res.StatusCode == http.StatusForbidden
		}, 10*time.Second, 20*time.Millisecond)
		r = e.start(tok, movie)
		require.Empty(t, r.Errors, r.Raw)
		basic := e.store.Client.Plan.Query().Where(plan.CodeEQ(plancode.Basic)).OnlyX(ctx)
		require.Equal(t, float64(basic.MaxHeight), r.Data["startPlayback"].(map[string]any)["maxHeight"], "the new stream is the new plan's")
	})
}

// heartbeat opens a player's heartbeat subscription for a playback session and returns a reader
// of the next beat's status.
func (e *env) heartbeat(token string, sessionID any) func() string {
	e.t.Helper()
	ws := e.open(nil, map[string]any{"authorization": "Bearer " + token})
	require.NoError(e.t, ws.WriteJSON(wsMsg{ID: "h", Type: "subscribe", Payload: map[string]any{"query": beatSub, "variables": map[string]any{"s": sessionID}}}))
	return func() string {
		m := e.next(ws)
		require.Equal(e.t, "next", m.Type, "%+v", m)
		return m.Payload["data"].(map[string]any)["playbackHeartbeat"].(map[string]any)["status"].(string)
	}
}

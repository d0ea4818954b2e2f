package server_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/media/mediatest"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// A real transcode on an S3 store: the upload, the ladder and the poster land in the bucket,
// the scratch work is cleaned up, and the signed URLs the API hands out serve them.
func TestTranscodePublishesToS3AndSignedURLsServeIt(t *testing.T) {
	t.Parallel()
	srv := mediatest.Start(t)
	bucket, mediaURL := srv.Bucket(t, "marquee")
	e := newEnvWith(t, storetest.SQLite(t), pubsub.NewLocal(), func(c *config.Config) { c.MediaURL = mediaURL })
	require.Nil(t, e.media, "the server runs on the S3 store")
	e.startWorkers()
	admin := e.admin()
	movie := e.readyTitle(admin, `kind: MOVIE, name: "Bucket List"`)

	ctx := context.Background()
	vid := e.store.Client.Video.Query().OnlyX(ctx)
	object := func(key string) string {
		out, err := srv.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: new("marquee/" + key)})
		require.NoError(t, err, key)
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		return string(b)
	}
	require.Contains(t, object(vid.OutputDir+"/master.m3u8"), "#EXT-X-STREAM-INF")
	require.NotEmpty(t, object(vid.SourcePath), "the upload is in the bucket")

	tok := e.viewer("watch@example.com", "US", plancode.Premium)
	r := e.start(tok, movie)
	require.Empty(t, r.Errors, r.Raw)
	manifest := r.Data["startPlayback"].(map[string]any)["manifestUrl"].(string)
	base := strings.TrimSuffix(manifest, "master.m3u8")
	code, master := e.status(manifest)
	require.Equal(t, http.StatusOK, code, master)
	master = storedURIs(master)
	rung := regexp.MustCompile(`(?m)^(\d+p)/index\.m3u8$`).FindStringSubmatch(master)
	require.NotNil(t, rung, master)
	code, playlist := e.status(base + rung[0])
	require.Equal(t, http.StatusOK, code, playlist)
	seg := regexp.MustCompile(`(?m)^[^#\s]+\.m4s$`).FindString(playlist)
	require.NotEmpty(t, seg, playlist)

	want := object(vid.OutputDir + "/" + rung[1] + "/" + seg)
	req, err := http.NewRequest(http.MethodGet, e.http.URL+base+rung[1]+"/"+seg, nil)
	require.NoError(t, err)
	req.Header.Set("Range", "bytes=16-")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusPartialContent, res.StatusCode)
	require.Equal(t, want[16:], string(body))

	code, _ = e.status(strings.Replace(base, "/media/", "/media/x", 1) + rung[1] + "/" + seg)
	require.Equal(t, http.StatusForbidden, code)
	code, _ = e.status(base + rung[1] + "/seg_99999.m4s")
	require.Equal(t, http.StatusNotFound, code)

	r = e.gql(nil, `query($id: ID!) { title(id: $id) { posterUrl } }`, map[string]any{"id": movie}, bearer(tok))
	require.Empty(t, r.Errors, r.Raw)
	code, poster := e.status(r.Data["title"].(map[string]any)["posterUrl"].(string))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, object(vid.OutputDir+"/poster.jpg"), poster)

	scratch, err := os.ReadDir(e.scratch)
	require.NoError(t, err)
	require.Empty(t, scratch, "no scratch left behind")
}

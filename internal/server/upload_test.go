package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/testmedia"
)

const createMovie = `mutation { createTitle(input: {kind: MOVIE, name: "Tide Pools", synopsis: "Small worlds.", year: 2025,
	genres: ["Documentary", "Nature"], maturityRating: "G", regions: ["US", "ca"]}) { id name genres regions minPlan } }`

// upload sends a GraphQL multipart request for uploadVideo with content as the file.
func (e *env) upload(titleID string, filename string, content io.Reader, opts ...opt) *gqlResponse {
	e.t.Helper()
	return e.uploadFile(`mutation($t: ID!, $f: Upload!) { uploadVideo(titleId: $t, file: $f) { id status title { id } } }`,
		map[string]any{"t": titleID}, filename, content, opts...)
}

// uploadFile sends a GraphQL multipart request whose variable f is the file.
func (e *env) uploadFile(query string, vars map[string]any, filename string, content io.Reader, opts ...opt) *gqlResponse {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	vs := map[string]any{"f": nil}
	for k, v := range vars {
		vs[k] = v
	}
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vs})
	require.NoError(e.t, w.WriteField("operations", string(ops)))
	require.NoError(e.t, w.WriteField("map", `{"0": ["variables.f"]}`))
	part, err := w.CreateFormFile("0", filename)
	require.NoError(e.t, err)
	_, err = io.Copy(part, content)
	require.NoError(e.t, err)
	require.NoError(e.t, w.Close())
	req, err := http.NewRequest(http.MethodPost, e.http.URL+"/graphql", &body)
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for _, o := range opts {
		o(req)
	}
	return e.request(nil, req)
}

// watch subscribes to transcodeProgress over a websocket and returns every event until
// the stream completes.
func (e *env) watch(token, videoID string) []map[string]any {
	e.t.Helper()
	c := e.open(nil, map[string]any{"authorization": "Bearer " + token})
	require.NoError(e.t, c.WriteJSON(wsMsg{ID: "p", Type: "subscribe", Payload: map[string]any{
		"query":     `subscription($v: ID!) { transcodeProgress(videoId: $v) { videoId status percent failureReason } }`,
		"variables": map[string]any{"v": videoID},
	}}))
	var events []map[string]any
	for {
		m := e.next(c)
		if m.Type == "complete" {
			return events
		}
		require.Equal(e.t, "next", m.Type, "%+v", m)
		require.Nil(e.t, m.Payload["errors"], "%+v", m.Payload)
		events = append(events, m.Payload["data"].(map[string]any)["transcodeProgress"].(map[string]any))
	}
}

func TestAdminCreatesTitleAndUploadsVideo(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		r := e.gql(nil, createMovie, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		created := r.Data["createTitle"].(map[string]any)
		require.Equal(t, []any{"Documentary", "Nature"}, created["genres"])
		require.Equal(t, []any{"US", "CA"}, created["regions"])
		titleID := created["id"].(string)

		f, err := os.Open(testmedia.Make(t, testmedia.Default))
		require.NoError(t, err)
		defer f.Close()
		r = e.upload(titleID, "tide-pools.mp4", f, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		up := r.Data["uploadVideo"].(map[string]any)
		// The answer shows the video as it is once queued: a worker may already have taken it.
		require.Contains(t, []any{"QUEUED", "PROCESSING"}, up["status"])
		videoID := up["id"].(string)

		events := e.watch(admin, videoID)
		require.NotEmpty(t, events)
		last := events[len(events)-1]
		require.Equal(t, "READY", last["status"], "%v", events)
		require.EqualValues(t, 100, last["percent"])
		for i := 1; i < len(events); i++ {
			if events[i]["status"] == events[i-1]["status"] {
				require.GreaterOrEqual(t, events[i]["percent"], events[i-1]["percent"], "progress only moves forward")
			}
		}

		r = e.gql(nil, `query($id: ID!) { node(id: $id) { ... on Video { status durationSeconds renditions { height width bandwidth averageBandwidth codecs } } } }`,
			map[string]any{"id": videoID}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		v := r.Data["node"].(map[string]any)
		require.InDelta(t, 3.0, v["durationSeconds"], 0.2)
		heights := []float64{}
		for _, rr := range v["renditions"].([]any) {
			rend := rr.(map[string]any)
			heights = append(heights, rend["height"].(float64))
			require.Greater(t, rend["bandwidth"].(float64), 0.0)
			require.Contains(t, rend["codecs"], "avc1.")
		}
		require.ElementsMatch(t, []float64{90, 144, 180}, heights)

		// The ladder as chosen: for administrators only.
		const ladderQuery = `query($id: ID!) { node(id: $id) { ... on Video { encodingLadder { method
			rungs { name height crf targetBitrate maxBitrate averageBitrate peakBitrate published droppedReason } } } } }`
		r = e.gql(nil, ladderQuery, map[string]any{"id": videoID}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		ladder := r.Data["node"].(map[string]any)["encodingLadder"].(map[string]any)
		require.Equal(t, "PER_TITLE", ladder["method"])
		published := []float64{}
		for _, rr := range ladder["rungs"].([]any) {
			rung := rr.(map[string]any)
			require.Greater(t, rung["crf"], 0.0, r.Raw)
			require.Equal(t, rung["targetBitrate"], rung["maxBitrate"], r.Raw)
			require.Greater(t, rung["averageBitrate"], 0.0, r.Raw)
			require.GreaterOrEqual(t, rung["peakBitrate"], rung["averageBitrate"], r.Raw)
			if rung["published"] == true {
				require.Nil(t, rung["droppedReason"])
				published = append(published, rung["height"].(float64))
			} else {
				require.NotEmpty(t, rung["droppedReason"])
			}
		}
		require.Equal(t, heights, published, "the published rungs are the renditions")
		viewer, _ := e.signup(nil, "viewer@example.com")
		r = e.gql(nil, ladderQuery, map[string]any{"id": videoID}, bearer(viewer))
		require.Empty(t, r.Errors, r.Raw)
		require.Nil(t, r.Data["node"].(map[string]any)["encodingLadder"], r.Raw)

		vid := e.store.Client.Video.Query().OnlyX(context.Background())
		for _, f := range []string{"master.m3u8", "poster.jpg", "thumbs.vtt", "180p/index.m3u8"} {
			p, err := e.media.Path(vid.OutputDir + "/" + f)
			require.NoError(t, err)
			require.FileExists(t, p)
		}
		scratch, err := os.ReadDir(filepath.Join(e.media.Root(), ".tmp"))
		require.NoError(t, err)
		require.Empty(t, scratch, "no scratch left behind")
	})
}

func TestUploadBadInput(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		titleID := e.gql(nil, createMovie, nil, bearer(admin)).Data["createTitle"].(map[string]any)["id"].(string)
		viewer, _ := e.signup(nil, "viewer@example.com")

		r := e.upload(titleID, "x.mp4", strings.NewReader("data"))
		require.Equal(t, http.StatusUnauthorized, r.Status)
		require.Equal(t, "UNAUTHENTICATED", r.code())
		r = e.upload(titleID, "x.mp4", strings.NewReader("data"), bearer(viewer))
		require.Equal(t, http.StatusForbidden, r.Status)
		require.Equal(t, "FORBIDDEN", r.code())
		r = e.gql(nil, createMovie, nil, bearer(viewer))
		require.Equal(t, "FORBIDDEN", r.code())

		r = e.upload(titleID, "empty.mp4", strings.NewReader(""), bearer(admin))
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		require.Equal(t, "file", r.Errors[0].Extensions["field"])
		r = e.upload(titleID, "huge.mp4", bytes.NewReader(make([]byte, 5<<20)), bearer(admin))
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		r = e.upload("999999", "x.mp4", strings.NewReader("data"), bearer(admin))
		require.Equal(t, "NOT_FOUND", r.code(), r.Raw)
		require.Zero(t, e.store.Client.Video.Query().CountX(context.Background()), "nothing written")

		// Content that is no video is refused at once, with the reason, and nothing is
		// stored or queued (the worker checks again what reaches it).
		for _, c := range []struct{ name, content, reason string }{
			{"notes.mp4", "this is a text file, not a movie\n", "not a video format"},
			{"list.m3u8", "#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n", "HLS playlist"},
			{"concat.mp4", "ffconcat version 1.0\nfile '/etc/passwd'\n", "concat list"},
			{"photo.mp4", "\x89PNG\r\n\x1a\n0000000000000000", "an image"},
		} {
			r = e.upload(titleID, c.name, strings.NewReader(c.content), bearer(admin))
			require.Equal(t, "BAD_USER_INPUT", r.code(), "%s: %s", c.name, r.Raw)
			require.Equal(t, "file", r.Errors[0].Extensions["field"], c.name)
			require.Contains(t, r.Errors[0].Message, c.reason, c.name)
		}
		require.Zero(t, e.store.Client.Video.Query().CountX(context.Background()), "nothing queued")
		sources, _ := os.ReadDir(filepath.Join(e.media.Root(), "sources"))
		require.Empty(t, sources, "nothing stored")
		require.Zero(t, e.store.Client.Video.Query().Where(entvideo.StatusEQ(entvideo.StatusREADY)).CountX(context.Background()))
		entries, _ := os.ReadDir(filepath.Join(e.media.Root(), "videos"))
		require.Empty(t, entries, "no media published for failed videos")
	})
}

package server_test

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/testmedia"
)

// scrape reads /metrics into series (name and labels as printed, labels sorted) → value.
func (e *env) scrape() map[string]float64 {
	e.t.Helper()
	code, body := e.status("/metrics")
	require.Equal(e.t, http.StatusOK, code, body)
	out := map[string]float64{}
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(strings.TrimSpace(line[i+1:]), 64)
		require.NoError(e.t, err, line)
		out[line[:i]] = v
	}
	return out
}

const (
	transcodesWaiting = `marquee_queue_jobs{kind="transcode",queue="default",state="available"}`
	transcodesDone    = `marquee_job_duration_seconds_count{kind="transcode",outcome="success",queue="default"}`
	heartbeatStreams  = `marquee_heartbeat_streams`
)

func TestMetricsForOperators(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		admin := e.admin()
		r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Gauges"}) { id } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		titleID := r.Data["createTitle"].(map[string]any)["id"].(string)
		f, err := os.Open(testmedia.Make(t, testmedia.Default))
		require.NoError(t, err)
		defer f.Close()
		r = e.upload(titleID, "clip.mp4", f, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)

		// Without workers the transcode waits, and the backlog says so.
		m := e.scrape()
		require.Equal(t, 1.0, m[transcodesWaiting], "queue depth")
		require.Contains(t, m, `marquee_queue_jobs{kind="transcode",queue="default",state="running"}`)
		require.Zero(t, m[transcodesDone])
		require.Contains(t, m, heartbeatStreams)
		require.Zero(t, m[heartbeatStreams])

		e.startWorkers()
		events := e.watch(admin, r.Data["uploadVideo"].(map[string]any)["id"].(string))
		require.Equal(t, "READY", events[len(events)-1]["status"], "%v", events)
		// The histogram is observed when the job returns, just after it announces READY.
		require.Eventually(t, func() bool { return e.scrape()[transcodesDone] == 1 }, 10*time.Second, 50*time.Millisecond)
		m = e.scrape()
		require.Greater(t, m[`marquee_job_duration_seconds_sum{kind="transcode",outcome="success",queue="default"}`], 0.0)
		require.Equal(t, 0.0, m[transcodesWaiting], "a drained queue reads 0, not nothing")

		tok := e.viewer("gauge@example.com", "US", plancode.Standard)
		r = e.start(tok, titleID)
		require.Empty(t, r.Errors, r.Raw)
		ws := e.open(nil, map[string]any{"authorization": "Bearer " + tok})
		require.NoError(t, ws.WriteJSON(wsMsg{ID: "h", Type: "subscribe", Payload: map[string]any{
			"query": beatSub, "variables": map[string]any{"s": r.Data["startPlayback"].(map[string]any)["id"]},
		}}))
		for range 2 { // the first beat comes at once, the second from a round of the ticker
			require.Equal(t, "next", e.next(ws).Type)
		}
		m = e.scrape()
		require.Equal(t, 1.0, m[heartbeatStreams], "one subscription is open")
		require.GreaterOrEqual(t, m[`marquee_heartbeat_lag_seconds_count`], 1.0)
		require.GreaterOrEqual(t, m[`marquee_heartbeat_round_duration_seconds_count`], 1.0)
		require.Positive(t, m[`marquee_http_request_duration_seconds_count{route="graphql"}`])

		require.NoError(t, ws.Close())
		require.Eventually(t, func() bool { return e.scrape()[heartbeatStreams] == 0 }, 10*time.Second, 50*time.Millisecond)
	})
}

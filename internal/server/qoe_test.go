package server_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
)

const qoeMutation = `mutation($in: PlaybackQoeInput!) { reportPlaybackQoe(input: $in) }`

const qoeQuery = `{ qoeReport(days: 2) {
	days { day plays startupP50Ms startupP95Ms rebufferRatio failures }
	rungs { height plays seconds }
	errors { message count } } }`

func TestPlayerTelemetry(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		film := e.readyTitle(admin, `kind: MOVIE, name: "Measured"`)
		tok := e.viewer("qoe@example.com", "US", plancode.Standard)
		other := e.viewer("nosy@example.com", "US", plancode.Standard)
		s := e.start(tok, film)
		require.Empty(t, s.Errors, s.Raw)
		sid := s.Data["startPlayback"].(map[string]any)["id"]
		report := func(token string, in map[string]any) *gqlResponse {
			in["sessionId"] = sid
			return e.gql(nil, qoeMutation, map[string]any{"in": in}, bearer(token))
		}

		// Impossible values are refused, whatever the session.
		for field, in := range map[string]map[string]any{
			"startupMs":     {"startupMs": -1},
			"stallMs":       {"stallMs": 1e12},
			"playedSeconds": {"playedSeconds": -0.5},
			"stalls":        {"stalls": -3},
			"rungs":         {"rungs": []any{map[string]any{"height": 0, "seconds": 1}}},
		} {
			r := report(tok, in)
			require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
			require.Equal(t, field, r.Errors[0].Extensions["field"], r.Raw)
		}
		require.Equal(t, "NOT_FOUND", report(other, map[string]any{"stalls": 1}).code())

		first := map[string]any{
			"startupMs": 812.5, "stalls": 1, "stallMs": 300, "playedSeconds": 4, "switches": 1, "droppedFrames": 2,
			"rungs": []any{map[string]any{"height": 180, "seconds": 3}, map[string]any{"height": 144, "seconds": 1}},
		}
		r := report(tok, first)
		require.Empty(t, r.Errors, r.Raw)
		// A flood is turned away.
		r = report(tok, map[string]any{"stalls": 1})
		require.Equal(t, "RATE_LIMITED", r.code(), r.Raw)
		require.NotNil(t, r.Errors[0].Extensions["retryAfterSeconds"])

		// After the end, the player's last batch (with the error that stopped it) is taken.
		require.Empty(t, e.gql(nil, `mutation($s: ID!) { endPlayback(sessionId: $s) { reason } }`, map[string]any{"s": sid}, bearer(tok)).Errors)
		last := map[string]any{"startupMs": 5000, "playedSeconds": 2, "rungs": []any{map[string]any{"height": 180, "seconds": 2}},
			"fatalError": "bufferAppendError:\n  the decoder gave up"}
		require.Eventually(t, func() bool { return report(tok, last).code() != "RATE_LIMITED" }, 10*time.Second, 100*time.Millisecond)

		m := e.scrape()
		require.Equal(t, 1.0, m["marquee_playback_startup_seconds_count"], "one startup, the first")
		require.InDelta(t, 0.8125, m["marquee_playback_startup_seconds_sum"], 1e-9)
		require.Equal(t, 1.0, m["marquee_playback_failures_total"])
		require.InDelta(t, 6.0, m["marquee_playback_played_seconds_total"], 1e-9)
		require.InDelta(t, 0.3, m["marquee_playback_stall_seconds_total"], 1e-9)

		require.Equal(t, "FORBIDDEN", e.gql(nil, qoeQuery, nil, bearer(tok)).code())
		r = e.gql(nil, qoeQuery, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		q := r.Data["qoeReport"].(map[string]any)
		days := q["days"].([]any)
		require.Len(t, days, 2)
		today := days[1].(map[string]any)
		require.EqualValues(t, 1, today["plays"])
		require.InDelta(t, 812.5, today["startupP50Ms"], 1e-9)
		require.InDelta(t, 300.0/(300+6000), today["rebufferRatio"], 1e-9)
		require.EqualValues(t, 1, today["failures"])
		require.Equal(t, []any{
			map[string]any{"height": float64(144), "plays": float64(0), "seconds": float64(1)},
			map[string]any{"height": float64(180), "plays": float64(1), "seconds": float64(5)},
		}, q["rungs"])
		require.Equal(t, []any{map[string]any{"message": "bufferAppendError:   the decoder gave up", "count": float64(1)}}, q["errors"])

		// A session that ended long ago takes nothing more.
		_, err := e.store.DB.Exec("UPDATE playback_sessions SET ended_at = $1, qoe_reported_at = NULL", time.Now().Add(-time.Hour))
		require.NoError(t, err)
		r = report(tok, map[string]any{"stalls": 1})
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		require.Equal(t, "sessionId", r.Errors[0].Extensions["field"])
	})
}

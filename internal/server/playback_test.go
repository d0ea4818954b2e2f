package server_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/plan"
	"github.com/marquee-org/marquee/ent/playbacksession"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/session"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testmedia"
)

// readyTitle creates a title from the GraphQL input fields given and uploads a clip to
// it (the house clip, or the one given), returning the title id once its video is READY.
func (e *env) readyTitle(admin, input string, clip ...testmedia.Clip) string {
	e.t.Helper()
	r := e.gql(nil, `mutation { createTitle(input: {`+input+`}) { id } }`, nil, bearer(admin))
	require.Empty(e.t, r.Errors, r.Raw)
	id := r.Data["createTitle"].(map[string]any)["id"].(string)
	c := testmedia.Default
	if len(clip) > 0 {
		c = clip[0]
	}
	f, err := os.Open(testmedia.Make(e.t, c))
	require.NoError(e.t, err)
	defer f.Close()
	r = e.upload(id, "clip.mp4", f, bearer(admin))
	require.Empty(e.t, r.Errors, r.Raw)
	events := e.watch(admin, r.Data["uploadVideo"].(map[string]any)["id"].(string))
	require.Equal(e.t, "READY", events[len(events)-1]["status"], "%v", events)
	return id
}

// viewer signs up an account in country with an optional plan.
func (e *env) viewer(email, country string, code plancode.Code) string {
	e.t.Helper()
	r := e.gql(nil, signupMutation, map[string]any{"in": map[string]any{
		"email": email, "password": "correct horse battery", "name": "V", "country": country,
	}})
	require.Empty(e.t, r.Errors, r.Raw)
	p := r.Data["signup"].(map[string]any)
	if code != "" {
		ctx := context.Background()
		u := e.store.Client.User.Query().Where(user.Email(email)).OnlyX(ctx)
		_, err := billing.Grant(ctx, e.store.Client, u.ID, code, time.Now())
		require.NoError(e.t, err)
	}
	return p["token"].(string)
}

const startQuery = `mutation($t: ID!) { startPlayback(input: {titleId: $t}) {
	id manifestUrl expiresAt maxHeight resumePositionSeconds heartbeatIntervalSeconds title { id } } }`

func (e *env) start(token, titleID string) *gqlResponse {
	e.t.Helper()
	return e.gql(nil, startQuery, map[string]any{"t": titleID}, bearer(token))
}

func TestStartPlaybackChecksInOrder(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		open := e.readyTitle(admin, `kind: MOVIE, name: "Open"`)
		premium := e.readyTitle(admin, `kind: MOVIE, name: "Premium Only", minPlan: PREMIUM`)
		french := e.readyTitle(admin, `kind: MOVIE, name: "French Only", regions: ["FR"]`)
		r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Not Yet"}) { id } }`, nil, bearer(admin))
		notReady := r.Data["createTitle"].(map[string]any)["id"].(string)

		none := e.viewer("none@example.com", "US", "")
		basic := e.viewer("basic@example.com", "US", plancode.Basic)

		require.Equal(t, "UNAUTHENTICATED", e.gql(nil, startQuery, map[string]any{"t": open}).code())
		require.Equal(t, "SUBSCRIPTION_REQUIRED", e.start(none, open).code())
		// Without a plan, every other problem is hidden behind the first one.
		require.Equal(t, "SUBSCRIPTION_REQUIRED", e.start(none, premium).code())
		require.Equal(t, "PLAN_TOO_LOW", e.start(basic, premium).code())
		require.Equal(t, "REGION_UNAVAILABLE", e.start(basic, french).code())
		require.Equal(t, "NOT_READY", e.start(basic, notReady).code())
		require.Equal(t, "NOT_FOUND", e.start(basic, "123").code())

		r = e.start(basic, open)
		require.Empty(t, r.Errors, r.Raw)
		s := r.Data["startPlayback"].(map[string]any)
		require.EqualValues(t, 720, s["maxHeight"])
		require.EqualValues(t, 0, s["resumePositionSeconds"])
		require.Regexp(t, `^/media/[^/]+/master\.m3u8$`, s["manifestUrl"])

		r = e.start(basic, open)
		require.Equal(t, "STREAM_LIMIT_REACHED", r.code(), "Basic allows one stream")
		require.EqualValues(t, 1, r.Errors[0].Extensions["maxStreams"])
		require.Equal(t, 1, e.store.Client.PlaybackSession.Query().CountX(context.Background()))
	})
}

func TestSignedMediaFollowsThePlanAndTheSession(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.startWorkers()
		admin := e.admin()
		movie := e.readyTitle(admin, `kind: MOVIE, name: "Ladder"`)
		// Narrow Basic so that the test ladder (90p, 144p, 180p) has a rung above it.
		e.store.Client.Plan.Update().Where(plan.CodeEQ(plancode.Basic)).SetMaxHeight(144).ExecX(ctx)
		tok := e.viewer("watch@example.com", "US", plancode.Basic)

		r := e.start(tok, movie)
		require.Empty(t, r.Errors, r.Raw)
		manifest := r.Data["startPlayback"].(map[string]any)["manifestUrl"].(string)
		base := strings.TrimSuffix(manifest, "master.m3u8")

		code, master := e.status(manifest)
		require.Equal(t, http.StatusOK, code, master)
		require.Contains(t, master, "90p/index.m3u8")
		require.Contains(t, master, "144p/index.m3u8")
		require.NotContains(t, master, "180p", "the master playlist is filtered to the plan")
		code, _ = e.status(base + "144p/index.m3u8")
		require.Equal(t, http.StatusOK, code)
		code, _ = e.status(base + "180p/index.m3u8")
		require.Equal(t, http.StatusNotFound, code, "rungs above the plan are out of reach")

		// Range requests on a segment.
		req, _ := http.NewRequest(http.MethodGet, e.http.URL+base+"144p/init.mp4", nil)
		req.Header.Set("Range", "bytes=0-7")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusPartialContent, res.StatusCode)
		require.Len(t, b, 8)
		require.Equal(t, "ftyp", string(b[4:8]))

		// Tampering and traversal.
		tampered := strings.Replace(manifest, "/media/", "/media/9", 1)
		for _, p := range []string{tampered, base + "../secret.key", base + "%2e%2e%2f%2e%2e%2fmarquee.db", base + "..%2f..%2f..%2fetc%2fpasswd"} {
			code, body := e.status(p)
			require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound, http.StatusBadRequest}, code, p)
			require.NotContains(t, body, "root:", p)
		}

		// Ending the session revokes the URL.
		sid := r.Data["startPlayback"].(map[string]any)["id"]
		r = e.gql(nil, `mutation($s: ID!) { endPlayback(sessionId: $s) { reason } }`, map[string]any{"s": sid}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		code, _ = e.status(manifest)
		require.Equal(t, http.StatusForbidden, code, "an ended session's URL is dead")
	})
}

const beatSub = `subscription($s: ID!) { playbackHeartbeat(sessionId: $s) { sessionId status activeStreams maxStreams at } }`

// endOf reads heartbeats until one is not ACTIVE and returns its status: how the stream ended.
func endOf(beat func() map[string]any) any {
	for {
		if st := beat()["status"]; st != "ACTIVE" {
			return st
		}
	}
}

// heartbeats follows a playback session's heartbeats over a websocket logged in with token,
// and returns the function that reads the next beat.
func (e *env) heartbeats(token string, session any) func() map[string]any {
	e.t.Helper()
	ws := e.open(nil, map[string]any{"authorization": "Bearer " + token})
	require.NoError(e.t, ws.WriteJSON(wsMsg{ID: "h", Type: "subscribe", Payload: map[string]any{"query": beatSub, "variables": map[string]any{"s": session}}}))
	return func() map[string]any {
		m := e.next(ws)
		require.Equal(e.t, "next", m.Type, "%+v", m)
		return m.Payload["data"].(map[string]any)["playbackHeartbeat"].(map[string]any)
	}
}

func TestHeartbeatsAndLogoutRevocation(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		movie := e.readyTitle(admin, `kind: MOVIE, name: "Beats"`)
		tok := e.viewer("beat@example.com", "US", plancode.Standard)
		other := e.viewer("other@example.com", "US", plancode.Standard)
		r := e.start(tok, movie)
		require.Empty(t, r.Errors, r.Raw)
		s := r.Data["startPlayback"].(map[string]any)
		sid, manifest := s["id"], s["manifestUrl"].(string)

		// Another viewer cannot follow, report on or end this session.
		c := e.open(nil, map[string]any{"authorization": "Bearer " + other})
		require.NoError(t, c.WriteJSON(wsMsg{ID: "h", Type: "subscribe", Payload: map[string]any{"query": beatSub, "variables": map[string]any{"s": sid}}}))
		m := e.next(c)
		errs, _ := m.Payload["errors"].([]any)
		require.NotEmpty(t, errs, "%+v", m)
		require.Equal(t, "NOT_FOUND", errs[0].(map[string]any)["extensions"].(map[string]any)["code"])
		for _, q := range []string{
			`mutation($s: ID!) { reportProgress(input: {sessionId: $s, positionSeconds: 1}) }`,
			`mutation($s: ID!) { endPlayback(sessionId: $s) { reason } }`,
		} {
			require.Equal(t, "NOT_FOUND", e.gql(nil, q, map[string]any{"s": sid}, bearer(other)).code(), q)
		}

		beat := e.heartbeats(tok, sid)
		for range 2 {
			b := beat()
			require.Equal(t, "ACTIVE", b["status"])
			require.EqualValues(t, 1, b["activeStreams"])
			require.EqualValues(t, 2, b["maxStreams"])
		}

		// Logging out (over HTTP) revokes the stream: the heartbeat says so and the URL dies.
		require.Equal(t, true, e.gql(nil, `mutation { logout }`, nil, bearer(tok)).Data["logout"])
		require.Equal(t, "REVOKED", endOf(beat))
		require.Eventually(t, func() bool {
			code, _ := e.status(manifest)
			return code == http.StatusForbidden
		}, 5*time.Second, 50*time.Millisecond)
	})
}

func TestResumeProgressAndUpNext(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		movie := e.readyTitle(admin, `kind: MOVIE, name: "First", genres: ["Drama"]`)
		similar := e.readyTitle(admin, `kind: MOVIE, name: "Second", genres: ["Drama"]`)
		e.readyTitle(admin, `kind: MOVIE, name: "Elsewhere", genres: ["Drama"], regions: ["JP"]`)
		e.readyTitle(admin, `kind: MOVIE, name: "Unrelated", genres: ["Comedy"]`)
		tok := e.viewer("resume@example.com", "US", plancode.Premium)

		sid := e.start(tok, movie).Data["startPlayback"].(map[string]any)["id"]
		report := `mutation($s: ID!, $p: Float!) { reportProgress(input: {sessionId: $s, positionSeconds: $p}) }`
		for _, bad := range []any{-1, 1e9, "NaN"} {
			r := e.gql(nil, report, map[string]any{"s": sid, "p": bad}, bearer(tok))
			require.Equal(t, "BAD_USER_INPUT", r.code(), "%v: %s", bad, r.Raw)
		}
		r := e.gql(nil, report, map[string]any{"s": sid, "p": 1.5}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)

		r = e.gql(nil, `mutation($s: ID!) { endPlayback(sessionId: $s) { title { id } reason } }`, map[string]any{"s": sid}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		next := r.Data["endPlayback"].([]any)
		require.Len(t, next, 1, "only the similar title available here: %v", next)
		require.Equal(t, similar, next[0].(map[string]any)["title"].(map[string]any)["id"])

		r = e.start(tok, movie)
		require.Empty(t, r.Errors, r.Raw)
		s := r.Data["startPlayback"].(map[string]any)
		require.InDelta(t, 1.5, s["resumePositionSeconds"], 0.001, "playback resumes where it stopped")

		// Watching to the end marks it watched: next time starts over, and it is not suggested.
		r = e.gql(nil, report, map[string]any{"s": s["id"], "p": 2.95}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		e.gql(nil, `mutation($s: ID!) { endPlayback(sessionId: $s) { reason } }`, map[string]any{"s": s["id"]}, bearer(tok))
		r = e.start(tok, movie)
		require.EqualValues(t, 0, r.Data["startPlayback"].(map[string]any)["resumePositionSeconds"])
	})
}

func TestHeartbeatSubscriptionsAreCappedPerViewer(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		movie := e.readyTitle(admin, `kind: MOVIE, name: "Flood"`)
		tok := e.viewer("flood@example.com", "US", plancode.Premium)
		sid := e.start(tok, movie).Data["startPlayback"].(map[string]any)["id"]

		ws := e.open(nil, map[string]any{"authorization": "Bearer " + tok})
		const limit = 8 // playback.Options.MaxSubscriptionsPerUser default
		for i := range limit + 1 {
			require.NoError(t, ws.WriteJSON(wsMsg{ID: strconv.Itoa(i), Type: "subscribe",
				Payload: map[string]any{"query": beatSub, "variables": map[string]any{"s": sid}}}))
		}
		// Read until every subscription has answered once (beats repeat meanwhile).
		first := map[string]bool{}
		limited := 0
		for len(first) < limit+1 {
			m := e.next(ws)
			if m.Type != "next" || first[m.ID] {
				continue
			}
			first[m.ID] = true
			if errs, _ := m.Payload["errors"].([]any); len(errs) > 0 {
				require.Equal(t, "RATE_LIMITED", errs[0].(map[string]any)["extensions"].(map[string]any)["code"])
				limited++
			}
		}
		require.Equal(t, 1, limited, "exactly the subscription over the cap is refused")
	})
}

// TestMissedEventsAreCaughtUp ends a login session and a membership behind the broker's
// back, as a logout or an expiry on another replica does while this one's listening
// connection is down, then announces pubsub.TopicMissed as the PostgreSQL broker does once
// it listens again: both viewers' streams are revoked and the logged-out viewer's socket
// closes.
func TestMissedEventsAreCaughtUp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		broker := pubsub.NewLocal()
		e := newEnvWith(t, s, broker)
		e.startWorkers()
		ctx := context.Background()
		// The socket registry's loop, which marquee serve runs beside the server.
		authCtx, stopAuth := context.WithCancel(ctx)
		t.Cleanup(stopAuth)
		go e.auth.Run(authCtx)
		movie := e.readyTitle(e.admin(), `kind: MOVIE, name: "Missed"`)
		playback := func(tok string) *ent.PlaybackSession {
			r := e.start(tok, movie)
			require.Empty(t, r.Errors, r.Raw)
			id, err := strconv.Atoi(r.Data["startPlayback"].(map[string]any)["id"].(string))
			require.NoError(t, err)
			ps, err := s.Client.PlaybackSession.Get(ctx, id)
			require.NoError(t, err)
			return ps
		}
		loggedOut := e.viewer("gone@example.com", "US", plancode.Standard)
		lapsed := e.viewer("lapsed@example.com", "US", plancode.Standard)
		staying := e.viewer("staying@example.com", "US", plancode.Standard)
		a, b, c := playback(loggedOut), playback(lapsed), playback(staying)
		ws := e.open(nil, map[string]any{"authorization": "Bearer " + loggedOut})
		require.NoError(t, ws.WriteJSON(wsMsg{ID: "h", Type: "subscribe", Payload: map[string]any{"query": beatSub, "variables": map[string]any{"s": strconv.Itoa(a.ID)}}}))
		require.Equal(t, "next", e.next(ws).Type)

		// Nothing is published: the broker never hears of these.
		_, err := s.Client.Session.Delete().Where(session.ID(*a.AuthSessionID)).Exec(ctx)
		require.NoError(t, err)
		_, err = s.Client.Membership.Update().Where(membership.UserID(b.UserID)).SetStatus(membership.StatusEXPIRED).Save(ctx)
		require.NoError(t, err)
		time.Sleep(100 * time.Millisecond)
		for _, ps := range []*ent.PlaybackSession{a, b} {
			got, err := s.Client.PlaybackSession.Get(ctx, ps.ID)
			require.NoError(t, err)
			require.Equal(t, playbacksession.StatusACTIVE, got.Status, "no event, no revocation")
		}

		require.NoError(t, broker.Publish(ctx, pubsub.TopicMissed, nil))
		require.Eventually(t, func() bool {
			revoked := 0
			for _, ps := range []*ent.PlaybackSession{a, b} {
				got, err := s.Client.PlaybackSession.Get(ctx, ps.ID)
				if err == nil && got.Status == playbacksession.StatusREVOKED {
					revoked++
				}
			}
			return revoked == 2
		}, 10*time.Second, 50*time.Millisecond, "the logged-out and the lapsed viewer's streams are revoked")
		got, err := s.Client.PlaybackSession.Get(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, playbacksession.StatusACTIVE, got.Status, "a viewer still entitled keeps watching")

		// The logged-out viewer's socket closes (after its last beats).
		require.NoError(t, ws.SetReadDeadline(time.Now().Add(10*time.Second)))
		for {
			var m wsMsg
			if err := ws.ReadJSON(&m); err != nil {
				var ce *websocket.CloseError
				require.ErrorAs(t, err, &ce, "the server closed the socket")
				break
			}
		}
	})
}

// A READY video offers its poster frame (an episode's thumbnail), signed; before that, none.
func TestVideoPosterFrame(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite(t))
	e.startWorkers()
	admin := e.admin()
	movie := e.readyTitle(admin, `kind: MOVIE, name: "Framed"`)
	r := e.gql(nil, `query($t: ID!) { title(id: $t) { video { posterUrl } } }`, map[string]any{"t": movie}, bearer(admin))
	require.Empty(t, r.Errors, r.Raw)
	u, _ := r.Data["title"].(map[string]any)["video"].(map[string]any)["posterUrl"].(string)
	require.NotEmpty(t, u, r.Raw)
	res, err := http.Get(e.http.URL + u)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "image/jpeg", res.Header.Get("Content-Type"))
}

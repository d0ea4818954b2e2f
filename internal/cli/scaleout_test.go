package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/mail/mailtest"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testmedia"
)

// node is one marquee process serving HTTP.
type node struct {
	t    *testing.T
	base string
}

func (n node) gql(token, query string, vars map[string]any) map[string]any {
	n.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, n.base+"/graphql", bytes.NewReader(body))
	require.NoError(n.t, err)
	req.Header.Set("Content-Type", "application/json")
	return n.do(token, req)
}

func (n node) do(token string, req *http.Request) map[string]any {
	n.t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(n.t, err)
	defer res.Body.Close()
	var out map[string]any
	require.NoError(n.t, json.NewDecoder(res.Body).Decode(&out))
	return out
}

func (n node) upload(token, titleID, file string) map[string]any {
	n.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{
		"query":     `mutation($t: ID!, $f: Upload!) { uploadVideo(titleId: $t, file: $f) { id status } }`,
		"variables": map[string]any{"t": titleID, "f": nil},
	})
	require.NoError(n.t, w.WriteField("operations", string(ops)))
	require.NoError(n.t, w.WriteField("map", `{"0": ["variables.f"]}`))
	part, err := w.CreateFormFile("0", filepath.Base(file))
	require.NoError(n.t, err)
	f, err := os.Open(file)
	require.NoError(n.t, err)
	defer f.Close()
	_, err = io.Copy(part, f)
	require.NoError(n.t, err)
	require.NoError(n.t, w.Close())
	req, err := http.NewRequest(http.MethodPost, n.base+"/graphql", &body)
	require.NoError(n.t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return n.do(token, req)
}

func (n node) status(path string) int {
	res, err := http.Get(n.base + path)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// serveNode starts `marquee serve --addr <a free port> args...` and waits until it is ready.
func serveNode(t *testing.T, args ...string) (node, *exec.Cmd) {
	t.Helper()
	addr := freeAddr(t)
	cmd := startMarquee(t, append([]string{"serve", "--addr", addr}, args...)...)
	n := node{t: t, base: "http://" + addr}
	require.Eventually(t, func() bool { return n.status("/readyz") == http.StatusOK }, 60*time.Second, 100*time.Millisecond)
	return n, cmd
}

// login returns a session token for email.
func (n node) login(email, password string) string {
	n.t.Helper()
	r := n.gql("", `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }`, map[string]any{"e": email, "p": password})
	return data(n.t, r, "login")["token"].(string)
}

// heartbeat opens a graphql-transport-ws socket as token and subscribes to the heartbeat of
// playback session sessionID, selecting fields; it returns once the server acknowledged.
func (n node) heartbeat(token string, sessionID any, fields string) *websocket.Conn {
	n.t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(strings.Replace(n.base, "http", "ws", 1)+"/graphql", http.Header{"Sec-WebSocket-Protocol": {"graphql-transport-ws"}})
	require.NoError(n.t, err)
	n.t.Cleanup(func() { ws.Close() })
	require.NoError(n.t, ws.WriteJSON(map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + token}}))
	msg, err := nextMsg(ws)
	require.NoError(n.t, err)
	require.Equal(n.t, "connection_ack", msg["type"])
	require.NoError(n.t, ws.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription($s: ID!) { playbackHeartbeat(sessionId: $s) { ` + fields + ` } }`, "variables": map[string]any{"s": sessionID}}}))
	return ws
}

func data(t *testing.T, r map[string]any, field string) map[string]any {
	t.Helper()
	require.Nil(t, r["errors"], "%v", r)
	return r["data"].(map[string]any)[field].(map[string]any)
}

func errorCode(r map[string]any) string {
	errs, _ := r["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	code, _ := errs[0].(map[string]any)["extensions"].(map[string]any)["code"].(string)
	return code
}

// TestTwoReplicasAndAWorker runs the scale-out shape on real processes: two `marquee
// serve` replicas without workers and one `marquee worker`, sharing one PostgreSQL, one
// media directory and one signing secret. An upload through A is transcoded by the
// worker and plays through B; a stream held open with heartbeats on A counts against the
// plan's limit on B; a title created on A is found by B's own search index; logging out
// on A stops the media on B.
func TestTwoReplicasAndAWorker(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t) // skips without MARQUEE_TEST_DATABASE_URL
	shared := t.TempDir()
	box := mailtest.Start(t)
	common := []string{"--database-url", url, "--media-url", "file://" + filepath.Join(shared, "media"),
		"--secret", strings.Repeat("s", 40), "--log-level", "warn",
		"--smtp-url", box.SMTPURL, "--public-url", "https://tv.example.org"}
	clip := testmedia.Make(t, testmedia.Clip{Seconds: 4, Width: 640, Height: 360, Audio: true})

	r := run(t, nil, append([]string{"migrate", "--data-dir", filepath.Join(shared, "m")}, common...)...)
	require.Equal(t, 0, r.code, r.stderr)
	for _, u := range [][]string{
		{"--email", "admin@example.com", "--admin"},
		{"--email", "viewer@example.com", "--plan", "basic", "--country", "US"},
	} {
		args := append([]string{"user", "create", "--data-dir", filepath.Join(shared, "m"), "--password", "correct horse battery"}, u...)
		r := run(t, nil, append(args, common...)...)
		require.Equal(t, 0, r.code, r.stderr)
	}

	serve := func(name string) node {
		n, _ := serveNode(t, append([]string{"--workers", "0", "--seed-demo=false", "--data-dir", filepath.Join(shared, name)}, common...)...)
		return n
	}
	a, b := serve("a"), serve("b")
	startMarquee(t, append([]string{"worker", "--data-dir", filepath.Join(shared, "w"), "--x264-preset", "ultrafast"}, common...)...)

	admin := a.login("admin@example.com", "correct horse battery")

	// A title created on A is found by B's search index.
	created := a.gql(admin, `mutation { createTitle(input: {kind: MOVIE, name: "Replicated Harbour", genres: ["Drama"]}) { id } }`, nil)
	titleID := data(t, created, "createTitle")["id"].(string)
	start := time.Now()
	require.Eventually(t, func() bool {
		r := b.gql(admin, `{ search(query: "replicated harbor") { totalCount } }`, nil)
		return r["errors"] == nil && data(t, r, "search")["totalCount"] == float64(1)
	}, 10*time.Second, 20*time.Millisecond, "B's index follows the catalog")
	t.Logf("searchable on B %s after creation on A", time.Since(start).Round(time.Millisecond))
	require.Eventually(t, func() bool {
		r := b.gql(admin, `{ category(slug: "drama") { titles { totalCount } } }`, nil)
		if r["errors"] != nil || r["data"].(map[string]any)["category"] == nil {
			return false
		}
		return data(t, r, "category")["titles"].(map[string]any)["totalCount"] == float64(1)
	}, 10*time.Second, 20*time.Millisecond, "B's catalog rows follow it too")

	// Upload through A, transcoded by the worker, ready as seen from B.
	up := a.upload(admin, titleID, clip)
	require.Nil(t, up["errors"], "%v", up)
	require.Eventually(t, func() bool {
		r := b.gql(admin, `query($id: ID!) { title(id: $id) { video { status } } }`, map[string]any{"id": titleID})
		v, _ := r["data"].(map[string]any)["title"].(map[string]any)["video"].(map[string]any)
		return v != nil && v["status"] == "READY"
	}, 120*time.Second, 200*time.Millisecond, "the worker transcodes what A received")

	// Play through B.
	viewer := b.login("viewer@example.com", "correct horse battery")
	const startQ = `mutation($t: ID!) { startPlayback(input: {titleId: $t}) { id manifestUrl } }`
	s := data(t, b.gql(viewer, startQ, map[string]any{"t": titleID}), "startPlayback")
	manifest := s["manifestUrl"].(string)
	require.Equal(t, http.StatusOK, b.status(manifest))
	require.Equal(t, http.StatusOK, a.status(manifest), "the shared secret signs for every replica")

	// Heartbeats on A keep the stream counted; Basic allows one, so B refuses a second.
	ws := a.heartbeat(viewer, s["id"], "status activeStreams maxStreams")
	msg, err := nextMsg(ws)
	require.NoError(t, err)
	require.Equal(t, "next", msg["type"], "%v", msg)
	beat := msg["payload"].(map[string]any)["data"].(map[string]any)["playbackHeartbeat"].(map[string]any)
	require.Equal(t, "ACTIVE", beat["status"])
	require.Equal(t, "STREAM_LIMIT_REACHED", errorCode(b.gql(viewer, startQ, map[string]any{"t": titleID})))

	// Logging out on A revokes the media on B, and A's heartbeat says so.
	require.Nil(t, a.gql(viewer, `mutation { logout }`, nil)["errors"])
	require.Eventually(t, func() bool { return b.status(manifest) == http.StatusForbidden }, 10*time.Second, 50*time.Millisecond)
	for {
		msg, err = nextMsg(ws)
		require.NoError(t, err)
		if msg["type"] != "next" {
			break
		}
		if st := msg["payload"].(map[string]any)["data"].(map[string]any)["playbackHeartbeat"].(map[string]any)["status"]; st != "ACTIVE" {
			require.Equal(t, "REVOKED", st)
			break
		}
	}

	// A reset asked of B is mailed by the worker (the replicas run none), with a link from
	// --public-url; the password it sets works on A.
	require.Nil(t, b.gql("", `mutation { requestPasswordReset(email: "viewer@example.com") }`, nil)["errors"])
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	m := box.Wait(ctx, t, "viewer@example.com", "Reset your Marquee password")
	link, err := neturl.Parse(mailtest.Link(t, m, "https://tv.example.org/reset-password?token="))
	require.NoError(t, err)
	reset := a.gql("", `mutation($t: String!) { resetPassword(token: $t, newPassword: "a brand new passphrase") { token } }`,
		map[string]any{"t": link.Query().Get("token")})
	require.Nil(t, reset["errors"], "%v", reset)
	a.login("viewer@example.com", "a brand new passphrase")
}

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/testmedia"
)

// TestSIGTERMFinishesWhatIsInFlight stops `marquee serve` with SIGTERM while a viewer's
// heartbeat subscription is open and an administrator's upload is half sent. The upload
// finishes and is recorded whole, the websocket is closed with a close frame (not cut),
// and the process exits 0.
func TestSIGTERMFinishesWhatIsInFlight(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	common := []string{"--data-dir", dir, "--log-level", "warn"}
	clip := testmedia.Make(t, testmedia.Default)
	for _, u := range [][]string{
		{"--email", "admin@example.com", "--admin"},
		{"--email", "viewer@example.com", "--plan", "basic", "--country", "US"},
	} {
		r := run(t, nil, append(append([]string{"user", "create", "--password", "correct horse battery"}, u...), common...)...)
		require.Equal(t, 0, r.code, r.stderr)
	}
	r := run(t, nil, append([]string{"ingest", "--file", clip, "--name", "Stopping", "--wait"}, common...)...)
	require.Equal(t, 0, r.code, r.stderr)
	titleID := regexp.MustCompile(`title=(\d+)`).FindStringSubmatch(r.stdout)[1]

	n, srv := serveNode(t, append([]string{"--workers", "0", "--seed-demo=false"}, common...)...)
	admin, viewer := n.login("admin@example.com", "correct horse battery"), n.login("viewer@example.com", "correct horse battery")

	// A viewer is watching, with the heartbeat subscription open.
	s := data(t, n.gql(viewer, `mutation($t: ID!) { startPlayback(input: {titleId: $t}) { id } }`, map[string]any{"t": titleID}), "startPlayback")
	ws := n.heartbeat(viewer, s["id"], "status")
	msg, err := nextMsg(ws)
	require.NoError(t, err)
	require.Equal(t, "next", msg["type"], "%v", msg)

	// An administrator's upload is under way: half of the body is sent, then SIGTERM.
	created := n.gql(admin, `mutation { createTitle(input: {kind: MOVIE, name: "Late Upload"}) { id } }`, nil)
	lateID := data(t, created, "createTitle")["id"].(string)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, err := http.NewRequest(http.MethodPost, n.base+"/graphql", pr)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+admin)
	source, err := os.ReadFile(clip)
	require.NoError(t, err)
	// Browsers send a length; the server checks it before reading.
	req.ContentLength = -1
	answered := make(chan map[string]any, 1)
	// A connection of its own: a pooled idle one could be closed by the server's
	// shutdown before it reads this request, as any server may close an idle connection.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	go func() {
		res, err := fresh.Do(req)
		if err != nil {
			answered <- map[string]any{"transport error": err.Error()}
			return
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		answered <- out
	}()
	ops, _ := json.Marshal(map[string]any{
		"query":     `mutation($t: ID!, $f: Upload!) { uploadVideo(titleId: $t, file: $f) { id status } }`,
		"variables": map[string]any{"t": lateID, "f": nil},
	})
	require.NoError(t, mw.WriteField("operations", string(ops)))
	require.NoError(t, mw.WriteField("map", `{"0": ["variables.f"]}`))
	part, err := mw.CreateFormFile("0", "late.mp4")
	require.NoError(t, err)
	half := len(source) / 2
	_, err = part.Write(source[:half])
	require.NoError(t, err)

	// Give the server a moment to accept the connection and start on the request: a
	// connection still in the listen queue when shutdown starts is refused, not drained.
	time.Sleep(500 * time.Millisecond)
	require.NoError(t, syscall.Kill(srv.Process.Pid, syscall.SIGTERM))
	time.Sleep(300 * time.Millisecond) // the server is draining now; the rest arrives late
	if _, err = part.Write(source[half:]); err != nil {
		t.Fatalf("upload cut short: %v; server answered %v", err, <-answered)
	}
	require.NoError(t, mw.Close())
	require.NoError(t, pw.Close())

	out := <-answered
	require.Nil(t, out["errors"], "%v", out)
	up := data(t, out, "uploadVideo")
	require.Equal(t, "QUEUED", up["status"], "the upload in flight was accepted whole")

	// The socket gets a close frame with a code rather than a dropped connection.
	require.NoError(t, ws.SetReadDeadline(time.Now().Add(20*time.Second)))
	var closeErr *websocket.CloseError
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			require.ErrorAs(t, err, &closeErr, "closed with a close frame: %v", err)
			break
		}
	}

	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	select {
	case err := <-exited:
		require.NoError(t, err, "marquee serve exits 0 after a graceful stop")
	case <-time.After(30 * time.Second):
		t.Fatal("marquee serve did not stop")
	}

	// Nothing half-written: the upload's source is whole and its row is queued.
	st := openTestStore(t, "sqlite", common)
	v, err := st.Client.Video.Query().Where(entvideo.TitleID(atoi(t, lateID))).Only(context.Background())
	require.NoError(t, err)
	require.Equal(t, entvideo.StatusQUEUED, v.Status)
	stored, err := os.ReadFile(filepath.Join(dir, "media", v.SourcePath))
	require.NoError(t, err)
	require.Equal(t, source, stored, "the late upload's source is stored whole")
	entries, _ := os.ReadDir(filepath.Join(dir, "media", ".tmp"))
	require.Empty(t, entries, "no temporary files left behind")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	_, err := fmt.Sscan(s, &n)
	require.NoError(t, err)
	return n
}

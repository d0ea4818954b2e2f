package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/playbacksession"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/testmedia"
)

// pgCluster is a PostgreSQL cluster of one test's own, on a loopback port, which the test may
// stop and start: the shared test database cannot be restarted under other suites.
type pgCluster struct {
	t    *testing.T
	bin  string // the directory holding initdb and pg_ctl
	dir  string
	port int
	as   string // run the server as this user (PostgreSQL refuses to run as root); "" = as ourselves
}

// startPostgres initialises and starts a cluster, or skips the test where PostgreSQL's server
// programs are not installed.
func startPostgres(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("PostgreSQL server programs (initdb, pg_ctl) are not installed")
	}
	c := &pgCluster{t: t, bin: filepath.Dir(bins[len(bins)-1])}
	dir, err := os.MkdirTemp("", "marquee-pg-")
	require.NoError(t, err)
	c.dir = filepath.Join(dir, "data")
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user to run the server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		require.NoError(t, os.Chown(dir, uid, gid))
		c.as = "postgres"
	}
	addr := freeAddr(t)
	c.port, _ = strconv.Atoi(addr[strings.LastIndexByte(addr, ':')+1:])

	c.run("initdb", "-D", c.dir, "-U", "postgres", "--auth", "trust", "-E", "UTF8", "--no-sync")
	c.start()
	t.Cleanup(func() { c.stop() })
	return c
}

func (c *pgCluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *pgCluster) run(tool string, args ...string) {
	c.t.Helper()
	cmd := exec.Command(filepath.Join(c.bin, tool), args...)
	if c.as != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.as, "--", cmd.Path}, args...)...)
	}
	out, err := cmd.CombinedOutput()
	require.NoError(c.t, err, "%s: %s", tool, out)
}

func (c *pgCluster) start() {
	c.t.Helper()
	c.run("pg_ctl", "-D", c.dir, "-w", "-l", filepath.Join(c.dir, "server.log"), "start", "-o",
		fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir))
}

// stop is an immediate shutdown: every backend is killed and the next start recovers from the
// write-ahead log, as after a crash.
func (c *pgCluster) stop() {
	c.t.Helper()
	c.run("pg_ctl", "-D", c.dir, "-w", "-m", "immediate", "stop")
}

// leak matches what must never reach a client: driver, SQL and network text.
var leak = regexp.MustCompile(`(?i)\bpq:|sql|postgres|dial tcp|connection refused|broken pipe|goroutine|\.go:\d+`)

// TestPostgresRestartUnderLoad crashes and restarts the database under a server that is
// recording progress, taking payments, answering reads and holding a heartbeat stream. While
// it is down every failure is a typed error without driver text, and no request hangs; once
// it is back the same process serves again: no acknowledged progress or payment is lost, a
// payment retried with its key is charged once, the stream is never told it was revoked, and
// jobs (a new transcode) and broker notifications (logout revoking the stream) work again.
func TestPostgresRestartUnderLoad(t *testing.T) {
	t.Parallel()
	pg := startPostgres(t)
	dir := t.TempDir()
	common := []string{"--database-url", pg.url(), "--data-dir", dir, "--log-level", "warn", "--x264-preset", "ultrafast"}
	clip := testmedia.Make(t, testmedia.Clip{Seconds: 4, Width: 320, Height: 180, Audio: true})

	const password = "correct horse battery"
	users := [][]string{{"--email", "admin@example.com", "--admin"}, {"--email", "viewer@example.com", "--plan", "premium"}}
	const payers = 4
	for i := range payers {
		users = append(users, []string{"--email", fmt.Sprintf("payer%d@example.com", i)})
	}
	require.Equal(t, 0, run(t, nil, append([]string{"migrate"}, common...)...).code)
	for _, u := range users {
		r := run(t, nil, append(append([]string{"user", "create", "--password", password}, u...), common...)...)
		require.Equal(t, 0, r.code, r.stderr)
	}
	r := run(t, nil, append([]string{"ingest", "--file", clip, "--name", "Before The Storm", "--wait"}, common...)...)
	require.Equal(t, 0, r.code, r.stderr)
	titleID := regexp.MustCompile(`title=(\d+)`).FindStringSubmatch(r.stdout)[1]

	// Provider calls are slow enough that the database goes away while the payers' charges
	// are with the provider, and the payment timeout short enough that their retries take
	// the abandoned attempts over within the test.
	n, _ := serveNode(t, append([]string{"--workers", "1", "--seed-demo=false",
		"--sandbox-latency", "400ms", "--payment-timeout", "1s"}, common...)...)
	login := func(email string) string { return n.login(email, password) }
	admin, viewer := login("admin@example.com"), login("viewer@example.com")
	sess := data(t, n.gql(viewer, `mutation($t: ID!) { startPlayback(input: {titleId: $t}) { id } }`, map[string]any{"t": titleID}), "startPlayback")

	// The heartbeat stream stays open across the outage.
	ws := n.heartbeat(viewer, sess["id"], "status")
	beats := make(chan string, 100)
	go func() {
		defer close(beats)
		for {
			msg, err := nextMsg(ws)
			if err != nil {
				return
			}
			switch msg["type"] {
			case "next":
				beats <- msg["payload"].(map[string]any)["data"].(map[string]any)["playbackHeartbeat"].(map[string]any)["status"].(string)
			case "complete":
				beats <- "complete"
			default:
				beats <- fmt.Sprint(msg)
			}
		}
	}()
	require.Equal(t, "ACTIVE", <-beats)

	// Load: every response is checked as it comes.
	client := &http.Client{Timeout: 40 * time.Second} // past the server's 30 s request deadline: a hang
	var (
		mu       sync.Mutex
		failures = map[string]int{}
		bad      []string
	)
	call := func(token, query string, vars map[string]any) (map[string]any, bool) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, n.base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			mu.Lock()
			bad = append(bad, "no answer: "+err.Error())
			mu.Unlock()
			return nil, false
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		text := string(raw)
		var out map[string]any
		if err != nil || json.Unmarshal(raw, &out) != nil || leak.MatchString(text) ||
			(res.StatusCode >= 500 && (res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "")) {
			mu.Lock()
			bad = append(bad, fmt.Sprintf("%d %s", res.StatusCode, text))
			mu.Unlock()
			return nil, false
		}
		if out["errors"] == nil {
			return out, true
		}
		code := errorCode(out)
		mu.Lock()
		failures[code]++
		if code != "INTERNAL" {
			bad = append(bad, "unexpected code: "+text)
		}
		mu.Unlock()
		return nil, false
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var lastAck, lastTried atomic.Int64 // hundredths of a second
	wg.Go(func() {
		for i := int64(1); i <= 380; i++ {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
			}
			lastTried.Store(i)
			if _, ok := call(viewer, `mutation($s: ID!, $p: Float!) { reportProgress(input: {sessionId: $s, positionSeconds: $p}) }`,
				map[string]any{"s": sess["id"], "p": float64(i) / 100}); ok {
				lastAck.Store(i)
			}
		}
	})
	var reads atomic.Int64
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if _, ok := call(viewer, `{ me { email membership { status } } feed { rows { kind } } }`, nil); ok {
				reads.Add(1)
			}
		}
	})
	// Payers subscribe while the database goes away, retrying with the same key until charged.
	payerTokens := make([]string, payers)
	for i := range payers {
		payerTokens[i] = login(fmt.Sprintf("payer%d@example.com", i))
	}
	var paid atomic.Int64
	for i := range payers {
		wg.Go(func() {
			const subscribe = `mutation($k: String!) { subscribe(input: {plan: BASIC, idempotencyKey: $k, payment: {card: {number: "4242 4242 4242 4242", expMonth: 12, expYear: 2040, cvc: "123", name: "Pat Payer"}}}) { membership { status } } }`
			for attempt := 0; attempt < 2000; attempt++ {
				if _, ok := call(payerTokens[i], subscribe, map[string]any{"k": fmt.Sprintf("restart-%d", i)}); ok {
					paid.Add(1)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}

	time.Sleep(500 * time.Millisecond) // payments recorded PENDING and sent to the provider
	pg.stop()
	down := time.Now()
	time.Sleep(3 * time.Second)
	pg.start()
	t.Logf("database down for %s", time.Since(down).Round(time.Millisecond))
	require.Eventually(t, func() bool {
		r := n.gql(viewer, `{ me { email } }`, nil)
		return r["errors"] == nil
	}, 60*time.Second, 100*time.Millisecond, "the server answers again without a restart")
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()

	mu.Lock()
	t.Logf("typed failures during the outage: %v; successful reads: %d; progress acknowledged up to %.2f s of %.2f s tried",
		failures, reads.Load(), float64(lastAck.Load())/100, float64(lastTried.Load())/100)
	require.Empty(t, bad, "every failure is a typed error without driver text, and none hangs")
	require.NotZero(t, failures["INTERNAL"], "the outage was seen by clients")
	mu.Unlock()

	// No acknowledged progress is lost (a report that failed on the client may still have landed).
	prog := n.gql(viewer, `query($t: ID!) { title(id: $t) { progress { positionSeconds } } }`, map[string]any{"t": titleID})
	pos := data(t, prog, "title")["progress"].(map[string]any)["positionSeconds"].(float64)
	require.GreaterOrEqual(t, pos, float64(lastAck.Load())/100)
	require.LessOrEqual(t, pos, float64(lastTried.Load())/100)

	// Every payer is charged exactly once and is a member.
	require.EqualValues(t, payers, paid.Load())
	for _, tok := range payerTokens {
		me := data(t, n.gql(tok, `{ me { membership { status } payments(first: 10) { edges { node { status } } } } }`, nil), "me")
		require.Equal(t, "ACTIVE", me["membership"].(map[string]any)["status"])
		edges := me["payments"].(map[string]any)["edges"].([]any)
		require.Len(t, edges, 1, "one charge despite the retries")
		require.Equal(t, "SUCCEEDED", edges[0].(map[string]any)["node"].(map[string]any)["status"])
	}

	// Jobs run again: a new upload is transcoded by the same process's worker.
	created := data(t, n.gql(admin, `mutation { createTitle(input: {kind: MOVIE, name: "After The Storm"}) { id } }`, nil), "createTitle")
	require.Nil(t, n.upload(admin, created["id"].(string), clip)["errors"])
	require.Eventually(t, func() bool {
		r := n.gql(admin, `query($id: ID!) { title(id: $id) { video { status } } }`, map[string]any{"id": created["id"]})
		v, _ := r["data"].(map[string]any)["title"].(map[string]any)["video"].(map[string]any)
		return v != nil && v["status"] == "READY"
	}, 90*time.Second, 200*time.Millisecond, "the worker picks up jobs after the restart")

	// The stream outlived the outage: still open, and never told anything but ACTIVE.
	for open := true; open; {
		select {
		case st, ok := <-beats:
			require.True(t, ok, "the heartbeat stream was dropped")
			require.Equal(t, "ACTIVE", st)
		default:
			open = false
		}
	}

	// Notifications flow again: the logout reaches playback through the broker, which
	// revokes the session. (The socket itself is closed by the logout at once, so whether a
	// REVOKED beat makes it out first is a race; the session row is what the broker changed.)
	require.Nil(t, n.gql(viewer, `mutation { logout }`, nil)["errors"])
	st, err := store.OpenPostgres(context.Background(), pg.url(), store.Options{})
	require.NoError(t, err)
	defer st.Close()
	sessID, err := strconv.Atoi(sess["id"].(string))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		ps, err := st.Client.PlaybackSession.Get(context.Background(), sessID)
		return err == nil && ps.Status == playbacksession.StatusREVOKED
	}, 10*time.Second, 50*time.Millisecond, "logout revokes the playback session")
	for st := range beats {
		require.Contains(t, []string{"ACTIVE", "REVOKED", "complete"}, st, "the stream ends with the logout")
	}
}

//go:build linux

// Command load puts one marquee server under three loads at once — a login storm, segment
// delivery over signed URLs, and thousands of held playbackHeartbeat subscriptions whose
// players report progress — and checks what must hold while it does: no 5xx, no GraphQL
// error but the throttle's RATE_LIMITED and the wrong passwords' INVALID_CREDENTIALS, every
// acknowledged progress report stored, heartbeats on time. It samples the server's resident
// memory every second, to show that argon2id's bounded concurrency keeps it flat.
//
// Like bench/heartbeats it starts `marquee serve` (SQLite, --workers 0) on a fresh data dir
// as a separate process and prepares viewers, playback sessions and READY videos directly in
// its database; the clients run in this process, on the same machine.
//
//	make build-go && go run ./bench/load               # 2 000 subscriptions, 60 s
//	make build-go && go run ./bench/load -subs 10000   # the full figure
//
// It exits non-zero when an invariant fails.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/gorilla/websocket"

	"github.com/marquee-org/marquee/bench/internal/proc"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/playback"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/video"
)

const (
	secret   = "bench-secret-bench-secret-bench-secret"
	password = "correct horse battery"
	// interval is the server's heartbeat interval (playback.Options' default).
	interval = 10 * time.Second
	// titles is how many movies the viewers watch: a Premium viewer holds 4 streams, and
	// progress is stored per viewer and video, so each of a viewer's sessions plays its own
	// title and every session's progress has a row of its own to check.
	titles = 4
)

type config struct {
	bin           string
	window        time.Duration
	subs          int
	progressEvery time.Duration
	loginClients  int
	wrongClients  int
	wrongRPS      float64
	accounts      int
	segClients    int
	segRPS        float64
	segments      int
	segSize       int
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "bin/marquee", "marquee binary (make build-go)")
	flag.DurationVar(&c.window, "window", 60*time.Second, "how long the three loads run together")
	flag.IntVar(&c.subs, "subs", 2000, "heartbeat subscriptions held, each reporting progress")
	flag.DurationVar(&c.progressEvery, "progress-every", 10*time.Second, "how often each player reports progress (the SPA's REPORT_EVERY_MS)")
	flag.IntVar(&c.loginClients, "login-clients", 16, "clients logging in with the right password, back to back")
	flag.IntVar(&c.wrongClients, "wrong-clients", 8, "clients guessing passwords, each from its own address")
	flag.Float64Var(&c.wrongRPS, "wrong-rps", 200, "guesses per second, all wrong clients together")
	flag.IntVar(&c.accounts, "accounts", 8, "accounts logged into with the right password")
	flag.IntVar(&c.segClients, "seg-clients", 32, "keep-alive clients fetching playlists and segments")
	flag.Float64Var(&c.segRPS, "seg-rps", 200, "media requests per second, all segment clients together")
	flag.IntVar(&c.segments, "segments", 20, "segments per video")
	flag.IntVar(&c.segSize, "seg-size", 256_000, "segment size in bytes")
	flag.Parse()
	if c.subs < 1 || c.segments < 1 || c.segSize < 1 || c.progressEvery <= 0 {
		fmt.Fprintln(os.Stderr, "load: -subs, -segments, -seg-size and -progress-every must be positive")
		os.Exit(2)
	}
	ok, err := run(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// sub is one player: a playback session, its viewer and what the server acknowledged.
type sub struct {
	token     string
	userID    int
	videoID   int
	sessionID int
	manifest  string // path of the signed master playlist
	acked     atomic.Int64
	beats     atomic.Int64 // received in the window
	first     atomic.Int64 // UnixNano of the first beat received in the window
	last      atomic.Int64 // and of the last
}

type prepared struct {
	subs     []*sub
	accounts []string // emails logged into with the right password
	targets  []string // emails guessed at, from other addresses
}

// tally counts outcomes across every load; samples keeps the first few unexpected ones.
type tally struct {
	loginOK, loginInvalid, loginLimited atomic.Int64
	correctRefused                      atomic.Int64 // right password, yet refused
	segOK, segBytes, playlists          atomic.Int64
	progressOK, progressSent            atomic.Int64
	status5xx, unexpected               atomic.Int64
	beats, notActive, dropped           atomic.Int64

	mu                        sync.Mutex
	loginLat, segLat, progLat []time.Duration
	gaps                      []time.Duration // between arrivals
	atGaps                    []time.Duration // between the server's `at` stamps: late sends, not slow reads
	samples                   []string
}

func (t *tally) record(list *[]time.Duration, d time.Duration) {
	t.mu.Lock()
	*list = append(*list, d)
	t.mu.Unlock()
}

func (t *tally) fail(format string, args ...any) {
	t.unexpected.Add(1)
	t.mu.Lock()
	if len(t.samples) < 5 {
		t.samples = append(t.samples, fmt.Sprintf(format, args...))
	}
	t.mu.Unlock()
}

func run(c config) (bool, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "marquee-load-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)

	t0 := time.Now()
	fmt.Printf("preparing %d playback sessions, %d login accounts, %d videos of %d segments...\n", c.subs, c.accounts, titles, c.segments)
	p, err := prepare(ctx, dir, c)
	if err != nil {
		return false, fmt.Errorf("prepare: %w", err)
	}
	fmt.Printf("prepared in %s\n", time.Since(t0).Round(time.Second))

	addr, err := proc.FreeAddr()
	if err != nil {
		return false, err
	}
	cmd := exec.Command(c.bin, "serve", "--data-dir", dir, "--addr", addr, "--workers", "0", "--seed-demo=false",
		"--secret", secret, "--log-level", "error")
	cmd.Stderr = os.Stderr
	cmd.Env = os.Environ() // GOGC / GOMEMLIMIT reach the server
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return false, fmt.Errorf("start %s (build it with make build-go): %w", c.bin, err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	pid := cmd.Process.Pid
	base := "http://" + addr
	if err := proc.WaitReady(base); err != nil {
		return false, err
	}
	idleRSS := proc.RSS(pid)

	var t tally
	observing := atomic.Bool{}
	conns, err := openAll(addr, p.subs, &t, &observing)
	if err != nil {
		return false, err
	}
	defer func() {
		for _, c := range conns {
			if c != nil {
				_ = c.Close()
			}
		}
	}()
	time.Sleep(2 * time.Second)
	openRSS := proc.RSS(pid)

	// The window: every load runs until the deadline and finishes the request it is in.
	deadline := time.Now().Add(c.window)
	var samples []int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for now := range tick.C {
			samples = append(samples, proc.RSS(pid))
			if now.After(deadline) {
				return
			}
		}
	}()
	cpu0, self0 := proc.CPUSeconds(pid), selfCPU()
	start := time.Now()
	observing.Store(true)
	var wg sync.WaitGroup
	progressClient := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256, IdleConnTimeout: time.Minute,
	}}
	for _, s := range p.subs {
		wg.Go(func() { reportLoop(base, progressClient, s, c.progressEvery, deadline, &t) })
	}
	for i := range c.loginClients {
		ip := fmt.Sprintf("127.0.0.%d", 2+i%8)
		wg.Go(func() { loginLoop(base, clientFrom(ip, 1), p.accounts, true, 0, deadline, &t) })
	}
	for i := range c.wrongClients {
		ip := fmt.Sprintf("127.0.1.%d", 1+i)
		wg.Go(func() {
			loginLoop(base, clientFrom(ip, 1), p.targets, false, c.wrongRPS/float64(c.wrongClients), deadline, &t)
		})
	}
	for i := range c.segClients {
		s := p.subs[i%len(p.subs)]
		wg.Go(func() { segmentLoop(base, clientFrom("127.0.0.1", 1), s.manifest, c, deadline, &t) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	observing.Store(false)
	cpu1, self1 := proc.CPUSeconds(pid), selfCPU()
	<-sampled

	lost, acked, err := checkProgress(ctx, dir, p.subs)
	if err != nil {
		return false, err
	}
	perSub := make([]int, len(p.subs))
	var firsts, lasts []time.Duration // after the window's start, before its end
	for i, s := range p.subs {
		perSub[i] = int(s.beats.Load())
		if perSub[i] > 0 {
			firsts = append(firsts, time.Unix(0, s.first.Load()).Sub(start))
			lasts = append(lasts, start.Add(elapsed).Sub(time.Unix(0, s.last.Load())))
		}
	}
	slices.Sort(firsts)
	slices.Sort(lasts)
	edges := fmt.Sprintf("first beat p50 %s / max %s after the start, last p50 %s / max %s before the end",
		pct(firsts, 50), pct(firsts, 100), pct(lasts, 50), pct(lasts, 100))
	return report(c, &t, elapsed, idleRSS, openRSS, samples, (cpu1-cpu0)/elapsed.Seconds(),
		(self1-self0).Seconds()/elapsed.Seconds(), lost, acked, len(conns)-countNil(conns), perSub, edges), nil
}

// prepare creates, in the data dir's database: Premium viewers with 4 playback sessions each,
// one per title, on READY videos whose HLS files it writes; the accounts the login storm
// logs into and the one it guesses at, hashed with the server's own argon2id parameters so
// that a login costs what a real one does.
func prepare(ctx context.Context, dir string, c config) (*prepared, error) {
	st, err := store.Open(ctx, "", dir, store.Options{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := billing.EnsurePlans(ctx, st.Client); err != nil {
		return nil, err
	}
	files, err := media.NewLocal(filepath.Join(dir, "media"))
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	broker := pubsub.NewLocal()
	cheap := auth.NewService(st.Client, broker, quiet, auth.Options{
		Params: auth.Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	})
	slow := auth.NewService(st.Client, broker, quiet, auth.Options{})
	signer, err := media.NewSigner([]byte(secret))
	if err != nil {
		return nil, err
	}
	pb := playback.NewService(st, catalog.NewService(st, broker), broker, signer, quiet, playback.Options{})

	var titleIDs []int
	for i := range titles {
		t, err := st.Client.Title.Create().SetKind(title.KindMOVIE).SetName("Load " + strconv.Itoa(i)).Save(ctx)
		if err != nil {
			return nil, err
		}
		v, err := st.Client.Video.Create().SetTitleID(t.ID).SetStatus(entvideo.StatusREADY).
			SetDurationSeconds(7200).SetReadyAt(time.Now()).Save(ctx)
		if err != nil {
			return nil, err
		}
		if err := writeVideo(ctx, files, video.OutputKey(v.ID), c.segments, c.segSize); err != nil {
			return nil, err
		}
		titleIDs = append(titleIDs, t.ID)
	}

	out := &prepared{}
	for i := range c.accounts {
		email := "storm" + strconv.Itoa(i) + "@bench.example"
		if _, err := slow.CreateUser(ctx, auth.NewUser{SignupInput: auth.SignupInput{Email: email, Password: password, Name: "S", Country: "US"}}); err != nil {
			return nil, err
		}
		out.accounts = append(out.accounts, email)
	}
	// Guessers try one account and one address nobody registered (the same work, by design),
	// so that the per-account limit is reached within the window and the rest are refused
	// before any hashing.
	const target = "target@bench.example"
	if _, err := slow.CreateUser(ctx, auth.NewUser{SignupInput: auth.SignupInput{Email: target, Password: password, Name: "T", Country: "US"}}); err != nil {
		return nil, err
	}
	out.targets = []string{target, "nobody@bench.example"}

	for i := 0; len(out.subs) < c.subs; i++ {
		res, err := cheap.Signup(ctx, auth.SignupInput{
			Email: "viewer" + strconv.Itoa(i) + "@bench.example", Password: password, Name: "V", Country: "US",
		}, auth.Client{})
		if err != nil {
			return nil, err
		}
		if _, err := billing.Grant(ctx, st.Client, res.User.ID, plancode.Premium, time.Now()); err != nil {
			return nil, err
		}
		v := &auth.Viewer{User: res.User, SessionID: res.Session.ID, ExpiresAt: res.Session.ExpiresAt}
		for _, tid := range titleIDs {
			if len(out.subs) == c.subs {
				break
			}
			s, err := pb.Start(ctx, v, tid, nil)
			if err != nil {
				return nil, err
			}
			sess, err := st.Client.PlaybackSession.Get(ctx, s.ID)
			if err != nil {
				return nil, err
			}
			sb := &sub{token: res.Token, userID: res.User.ID, videoID: sess.VideoID, sessionID: s.ID, manifest: s.ManifestURL}
			sb.acked.Store(-1)
			out.subs = append(out.subs, sb)
		}
	}
	// Preparing took a while; make every session as fresh as a player's that just started,
	// or the server rightly expires the oldest.
	if _, err := st.Client.PlaybackSession.Update().SetLastHeartbeatAt(time.Now().Add(time.Minute)).Save(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// writeVideo writes a master playlist, one 720p rung's playlist, init segment and segments.
func writeVideo(ctx context.Context, files media.Store, key string, n, size int) error {
	put := func(name string, b []byte) error {
		_, err := files.Put(ctx, key+"/"+name, bytes.NewReader(b), int64(len(b)))
		return err
	}
	var pl strings.Builder
	pl.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MAP:URI=\"init.mp4\"\n")
	seg := make([]byte, size)
	for i := range seg {
		seg[i] = byte(i * 7)
	}
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("seg_%05d.m4s", i)
		if err := put("720p/"+name, seg); err != nil {
			return err
		}
		fmt.Fprintf(&pl, "#EXTINF:4.000,\n%s\n", name)
	}
	pl.WriteString("#EXT-X-ENDLIST\n")
	if err := put("720p/index.m3u8", []byte(pl.String())); err != nil {
		return err
	}
	if err := put("720p/init.mp4", make([]byte, 800)); err != nil {
		return err
	}
	return put("master.m3u8", []byte("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"+
		"#EXT-X-STREAM-INF:BANDWIDTH=3100000,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\"\n720p/index.m3u8\n"))
}

// openAll opens one graphql-transport-ws connection per player, subscribed to its
// session's heartbeat, and reads them until they close.
func openAll(addr string, subs []*sub, t *tally, observing *atomic.Bool) ([]*websocket.Conn, error) {
	conns := make([]*websocket.Conn, len(subs))
	var failed atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i, s := range subs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := open(addr, s)
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			conns[i] = c
			go readBeats(c, s, t, observing)
		})
	}
	wg.Wait()
	fmt.Printf("opened %d subscriptions in %s\n", len(subs)-int(failed.Load()), time.Since(start).Round(time.Millisecond))
	if n := failed.Load(); n > 0 {
		return conns, fmt.Errorf("%d subscriptions failed to open, first: %v", n, firstErr.Load())
	}
	return conns, nil
}

func open(addr string, s *sub) (*websocket.Conn, error) {
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 30 * time.Second}
	c, _, err := d.Dial("ws://"+addr+"/graphql", nil)
	if err != nil {
		return nil, err
	}
	if err := c.WriteJSON(map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + s.token}}); err != nil {
		c.Close()
		return nil, err
	}
	var ack struct{ Type string }
	if err := c.ReadJSON(&ack); err != nil || ack.Type != "connection_ack" {
		c.Close()
		return nil, fmt.Errorf("no connection_ack (%q): %v", ack.Type, err)
	}
	err = c.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($s: ID!) { playbackHeartbeat(sessionId: $s) { status activeStreams at } }`,
		"variables": map[string]any{"s": strconv.Itoa(s.sessionID)},
	}})
	if err != nil {
		c.Close()
	}
	return c, err
}

func readBeats(c *websocket.Conn, s *sub, t *tally, observing *atomic.Bool) {
	var last, lastAt time.Time
	for {
		var m struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if err := c.ReadJSON(&m); err != nil {
			if observing.Load() {
				t.dropped.Add(1)
				t.fail("session %d: websocket closed during the window: %v", s.sessionID, err)
			}
			return
		}
		switch m.Type {
		case "next":
		case "ping":
			_ = c.WriteJSON(map[string]string{"type": "pong"})
			continue
		case "pong", "ka":
			continue
		default:
			t.fail("session %d: %s %s", s.sessionID, m.Type, m.Payload)
			continue
		}
		now := time.Now()
		var beat struct {
			Data struct {
				PlaybackHeartbeat struct {
					Status string
					At     time.Time
				}
			}
			Errors json.RawMessage
		}
		if err := json.Unmarshal(m.Payload, &beat); err != nil || beat.Errors != nil {
			t.fail("session %d: heartbeat %s", s.sessionID, m.Payload)
			continue
		}
		hb := beat.Data.PlaybackHeartbeat
		if hb.Status != "ACTIVE" {
			t.notActive.Add(1)
		}
		if observing.Load() {
			t.beats.Add(1)
			s.beats.Add(1)
			s.first.CompareAndSwap(0, now.UnixNano())
			s.last.Store(now.UnixNano())
			if !last.IsZero() {
				t.record(&t.gaps, now.Sub(last))
				t.record(&t.atGaps, hb.At.Sub(lastAt))
			}
		}
		last, lastAt = now, hb.At
	}
}

// clientFrom is a keep-alive HTTP client whose connections leave from ip, a loopback
// address of its own, so that the server's per-address throttle sees several addresses.
func clientFrom(ip string, conns int) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		DialContext: d.DialContext, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute,
	}}
}

type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// post sends one GraphQL operation and returns the HTTP status, data and errors.
func post(client *http.Client, base, token, query string, vars map[string]any) (int, json.RawMessage, []gqlError, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, nil, err
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return resp.StatusCode, nil, nil, fmt.Errorf("%s: %.200s", resp.Status, b)
	}
	return resp.StatusCode, out.Data, out.Errors, nil
}

// pace returns a function that sleeps so that its caller runs at rps (not at all when
// rps is 0) and reports whether there is time left before deadline.
func pace(rps float64, deadline time.Time) func() bool {
	next := time.Now()
	if rps > 0 {
		// Stagger the clients so that they do not fire in step.
		next = next.Add(time.Duration(mrand.Float64() * float64(time.Second) / rps))
	}
	return func() bool {
		if rps > 0 {
			if next.After(deadline) {
				return false
			}
			time.Sleep(time.Until(next))
			next = next.Add(time.Duration(float64(time.Second) / rps))
		}
		return time.Now().Before(deadline)
	}
}

const loginMutation = `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token user { id } } }`

// loginLoop logs into emails in turn until deadline: with the right password when right,
// else with a wrong one, rps times a second (back to back when 0).
func loginLoop(base string, client *http.Client, emails []string, right bool, rps float64, deadline time.Time, t *tally) {
	pw := password
	if !right {
		pw = "wrong horse battery"
	}
	more := pace(rps, deadline)
	for i := mrand.IntN(len(emails)); more(); i++ {
		began := time.Now()
		status, data, errs, err := post(client, base, "", loginMutation, map[string]any{"e": emails[i%len(emails)], "p": pw})
		took := time.Since(began)
		switch {
		case err != nil:
			t.fail("login: %v", err)
		case status >= 500:
			t.status5xx.Add(1)
			t.fail("login: HTTP %d %v", status, errs)
		case len(errs) > 0 && errs[0].Extensions.Code == "RATE_LIMITED":
			t.loginLimited.Add(1)
			if right {
				t.correctRefused.Add(1)
			}
		case len(errs) > 0 && errs[0].Extensions.Code == "INVALID_CREDENTIALS" && !right:
			t.loginInvalid.Add(1)
		case len(errs) > 0 || status != http.StatusOK:
			t.fail("login (right password %v): HTTP %d %v", right, status, errs)
		case !right:
			t.fail("login with a wrong password succeeded: %s", data)
		case !bytes.Contains(data, []byte(`"token":"`)):
			t.fail("login: no token in %s", data)
		default:
			t.loginOK.Add(1)
			t.record(&t.loginLat, took)
		}
	}
}

const progressMutation = `mutation($s: ID!, $p: Float!) { reportProgress(input: {sessionId: $s, positionSeconds: $p}) }`

// reportLoop reports progress every `every`, like a player, starting at a random point of
// the first interval; positions only grow, so the stored one may never be below the last
// acknowledged.
func reportLoop(base string, client *http.Client, s *sub, every time.Duration, deadline time.Time, t *tally) {
	first := time.Now().Add(time.Duration(mrand.Int64N(int64(every))))
	if first.After(deadline) {
		return
	}
	time.Sleep(time.Until(first))
	for k := 1; time.Now().Before(deadline); k++ {
		pos := 60 + 10*k
		began := time.Now()
		t.progressSent.Add(1)
		status, data, errs, err := post(client, base, s.token, progressMutation, map[string]any{"s": strconv.Itoa(s.sessionID), "p": pos})
		switch {
		case err != nil:
			t.fail("reportProgress: %v", err)
		case status >= 500:
			t.status5xx.Add(1)
			t.fail("reportProgress: HTTP %d %v", status, errs)
		case len(errs) > 0 || status != http.StatusOK || !bytes.Contains(data, []byte(`true`)):
			t.fail("reportProgress: HTTP %d %v %s", status, errs, data)
		default:
			s.acked.Store(int64(pos))
			t.progressOK.Add(1)
			t.record(&t.progLat, time.Since(began))
		}
		next := began.Add(every)
		if next.After(deadline) {
			return
		}
		time.Sleep(time.Until(next))
	}
}

// segmentLoop plays like a player that never stalls: the master playlist, the rung's
// playlist (again every 10 requests, as a live player would), the init segment, then
// segments in turn, rps times a second.
func segmentLoop(base string, client *http.Client, manifest string, c config, deadline time.Time, t *tally) {
	dir := base + strings.TrimSuffix(manifest, "master.m3u8")
	get := func(url string, segment bool) {
		began := time.Now()
		resp, err := client.Get(url)
		if err != nil {
			t.fail("GET %s: %v", url, err)
			return
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch {
		case err != nil:
			t.fail("GET %s: %v", url, err)
		case resp.StatusCode >= 500:
			t.status5xx.Add(1)
			t.fail("GET %s: %s", url, resp.Status)
		case resp.StatusCode != http.StatusOK:
			t.fail("GET %s: %s", url, resp.Status)
		case segment && n != int64(c.segSize):
			t.fail("GET %s: %d bytes, want %d", url, n, c.segSize)
		case segment:
			t.segOK.Add(1)
			t.segBytes.Add(n)
			t.record(&t.segLat, time.Since(began))
		default:
			t.playlists.Add(1)
		}
	}
	more := pace(c.segRPS/float64(c.segClients), deadline)
	seg := mrand.IntN(c.segments)
	for i := 0; more(); i++ {
		switch {
		case i == 0:
			get(dir+"master.m3u8", false)
		case i%10 == 1:
			get(dir+"720p/index.m3u8", false)
		case i == 2:
			get(dir+"720p/init.mp4", false)
		default:
			seg = seg%c.segments + 1
			get(fmt.Sprintf("%s720p/seg_%05d.m4s", dir, seg), true)
		}
	}
}

// checkProgress reads every session's stored position back from the database and counts
// those below the last position the server acknowledged.
func checkProgress(ctx context.Context, dir string, subs []*sub) (lost, acked int, err error) {
	st, err := store.Open(ctx, "", dir, store.Options{})
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	rows, err := st.Client.WatchProgress.Query().All(ctx)
	if err != nil {
		return 0, 0, err
	}
	type key struct{ user, video int }
	stored := make(map[key]float64, len(rows))
	for _, r := range rows {
		stored[key{r.UserID, r.VideoID}] = r.PositionSeconds
	}
	for _, s := range subs {
		a := s.acked.Load()
		if a < 0 {
			continue
		}
		acked++
		if got, ok := stored[key{s.userID, s.videoID}]; !ok || got < float64(a) {
			lost++
		}
	}
	return lost, acked, nil
}

func report(c config, t *tally, elapsed time.Duration, idleRSS, openRSS int64, samples []int64, serverCPU, clientCPU float64, lost, acked, held int, perSub []int, edges string) bool {
	secs := elapsed.Seconds()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range [][]time.Duration{t.loginLat, t.segLat, t.progLat, t.gaps, t.atGaps} {
		slices.Sort(l)
	}
	lo, hi := openRSS, openRSS
	for _, s := range samples {
		lo, hi = min(lo, s), max(hi, s)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Println()
	fmt.Printf("%s, %d CPUs; client and server share the machine; load average before the report: %s\n",
		runtime.Version(), runtime.NumCPU(), strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Printf("window %s: %d login clients (+%d guessing at %.0f/s), %d segment clients at %.0f req/s, %d subscriptions reporting every %s\n\n",
		elapsed.Round(time.Millisecond), c.loginClients, c.wrongClients, c.wrongRPS, c.segClients, c.segRPS, c.subs, c.progressEvery)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(format, args...)) }
	row("logins/s", "%.1f ok, %.1f invalid, %.1f rate-limited", float64(t.loginOK.Load())/secs,
		float64(t.loginInvalid.Load())/secs, float64(t.loginLimited.Load())/secs)
	row("login latency (right password)", "p50 %s  p99 %s", pct(t.loginLat, 50), pct(t.loginLat, 99))
	row("segments/s", "%.0f (%.0f MiB/s; %d playlists)  p50 %s  p99 %s", float64(t.segOK.Load())/secs,
		float64(t.segBytes.Load())/secs/(1<<20), t.playlists.Load(), pct(t.segLat, 50), pct(t.segLat, 99))
	row("progress reports/s", "%.0f acknowledged of %d sent  p50 %s  p99 %s", float64(t.progressOK.Load())/secs,
		t.progressSent.Load(), pct(t.progLat, 50), pct(t.progLat, 99))
	// One ticker beats every subscription, so all of them get the same number of beats: one per
	// tick in the window. Where ticks run late one fewer may fit; fewer than that is a beat lost.
	expected := float64(held) * secs / interval.Seconds()
	least := float64(held * max(1, int(elapsed/interval)-1))
	beats := float64(t.beats.Load())
	row("subscriptions held", "%d of %d (%d dropped)", held-int(t.dropped.Load()), c.subs, t.dropped.Load())
	row("heartbeats in window", "%.0f of ~%.0f due (%.1f%%; at least %.0f), %d not ACTIVE", beats, expected, 100*beats/expected, least, t.notActive.Load())
	slices.Sort(perSub)
	row("  per subscription", "min %d  p1 %d  p50 %d  max %d; %s", perSub[0], perSub[len(perSub)/100], perSub[len(perSub)/2], perSub[len(perSub)-1], edges)
	row("heartbeat gap", "p50 %s  p99 %s  max %s (interval %s)", pct(t.gaps, 50), pct(t.gaps, 99), pct(t.gaps, 100), interval)
	row("  by the server's clock (at)", "p50 %s  p99 %s  max %s", pct(t.atGaps, 50), pct(t.atGaps, 99), pct(t.atGaps, 100))
	row("HTTP 5xx", "%d", t.status5xx.Load())
	row("unexpected errors", "%d (right password refused: %d)", t.unexpected.Load(), t.correctRefused.Load())
	row("lost progress", "%d of %d sessions with an acknowledged report", lost, acked)
	row("server RSS", "idle %s, holding subscriptions %s, window min %s max %s", mib(idleRSS), mib(openRSS), mib(lo), mib(hi))
	row("server CPU", "%.2f cores (client %.2f cores)", serverCPU, clientCPU)
	tw.Flush()
	var trace []string
	for i := 0; i < len(samples); i += 5 {
		trace = append(trace, fmt.Sprintf("%.0f", float64(samples[i])/(1<<20)))
	}
	fmt.Printf("server RSS every 5 s (MiB): %s\n", strings.Join(trace, " "))
	for _, s := range t.samples {
		fmt.Println("  e.g.", s)
	}

	var failed []string
	check := func(ok bool, what string) {
		if !ok {
			failed = append(failed, what)
		}
	}
	check(t.status5xx.Load() == 0, "5xx")
	check(t.unexpected.Load() == 0 && t.correctRefused.Load() == 0, "unexpected errors")
	check(lost == 0, "lost progress")
	check(t.dropped.Load() == 0 && t.notActive.Load() == 0, "subscriptions ended")
	// A missed beat shows as a gap of two intervals; p99 within half an interval is on time.
	check(len(t.gaps) > 0 && pct(t.gaps, 99) <= interval*3/2, "heartbeats late (gap p99 > 1.5 intervals)")
	check(beats >= least, "heartbeats missed")
	check((c.loginClients == 0 || t.loginOK.Load() > 0) && (c.segClients == 0 || t.segOK.Load() > 0) &&
		acked > 0, "a load made no progress")
	if len(failed) > 0 {
		fmt.Printf("FAIL: %s\n", strings.Join(failed, ", "))
		return false
	}
	fmt.Println("PASS: no 5xx, no unexpected error, no lost progress, heartbeats on time")
	return true
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, len(d)*p/100)].Round(time.Millisecond)
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func countNil(conns []*websocket.Conn) int {
	n := 0
	for _, c := range conns {
		if c == nil {
			n++
		}
	}
	return n
}

// selfCPU is this process's CPU time: the clients' share of the machine.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

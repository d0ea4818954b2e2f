// Command heartbeats measures how many playback heartbeat subscriptions one marquee
// server holds: it starts `marquee serve` on a fresh SQLite data dir, prepares viewers with
// Premium memberships and playback sessions, opens N graphql-ws connections each
// subscribed to playbackHeartbeat, and reports the server's memory per connection and how
// punctually heartbeats arrive.
//
//	go build -o bin/marquee ./cmd/marquee && go run ./bench/heartbeats -n 10000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
)

const secret = "bench-secret-bench-secret-bench-secret"

func main() {
	n := flag.Int("n", 10000, "subscriptions to hold")
	bin := flag.String("bin", "bin/marquee", "marquee binary")
	window := flag.Duration("window", 30*time.Second, "how long to observe heartbeats once all are open")
	flag.Parse()
	if err := run(*n, *bin, *window); err != nil {
		log.Fatal(err)
	}
}

type sub struct {
	token     string
	sessionID int
}

func run(n int, bin string, window time.Duration) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "marquee-heartbeats-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fmt.Printf("preparing %d playback sessions...\n", n)
	subs, err := prepare(ctx, dir, n)
	if err != nil {
		return err
	}

	addr, err := proc.FreeAddr()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "serve", "--data-dir", dir, "--addr", addr, "--workers", "0", "--secret", secret, "--log-level", "error")
	cmd.Stderr = os.Stderr
	cmd.Env = os.Environ() // GOGC / GOMEMLIMIT reach the server
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s (build it with make build-go): %w", bin, err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if err := proc.WaitReady("http://" + addr); err != nil {
		return err
	}
	baseRSS := proc.RSS(cmd.Process.Pid)

	var (
		mu       sync.Mutex
		gaps     []time.Duration
		beats    atomic.Int64
		final    atomic.Int64
		failures atomic.Int64
	)
	observing := atomic.Bool{}
	conns := make([]*websocket.Conn, n)
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i, s := range subs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := open(addr, s)
			if err != nil {
				failures.Add(1)
				return
			}
			conns[i] = c
			go func() {
				var last time.Time
				for {
					var m struct {
						Type    string          `json:"type"`
						Payload json.RawMessage `json:"payload"`
					}
					if err := c.ReadJSON(&m); err != nil {
						return
					}
					if m.Type != "next" {
						continue
					}
					if !strings.Contains(string(m.Payload), `"ACTIVE"`) {
						final.Add(1)
					}
					now := time.Now()
					if observing.Load() {
						beats.Add(1)
						if !last.IsZero() {
							mu.Lock()
							gaps = append(gaps, now.Sub(last))
							mu.Unlock()
						}
					}
					last = now
				}
			}()
		}()
	}
	wg.Wait()
	opened := time.Since(start)
	time.Sleep(2 * time.Second)
	openRSS := proc.RSS(cmd.Process.Pid)
	fmt.Printf("opened %d subscriptions in %s (%d failed)\n", n-int(failures.Load()), opened.Round(time.Millisecond), failures.Load())

	cpu0 := proc.CPUSeconds(cmd.Process.Pid)
	observing.Store(true)
	time.Sleep(window)
	observing.Store(false)
	cpu1 := proc.CPUSeconds(cmd.Process.Pid)

	mu.Lock()
	slices.Sort(gaps)
	mu.Unlock()
	live := n - int(failures.Load())
	fmt.Println()
	fmt.Printf("%-34s %v\n", "server RSS before", mib(baseRSS))
	fmt.Printf("%-34s %v\n", "server RSS holding them", mib(openRSS))
	if live > 0 {
		fmt.Printf("%-34s %.1f KiB (target ≤ 64 KiB)\n", "per connection", float64(openRSS-baseRSS)/1024/float64(live))
	}
	// Every subscription beats at least once per whole interval in the window.
	expected := live * int(window/(10*time.Second))
	fmt.Printf("%-34s %d (at least %d expected); %d not ACTIVE\n", "heartbeats received in window", beats.Load(), expected, final.Load())
	if len(gaps) > 0 {
		fmt.Printf("%-34s p50 %s  p99 %s  max %s (interval 10s)\n", "gap between heartbeats",
			pct(gaps, 50), pct(gaps, 99), gaps[len(gaps)-1].Round(time.Millisecond))
	}
	fmt.Printf("%-34s %.2f cores\n", "server CPU while holding", (cpu1-cpu0)/window.Seconds())
	for _, c := range conns {
		if c != nil {
			_ = c.Close()
		}
	}
	return nil
}

func pct(d []time.Duration, p int) time.Duration {
	return d[min(len(d)-1, len(d)*p/100)].Round(time.Millisecond)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// prepare creates viewers (4 streams each, Premium), one READY video and a playback
// session per subscription, directly in the data dir's database.
func prepare(ctx context.Context, dir string, n int) ([]sub, error) {
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
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	broker := pubsub.NewLocal()
	authSvc := auth.NewService(st.Client, broker, quiet, auth.Options{
		Params: auth.Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	})
	signer, err := media.NewSigner([]byte(secret))
	if err != nil {
		return nil, err
	}
	pb := playback.NewService(st, catalog.NewService(st, broker), broker, signer, quiet, playback.Options{})
	t, err := st.Client.Title.Create().SetKind(title.KindMOVIE).SetName("Bench").Save(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := st.Client.Video.Create().SetTitleID(t.ID).SetStatus(entvideo.StatusREADY).
		SetDurationSeconds(3600).SetReadyAt(time.Now()).Save(ctx); err != nil {
		return nil, err
	}
	subs := make([]sub, 0, n)
	for i := 0; len(subs) < n; i++ {
		res, err := authSvc.Signup(ctx, auth.SignupInput{
			Email: "viewer" + strconv.Itoa(i) + "@bench.example", Password: "correct horse battery", Name: "V", Country: "US",
		}, auth.Client{})
		if err != nil {
			return nil, err
		}
		if _, err := billing.Grant(ctx, st.Client, res.User.ID, plancode.Premium, time.Now()); err != nil {
			return nil, err
		}
		v := &auth.Viewer{User: res.User, SessionID: res.Session.ID, ExpiresAt: res.Session.ExpiresAt}
		for range 4 {
			if len(subs) == n {
				break
			}
			s, err := pb.Start(ctx, v, t.ID, nil)
			if err != nil {
				return nil, err
			}
			subs = append(subs, sub{token: res.Token, sessionID: s.ID})
		}
	}
	// Players subscribe right after they start; preparing took a while, so make every
	// session as fresh as a real one, or the server rightly expires the oldest.
	if _, err := st.Client.PlaybackSession.Update().SetLastHeartbeatAt(time.Now().Add(time.Minute)).Save(ctx); err != nil {
		return nil, err
	}
	return subs, nil
}

func open(addr string, s sub) (*websocket.Conn, error) {
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 30 * time.Second}
	c, _, err := d.Dial("ws://"+addr+"/graphql", nil)
	if err != nil {
		return nil, err
	}
	if err := c.WriteJSON(map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + s.token}}); err != nil {
		return nil, err
	}
	var ack struct{ Type string }
	if err := c.ReadJSON(&ack); err != nil || ack.Type != "connection_ack" {
		c.Close()
		return nil, fmt.Errorf("no ack: %v", err)
	}
	err = c.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($s: ID!) { playbackHeartbeat(sessionId: $s) { status activeStreams at } }`,
		"variables": map[string]any{"s": strconv.Itoa(s.sessionID)},
	}})
	return c, err
}

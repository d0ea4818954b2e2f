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
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/marquee-org/marquee/bench/internal/proc"
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
	// This process's CPU time is the clients' share of the machine.
	cpu0, self0 := proc.CPUSeconds(pid), proc.SelfCPU()
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
	cpu1, self1 := proc.CPUSeconds(pid), proc.SelfCPU()
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

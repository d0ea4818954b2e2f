//go:build linux

// Command segments measures what marquee's signed media route costs against two baselines serving
// the same HLS segment files over loopback, side by side in one run:
//
//	(a) marquee: media.NewHandler with a valid token, behind a plain http.Server
//	(b) go:      the same files through a bare os.Open + http.ServeContent route, no token
//	(c) nginx:   the Debian package with sendfile on, root at the same directory
//
// Each is loaded with wrk (keep-alive connections, requests rotating over every segment) and the
// program prints requests/s, transfer/s and latency percentiles, and the ratios of (a) to the
// baselines. Run it with `go run ./bench/segments`; it needs Linux (/proc, for CPU time per request),
// wrk and nginx on the PATH (or nginx in /usr/sbin): `apt-get install -y wrk nginx`.
//
// With -targets abcde it also loads two variants of (a) that show what the server around the handler
// changes, neither of which the handler can do by itself:
//
//	(d) (a) with the connection corked (TCP_CORK) while the handler runs, as nginx's tcp_nopush does
//	(f) marquee's public route for encrypted videos (/media/videos/<id>/…, no token), no front
//	(g) nginx with deploy/nginx-marquee.conf in front of marquee: the public folder served by nginx
//
// (f) and (g) are in the default set: delivery of encrypted media is measured against (c).
//
//	(e) (a) behind a ResponseWriter wrapper that hides io.ReaderFrom, as a status-recording
//	    middleware without a ReadFrom method does: the body is then copied through user space
//	    instead of sent with sendfile
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/marquee-org/marquee/bench/internal/proc"
	"github.com/marquee-org/marquee/internal/media"
)

// The budget (a) is held to: throughput against nginx and against the bare Go route, and p99 latency
// against nginx.
const (
	minRatioNginx = 0.90
	minRatioGo    = 0.97
	// nginx in front of marquee (deploy/nginx-marquee.conf) against nginx alone.
	minRatioFront = 0.97
	maxP99Nginx   = 1.25
)

type config struct {
	duration    time.Duration
	connections int
	threads     int
	files       int
	size        int
	rounds      int
	keep        bool
	cpuProfile  string
	targets     string
	serve       bool
}

func main() {
	var c config
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "wrk duration per target and round")
	flag.IntVar(&c.connections, "connections", 64, "wrk connections")
	flag.IntVar(&c.threads, "threads", 2, "wrk threads")
	flag.IntVar(&c.files, "files", 50, "segment files")
	flag.IntVar(&c.size, "size", 500_000, "mean segment size in bytes (each is within ±20%)")
	flag.IntVar(&c.rounds, "rounds", 1, "rounds; the order of the targets rotates each round")
	flag.BoolVar(&c.keep, "keep", false, "keep the temporary directory (media, nginx.conf, Lua scripts)")
	flag.BoolVar(&c.serve, "serve", false, "start the servers, print their URLs and wait for ^C instead of loading them")
	flag.StringVar(&c.targets, "targets", "abcfg", "which targets to load, by letter; d and e are what-ifs (see the package comment)")
	flag.StringVar(&c.cpuProfile, "cpuprofile", "", "write CPU profiles of this process (which runs the Go targets) to <file>.<target>.<round>")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "segments:", err)
		os.Exit(1)
	}
}

// target is one server under test and the URL paths of the segments it serves.
type target struct {
	id    string // "a" to "e", as in the package comment
	name  string
	base  string // http://127.0.0.1:port
	paths []string
	cpu   func() time.Duration // CPU time used so far by the process(es) serving it
}

func run(c config) error {
	wrk, errWrk := exec.LookPath("wrk")
	nginx, errNginx := lookNginx()
	if errWrk != nil || errNginx != nil {
		return errors.New("wrk and nginx are needed: apt-get install -y wrk nginx")
	}

	tmp, err := os.MkdirTemp("", "marquee-bench-segments-")
	if err != nil {
		return err
	}
	if c.keep {
		fmt.Println("keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	store, err := media.NewLocal(filepath.Join(tmp, "media"))
	if err != nil {
		return err
	}
	const videoID = 1
	videoKey := "videos/" + strconv.Itoa(videoID)
	segments, err := writeVideo(context.Background(), store, videoKey, c.files, c.size)
	if err != nil {
		return err
	}
	videoPath, err := store.Path(videoKey)
	if err != nil {
		return err
	}
	// nginx's workers run as another user unless told otherwise; let them read the files.
	if err := openUp(tmp); err != nil {
		return err
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	signer, err := media.NewSigner(secret)
	if err != nil {
		return err
	}
	token := signer.Sign(media.Grant{SessionID: 1, VideoID: videoID, Expires: time.Now().Add(24 * time.Hour)})
	signed := media.NewHandler(store, signer, alwaysActive{}, func(id int) string { return "videos/" + strconv.Itoa(id) }, time.Now)
	keyring, err := media.NewKeyring(secret)
	if err != nil {
		return err
	}
	signed.Deliver(media.Delivery{Keyring: keyring, Seeds: func(context.Context, int) ([]byte, error) { return nil, fs.ErrNotExist }})
	if _, err := store.Put(ctx, videoKey+"/"+media.EncryptedMarker, strings.NewReader("{}"), 16); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/media/", signed) // mounted the way the server mounts it
	prefixed := func(prefix string) []string {
		out := make([]string, len(segments))
		for i, s := range segments {
			out[i] = prefix + s
		}
		return out
	}
	signedPrefix := "/media/" + token + "/"
	var targets []target
	for _, g := range []struct {
		id, name string
		handler  http.Handler
		connCtx  func(context.Context, net.Conn) context.Context
		prefix   string
	}{
		{"a", "(a) marquee signed", mux, nil, signedPrefix},
		{"b", "(b) go unsigned", plainRoute(videoPath), nil, "/"},
		{"d", "(d) (a) + TCP_CORK", corked(mux), connContext, signedPrefix},
		{"e", "(e) (a), no ReadFrom", withoutReadFrom(mux), nil, signedPrefix},
		{"f", "(f) marquee public", mux, nil, "/media/" + videoKey + "/"},
	} {
		base, stop, err := serveGo(g.handler, g.connCtx)
		if err != nil {
			return err
		}
		defer stop()
		// The Go servers run in this process, and only the one under load is busy.
		targets = append(targets, target{g.id, g.name, base, prefixed(g.prefix), proc.SelfCPU})
	}
	cBase, nginxPID, stopC, err := startNginx(ctx, nginx, tmp, videoPath)
	if err != nil {
		return err
	}
	defer stopC()
	targets = append(targets, target{"c", "(c) nginx", cBase, prefixed("/"), func() time.Duration { return treeCPU(nginxPID) }})
	if strings.Contains(c.targets, "g") {
		marquee, stopM, err := serveGo(mux, nil)
		if err != nil {
			return err
		}
		defer stopM()
		gBase, frontPID, stopG, err := startNginxFront(ctx, nginx, tmp, filepath.Join(tmp, "media"), strings.TrimPrefix(marquee, "http://"))
		if err != nil {
			return err
		}
		defer stopG()
		targets = append(targets, target{"g", "(g) nginx in front", gBase, prefixed("/media/" + videoKey + "/"), func() time.Duration { return treeCPU(frontPID) }})
	}
	slices.SortFunc(targets, func(x, y target) int { return strings.Compare(x.id, y.id) })
	targets = slices.DeleteFunc(targets, func(t target) bool { return !strings.Contains(c.targets, t.id) })
	if len(targets) == 0 {
		return fmt.Errorf("-targets %q names none of a to g", c.targets)
	}
	for _, t := range targets {
		if err := check(t, videoPath, segments[0]); err != nil {
			return err
		}
	}

	if c.serve {
		for _, t := range targets {
			fmt.Printf("%s\t%s%s\n", t.name, t.base, t.paths[0])
		}
		<-ctx.Done()
		return nil
	}
	printSetup(c, wrk, nginx)
	results := make(map[string][]result)
	for round := range c.rounds {
		fmt.Printf("\nround %d of %d\n", round+1, c.rounds)
		var rows []result
		for i := range targets {
			t := targets[(i+round)%len(targets)]
			stopProfile, err := profile(c.cpuProfile, t.id)
			if err != nil {
				return err
			}
			r, err := load(ctx, c, wrk, tmp, t)
			stopProfile()
			if err != nil {
				return err
			}
			rows = append(rows, r)
			results[t.id] = append(results[t.id], r)
		}
		printTable(rows)
	}
	if c.rounds > 1 {
		fmt.Printf("\nmedian over %d rounds\n", c.rounds)
		var rows []result
		for _, t := range targets {
			rows = append(rows, median(results[t.id]))
		}
		printTable(rows)
	}
	return nil
}

// profile starts CPU profiling for a run of target id, into file.<id>.1, file.<id>.2… (one per round).
// The profile is of this process, so it is useful for the Go targets only.
func profile(file, id string) (stop func(), err error) {
	if file == "" {
		return func() {}, nil
	}
	for i := 1; ; i++ {
		name := file + "." + id + "." + strconv.Itoa(i)
		f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		return func() {
			pprof.StopCPUProfile()
			f.Close()
		}, nil
	}
}

func lookNginx() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	return exec.LookPath("/usr/sbin/nginx")
}

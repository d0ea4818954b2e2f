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
//	(e) (a) behind a ResponseWriter wrapper that hides io.ReaderFrom, as a status-recording
//	    middleware without a ReadFrom method does: the body is then copied through user space
//	    instead of sent with sendfile
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/marquee-org/marquee/internal/media"
)

// The budget (a) is held to: throughput against nginx and against the bare Go route, and p99 latency
// against nginx.
const (
	minRatioNginx = 0.90
	minRatioGo    = 0.97
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
	flag.StringVar(&c.targets, "targets", "abc", "which targets to load, by letter; d and e are what-ifs (see the package comment)")
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
	} {
		base, stop, err := serveGo(g.handler, g.connCtx)
		if err != nil {
			return err
		}
		defer stop()
		targets = append(targets, target{g.id, g.name, base, prefixed(g.prefix), selfCPU})
	}
	cBase, nginxPID, stopC, err := startNginx(ctx, nginx, tmp, videoPath)
	if err != nil {
		return err
	}
	defer stopC()
	targets = append(targets, target{"c", "(c) nginx", cBase, prefixed("/"), func() time.Duration { return treeCPU(nginxPID) }})
	slices.SortFunc(targets, func(x, y target) int { return strings.Compare(x.id, y.id) })
	targets = slices.DeleteFunc(targets, func(t target) bool { return !strings.Contains(c.targets, t.id) })
	if len(targets) == 0 {
		return fmt.Errorf("-targets %q names none of a, b, c, d, e", c.targets)
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

type alwaysActive struct{}

func (alwaysActive) Active(int) bool { return true }

// writeVideo writes one 720p rung of random "segments" and its playlists, and returns the segments'
// paths relative to the video directory.
func writeVideo(ctx context.Context, store media.Store, key string, files, size int) ([]string, error) {
	rng := mrand.New(mrand.NewChaCha8([32]byte{'m', 'a', 'r', 'q', 'u', 'e', 'e'}))
	put := func(name string, b []byte) error {
		_, err := store.Put(ctx, key+"/"+name, bytes.NewReader(b), int64(len(b)))
		return err
	}
	var playlist strings.Builder
	playlist.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MAP:URI=\"init.mp4\"\n")
	var segments []string
	for i := 1; i <= files; i++ {
		name := fmt.Sprintf("seg_%05d.m4s", i)
		b := make([]byte, size*8/10+rng.IntN(size*4/10+1))
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		if err := put("720p/"+name, b); err != nil {
			return nil, err
		}
		fmt.Fprintf(&playlist, "#EXTINF:4.000,\n%s\n", name)
		segments = append(segments, "720p/"+name)
	}
	playlist.WriteString("#EXT-X-ENDLIST\n")
	if err := put("720p/index.m3u8", []byte(playlist.String())); err != nil {
		return nil, err
	}
	if err := put("720p/init.mp4", make([]byte, 800)); err != nil {
		return nil, err
	}
	master := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=3100000,AVERAGE-BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\",FRAME-RATE=30.000\n720p/index.m3u8\n"
	return segments, put("master.m3u8", []byte(master))
}

func openUp(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(p, mode)
	})
}

// plainRoute is the unsigned baseline: the least a Go server does to serve a file with sendfile,
// Range and HEAD support, with no token, session check or path rules beyond path.Clean.
func plainRoute(dir string) http.Handler {
	types := map[string]string{".m4s": "video/iso.segment", ".mp4": "video/mp4", ".m3u8": "application/vnd.apple.mpegurl"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(path.Clean(r.URL.Path))))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", types[path.Ext(r.URL.Path)])
		http.ServeContent(w, r, "", fi.ModTime(), f)
	})
}

func serveGo(h http.Handler, connCtx func(context.Context, net.Conn) context.Context) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ConnContext: connCtx}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

type connKey struct{}

// connContext keeps each request's connection reachable, for corked.
func connContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// corked holds the connection's partial packets back while next writes the response
// header and sendfile sends the body, and pushes them out when it returns, so a segment
// leaves in full-sized packets — nginx's tcp_nopush. It is a server's job: a handler
// cannot reach the connection.
func corked(next http.Handler) http.Handler {
	cork := func(c syscall.RawConn, on int) {
		_ = c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, on) })
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tc, ok := r.Context().Value(connKey{}).(*net.TCPConn)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		raw, err := tc.SyscallConn()
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		cork(raw, 1)
		defer cork(raw, 0)
		next.ServeHTTP(w, r)
	})
}

// statusRecorder is the usual logging/metrics wrapper: it overrides WriteHeader and Write only.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusRecorder) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func withoutReadFrom(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&statusRecorder{ResponseWriter: w}, r)
	})
}

func startNginx(ctx context.Context, nginx, tmp, root string) (base string, pid int, stop func(), err error) {
	port, err := freePort()
	if err != nil {
		return "", 0, nil, err
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // the workers would otherwise drop to nobody, who cannot reach a private temp dir
	}
	// keepalive_requests is raised from its default of 1000 because Go's server has no such limit:
	// otherwise nginx would spend part of the run reconnecting.
	conf := fmt.Sprintf(`daemon off;
worker_processes auto;
%s
pid %[2]s/nginx.pid;
error_log %[2]s/nginx-error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path %[2]s/nginx-body;
	proxy_temp_path %[2]s/nginx-proxy;
	fastcgi_temp_path %[2]s/nginx-fastcgi;
	uwsgi_temp_path %[2]s/nginx-uwsgi;
	scgi_temp_path %[2]s/nginx-scgi;
	types {
		application/vnd.apple.mpegurl m3u8;
		video/iso.segment m4s;
		video/mp4 mp4;
	}
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:%[3]d;
		root %[4]s;
	}
}
`, user, tmp, port, root)
	confPath := filepath.Join(tmp, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return "", 0, nil, err
	}
	cmd := exec.CommandContext(ctx, nginx, "-c", confPath, "-p", tmp, "-e", filepath.Join(tmp, "nginx-error.log"))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// nginx must not outlive the run, even when this process is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGQUIT}
	// QUIT is nginx's graceful stop; the default Kill would leave its workers behind.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGQUIT) }
	if err := cmd.Start(); err != nil {
		return "", 0, nil, fmt.Errorf("start nginx: %w", err)
	}
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		_ = cmd.Wait()
	}
	base = fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			return base, cmd.Process.Pid, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			log, _ := os.ReadFile(filepath.Join(tmp, "nginx-error.log"))
			return "", 0, nil, fmt.Errorf("nginx did not start: %s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// check makes sure a target serves the right bytes before it is timed: a route answering 404 fast
// would otherwise look like a fast server.
func check(t target, dir, segment string) error {
	want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(segment)))
	if err != nil {
		return err
	}
	resp, err := http.Get(t.base + t.paths[0])
	if err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
		return fmt.Errorf("%s: GET %s: %s, %d bytes, want 200 and the file's %d bytes", t.name, t.paths[0], resp.Status, len(got), len(want))
	}
	return nil
}

// luaScript makes wrk rotate over paths; each thread starts at its own offset so the threads do not
// read the same file in lockstep.
func luaScript(paths []string) string {
	var b strings.Builder
	b.WriteString("local paths = {\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "  %q,\n", p)
	}
	b.WriteString(`}
local threads = 0
function setup(thread)
  thread:set("offset", threads * 17)
  threads = threads + 1
end
local i = 0
function init(args)
  i = offset or 0
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
`)
	return b.String()
}

type result struct {
	id, name   string
	serverCPU  time.Duration // per request
	wrkCPU     time.Duration // per request
	requests   float64       // per second
	transfer   float64       // bytes per second
	p50, p90   time.Duration
	p99        time.Duration
	non2xx     int
	socketErrs string
}

func load(ctx context.Context, c config, wrk, tmp string, t target) (result, error) {
	script := filepath.Join(tmp, "wrk-"+t.id+".lua")
	if err := os.WriteFile(script, []byte(luaScript(t.paths)), 0o644); err != nil {
		return result{}, err
	}
	cmd := exec.CommandContext(ctx, wrk,
		"-t", strconv.Itoa(c.threads), "-c", strconv.Itoa(c.connections), "-d", c.duration.String(),
		"--latency", "-s", script, t.base)
	cpu0 := t.cpu()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("%s: wrk: %w\n%s", t.name, err, out)
	}
	serverCPU := t.cpu() - cpu0
	r, err := parseWrk(out)
	if err != nil {
		return result{}, fmt.Errorf("%s: %w\n%s", t.name, err, out)
	}
	if n := r.requests * c.duration.Seconds(); n > 0 {
		r.serverCPU = time.Duration(float64(serverCPU) / n)
		r.wrkCPU = time.Duration(float64(cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()) / n)
	}
	r.id, r.name = t.id, t.name
	return r, nil
}

// parseWrk reads the summary wrk prints with --latency.
func parseWrk(out []byte) (result, error) {
	var r result
	var seen int
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		var err error
		switch {
		case f[0] == "Requests/sec:":
			r.requests, err = strconv.ParseFloat(f[1], 64)
			seen++
		case f[0] == "Transfer/sec:":
			r.transfer, err = parseBytes(f[1])
			seen++
		case f[0] == "50%":
			r.p50, err = parseLatency(f[1])
			seen++
		case f[0] == "90%":
			r.p90, err = parseLatency(f[1])
			seen++
		case f[0] == "99%":
			r.p99, err = parseLatency(f[1])
			seen++
		case f[0] == "Non-2xx":
			r.non2xx, err = strconv.Atoi(f[len(f)-1])
		case f[0] == "Socket" && f[1] == "errors:":
			r.socketErrs = strings.Join(f[2:], " ")
		}
		if err != nil {
			return r, fmt.Errorf("parse wrk output %q: %w", sc.Text(), err)
		}
	}
	if seen != 5 {
		return r, errors.New("wrk output lacks requests/s, transfer/s or latency percentiles")
	}
	return r, nil
}

// parseLatency reads wrk's durations: "812.00us", "4.21ms", "1.02s", "1.50m".
func parseLatency(s string) (time.Duration, error) {
	if strings.HasSuffix(s, "us") {
		s = strings.TrimSuffix(s, "us") + "µs"
	}
	return time.ParseDuration(s)
}

// parseBytes reads wrk's sizes, which count in powers of 1024: "512.00KB", "5.21GB".
func parseBytes(s string) (float64, error) {
	for i, unit := range []string{"TB", "GB", "MB", "KB", "B"} {
		if v, ok := strings.CutSuffix(s, unit); ok {
			n, err := strconv.ParseFloat(v, 64)
			for range 4 - i {
				n *= 1024
			}
			return n, err
		}
	}
	return 0, fmt.Errorf("unknown size %q", s)
}

func median(rs []result) result {
	pick := func(get func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = get(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	m := result{id: rs[0].id, name: rs[0].name}
	m.requests = pick(func(r result) float64 { return r.requests })
	m.transfer = pick(func(r result) float64 { return r.transfer })
	m.p50 = time.Duration(pick(func(r result) float64 { return float64(r.p50) }))
	m.p90 = time.Duration(pick(func(r result) float64 { return float64(r.p90) }))
	m.p99 = time.Duration(pick(func(r result) float64 { return float64(r.p99) }))
	m.serverCPU = time.Duration(pick(func(r result) float64 { return float64(r.serverCPU) }))
	m.wrkCPU = time.Duration(pick(func(r result) float64 { return float64(r.wrkCPU) }))
	for _, r := range rs {
		m.non2xx += r.non2xx
	}
	return m
}

func printSetup(c config, wrk, nginx string) {
	nv, _ := exec.Command(nginx, "-v").CombinedOutput()
	wv, _ := exec.Command(wrk, "-v").CombinedOutput()
	wrkVersion, _, _ := strings.Cut(string(wv), "\n")
	fmt.Printf("%s, GOMAXPROCS %d, %d CPUs; %s; %s\n", runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(),
		strings.TrimSpace(string(nv)), strings.TrimSpace(wrkVersion))
	fmt.Printf("%d segments of %d KB ±20%%; wrk -t%d -c%d -d%s --latency, requests rotating over the segments\n",
		c.files, c.size/1000, c.threads, c.connections, c.duration)
}

func printTable(rows []result) {
	by := make(map[string]result)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\treq/s\tMiB/s\tp50\tp90\tp99\tserver CPU/req\twrk CPU/req\tnon-2xx\t")
	for _, r := range rows {
		by[r.id] = r
		errs := strconv.Itoa(r.non2xx)
		if r.socketErrs != "" {
			errs += " (socket: " + r.socketErrs + ")"
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, r.requests, r.transfer/(1<<20),
			ms(r.p50), ms(r.p90), ms(r.p99), us(r.serverCPU), us(r.wrkCPU), errs)
	}
	tw.Flush()
	verdict := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "MISSED"
	}
	a, okA := by["a"]
	b, okB := by["b"]
	c, okC := by["c"]
	if okA && okC {
		r, p := a.requests/c.requests, float64(a.p99)/float64(c.p99)
		fmt.Printf("(a)/(c) throughput %.3f (target ≥ %.2f: %s)   p99(a)/p99(c) %.3f (target ≤ %.2f: %s)\n",
			r, minRatioNginx, verdict(r >= minRatioNginx), p, maxP99Nginx, verdict(p <= maxP99Nginx))
	}
	if okA && okB {
		r := a.requests / b.requests
		fmt.Printf("(a)/(b) throughput %.3f (target ≥ %.2f: %s)   p99(a)/p99(b) %.3f\n",
			r, minRatioGo, verdict(r >= minRatioGo), float64(a.p99)/float64(b.p99))
	}
	if d, ok := by["d"]; ok && okC {
		fmt.Printf("what if: (d)/(c) throughput %.3f, p99(d)/p99(c) %.3f\n", d.requests/c.requests, float64(d.p99)/float64(c.p99))
	}
	if e, ok := by["e"]; ok && okA {
		fmt.Printf("what if: (e)/(a) throughput %.3f, p99(e)/p99(a) %.3f\n", e.requests/a.requests, float64(e.p99)/float64(a.p99))
	}
}

func us(d time.Duration) string { return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond)) }

// selfCPU is this process's CPU time: the Go servers run in it, and only the one under load is busy.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// treeCPU is the CPU time of pid and its children (nginx's master and workers), from /proc; 0 where
// there is no /proc.
func treeCPU(pid int) time.Duration {
	entries, _ := os.ReadDir("/proc")
	var ticks int64
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state ppid … utime(14) stime(15), 1-based overall.
		_, rest, ok := bytes.Cut(b, []byte(") "))
		if !ok {
			continue
		}
		f := strings.Fields(string(rest))
		if len(f) < 13 {
			continue
		}
		self, _ := strconv.Atoi(e.Name())
		ppid, _ := strconv.Atoi(f[1])
		if self != pid && ppid != pid {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	const clockTicks = 100 // USER_HZ on every Linux architecture Go supports
	return time.Duration(ticks) * time.Second / clockTicks
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

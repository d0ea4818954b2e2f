//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/marquee-org/marquee/bench/internal/proc"
	"github.com/marquee-org/marquee/internal/media"
)

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

// startNginxFront starts nginx with the deployment configuration (deploy/nginx-marquee.conf) in front
// of the marquee at upstream, the media folder at mediaRoot, in its own directory under tmp.
func startNginxFront(ctx context.Context, nginx, tmp, mediaRoot, upstream string) (base string, pid int, stop func(), err error) {
	site, err := os.ReadFile(frontConf)
	if err != nil {
		return "", 0, nil, fmt.Errorf("%w (run from the repository root)", err)
	}
	dir := filepath.Join(tmp, "front")
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", 0, nil, err
	}
	return startNginxWith(ctx, nginx, dir, func(addr string) string {
		return strings.NewReplacer("__LISTEN__", addr, "__MEDIA_ROOT__", mediaRoot, "__MARQUEE__", upstream).Replace(string(site))
	})
}

// frontConf is the nginx configuration operators put in front of marquee.
const frontConf = "deploy/nginx-marquee.conf"

func startNginx(ctx context.Context, nginx, tmp, root string) (base string, pid int, stop func(), err error) {
	return startNginxWith(ctx, nginx, tmp, func(addr string) string {
		return fmt.Sprintf("server {\n\t\tlisten %s;\n\t\troot %s;\n\t}", addr, root)
	})
}

// startNginxWith starts nginx in tmp with the server block(s) site returns for its listen address.
func startNginxWith(ctx context.Context, nginx, tmp string, site func(addr string) string) (base string, pid int, stop func(), err error) {
	addr, err := proc.FreeAddr()
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
	%[3]s
}
`, user, tmp, site(addr))
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
	base = "http://" + addr
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

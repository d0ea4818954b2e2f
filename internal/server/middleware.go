package server

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/marquee-org/marquee/internal/apperr"
)

type requestIDKey struct{}

// RequestID returns the request's id, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID keeps a sane incoming X-Request-Id (from a proxy) or makes one, and echoes it.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// statusWriter records the status for logs and metrics. It forwards Flush, Hijack and Unwrap so
// that streaming responses and websocket hijacking keep working.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack hands the connection to a websocket; gorilla asserts http.Hijacker directly.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.status = http.StatusSwitchingProtocols
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ReadFrom keeps sendfile working for http.ServeContent (media segments): without it the
// body would be copied through a buffer, doubling the server's CPU per segment.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, r)
	w.bytes += n
	return n, err
}

// code is the status sent: a handler that wrote nothing sent 200.
func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// serveRecorded runs next and returns what it sent and how long it took.
func serveRecorded(next http.Handler, w http.ResponseWriter, r *http.Request) (*statusWriter, time.Duration) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	next.ServeHTTP(sw, r)
	return sw, time.Since(start)
}

func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, took := serveRecorded(next, w, r)
		log.LogAttrs(r.Context(), accessLevel(r.URL.Path, sw.code()), "http request",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", redactToken(r.URL.Path)),
			slog.Int("status", sw.code()),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", took),
		)
	})
}

// accessLevel keeps the steady traffic of a healthy server (every media segment a player
// fetches, every probe of a load balancer) at debug, so that what an operator needs stands
// out at info; a failed request of any kind is a warning.
func accessLevel(path string, status int) slog.Level {
	switch {
	case status >= http.StatusInternalServerError:
		return slog.LevelWarn
	case strings.HasPrefix(path, "/media/"), strings.HasPrefix(path, "/art/"), strings.HasPrefix(path, "/keys/"),
		path == "/healthz", path == "/readyz", path == "/metrics":
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(r.Context(), "http handler panicked",
					slog.String("request_id", RequestID(r.Context())),
					slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
				apperr.WriteHTTP(w, http.StatusInternalServerError, apperr.New(apperr.Internal, "Something went wrong on our side."))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets what every response carries: no sniffing, no framing, no referrer
// beyond this origin, the Content-Security-Policy of the web app and the explorer, and, when
// the public URL is https, Strict-Transport-Security.
func securityHeaders(csp string, https bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", csp)
		if https {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows scripts, styles and fonts from this origin only (no inline
// script, no eval), and media, playlists, segments and images from this origin and the
// media origins (presigned storage redirects); MediaSource players play from blob: URLs, and
// hls.js gives the subtitle <track> elements it renders through a data: URL.
func contentSecurityPolicy(mediaOrigins []string) string {
	media := strings.Join(append([]string{"'self'"}, mediaOrigins...), " ")
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src " + media + " data: blob:",
		"media-src " + media + " blob: data:",
		"connect-src " + media,
		"worker-src 'self' blob:",
		"font-src 'self' data:",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

func writeForbiddenCrossOrigin(w http.ResponseWriter) {
	apperr.WriteHTTP(w, http.StatusForbidden, apperr.New(apperr.Forbidden, "Cross-origin request refused."))
}

// redactToken keeps playback tokens, which are credentials, out of the logs (the public
// route's /media/videos/… carries none).
func redactToken(path string) string {
	for _, prefix := range []string{"/media/", "/keys/"} {
		rest, ok := strings.CutPrefix(path, prefix)
		if !ok || strings.HasPrefix(rest, "videos/") {
			continue
		}
		if _, after, found := strings.Cut(rest, "/"); found {
			return prefix + "REDACTED/" + after
		}
		return prefix + "REDACTED"
	}
	return path
}

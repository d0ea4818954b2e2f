// Package server wires the HTTP surface: GraphQL (HTTP and websocket), the explorer,
// health and readiness, metrics, and the SPA, with request IDs, access logs, panic
// recovery, timeouts and an ordered shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/marquee-org/marquee/graph"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/video"
	"github.com/marquee-org/marquee/spa"
)

// Server is the HTTP front of a marquee process.
type Server struct {
	svc     *app.Services
	handler http.Handler
	// closing ends every websocket when shutdown starts: hijacked connections are not
	// tracked by http.Server.Shutdown and would otherwise hold it until its deadline.
	closing     context.Context
	stopSockets context.CancelFunc
}

// New builds the handler tree over d, which must have playback (a signing secret) and a
// search index; /metrics serves d.Metrics, where the process's services registered theirs.
func New(d *app.Services) *Server {
	closing, stop := context.WithCancel(context.Background())
	s := &Server{svc: d, closing: closing, stopSockets: stop}

	reg := d.Metrics
	m := newMetrics(reg)

	gql := graph.NewHandler(&graph.Resolver{Services: d}, graph.HandlerOptions{
		Websocket:       newGorillaWS(d.Config.PublicURL, d.Config.AllowedOrigins),
		ComplexityLimit: d.Config.ComplexityLimit,
		Timeout:         d.Config.RequestTimeout,
		MaxUploadBytes:  d.Config.MaxUploadBytes,
		Closing:         closing,
	})
	cop := http.NewCrossOriginProtection()
	for _, o := range d.Config.AllowedOrigins {
		_ = cop.AddTrustedOrigin(o) // validated by config
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeForbiddenCrossOrigin(w)
	}))

	mux := http.NewServeMux()
	mux.Handle("/graphql", m.route("graphql", cop.Handler(d.Auth.Middleware(d.Config.SecureCookies())(gql))))
	mux.Handle("GET "+graph.SchemaPath, m.route("schema", graph.SchemaHandler()))
	mux.Handle("GET /healthz", m.route("healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})))
	mux.Handle("GET /readyz", m.route("readyz", http.HandlerFunc(s.readyz)))
	mh := media.NewHandler(d.Media, d.Signer, d.Playback.Sessions(), video.OutputKey, time.Now)
	origins := media.Origins(d.Media)
	if d.Keyring != nil {
		mh.Deliver(media.Delivery{Keyring: d.Keyring, Seeds: d.Videos.SealedSeed, PublicURL: d.Config.MediaPublicURL, KeysURL: d.Config.PublicURL})
		if o := originOf(d.Config.MediaPublicURL); o != "" {
			origins = append(origins, o)
		}
	}
	mux.Handle("/media/", m.route("media", mh))
	mux.Handle("/keys/", m.route("keys", mh.Keys()))
	mux.Handle("/art/", m.route("art", media.NewArtHandler(d.Media, d.Signer)))
	mux.Handle("GET "+auth.ExportPath, m.route("export", d.Auth.ExportHandler()))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("/", m.route("spa", spa.Handler(titlePreviews(d))))

	s.handler = requestID(accessLog(d.Log, recoverer(d.Log, securityHeaders(contentSecurityPolicy(origins), d.Config.SecureCookies(), mux))))
	return s
}

// originOf is the origin of an absolute URL, "" for a path.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Handler is the root handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.svc.Store.Ping(ctx); err != nil {
		s.svc.Log.WarnContext(r.Context(), "readiness: database unreachable", slog.Any("err", err))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unreachable\n"))
		return
	}
	if err := media.Writable(s.svc.Media); err != nil {
		s.svc.Log.WarnContext(r.Context(), "readiness: media storage refuses writes (disk full?)", slog.Any("err", err))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("media storage refuses writes (disk full?)\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// Serve listens on the configured address until ctx ends, then shuts down in order:
// websockets first (they outlive Shutdown), then in-flight requests within the deadline.
// ready, when not nil, receives the bound address once listening.
func (s *Server) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.svc.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.svc.Config.Addr, err)
	}
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		// No overall read or write timeout: uploads and websockets are long by nature;
		// bodies outside uploads are bounded by size instead.
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(s.svc.Log.Handler(), slog.LevelWarn),
	}
	hs.RegisterOnShutdown(s.stopSockets)
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.svc.Log.Info("shutting down HTTP server")
	sctx, cancel := context.WithTimeout(context.Background(), s.svc.Config.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// CloseSockets ends every websocket; Serve does it at shutdown, tests may call it.
func (s *Server) CloseSockets() { s.stopSockets() }

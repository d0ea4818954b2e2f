package server

import (
	"context"
	"net"
	"net/http"
	"syscall"
)

type connKey struct{}

// ConnContext keeps each request's connection reachable, for Corked; set it as an http.Server's ConnContext.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// Corked holds the connection's partial packets back while next writes the response
// header and sendfile sends the body, and pushes them out when it returns, so a segment
// leaves in full-sized packets — nginx's tcp_nopush. bench/segments measures the gain
// (row d against row a).
func Corked(next http.Handler) http.Handler {
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

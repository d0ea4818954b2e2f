//go:build !linux

package server

import (
	"context"
	"net"
	"net/http"
)

func connContext(ctx context.Context, _ net.Conn) context.Context { return ctx }

// corked is Linux-only (TCP_CORK); elsewhere responses go out as written.
func corked(next http.Handler) http.Handler { return next }

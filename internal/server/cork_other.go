//go:build !linux

package server

import (
	"context"
	"net"
	"net/http"
)

func ConnContext(ctx context.Context, _ net.Conn) context.Context { return ctx }

// Corked is Linux-only (TCP_CORK); elsewhere responses go out as written.
func Corked(next http.Handler) http.Handler { return next }

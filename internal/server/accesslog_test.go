package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAccessLogLevels: at the default level the log shows API traffic and failures, not
// every segment a player fetches nor every probe.
func TestAccessLogLevels(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := accessLog(slog.New(slog.NewTextHandler(&buf, nil)), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/media/broken" {
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/media/tok/720p/seg_00001.m4s", "/art/tok/poster.jpg", "/graphql", "/media/broken"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2, buf.String())
	require.Contains(t, lines[0], "level=INFO")
	require.Contains(t, lines[0], "path=/graphql")
	require.Contains(t, lines[1], "level=WARN")
	require.Contains(t, lines[1], "status=502")
}

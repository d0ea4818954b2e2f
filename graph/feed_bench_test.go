package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/graph"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// BenchmarkFeed serves one viewer's feed (12 rows of 20 titles with their per-viewer
// fields) over a 2 000-title SQLite catalog through the GraphQL handler, in process.
// Profile it with -cpuprofile to see what the GraphQL layer adds to the SQL.
func BenchmarkFeed(b *testing.B) {
	s := storetest.SQLite(b)
	u := library(b, s, 8, 250, 25)
	h := graph.NewHandler(&graph.Resolver{Services: app.OverStore(s, slog.New(slog.NewTextHandler(io.Discard, nil)))},
		graph.HandlerOptions{ComplexityLimit: 1 << 20})
	body, err := json.Marshal(map[string]string{"query": feedQuery})
	require.NoError(b, err)
	serve := func() *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r = r.WithContext(auth.WithViewer(r.Context(), u))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := serve()
	require.Equal(b, http.StatusOK, w.Code)
	require.NotContains(b, w.Body.String(), `"errors"`)
	b.ReportAllocs()
	for b.Loop() {
		serve()
	}
}

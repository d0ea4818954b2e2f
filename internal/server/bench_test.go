package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/marquee-org/marquee/internal/store/storetest"
)

// BenchmarkRequest compares an authenticated GraphQL query through the whole handler
// stack with /healthz, the cheapest route, as its baseline on the same stack.
func BenchmarkRequest(b *testing.B) {
	e := newEnv(b, storetest.SQLite(b))
	token, _ := e.signup(nil, "bench@example.com")
	h := e.srv.Handler()

	b.Run("healthz", func(b *testing.B) {
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		}
	})
	b.Run("graphql_me", func(b *testing.B) {
		body := `{"query":"{ me { id email name country membership { status } } }"}`
		for b.Loop() {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
}

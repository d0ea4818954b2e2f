package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/server"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// env is a running server over a real store, reached through real HTTP.
type env struct {
	t     testing.TB
	store *store.Store
	srv   *server.Server
	http  *httptest.Server
	// logs collects everything the server logged, to check what stays out of responses.
	logs *bytes.Buffer
}

func newEnv(t testing.TB, s *store.Store) *env {
	t.Helper()
	require.NoError(t, billing.EnsurePlans(context.Background(), s.Client))
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil))
	c := config.Default()
	c.MediaURL = "file:///tmp/unused"
	c.ComplexityLimit = 200
	svc := auth.NewService(s.Client, pubsub.NewLocal(), log, auth.Options{
		Params: auth.Params{MemoryKiB: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	})
	srv := server.New(server.Deps{Config: c, Log: log, Store: s, Auth: svc})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.CloseSockets()
		hs.Close()
	})
	return &env{t: t, store: s, srv: srv, http: hs, logs: logs}
}

// each runs fn against a fresh server on every available database.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) { fn(t, newEnv(t, s)) })
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Status int
	Header http.Header
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
	Raw    string
}

func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// request sends a raw request and decodes a GraphQL-shaped answer.
func (e *env) request(client *http.Client, req *http.Request) *gqlResponse {
	e.t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	out := &gqlResponse{Status: res.StatusCode, Header: res.Header, Raw: string(body)}
	require.NoError(e.t, json.Unmarshal(body, out), "response must be JSON: %s", body)
	return out
}

type opt func(*http.Request)

func bearer(token string) opt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func header(k, v string) opt { return func(r *http.Request) { r.Header.Set(k, v) } }

// gql posts a JSON GraphQL request.
func (e *env) gql(client *http.Client, query string, vars map[string]any, opts ...opt) *gqlResponse {
	e.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(e.t, err)
	req, err := http.NewRequest(http.MethodPost, e.http.URL+"/graphql", bytes.NewReader(body))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/json")
	for _, o := range opts {
		o(req)
	}
	return e.request(client, req)
}

func (e *env) browser() *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(e.t, err)
	return &http.Client{Jar: jar}
}

const signupMutation = `mutation($in: SignupInput!) { signup(input: $in) { token user { id email name country } } }`

func signupVars(email string) map[string]any {
	return map[string]any{"in": map[string]any{
		"email": email, "password": "correct horse battery", "name": "Viewer", "country": "US",
	}}
}

// signup creates an account and returns its bearer token and id.
func (e *env) signup(client *http.Client, email string) (token, id string) {
	e.t.Helper()
	r := e.gql(client, signupMutation, signupVars(email))
	require.Empty(e.t, r.Errors, r.Raw)
	p := r.Data["signup"].(map[string]any)
	return p["token"].(string), p["user"].(map[string]any)["id"].(string)
}

func (e *env) users() int {
	return e.store.Client.User.Query().CountX(context.Background())
}

func (e *env) requireNoLeak(r *gqlResponse) {
	e.t.Helper()
	low := strings.ToLower(r.Raw)
	for _, s := range []string{"sql", "goroutine", ".go:", "ent:", "pq:", "constraint"} {
		require.NotContains(e.t, low, s, "response leaks internals: %s", r.Raw)
	}
}

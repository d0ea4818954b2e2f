package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/artwork"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/jobs"
	"github.com/marquee-org/marquee/internal/library"
	"github.com/marquee-org/marquee/internal/mail"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/playback"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/server"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
	"github.com/marquee-org/marquee/internal/video"
	"github.com/marquee-org/marquee/internal/webhook"
	"github.com/marquee-org/marquee/transcoder"
)

// testSecret signs media URLs and seals queued mail.
const testSecret = "test-secret-test-secret-test-secret!"

// env is a running server over a real store, reached through real HTTP.
type env struct {
	t       testing.TB
	store   *store.Store
	srv     *server.Server
	http    *httptest.Server
	auth    *auth.Service
	queue   *jobs.Queue
	billing *billing.Service
	hooks   *webhook.Service
	// objects is the media store the server uses; media is the same when it is a filesystem
	// store (nil on S3), for tests that look at its files.
	objects media.Store
	media   *media.Local
	scratch string // the S3 store's local scratch area
	// logs collects everything the server logged, to check what stays out of responses.
	logs *testkit.Buffer
}

func newEnv(t testing.TB, s *store.Store) *env {
	t.Helper()
	return newEnvWith(t, s, pubsub.NewLocal())
}

// newEnvWith is newEnv with a given broker, for several replicas sharing one database, and
// optionally settings of its own.
func newEnvWith(t testing.TB, s *store.Store, broker pubsub.Broker, configure ...func(*config.Config)) *env {
	t.Helper()
	require.NoError(t, billing.EnsurePlans(context.Background(), s.Client))
	logs := &testkit.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := config.Default()
	c.MediaURL = "file://" + t.TempDir()
	c.ComplexityLimit = 2000
	c.MaxUploadBytes = 4 << 20
	c.LibraryDirs = []string{os.TempDir()} // where tests make their library folders
	for _, f := range configure {
		f(&c)
	}
	scratch := filepath.Join(t.TempDir(), "scratch")
	m, err := media.Open(context.Background(), c.MediaURL, scratch)
	require.NoError(t, err)
	local, _ := m.(*media.Local)
	reg := app.NewRegistry()
	q := jobs.New(s, jobs.Options{Workers: 1, PollInterval: 100 * time.Millisecond, Metrics: reg}, log)
	// Account mail goes to --smtp-url when a test sets one (a Mailpit), else to the log;
	// it is delivered while the queue's workers run (startWorkers).
	box, err := mail.NewBox([]byte(testSecret))
	require.NoError(t, err)
	var sender mail.Sender = mail.LogSender{Log: log}
	if c.SMTPURL != "" {
		from, err := mail.ParseFrom(c.MailFrom)
		require.NoError(t, err)
		smtp, err := mail.NewSMTP(c.SMTPURL, from)
		require.NoError(t, err)
		sender = smtp
	}
	river.AddWorker(q.Workers(), mail.NewWorker(sender, box, log))
	svc := auth.NewService(s.Client, broker, log, auth.Options{
		Params: auth.Params{MemoryKiB: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		InTx:   s.InTx, Queue: q, Mail: mail.NewOutbox(q, box), PublicURL: c.BaseURL(),
	})
	river.AddWorker(q.Workers(), auth.NewResetWorker(svc))
	cat := catalog.NewService(s, broker)
	videos := video.NewService(s, m, broker, q, log, c.MaxUploadBytes, cat)
	keyring, err := media.NewKeyring([]byte(testSecret))
	require.NoError(t, err)
	videos.Encrypt(video.Encryption{Keyring: keyring, Period: c.KeyPeriod})
	river.AddWorker(q.Workers(), video.NewWorker(videos, transcoder.Options{
		Heights: []int{90, 144, 180}, Timeout: 2 * time.Minute, Preset: "ultrafast",
	}))
	// Webhooks follow the operator's settings (the test's configure); attempts are short and
	// retried at once, so that retries show within a test.
	hooks := webhook.NewService(s, q, log, webhook.Options{
		Policy:  webhook.Policy{AllowHTTP: c.WebhookAllowHTTP, Allow: c.WebhookAllowNetworks},
		Timeout: 3 * time.Second, Retry: []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond},
	})
	river.AddWorker(q.Workers(), webhook.NewWorker(hooks))
	cat.EmitTo(hooks)
	videos.EmitTo(hooks)
	require.NoError(t, q.Open())
	signer, err := media.NewSigner([]byte(testSecret))
	require.NoError(t, err)
	pb := playback.NewService(s, cat, broker, signer, log, playback.Options{HeartbeatInterval: time.Second, Metrics: reg}) // stale after 3 s: slow CI machines must not expire a test's session between two calls
	art := artwork.NewService(m, cat, log)
	cat.OnRemove(pb.Removed)
	cat.OnRemove(videos.Removed)
	cat.OnRemove(art.Removed)
	runCtx, stopRun := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); pb.Run(runCtx) }()
	t.Cleanup(func() { stopRun(); <-done })
	bill := billing.NewService(s, billing.NewSandbox(c.SandboxLatency), broker, log, billing.Options{ProviderTimeout: c.PaymentTimeout})
	bill.EmitTo(hooks)
	index, err := search.Open(filepath.Join(t.TempDir(), "search"))
	require.NoError(t, err)
	followCtx, stopFollow := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() { defer close(followed); index.Follow(followCtx, broker, s.Client, log) }()
	shelved := make(chan struct{})
	go func() { defer close(shelved); cat.Follow(followCtx, log) }()
	var scans sync.WaitGroup
	t.Cleanup(func() { stopFollow(); scans.Wait(); <-followed; <-shelved; _ = index.Close() })
	scanner := library.NewRunner(library.NewScanner(s, cat, videos, art), broker, log, c.LibraryDirs,
		func(scan func(context.Context)) { scans.Go(func() { scan(followCtx) }) })
	// The services app.Open would build, with settings fit for tests (fast password
	// hashing, a small ladder, short polls and heartbeats).
	srv := server.New(&app.Services{
		Config: c, Log: log, Store: s, Broker: broker, Media: m, Queue: q, Auth: svc, Billing: bill,
		Catalog: cat, Videos: videos, Artwork: art, Library: scanner, Signer: signer, Keyring: keyring, Playback: pb, Index: index, Metrics: reg,
		Webhooks: hooks,
	})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.CloseSockets()
		hs.Close()
	})
	return &env{t: t, store: s, srv: srv, http: hs, auth: svc, billing: bill, hooks: hooks, queue: q, objects: m, media: local, scratch: scratch, logs: logs}
}

// startWorkers runs the transcode worker until the test ends.
func (e *env) startWorkers() {
	e.t.Helper()
	require.NoError(e.t, e.queue.Start(context.Background()))
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.queue.Stop(ctx)
	})
}

// admin creates an administrator and returns a bearer token for it.
func (e *env) admin() string {
	e.t.Helper()
	ctx := context.Background()
	_, err := e.auth.CreateUser(ctx, auth.NewUser{Admin: true, SignupInput: auth.SignupInput{
		Email: "admin@example.com", Password: "correct horse battery", Name: "Admin", Country: "US",
	}})
	require.NoError(e.t, err)
	res, err := e.auth.Login(ctx, "admin@example.com", "correct horse battery", auth.Client{})
	require.NoError(e.t, err)
	return res.Token
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
	out, err := send(client, req)
	require.NoError(e.t, err)
	return out
}

func send(client *http.Client, req *http.Request) (*gqlResponse, error) {
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	out := &gqlResponse{Status: res.StatusCode, Header: res.Header, Raw: string(body)}
	if err := json.Unmarshal(body, out); err != nil {
		return nil, fmt.Errorf("response must be JSON: %w: %s", err, body)
	}
	return out, nil
}

type opt func(*http.Request)

func bearer(token string) opt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func header(k, v string) opt { return func(r *http.Request) { r.Header.Set(k, v) } }

// gql posts a JSON GraphQL request.
func (e *env) gql(client *http.Client, query string, vars map[string]any, opts ...opt) *gqlResponse {
	e.t.Helper()
	out, err := send(client, e.gqlRequest(query, vars, opts...))
	require.NoError(e.t, err)
	return out
}

func (e *env) gqlRequest(query string, vars map[string]any, opts ...opt) *http.Request {
	e.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(e.t, err)
	req, err := http.NewRequest(http.MethodPost, e.http.URL+"/graphql", bytes.NewReader(body))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/json")
	for _, o := range opts {
		o(req)
	}
	return req
}

// gqlParallel sends n requests at once, all released together, and returns their answers in
// order: request i is made by build(i).
func (e *env) gqlParallel(n int, build func(i int) *http.Request) []*gqlResponse {
	e.t.Helper()
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = build(i)
	}
	out := make([]*gqlResponse, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, req := range reqs {
		wg.Go(func() {
			<-start
			out[i], errs[i] = send(nil, req)
		})
	}
	close(start)
	wg.Wait()
	require.NoError(e.t, errors.Join(errs...))
	return out
}

// codes counts the error codes of answers; "" counts the answers without errors.
func codes(rs []*gqlResponse) map[string]int {
	n := map[string]int{}
	for _, r := range rs {
		n[r.code()]++
	}
	return n
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
	for _, s := range []string{"sql", "goroutine", ".go:", "ent:", "pq:", "constraint", "strconv", "msgpack", "parsing", "slice bounds", "out of range"} {
		require.NotContains(e.t, low, s, "response leaks internals: %s", r.Raw)
	}
}

package server_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/apikey"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/webhook"
)

const createKey = `mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { secret key { id label scopes prefix rateLimitPerMinute active } } }`

// apiKey creates a key with the given scopes as the administrator admin and returns its
// secret and id.
func (e *env) apiKey(admin string, in map[string]any) (secret, id string) {
	e.t.Helper()
	if in["label"] == nil {
		in["label"] = "sync"
	}
	r := e.gql(nil, createKey, map[string]any{"in": in}, bearer(admin))
	require.Empty(e.t, r.Errors, r.Raw)
	p := r.Data["createApiKey"].(map[string]any)
	return p["secret"].(string), p["key"].(map[string]any)["id"].(string)
}

// missingScope is the scope an error says a key lacks.
func (r *gqlResponse) missingScope() any {
	if len(r.Errors) == 0 {
		return nil
	}
	return r.Errors[0].Extensions["missingScope"]
}

func TestAPIKeysActWithinTheirScopes(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		viewer, viewerID := e.signup(nil, "member@example.com")
		secret, id := e.apiKey(admin, map[string]any{"scopes": []string{"CATALOG_READ", "MEDIA_UPLOAD"}})
		require.True(t, strings.HasPrefix(secret, auth.KeyPrefix), secret)

		r := e.gql(nil, `{ apiKeys { id label scopes prefix active lastUsedAt } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		require.NotContains(t, r.Raw, secret[len(auth.KeyPrefix)+8:], "the secret is shown once only")
		k := r.Data["apiKeys"].([]any)[0].(map[string]any)
		require.Equal(t, id, k["id"])
		require.Equal(t, []any{"CATALOG_READ", "MEDIA_UPLOAD"}, k["scopes"])
		require.Equal(t, secret[:len(auth.KeyPrefix)+8], k["prefix"])
		require.Nil(t, k["lastUsedAt"])
		row := e.store.Client.APIKey.Query().Where(apikey.Prefix(k["prefix"].(string))).OnlyX(context.Background())
		require.NotContains(t, row.SecretHash, secret[len(auth.KeyPrefix):], "only a hash is stored")

		e.readyTitle(admin, `kind: MOVIE, name: "Integrated", maturityRating: "R"`)
		r = e.gql(nil, `{ titles(first: 10) { totalCount edges { node { name } } } }`, nil, bearer(secret))
		require.Empty(t, r.Errors, r.Raw)
		require.Contains(t, r.Raw, "Integrated", "a key reads the whole catalog, adult titles included")
		r = e.gql(nil, `{ search(query: "integrated") { totalCount } }`, nil, bearer(secret))
		require.Empty(t, r.Errors, r.Raw)

		// Without the scope, nothing runs, and the error names what is missing.
		r = e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Sneaked"}) { id } }`, nil, bearer(secret))
		require.Equal(t, "FORBIDDEN", r.code(), r.Raw)
		require.Equal(t, "CATALOG_WRITE", r.missingScope())
		require.Contains(t, r.Errors[0].Message, "catalog:write")
		r = e.gql(nil, `{ titles(first: 1) { totalCount } users(first: 5) { totalCount } }`, nil, bearer(secret))
		require.Equal(t, "FORBIDDEN", r.code(), r.Raw)
		require.Equal(t, "USERS_READ", r.missingScope())
		require.Nil(t, r.Data, "an operation reaching past the key's scopes is refused whole")
		r = e.gql(nil, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": viewerID}, bearer(secret))
		require.Equal(t, "NOT_FOUND", r.code(), "accounts are hidden from a key without users:read: %s", r.Raw)

		// What is for people is refused to every key, whatever its scopes.
		all, _ := e.apiKey(admin, map[string]any{"scopes": []string{"CATALOG_READ", "CATALOG_WRITE", "MEDIA_UPLOAD", "ANALYTICS_READ", "USERS_READ"}})
		for _, q := range []string{
			`mutation { logout }`,
			`mutation { createApiKey(input: {label: "more", scopes: [USERS_READ]}) { secret } }`,
			`mutation { revokeApiKey(id: "` + id + `") }`,
			`{ apiKeys { id } }`,
			`{ webhooks { id } }`,
		} {
			r = e.gql(nil, q, nil, bearer(all))
			require.Equal(t, "FORBIDDEN", r.code(), "%s: %s", q, r.Raw)
			require.Contains(t, r.Errors[0].Message, "API keys cannot", r.Raw)
		}
		r = e.gql(nil, `{ users(first: 10, email: "member@") { totalCount edges { node { email } } } }`, nil, bearer(all))
		require.Empty(t, r.Errors, r.Raw)
		require.Contains(t, r.Raw, "member@example.com")
		r = e.gql(nil, `{ users(first: 150) { totalCount } }`, nil, bearer(all))
		require.Equal(t, "BAD_USER_INPUT", r.code(), "pages are bounded: %s", r.Raw)
		r = e.gql(nil, `query($id: ID!) { node(id: $id) { ... on User { email } } }`, map[string]any{"id": viewerID}, bearer(all))
		require.Contains(t, r.Raw, "member@example.com", "users:read reaches accounts by id")
		r = e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "By key"}) { id } }`, nil, bearer(all))
		require.Empty(t, r.Errors, r.Raw)

		// People are not limited by scopes, and a viewer still may not manage keys.
		r = e.gql(nil, `{ apiKeys { id } }`, nil, bearer(viewer))
		require.Equal(t, "FORBIDDEN", r.code(), r.Raw)
		r = e.gql(nil, `mutation { createApiKey(input: {label: "x", scopes: [CATALOG_READ]}) { secret } }`, nil, bearer(viewer))
		require.Equal(t, "FORBIDDEN", r.code(), r.Raw)

		r = e.gql(nil, `{ apiKeys { lastUsedAt } }`, nil, bearer(admin))
		require.NotNil(t, r.Data["apiKeys"].([]any)[1].(map[string]any)["lastUsedAt"], "last use is shown: %s", r.Raw)
	})
}

func TestAPIKeysRefusedWhenBadExpiredRevokedOrOverTheirRate(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		admin := e.admin()
		ctx := context.Background()
		for _, in := range []map[string]any{
			{"label": "", "scopes": []string{"CATALOG_READ"}},
			{"scopes": []string{}},
			{"scopes": []string{"CATALOG_READ"}, "expiresAt": time.Now().Add(-time.Hour).Format(time.RFC3339)},
			{"scopes": []string{"CATALOG_READ"}, "rateLimitPerMinute": 0},
		} {
			if in["label"] == nil {
				in["label"] = "bad"
			}
			r := e.gql(nil, createKey, map[string]any{"in": in}, bearer(admin))
			require.Equal(t, "BAD_USER_INPUT", r.code(), "%v: %s", in, r.Raw)
		}
		r := e.gql(nil, createKey, map[string]any{"in": map[string]any{"label": "x", "scopes": []string{"EVERYTHING"}}}, bearer(admin))
		require.NotEmpty(t, r.Errors, r.Raw)

		const q = `{ plans { code } }`
		for _, tok := range []string{"mk_", "mk_not-a-key", auth.KeyPrefix + strings.Repeat("A", 43)} {
			r := e.gql(nil, q, nil, bearer(tok))
			require.Equal(t, http.StatusUnauthorized, r.Status, r.Raw)
			require.Equal(t, "UNAUTHENTICATED", r.code())
			require.Contains(t, r.Errors[0].Message, "API key")
		}

		expiring, _ := e.apiKey(admin, map[string]any{"scopes": []string{"CATALOG_READ"}, "expiresAt": time.Now().Add(time.Hour).Format(time.RFC3339)})
		require.Empty(t, e.gql(nil, q, nil, bearer(expiring)).Errors)
		e.store.Client.APIKey.Update().Where(apikey.LabelEQ("sync"), apikey.ExpiresAtNotNil()).
			SetExpiresAt(time.Now().Add(-time.Second)).ExecX(ctx)
		require.Equal(t, "UNAUTHENTICATED", e.gql(nil, q, nil, bearer(expiring)).code(), "an expired key stops working")

		revoked, id := e.apiKey(admin, map[string]any{"scopes": []string{"CATALOG_READ"}})
		require.Empty(t, e.gql(nil, q, nil, bearer(revoked)).Errors)
		r = e.gql(nil, `mutation($id: ID!) { revokeApiKey(id: $id) }`, map[string]any{"id": id}, bearer(admin))
		require.Equal(t, true, r.Data["revokeApiKey"], r.Raw)
		require.Equal(t, "UNAUTHENTICATED", e.gql(nil, q, nil, bearer(revoked)).code())
		r = e.gql(nil, `mutation($id: ID!) { revokeApiKey(id: $id) }`, map[string]any{"id": id}, bearer(admin))
		require.Equal(t, false, r.Data["revokeApiKey"], "revoking twice changes nothing: %s", r.Raw)
		r = e.gql(nil, `{ apiKeys { active revokedAt } }`, nil, bearer(admin))
		require.Contains(t, r.Raw, `"active":false`)

		// A key used from a browser acts as the key: the administrator's cookie is ignored.
		browser := e.browser()
		r = e.gql(browser, `mutation($in: LoginInput!) { login(input: $in) { token } }`, map[string]any{"in": map[string]any{
			"email": "admin@example.com", "password": "correct horse battery"}})
		require.Empty(t, r.Errors, r.Raw)
		reader, _ := e.apiKey(admin, map[string]any{"scopes": []string{"CATALOG_READ"}})
		r = e.gql(browser, `mutation { createTitle(input: {kind: MOVIE, name: "Via cookie"}) { id } }`, nil, bearer(reader))
		require.Equal(t, "FORBIDDEN", r.code(), r.Raw)
		require.Equal(t, "CATALOG_WRITE", r.missingScope())

		// Over its rate, a key is told when to come back.
		slow, _ := e.apiKey(admin, map[string]any{"scopes": []string{"CATALOG_READ"}, "rateLimitPerMinute": 2})
		require.Empty(t, e.gql(nil, q, nil, bearer(slow)).Errors)
		require.Empty(t, e.gql(nil, q, nil, bearer(slow)).Errors)
		r = e.gql(nil, q, nil, bearer(slow))
		require.Equal(t, http.StatusTooManyRequests, r.Status, r.Raw)
		require.Equal(t, "RATE_LIMITED", r.code())
		require.NotEmpty(t, r.Header.Get("Retry-After"))
		require.Equal(t, r.Header.Get("Retry-After"), strings.TrimSuffix(strings.TrimSuffix(r.Errors[0].Message[strings.LastIndex(r.Errors[0].Message, "in ")+3:], " seconds."), " second."))
		require.Empty(t, e.gql(nil, q, nil, bearer(reader)).Errors, "other keys keep their own allowance")
	})
}

// TestAPIKeyRevocationReachesEveryReplica runs two servers on one PostgreSQL, each with its
// own LISTEN/NOTIFY broker: a key revoked on one stops at once on the other, and the
// other's websockets opened with it close.
func TestAPIKeyRevocationReachesEveryReplica(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	replicaRunning := func() *env {
		e := replica(t, url)
		// Auth.Run hears of revocations on other replicas (serve runs it).
		runCtx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); e.auth.Run(runCtx) }()
		t.Cleanup(func() { stop(); <-done })
		return e
	}
	a, b := replicaRunning(), replicaRunning()
	admin := a.admin()
	secret, id := a.apiKey(admin, map[string]any{"scopes": []string{"CATALOG_READ", "USERS_READ"}})
	const q = `{ plans { code } }`
	require.Empty(t, b.gql(nil, q, nil, bearer(secret)).Errors)
	sock := b.open(nil, map[string]any{"authorization": "Bearer " + secret})
	require.Equal(t, "admin@example.com", b.wsMe(sock), "a key acts for its administrator")

	r := a.gql(nil, `mutation($id: ID!) { revokeApiKey(id: $id) }`, map[string]any{"id": id}, bearer(admin))
	require.Equal(t, true, r.Data["revokeApiKey"], r.Raw)
	require.Equal(t, "UNAUTHENTICATED", b.gql(nil, q, nil, bearer(secret)).code(), "the other replica refuses it at once")
	require.NotEqual(t, -1, closed(t, sock), "the other replica closes its sockets")
}

// receiver is a webhook receiver started by a test: it records what it got and answers
// with answer(n) for the n-th request (from 1).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int, w http.ResponseWriter, r *http.Request)
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *receiver {
	rc := &receiver{answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{header: r.Header.Clone(), body: body})
		n := len(rc.got)
		rc.mu.Unlock()
		if rc.answer != nil {
			rc.answer(n, w, r)
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// localHooks lets deliveries reach the test's receivers on 127.0.0.1 over http, as an
// operator allows receivers on an internal network.
func localHooks(c *config.Config) {
	c.WebhookAllowHTTP = true
	c.WebhookAllowNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

const (
	createHook  = `mutation($in: CreateWebhookInput!) { createWebhook(input: $in) { id url events } }`
	hookSecret  = "whsec-0123456789abcdef"
	deliveryLog = `query($id: ID!) { webhookDeliveries(webhookId: $id, first: 10) { totalCount edges { node {
		id eventId event status attempts responseCode latencyMs error payload nextAttemptAt } } } }`
)

func (e *env) hook(admin, url string, events ...string) string {
	e.t.Helper()
	r := e.gql(nil, createHook, map[string]any{"in": map[string]any{"url": url, "events": events, "secret": hookSecret}}, bearer(admin))
	require.Empty(e.t, r.Errors, r.Raw)
	return r.Data["createWebhook"].(map[string]any)["id"].(string)
}

// deliveries waits until the webhook's newest delivery satisfies done, and returns the log.
func (e *env) deliveries(admin, hookID string, done func(d map[string]any) bool) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	require.Eventually(e.t, func() bool {
		r := e.gql(nil, deliveryLog, map[string]any{"id": hookID}, bearer(admin))
		if len(r.Errors) > 0 {
			return false
		}
		out = out[:0]
		for _, ed := range r.Data["webhookDeliveries"].(map[string]any)["edges"].([]any) {
			out = append(out, ed.(map[string]any)["node"].(map[string]any))
		}
		return len(out) > 0 && done(out[0])
	}, 30*time.Second, 50*time.Millisecond, "deliveries: %v", out)
	return out
}

func status(s string) func(map[string]any) bool {
	return func(d map[string]any) bool { return d["status"] == s }
}

func TestWebhooksAreSignedRetriedAndRedelivered(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvWith(t, s, pubsub.NewLocal(), localHooks)
		e.startWorkers()
		admin := e.admin()
		// The receiver fails twice (an error, then an answer too slow for the timeout), then
		// takes everything.
		rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
			switch n {
			case 1:
				w.WriteHeader(http.StatusInternalServerError)
			case 2:
				<-r.Context().Done() // hangs until the sender gives up
			}
		})
		hookID := e.hook(admin, rc.URL+"/hooks", "TITLE_CREATED", "TITLE_DELETED")

		r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Announced"}) { id } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		titleID := r.Data["createTitle"].(map[string]any)["id"].(string)

		log := e.deliveries(admin, hookID, status("SUCCEEDED"))
		require.Len(t, log, 1)
		d := log[0]
		require.Equal(t, "TITLE_CREATED", d["event"])
		require.EqualValues(t, 3, d["attempts"], "%v", d)
		require.EqualValues(t, 200, d["responseCode"])
		require.NotNil(t, d["latencyMs"])
		require.Empty(t, d["error"])

		got := rc.requests()
		require.Len(t, got, 3)
		for _, g := range got {
			require.Equal(t, d["eventId"], g.header.Get(webhook.EventIDHeader), "every retry carries the event's id")
			require.Equal(t, "title.created", g.header.Get(webhook.EventHeader))
			require.NoError(t, webhook.Verify(hookSecret, g.header.Get(webhook.SignatureHeader), g.body, time.Now()))
			require.Error(t, webhook.Verify("another-secret-entirely", g.header.Get(webhook.SignatureHeader), g.body, time.Now()))
		}
		require.Equal(t, d["payload"], string(got[2].body))
		var body webhook.Body
		require.NoError(t, json.Unmarshal(got[2].body, &body))
		require.Equal(t, d["eventId"], body.ID)
		require.Equal(t, "title.created", body.Type)
		require.Equal(t, titleID, jsonID(body.Data["titleId"]))
		require.Equal(t, "Announced", body.Data["name"])

		// Redelivery sends the same event again, newly signed.
		r = e.gql(nil, `mutation($id: ID!) { redeliver(deliveryId: $id) { status } }`, map[string]any{"id": d["id"]}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		require.Eventually(t, func() bool { return len(rc.requests()) == 4 }, 30*time.Second, 20*time.Millisecond)
		again := rc.requests()[3]
		require.Equal(t, got[2].body, again.body)
		require.Equal(t, d["eventId"], again.header.Get(webhook.EventIDHeader))
		require.NoError(t, webhook.Verify(hookSecret, again.header.Get(webhook.SignatureHeader), again.body, time.Now()))
		e.deliveries(admin, hookID, func(d map[string]any) bool { return d["status"] == "SUCCEEDED" && d["attempts"] == float64(4) })

		// Only subscribed events are sent; the deletion is, and the edit is not.
		r = e.gql(nil, `mutation($id: ID!) { updateTitle(id: $id, input: {synopsis: "Edited"}) { id } }`, map[string]any{"id": titleID}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		r = e.gql(nil, `mutation($id: ID!) { deleteTitle(id: $id) }`, map[string]any{"id": titleID}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		log = e.deliveries(admin, hookID, func(d map[string]any) bool { return d["event"] == "TITLE_DELETED" && d["status"] == "SUCCEEDED" })
		require.Len(t, log, 2)

		// A receiver that keeps failing is given up on when the retries run out.
		down := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
		downID := e.hook(admin, down.URL, "TITLE_CREATED")
		r = e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Unheard"}) { id } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		log = e.deliveries(admin, downID, status("FAILED"))
		require.EqualValues(t, 4, log[0]["attempts"], "the first attempt and three retries")
		require.EqualValues(t, 503, log[0]["responseCode"])
		require.Contains(t, log[0]["error"], "503")
		require.Len(t, down.requests(), 4)

		// Deleting a webhook removes its log.
		r = e.gql(nil, `mutation($id: ID!) { deleteWebhook(id: $id) }`, map[string]any{"id": downID}, bearer(admin))
		require.Equal(t, true, r.Data["deleteWebhook"], r.Raw)
		r = e.gql(nil, deliveryLog, map[string]any{"id": downID}, bearer(admin))
		require.Equal(t, "NOT_FOUND", r.code(), r.Raw)
	})
}

// jsonID turns a JSON number id into the string GraphQL shows.
func jsonID(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestWebhookEventsAreDeliveredOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvWith(t, s, pubsub.NewLocal(), localHooks)
		admin := e.admin()
		rc := newReceiver(t, nil)
		hookID := e.hook(admin, rc.URL, "PAYMENT_SUCCEEDED")
		ctx := context.Background()
		ev := webhook.Event{Type: "payment.succeeded", Key: "payment:42:SUCCEEDED", Data: func() (map[string]any, error) {
			return map[string]any{"paymentId": 42}, nil
		}}
		for range 3 {
			require.NoError(t, e.store.InTx(ctx, func(tx *sql.Tx, c *ent.Client) error { return e.hooks.Emit(ctx, tx, c, ev) }))
		}
		// An announcement rolled back with its transaction delivers nothing.
		other := ev
		other.Key = "payment:43:SUCCEEDED"
		err := e.store.InTx(ctx, func(tx *sql.Tx, c *ent.Client) error {
			if err := e.hooks.Emit(ctx, tx, c, other); err != nil {
				return err
			}
			return errors.New("the payment was not recorded after all")
		})
		require.Error(t, err)
		e.startWorkers()
		log := e.deliveries(admin, hookID, status("SUCCEEDED"))
		require.Len(t, log, 1, "the same event announced three times is delivered once")
		require.Len(t, rc.requests(), 1)
	})
}

func TestWebhooksReachNoPrivateAddress(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.startWorkers()
		admin := e.admin()
		for _, url := range []string{
			"http://example.com/hooks", // https only by default
			"https://127.0.0.1/hooks",
			"https://10.0.0.1/hooks",
			"https://169.254.169.254/latest/meta-data",
			"https://[::1]/hooks",
			"ftp://example.com/",
			"not a url",
		} {
			r := e.gql(nil, createHook, map[string]any{"in": map[string]any{"url": url, "events": []string{"TITLE_CREATED"}, "secret": hookSecret}}, bearer(admin))
			require.Equal(t, "BAD_USER_INPUT", r.code(), "%s: %s", url, r.Raw)
			require.Equal(t, "url", r.Errors[0].Extensions["field"])
		}
		r := e.gql(nil, createHook, map[string]any{"in": map[string]any{"url": "https://example.com/", "events": []string{"TITLE_CREATED"}, "secret": "short"}}, bearer(admin))
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)

		// A name is accepted, and checked where it leads when the delivery connects:
		// localhost is loopback, so nothing is sent and the delivery fails at once.
		rc := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			t.Error("a delivery reached a loopback receiver")
		}))
		t.Cleanup(rc.Close)
		hookID := e.hook(admin, strings.Replace(rc.URL, "127.0.0.1", "localhost", 1), "TITLE_CREATED")
		r = e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Kept inside"}) { id } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		log := e.deliveries(admin, hookID, status("FAILED"))
		require.EqualValues(t, 1, log[0]["attempts"], "a refused address is not retried")
		require.Nil(t, log[0]["responseCode"])
		require.Contains(t, log[0]["error"], "loopback")
	})
}

func TestWebhookRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvWith(t, s, pubsub.NewLocal(), localHooks)
		e.startWorkers()
		admin := e.admin()
		inside := newReceiver(t, func(int, http.ResponseWriter, *http.Request) { t.Error("a redirect was followed") })
		bouncer := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, inside.URL+"/admin", http.StatusFound)
		})
		hookID := e.hook(admin, bouncer.URL, "TITLE_CREATED")
		r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Bounced"}) { id } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		log := e.deliveries(admin, hookID, status("FAILED"))
		require.EqualValues(t, 302, log[0]["responseCode"])
		require.Empty(t, inside.requests())
	})
}

func TestSchemaIsPublished(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		code, body := e.status("/graphql/schema.graphqls")
		require.Equal(t, http.StatusOK, code)
		for _, want := range []string{"type Query", "createApiKey(input: CreateApiKeyInput!): CreateApiKeyPayload!",
			"@scope(needs: CATALOG_WRITE)", "directive @scope", "enum WebhookEvent"} {
			require.Contains(t, body, want)
		}
	})
}

// TestWebhooksHearOfMembershipsAndPayments subscribes a viewer through the API, once
// declined and once paid, and checks what a receiver of billing events gets.
func TestWebhooksHearOfMembershipsAndPayments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvWith(t, s, pubsub.NewLocal(), localHooks)
		e.startWorkers()
		admin := e.admin()
		rc := newReceiver(t, nil)
		hookID := e.hook(admin, rc.URL, "MEMBERSHIP_STARTED", "PAYMENT_SUCCEEDED", "PAYMENT_FAILED")
		viewer, viewerID := e.signup(nil, "payer@example.com")

		r := e.gql(nil, subscribeMutation, cardVars("STANDARD", "4000000000000002", "hook-declined"), bearer(viewer))
		require.Equal(t, "PAYMENT_DECLINED", r.code(), r.Raw)
		r = e.gql(nil, subscribeMutation, cardVars("STANDARD", "4242424242424242", "hook-paid"), bearer(viewer))
		require.Empty(t, r.Errors, r.Raw)

		log := e.deliveries(admin, hookID, func(map[string]any) bool {
			n := 0
			for _, g := range rc.requests() {
				if g.header.Get(webhook.EventHeader) != "" {
					n++
				}
			}
			return n == 3
		})
		require.Len(t, log, 3)
		events := map[string]webhook.Body{}
		for _, g := range rc.requests() {
			var b webhook.Body
			require.NoError(t, json.Unmarshal(g.body, &b))
			events[b.Type] = b
			require.NoError(t, webhook.Verify(hookSecret, g.header.Get(webhook.SignatureHeader), g.body, time.Now()))
		}
		require.Equal(t, "FAILED", events["payment.failed"].Data["status"])
		require.Equal(t, "SUCCEEDED", events["payment.succeeded"].Data["status"])
		require.Equal(t, viewerID, jsonID(events["payment.succeeded"].Data["userId"]))
		require.EqualValues(t, events["payment.succeeded"].Data["amountCents"], r.Data["subscribe"].(map[string]any)["payment"].(map[string]any)["amountCents"])
		require.Equal(t, "STANDARD", events["membership.started"].Data["plan"])
		require.Equal(t, "ACTIVE", events["membership.started"].Data["status"])
	})
}

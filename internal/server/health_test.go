package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

func (e *env) status(path string) (int, string) {
	e.t.Helper()
	res, err := http.Get(e.http.URL + path)
	require.NoError(e.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestHealthReadinessMetricsAndRequestIDs(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		code, _ := e.status("/healthz")
		require.Equal(t, http.StatusOK, code)
		code, _ = e.status("/readyz")
		require.Equal(t, http.StatusOK, code)

		e.gql(nil, `{ plans { code } }`, nil)
		code, body := e.status("/metrics")
		require.Equal(t, http.StatusOK, code)
		require.Contains(t, body, `marquee_http_requests_total{code="200",route="graphql"}`)

		r := e.gql(nil, `{ plans { code } }`, nil, header("X-Request-Id", "trace-42"))
		require.Equal(t, "trace-42", r.Header.Get("X-Request-Id"))
		r = e.gql(nil, `{ plans { code } }`, nil, header("X-Request-Id", "bad id with spaces"))
		require.Regexp(t, `^[0-9a-f]{16}$`, r.Header.Get("X-Request-Id"))

		require.NoError(t, e.store.DB.Close())
		code, _ = e.status("/readyz")
		require.Equal(t, http.StatusServiceUnavailable, code, "not ready without a database")
		code, _ = e.status("/healthz")
		require.Equal(t, http.StatusOK, code, "but the process is up")
	})
}

func TestOtherPathsServeTheApp(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		for _, p := range []string{"/", "/title/1", "/playground"} {
			res, err := http.Get(e.http.URL + p)
			require.NoError(t, err)
			res.Body.Close()
			require.Contains(t, res.Header.Get("Content-Type"), "text/html", p)
			require.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, res.StatusCode, p)
		}
		for _, p := range []string{"/media/../data/marquee.db", "/%2e%2e/marquee.db", "/data/marquee.db"} {
			code, body := e.status(p)
			require.NotContains(t, body, "SQLite format", "%s must never reach the data dir (%d)", p, code)
		}
	})
}

func TestAccessLogRedactsPlaybackTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite(t))
	code, _ := e.status("/media/1-2-720-99999999999-c2VjcmV0c2VjcmV0c2VjcmV0/master.m3u8")
	require.Equal(t, http.StatusForbidden, code)
	// The access log line is written as the handler returns, possibly after the client has
	// its answer.
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String(), "/media/REDACTED/master.m3u8") }, 5*time.Second, 10*time.Millisecond)
	require.NotContains(t, e.logs.String(), "c2VjcmV0c2VjcmV0c2VjcmV0")
}

// TestContentSecurityPolicy: the app and the explorer run no inline script and load only
// from this origin (the browser suite fails on any refusal); HSTS only behind https.
func TestContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	for _, publicURL := range []string{"", "https://tv.example.org"} {
		e := newEnvWith(t, storetest.SQLite(t), pubsub.NewLocal(), func(c *config.Config) { c.PublicURL = publicURL })
		for _, p := range []string{"/", "/playground", "/graphql?query={plans{code}}"} {
			res, err := http.Get(e.http.URL + p)
			require.NoError(t, err)
			res.Body.Close()
			csp := res.Header.Get("Content-Security-Policy")
			require.Contains(t, csp, "script-src 'self';", p)
			require.Contains(t, csp, "frame-ancestors 'none'", p)
			require.Contains(t, csp, "connect-src 'self';", p)
			require.NotContains(t, csp, "unsafe", p)
			hsts := res.Header.Get("Strict-Transport-Security")
			if publicURL == "" {
				require.Empty(t, hsts, "plain http must not promise https")
			} else {
				require.Equal(t, "max-age=31536000", hsts)
			}
		}
	}
}

// A title's page carries its link preview in the HTML itself, for apps that run no script;
// other pages, and ids of no title, have none.
func TestTitlePagesHaveLinkPreviews(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite(t))
	admin := e.admin()
	r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Tom & Jerry's Night", synopsis: "A cat, a mouse, <one> long night."}) { id } }`, nil, bearer(admin))
	require.Empty(t, r.Errors, r.Raw)
	id := r.Data["createTitle"].(map[string]any)["id"].(string)
	code, body := e.status("/title/" + id)
	if code == http.StatusServiceUnavailable {
		t.Skip("the web app is not built into this binary")
	}
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `<title>Tom &amp; Jerry&#39;s Night — Marquee</title>`)
	require.Contains(t, body, `<meta property="og:title" content="Tom &amp; Jerry&#39;s Night" />`)
	require.Contains(t, body, `<meta property="og:description" content="A cat, a mouse, &lt;one&gt; long night." />`)
	require.Contains(t, body, `<meta property="og:url" content="`+e.http.URL+`/title/`+id+`" />`)
	for _, p := range []string{"/title/1", "/title/nope", "/search"} {
		_, body := e.status(p)
		require.NotContains(t, body, "og:title", p)
	}
}

package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/graph"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// Tests for the lines of docs/SECURITY.md that no other test covers on its own.

const loginMutation = `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }`

// sessionCookie is the session cookie a browser keeps after a response: the last one set.
func sessionCookie(h http.Header) *http.Cookie {
	var last *http.Cookie
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == auth.CookieName {
			last = c
		}
	}
	return last
}

// TestSessionFixation: whatever session cookie a browser carries before logging in (one an
// attacker planted, or the attacker's own live session) is never the one it carries after,
// and a live one is ended by the login.
func TestSessionFixation(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.signup(nil, "victim@example.com")
		attacker, _ := e.signup(nil, "attacker@example.com")
		u, err := url.Parse(e.http.URL)
		require.NoError(t, err)

		for _, planted := range []string{"chosen-by-the-attacker", attacker} {
			b := e.browser()
			b.Jar.SetCookies(u, []*http.Cookie{{Name: auth.CookieName, Value: planted, Path: "/"}})
			r := e.gql(b, loginMutation, map[string]any{"e": "victim@example.com", "p": "correct horse battery"})
			require.Empty(t, r.Errors, r.Raw)
			c := sessionCookie(r.Header)
			require.NotNil(t, c, "login sets a fresh cookie")
			require.NotEqual(t, planted, c.Value)
			require.Equal(t, r.Data["login"].(map[string]any)["token"], c.Value)

			me := e.gql(b, meQuery, nil)
			require.Equal(t, "victim@example.com", me.Data["me"].(map[string]any)["email"], me.Raw)
		}
		// The attacker's own session was the one the browser logged in from: it is over.
		require.Equal(t, "UNAUTHENTICATED", e.gql(nil, meQuery, nil, bearer(attacker)).code())
	})
}

// aliasedLogins is one request holding n login mutations under aliases, with the emails
// email(i) and the password pw.
func aliasedLogins(n int, email func(int) string, pw string) string {
	var q strings.Builder
	q.WriteString("mutation {")
	for i := range n {
		fmt.Fprintf(&q, " l%d: login(input: {email: %q, password: %q}) { token }", i, email(i), pw)
	}
	q.WriteString(" }")
	return q.String()
}

func errorCodes(r *gqlResponse) map[string]int {
	n := map[string]int{}
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		n[c]++
	}
	return n
}

// TestAliasedLoginsCountPerAttempt: fifty logins aliased into one request are fifty
// attempts for the throttle, per account and address and per address alone, and the right
// password does not get through once the limit is reached.
func TestAliasedLoginsCountPerAttempt(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.signup(nil, "target@example.com")
		r := e.gql(nil, aliasedLogins(50, func(int) string { return "target@example.com" }, "wrong guess 1"), nil)
		require.Equal(t, map[string]int{"INVALID_CREDENTIALS": auth.DefaultLoginLimits.AccountAddr.Max, "RATE_LIMITED": 50 - auth.DefaultLoginLimits.AccountAddr.Max}, errorCodes(r), r.Raw)
		r = e.gql(nil, loginMutation, map[string]any{"e": "target@example.com", "p": "correct horse battery"})
		require.Equal(t, "RATE_LIMITED", r.code(), "the limit holds for the right password too")

		// One address spraying many accounts: the per-address limit counts each alias.
		perAddr := auth.DefaultLoginLimits.Addr.Max - auth.DefaultLoginLimits.AccountAddr.Max
		spray := func(i int) string { return fmt.Sprintf("nobody%d@example.com", i) }
		r = e.gql(nil, aliasedLogins(perAddr+10, spray, "wrong guess 2"), nil)
		require.Equal(t, map[string]int{"INVALID_CREDENTIALS": perAddr, "RATE_LIMITED": 10}, errorCodes(r), r.Raw)
	})
}

// TestRequestTimeoutCancelsResolvers: a query or mutation over HTTP runs under the
// configured deadline; past it, the database work is cancelled, the client gets a typed
// error at once, and nothing is written.
func TestRequestTimeoutCancelsResolvers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvWith(t, s, pubsub.NewLocal(), func(c *config.Config) { c.RequestTimeout = time.Nanosecond })
		started := time.Now()
		r := e.gql(nil, signupMutation, signupVars("late@example.com"))
		require.Equal(t, "INTERNAL", r.code(), r.Raw)
		e.requireNoLeak(r)
		require.Nil(t, r.Data["signup"])
		require.Zero(t, e.users(), "a cancelled mutation writes nothing")

		r = e.gql(nil, `{ plans { code } }`, nil)
		require.Equal(t, "INTERNAL", r.code(), r.Raw)
		require.Less(t, time.Since(started), 10*time.Second)
		require.Contains(t, e.logs.String(), "graphql operation timed out", "operators see why")
	})
	// The default leaves ordinary requests well inside it.
	require.Equal(t, 30*time.Second, config.Default().RequestTimeout)
}

// TestPageSizesAreCapped: no list hands out more than its maximum page, whatever first
// asks for; connections priced by page size hit the complexity limit first.
func TestPageSizesAreCapped(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		tok, _ := e.signup(nil, "pages@example.com")
		for _, c := range []struct{ q, code string }{
			{`{ search(query: "moon", first: 101) { totalCount } }`, "BAD_USER_INPUT"},
			{`{ search(query: "moon", first: -1) { totalCount } }`, "BAD_USER_INPUT"},
			{`{ categories(first: 101) { totalCount } }`, "BAD_USER_INPUT"},
			{`{ feed { rows { titles(first: 101) { totalCount } } } }`, "BAD_USER_INPUT"},
			{`{ me { payments(first: 100000) { edges { node { id } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
			{`{ me { payments(last: 100000) { edges { node { id } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		} {
			r := e.gql(nil, c.q, nil, bearer(tok))
			require.Equal(t, c.code, r.code(), "%s: %s", c.q, r.Raw)
			if c.code == "BAD_USER_INPUT" {
				require.Equal(t, "first", r.Errors[0].Extensions["field"], r.Raw)
			}
		}
		r := e.gql(nil, `{ search(query: "moon", first: 100) { totalCount } }`, nil, bearer(tok))
		require.Empty(t, r.Errors, "the maximum itself is allowed: %s", r.Raw)

		ids := make([]string, 101)
		for i := range ids {
			ids[i] = fmt.Sprint(i + 1)
		}
		r = e.gql(nil, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids}, bearer(tok))
		require.Equal(t, "BAD_USER_INPUT", r.code(), "at most 100 ids per nodes call: %s", r.Raw)

		// Each id is priced with everything selected under it.
		const similar = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Title { similar(first: 10) { id name } } } }`
		r = e.gql(nil, similar, map[string]any{"ids": ids[:1]}, bearer(tok))
		require.Equal(t, "NOT_FOUND", r.code(), "priced within the limit, answered: %s", r.Raw)
		r = e.gql(nil, similar, map[string]any{"ids": ids[:100]}, bearer(tok))
		require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", r.code(), r.Raw)
	})
}

// TestAccountNodesAreTheirOwners: payments and memberships fetched by id through node and
// nodes answer NOT_FOUND to anyone but their owner, exactly as for ids that do not exist.
func TestAccountNodesAreTheirOwners(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		owner, _ := e.signup(nil, "payer@example.com")
		other, _ := e.signup(nil, "snoop@example.com")
		r := e.gql(nil, subscribeMutation, cardVars("BASIC", "4242424242424242", "own"), bearer(owner))
		require.Empty(t, r.Errors, r.Raw)
		r = e.gql(nil, `{ me { membership { id } payments(first: 5) { edges { node { id } } } } }`, nil, bearer(owner))
		require.Empty(t, r.Errors, r.Raw)
		me := r.Data["me"].(map[string]any)
		membership := me["membership"].(map[string]any)["id"].(string)
		payment := me["payments"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)

		const node = `query($id: ID!) { node(id: $id) { id ... on Payment { amountCents last4 } } }`
		for _, id := range []string{membership, payment} {
			r = e.gql(nil, node, map[string]any{"id": id}, bearer(owner))
			require.Empty(t, r.Errors, r.Raw)
			require.Equal(t, id, r.Data["node"].(map[string]any)["id"])

			for _, who := range [][]opt{{bearer(other)}, nil} {
				r = e.gql(nil, node, map[string]any{"id": id}, who...)
				require.Equal(t, "NOT_FOUND", r.code(), r.Raw)
				require.Nil(t, r.Data["node"])
			}
			r = e.gql(nil, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{id}}, bearer(other))
			require.Equal(t, []any{nil}, r.Data["nodes"], r.Raw)
			require.Equal(t, "NOT_FOUND", r.code(), r.Raw)

			// In a longer list, someone else's node reads exactly as an unknown id.
			r = e.gql(nil, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{id, "999999"}}, bearer(other))
			require.Equal(t, []any{nil, nil}, r.Data["nodes"], r.Raw)
			require.Len(t, r.Errors, 2, r.Raw)
			for i, want := range []string{id, "999999"} {
				require.Equal(t, map[string]any{"code": "NOT_FOUND"}, r.Errors[i].Extensions, r.Raw)
				require.Equal(t, "No object has the id "+want+".", r.Errors[i].Message)
			}
		}
	})
}

// TestNoSecondRouteToMedia: media files are reachable only as /media/<valid token>/…; the
// store's paths, the art route, the app's fallback and encoded or dotted variants never
// serve them.
func TestNoSecondRouteToMedia(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		const marker = "MEDIA-FILE-CONTENT"
		for _, key := range []string{"videos/1/master.m3u8", "videos/1/720p/index.m3u8", "videos/1/720p/seg_00001.m4s", "videos/1/poster.jpg", "sources/1/upload.mp4"} {
			_, err := e.media.Put(context.Background(), key, strings.NewReader(marker+" "+key), 1<<20)
			require.NoError(t, err)
		}
		for _, p := range []string{
			"/videos/1/master.m3u8", "/media/videos/1/master.m3u8", "/media/1/720p/seg_00001.m4s", "/media//videos/1/master.m3u8",
			"/media/x/../videos/1/master.m3u8", "/media/%2e%2e/videos/1/master.m3u8", "/data/media/videos/1/master.m3u8",
			"/media/videos/1/poster.jpg", "/art/videos/1/poster.jpg", "/art/x/videos/1/master.m3u8",
			"/art/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/videos/1/poster.jpg", "/sources/1/upload.mp4",
			"/assets/../videos/1/master.m3u8", "/graphql/../media/videos/1/master.m3u8", "/" + e.media.Root() + "/videos/1/master.m3u8",
		} {
			req, err := http.NewRequest(http.MethodGet, e.http.URL+p, nil)
			require.NoError(t, err)
			req.URL.Opaque = p // sent as written, dots and escapes included
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.NoError(t, err)
			require.NotContains(t, string(body), marker, "%s served a media file", p)
		}
	})
}

// TestNoCardNumberInResponses: whatever a subscribe attempt ends in (success, each kind of
// decline, bad input), the answer never carries the card number or the CVC, in any of the
// ways it was typed.
func TestNoCardNumberInResponses(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		for i, number := range []string{"4000 0000 0000 0002", "4000000000009995", "4000-0000-0000-0069", "4000000000000127", "4242424242424241", "4242424242424242"} {
			tok, _ := e.signup(nil, fmt.Sprintf("card%d@example.com", i))
			r := e.gql(nil, subscribeMutation, cardVars("BASIC", number, "k"), bearer(tok))
			digits := strings.NewReplacer(" ", "", "-", "").Replace(number)
			for _, secret := range []string{number, digits, digits[:12]} {
				require.NotContains(t, r.Raw, secret)
			}
			require.NotContains(t, r.Raw, `"314"`, "the CVC never comes back")
			r = e.gql(nil, `{ me { payments(first: 5) { edges { node { last4 failureMessage } } } } }`, nil, bearer(tok))
			require.NotContains(t, r.Raw, digits[:12])
		}
		require.NotContains(t, e.logs.String(), "4000000000000002")
	})
}

// TestTokenLimit: operations are bounded in tokens before validation, whose cost grows with
// the square of the number of same-named fields; the app's and the explorer's operations
// are far below the limit.
func TestTokenLimit(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		repeat := func(n int) string { return "{" + strings.Repeat(" plans{code}", n) + " }" }
		r := e.gql(nil, repeat(graph.MaxTokens/4+1), nil)
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		e.requireNoLeak(r)

		// Just under the limit, the same shape is refused by complexity, after validation.
		r = e.gql(nil, repeat(graph.MaxTokens/4-1), nil)
		require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", r.code(), r.Raw)

		r = e.gql(nil, introspectionQuery, nil)
		require.Empty(t, r.Errors, r.Raw)
	})
}

// introspectionQuery is what GraphQL explorers send first.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

// TestTranscodeDetailsAreForAdmins: a video's failure reason and progress, which
// transcodeProgress shows administrators only, are not read through node or a title either.
func TestTranscodeDetailsAreForAdmins(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		admin := e.admin()
		viewer, _ := e.signup(nil, "curious@example.com")
		r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Broken"}) { id } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		titleID, err := strconv.Atoi(r.Data["createTitle"].(map[string]any)["id"].(string))
		require.NoError(t, err)
		v, err := e.store.Client.Video.Create().SetTitleID(titleID).SetStatus(video.StatusFAILED).
			SetFailureReason("ffmpeg: No space left on device").SetProgressPercent(40).Save(context.Background())
		require.NoError(t, err)

		const q = `query($id: ID!) { node(id: $id) { ... on Video { status failureReason progressPercent } } }`
		for _, who := range [][]opt{nil, {bearer(viewer)}} {
			r = e.gql(nil, q, map[string]any{"id": strconv.Itoa(v.ID)}, who...)
			require.Empty(t, r.Errors, r.Raw)
			require.Equal(t, map[string]any{"status": "FAILED", "failureReason": "", "progressPercent": float64(0)}, r.Data["node"])
		}
		r = e.gql(nil, q, map[string]any{"id": strconv.Itoa(v.ID)}, bearer(admin))
		require.Equal(t, map[string]any{"status": "FAILED", "failureReason": "ffmpeg: No space left on device", "progressPercent": float64(40)}, r.Data["node"], r.Raw)
	})
}

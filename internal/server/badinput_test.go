package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/graph"
	"github.com/marquee-org/marquee/internal/auth"
)

func (e *env) post(contentType, body string, opts ...opt) *gqlResponse {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.http.URL+"/graphql", strings.NewReader(body))
	require.NoError(e.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, o := range opts {
		o(req)
	}
	return e.request(nil, req)
}

func (e *env) get(query string, vars string, opts ...opt) *gqlResponse {
	e.t.Helper()
	v := url.Values{"query": {query}}
	if vars != "" {
		v.Set("variables", vars)
	}
	req, err := http.NewRequest(http.MethodGet, e.http.URL+"/graphql?"+v.Encode(), nil)
	require.NoError(e.t, err)
	for _, o := range opts {
		o(req)
	}
	return e.request(nil, req)
}

// signupBody would create an account if it ran: every rejection below must leave none.
var signupBody = `{"query":"mutation { signup(input: {email: \"x@example.com\", password: \"correct horse battery\", name: \"X\", country: \"US\"}) { token } }"}`

func TestMalformedRequestsAreTypedAndWriteNothing(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		cookie := header("Cookie", auth.CookieName+"=whatever")
		cases := []struct {
			name   string
			send   func() *gqlResponse
			status int
			code   string
		}{
			{"malformed JSON", func() *gqlResponse { return e.post("application/json", `{"query": "{ plans { code } }"`) }, 400, "BAD_USER_INPUT"},
			{"not an object", func() *gqlResponse { return e.post("application/json", `["{ plans { code } }"]`) }, 400, "BAD_USER_INPUT"},
			{"two objects", func() *gqlResponse { return e.post("application/json", signupBody+signupBody) }, 400, "BAD_USER_INPUT"},
			{"empty body", func() *gqlResponse { return e.post("application/json", ``) }, 400, "BAD_USER_INPUT"},
			{"no query", func() *gqlResponse { return e.post("application/json", `{}`) }, 400, "BAD_USER_INPUT"},
			{"unknown body field", func() *gqlResponse {
				return e.post("application/json", strings.TrimSuffix(signupBody, "}")+`,"mutation":true}`)
			}, 400, "BAD_USER_INPUT"},
			{"variables of the wrong type", func() *gqlResponse {
				return e.post("application/json", `{"query":"{ plans { code } }","variables":[1]}`)
			}, 400, "BAD_USER_INPUT"},
			{"3 MB body", func() *gqlResponse {
				return e.post("application/json", `{"query":"{ plans { code } }","variables":{"pad":"`+strings.Repeat("a", 3<<20)+`"}}`)
			}, 413, "BAD_USER_INPUT"},
			{"syntax error", func() *gqlResponse { return e.post("application/json", `{"query":"mutation { signup("}`) }, 422, "BAD_USER_INPUT"},
			{"unknown GraphQL field", func() *gqlResponse { return e.post("application/json", `{"query":"{ plans { code secret } }"}`) }, 422, "BAD_USER_INPUT"},
			{"mutation over GET", func() *gqlResponse {
				return e.get(`mutation { signup(input: {email: "x@example.com", password: "correct horse battery", name: "X", country: "US"}) { token } }`, "")
			}, 405, "BAD_USER_INPUT"},
			{"persisted mutation over GET", func() *gqlResponse {
				// Registered by POST, then named over GET by its hash alone.
				q := `mutation { logout }`
				ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":"%x"}}`, sha256.Sum256([]byte(q)))
				e.post("application/json", fmt.Sprintf(`{"query":%q,"extensions":%s}`, q, ext))
				req, err := http.NewRequest(http.MethodGet, e.http.URL+"/graphql?extensions="+url.QueryEscape(ext), nil)
				require.NoError(t, err)
				return e.request(nil, req)
			}, 200, "BAD_USER_INPUT"},
			{"GET with broken variables", func() *gqlResponse { return e.get(`{ plans { code } }`, `{oops`) }, 400, "BAD_USER_INPUT"},
			{"text/plain with a cookie", func() *gqlResponse { return e.post("text/plain", signupBody, cookie) }, 403, "FORBIDDEN"},
			{"form with a cookie", func() *gqlResponse {
				return e.post("application/x-www-form-urlencoded", "query="+url.QueryEscape(signupBody), cookie)
			}, 403, "FORBIDDEN"},
			{"multipart with a cookie and no preflight header", func() *gqlResponse {
				var b bytes.Buffer
				w := multipart.NewWriter(&b)
				_ = w.WriteField("operations", signupBody)
				_ = w.WriteField("map", `{}`)
				_ = w.Close()
				return e.post(w.FormDataContentType(), b.String(), cookie)
			}, 403, "FORBIDDEN"},
			{"text/plain without a cookie", func() *gqlResponse { return e.post("text/plain", signupBody) }, 415, "BAD_USER_INPUT"},
			{"no content type", func() *gqlResponse { return e.post("", signupBody) }, 415, "BAD_USER_INPUT"},
			{"cross-site JSON post", func() *gqlResponse {
				return e.post("application/json", signupBody, header("Sec-Fetch-Site", "cross-site"), header("Origin", "https://evil.example"))
			}, 403, "FORBIDDEN"},
			{"over-complex query", func() *gqlResponse {
				var q strings.Builder
				q.WriteString("{")
				// Within the token limit (9 tokens each), over the complexity limit (5 each).
				for i := range 500 {
					fmt.Fprintf(&q, " p%d: plans { code name maxStreams priceCents }", i)
				}
				q.WriteString(" }")
				return e.gql(nil, q.String(), nil)
			}, 200, "COMPLEXITY_LIMIT_EXCEEDED"},
			{"deep connection query", func() *gqlResponse {
				return e.gql(nil, `{ me { payments(first: 1000) { edges { node { id amountCents brand last4 } } } } }`, nil)
			}, 200, "COMPLEXITY_LIMIT_EXCEEDED"},
			{"garbled bearer", func() *gqlResponse { return e.post("application/json", signupBody, bearer("garbage")) }, 401, "UNAUTHENTICATED"},
			{"unknown bearer", func() *gqlResponse {
				return e.post("application/json", signupBody, bearer("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
			}, 401, "UNAUTHENTICATED"},
			{"basic auth", func() *gqlResponse {
				return e.post("application/json", signupBody, header("Authorization", "Basic eDp5"))
			}, 401, "UNAUTHENTICATED"},
		}
		for _, c := range cases {
			r := c.send()
			require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Raw)
			require.Equal(t, c.code, r.code(), "%s: %s", c.name, r.Raw)
			require.NotEmpty(t, r.Errors[0].Message, c.name)
			e.requireNoLeak(r)
			require.Zero(t, e.users(), "%s: nothing written", c.name)
		}
	})
}

func TestBadArgumentValuesAreUserInput(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		tok, _ := e.signup(nil, "cursor@example.com")
		// A forged cursor decodes to an offset past any list (1<<63-1 here).
		const forged = "gaFpz3//////////"
		for _, c := range []struct{ query, field string }{
			{`{ me { payments(after: "not-a-cursor") { totalCount } } }`, "after"},
			{`{ node(id: "not-a-number") { id } }`, "id"},
			{`{ title(id: "x") { id } }`, "id"},
			{`{ categories(after: "` + forged + `") { totalCount } }`, "after"},
			{`{ search(query: "a", after: "` + forged + `") { totalCount } }`, "after"},
			{`{ feed { rows { titles(after: "` + forged + `") { totalCount } } } }`, "after"},
			{`{ categories(after: "-----") { totalCount } }`, "after"},
		} {
			r := e.gql(nil, c.query, nil, bearer(tok))
			require.Equal(t, "BAD_USER_INPUT", r.code(), "%s: %s", c.query, r.Raw)
			require.Equal(t, c.field, r.Errors[0].Extensions["field"], "%s: %s", c.query, r.Raw)
			e.requireNoLeak(r)
		}
	})
}

func TestInternalErrorsAreMasked(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		require.NoError(t, e.store.DB.Close())
		r := e.gql(nil, `{ plans { code } }`, nil)
		require.Equal(t, "INTERNAL", r.code(), r.Raw)
		e.requireNoLeak(r)
		require.Contains(t, e.logs.String(), "graphql resolver failed", "the cause is logged for operators")
	})
}

func TestDeepQueriesAreRefused(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		// Seasons and episodes refer to each other: nest them past the depth limit.
		inner := "id"
		for range 7 {
			inner = "episodes { season { " + inner + " } }"
		}
		r := e.gql(nil, `query($id: ID!) { node(id: $id) { ... on Season { `+inner+` } } }`, map[string]any{"id": "1"})
		require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", r.code(), r.Raw)

		// Fragments count toward depth like inline selections.
		r = e.gql(nil, `query($id: ID!) { node(id: $id) { ...S } }
			fragment S on Season { episodes { season { episodes { season { episodes { season { episodes { season { episodes { season { episodes { season { id } } } } } } } } } } } } }`,
			map[string]any{"id": "1"})
		require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", r.code(), r.Raw)

		// Introspection nests type references deeper than the limit and still runs.
		ref := "kind name"
		for range graph.MaxDepth + 2 {
			ref = "kind name ofType { " + ref + " }"
		}
		r = e.gql(nil, `{ __schema { types { name fields { name type { `+ref+` } } } } }`, nil)
		require.Empty(t, r.Errors, r.Raw)
	})
}

func TestControlCharactersAreRefusedEverywhere(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		admin := e.admin()
		titles := func() int { return e.store.Client.Title.Query().CountX(context.Background()) }
		before := titles()
		create := `mutation($in: CreateTitleInput!) { createTitle(input: $in) { id } }`
		cases := []struct {
			name, query, field string
			vars               map[string]any
		}{
			{"NUL in a title's name", create, "in", map[string]any{"in": map[string]any{"kind": "MOVIE", "name": "a\x00b"}}},
			{"bidi override in a synopsis", create, "in", map[string]any{"in": map[string]any{"kind": "MOVIE", "name": "Fine", "synopsis": "gnp\u202e.exe"}}},
			{"NUL written in the query", `mutation { createTitle(input: {kind: MOVIE, name: "a\u0000b"}) { id } }`, "input", nil},
			{"escape in a slug", `{ category(slug: "a\u0000b") { name } }`, "slug", nil},
			{"bell in a search", `query($q: String!) { search(query: $q) { totalCount } }`, "q", map[string]any{"q": "star\awars"}},
			{"isolate in a signup name", signupMutation, "in", map[string]any{"in": map[string]any{
				"email": "x@example.com", "password": "correct horse battery", "name": "\u2067Ada", "country": "US"}}},
			{"in a fragment", `query { ...Q } fragment Q on Query { category(slug: "x\u001by") { name } }`, "slug", nil},
		}
		for _, c := range cases {
			r := e.gql(nil, c.query, c.vars, bearer(admin))
			require.Equal(t, "BAD_USER_INPUT", r.code(), "%s: %s", c.name, r.Raw)
			require.Equal(t, c.field, r.Errors[0].Extensions["field"], "%s: %s", c.name, r.Raw)
			e.requireNoLeak(r)
		}
		require.Equal(t, before, titles(), "nothing written")
		require.Equal(t, 1, e.users(), "nothing written")
		require.NotContains(t, e.logs.String(), "graphql resolver failed")

		// Tabs and line breaks are text.
		r := e.gql(nil, create, map[string]any{"in": map[string]any{"kind": "MOVIE", "name": "Two\tParts", "synopsis": "One.\r\nTwo."}}, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
	})
}

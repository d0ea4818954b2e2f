package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/auth"
)

const meQuery = `{ me { id email name country membership { status } } }`

func TestSignupMeLogoutWithBearer(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		token, id := e.signup(nil, "ada@example.com")

		r := e.gql(nil, meQuery, nil, bearer(token))
		require.Empty(t, r.Errors, r.Raw)
		me := r.Data["me"].(map[string]any)
		require.Equal(t, id, me["id"])
		require.Equal(t, "ada@example.com", me["email"])
		require.Nil(t, me["membership"])

		r = e.gql(nil, `mutation { logout }`, nil, bearer(token))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, true, r.Data["logout"])

		// Replaying the token after logout: every use is refused.
		for _, q := range []string{meQuery, `mutation { logout }`} {
			r = e.gql(nil, q, nil, bearer(token))
			require.Equal(t, http.StatusUnauthorized, r.Status)
			require.Equal(t, "UNAUTHENTICATED", r.code())
		}
	})
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		b := e.browser()
		r := e.gql(b, signupMutation, signupVars("cookie@example.com"))
		require.Empty(t, r.Errors, r.Raw)
		var c *http.Cookie
		for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
			if ck.Name == auth.CookieName {
				c = ck
			}
		}
		require.NotNil(t, c, "signup sets the session cookie")
		require.True(t, c.HttpOnly)
		require.Equal(t, http.SameSiteLaxMode, c.SameSite)
		require.Equal(t, "/", c.Path)
		require.Equal(t, r.Data["signup"].(map[string]any)["token"], c.Value)

		r = e.gql(b, meQuery, nil)
		require.Equal(t, "cookie@example.com", r.Data["me"].(map[string]any)["email"])

		r = e.gql(b, `mutation { logout }`, nil)
		require.Equal(t, true, r.Data["logout"], r.Raw)
		r = e.gql(b, meQuery, nil)
		require.Nil(t, r.Data["me"], "the cookie is cleared on logout")

		// A stale cookie (replayed by hand) is dropped, not an error: the browser must
		// still reach the login form.
		r = e.gql(nil, meQuery, nil, header("Cookie", auth.CookieName+"="+c.Value))
		require.Empty(t, r.Errors, r.Raw)
		require.Nil(t, r.Data["me"])
		require.Contains(t, r.Header.Get("Set-Cookie"), "Max-Age=0")
	})
}

func TestLoginRotatesAndFailsAlike(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		first, _ := e.signup(nil, "rot@example.com")
		login := `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token user { email } } }`

		r := e.gql(nil, login, map[string]any{"e": "ROT@example.com", "p": "correct horse battery"}, bearer(first))
		require.Empty(t, r.Errors, r.Raw)
		second := r.Data["login"].(map[string]any)["token"].(string)
		require.NotEqual(t, first, second)
		require.Equal(t, "UNAUTHENTICATED", e.gql(nil, meQuery, nil, bearer(first)).code(), "the session that logged in again is replaced")
		require.Empty(t, e.gql(nil, meQuery, nil, bearer(second)).Errors)

		unknown := e.gql(nil, login, map[string]any{"e": "nobody@example.com", "p": "correct horse battery"})
		wrong := e.gql(nil, login, map[string]any{"e": "rot@example.com", "p": "incorrect horse"})
		require.Equal(t, "INVALID_CREDENTIALS", unknown.code())
		require.Equal(t, "INVALID_CREDENTIALS", wrong.code())
		require.Equal(t, unknown.Errors[0].Message, wrong.Errors[0].Message)
		require.Nil(t, wrong.Data["login"])
	})
}

func TestLoginThrottledOverHTTP(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.signup(nil, "slow@example.com")
		login := `mutation { login(input: {email: "slow@example.com", password: "guess guess guess"}) { token } }`
		for range 5 {
			require.Equal(t, "INVALID_CREDENTIALS", e.gql(nil, login, nil).code())
		}
		r := e.gql(nil, login, nil)
		require.Equal(t, "RATE_LIMITED", r.code())
		require.NotNil(t, r.Errors[0].Extensions["retryAfterSeconds"])
	})
}

func TestParallelLoginGuessesAreThrottledAsSequentialOnes(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.signup(nil, "target@example.com")
		login := `mutation($p: String!) { login(input: {email: "target@example.com", password: $p}) { token } }`
		// 40 wrong guesses from one address at once.
		rs := e.gqlParallel(40, func(i int) *http.Request {
			return e.gqlRequest(login, map[string]any{"p": fmt.Sprintf("guess number %d", i)})
		})
		n := codes(rs)
		require.LessOrEqual(t, n["INVALID_CREDENTIALS"], 5, "%v: only the allowance of one account from one address is checked", n)
		require.Equal(t, 40-n["INVALID_CREDENTIALS"], n["RATE_LIMITED"], "%v", n)
		require.Equal(t, "RATE_LIMITED", e.gql(nil, login, map[string]any{"p": "correct horse battery"}).code(),
			"the right password waits out the block as after sequential guesses")
	})
}

func TestSignupRejectsBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		e.signup(nil, "taken@example.com")
		cases := []struct {
			name, field, code string
			in                map[string]any
		}{
			{"invalid email", "email", "BAD_USER_INPUT", map[string]any{"email": "not-an-email"}},
			{"email with display name", "email", "BAD_USER_INPUT", map[string]any{"email": "Ada <a@example.com>"}},
			{"short password", "password", "BAD_USER_INPUT", map[string]any{"password": "short"}},
			{"long password", "password", "BAD_USER_INPUT", map[string]any{"password": longPassword}},
			{"common password", "password", "BAD_USER_INPUT", map[string]any{"password": "password123"}},
			{"unknown country", "country", "BAD_USER_INPUT", map[string]any{"country": "ZZ"}},
			{"empty name", "name", "BAD_USER_INPUT", map[string]any{"name": "  "}},
			{"email taken, other case", "email", "EMAIL_TAKEN", map[string]any{"email": "Taken@Example.com"}},
		}
		for _, c := range cases {
			in := map[string]any{"email": "new@example.com", "password": "correct horse battery", "name": "N", "country": "US"}
			for k, v := range c.in {
				in[k] = v
			}
			r := e.gql(nil, signupMutation, map[string]any{"in": in})
			require.Equal(t, c.code, r.code(), c.name)
			require.Equal(t, c.field, r.Errors[0].Extensions["field"], c.name)
			require.NotEmpty(t, r.Errors[0].Message, c.name)
			require.Equal(t, 1, e.users(), "%s: nothing written", c.name)
		}
	})
}

var longPassword = string(func() []byte {
	b := make([]byte, 129)
	for i := range b {
		b[i] = 'q'
	}
	return b
}())

func TestNodePrivacy(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		tokA, idA := e.signup(nil, "a@example.com")
		_, idB := e.signup(nil, "b@example.com")
		q := `query($id: ID!) { node(id: $id) { id ... on User { email } ... on Plan { code } } }`

		r := e.gql(nil, q, map[string]any{"id": idA}, bearer(tokA))
		require.Equal(t, "a@example.com", r.Data["node"].(map[string]any)["email"], r.Raw)

		for _, id := range []string{idB, "999999"} {
			r = e.gql(nil, q, map[string]any{"id": id}, bearer(tokA))
			require.Equal(t, "NOT_FOUND", r.code(), r.Raw)
			require.Nil(t, r.Data["node"])
		}
		r = e.gql(nil, q, map[string]any{"id": idA})
		require.Equal(t, "NOT_FOUND", r.code(), "anonymous viewers see no accounts")

		plans := e.gql(nil, `{ plans { id code } }`, nil)
		require.Len(t, plans.Data["plans"], 3)
		planID := plans.Data["plans"].([]any)[0].(map[string]any)["id"]
		r = e.gql(nil, q, map[string]any{"id": planID})
		require.Equal(t, "BASIC", r.Data["node"].(map[string]any)["code"], r.Raw)
	})
}

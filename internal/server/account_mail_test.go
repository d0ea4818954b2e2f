package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/mail/mailtest"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// publicURL is what the mail tests' servers are told they are reached at: every link in a
// message must start with it, whatever Host a request names.
const publicURL = "http://tv.example.test"

// eachWithMail runs fn on every database against a server whose mail goes to a Mailpit.
func eachWithMail(t *testing.T, fn func(t *testing.T, e *env, box *mailtest.Server)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		box := mailtest.Start(t)
		e := newEnvWith(t, s, pubsub.NewLocal(), func(c *config.Config) {
			c.SMTPURL = box.SMTPURL
			c.PublicURL = publicURL
		})
		e.startWorkers()
		fn(t, e, box)
	})
}

func waitMail(t *testing.T, box *mailtest.Server, to, subject string) mailtest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return box.Wait(ctx, t, to, subject)
}

// tokenIn returns the token of the link to path in a message.
func tokenIn(t *testing.T, m mailtest.Message, path string) string {
	t.Helper()
	u, err := url.Parse(mailtest.Link(t, m, publicURL+path+"?"))
	require.NoError(t, err)
	return u.Query().Get("token")
}

// jobsDone waits until n jobs of kind have finished.
func (e *env) jobsDone(kind string, n int) {
	e.t.Helper()
	require.Eventually(e.t, func() bool {
		var done int
		err := e.store.DB.QueryRow("SELECT COUNT(*) FROM river_job WHERE kind = '" + kind + "' AND state = 'completed'").Scan(&done)
		return err == nil && done >= n
	}, 30*time.Second, 50*time.Millisecond)
}

const (
	resetRequest  = `mutation($e: String!) { requestPasswordReset(email: $e) }`
	resetMutation = `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) {
		token user { email emailVerified membership { status } } } }`
	newPassword = "a brand new passphrase"
)

func TestPasswordResetByMailEndsEveryStream(t *testing.T) {
	t.Parallel()
	eachWithMail(t, func(t *testing.T, e *env, box *mailtest.Server) {
		admin := e.admin()
		film := e.readyTitle(admin, `kind: MOVIE, name: "Reset Film"`)
		phone := e.viewer("ana@example.com", "US", plancode.Standard)
		r := e.gql(nil, loginMutation, map[string]any{"e": "ana@example.com", "p": "correct horse battery"})
		require.Empty(t, r.Errors, r.Raw)
		tv := r.Data["login"].(map[string]any)["token"].(string)
		var beats []func() map[string]any
		for _, tok := range []string{phone, tv} {
			s := e.start(tok, film)
			require.Empty(t, s.Errors, s.Raw)
			beats = append(beats, e.heartbeats(tok, s.Data["startPlayback"].(map[string]any)["id"]))
		}

		// The same answer for an account and for no account, and the link is built from
		// --public-url even when the request names another host.
		evilHost := func(r *http.Request) { r.Host = "evil.example" }
		for _, email := range []string{"ana@example.com", "nobody@example.com"} {
			r := e.gql(nil, resetRequest, map[string]any{"e": email}, evilHost)
			require.Empty(t, r.Errors, r.Raw)
			require.JSONEq(t, `{"data":{"requestPasswordReset":true}}`, r.Raw)
		}
		m := waitMail(t, box, "ana@example.com", "Reset your Marquee password")
		link := mailtest.Link(t, m, "http")
		require.True(t, strings.HasPrefix(link, publicURL+"/reset-password?token="), link)
		require.Contains(t, m.HTML, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`)
		token := tokenIn(t, m, "/reset-password")

		// A second request moments later sends nothing more.
		require.Empty(t, e.gql(nil, resetRequest, map[string]any{"e": "ana@example.com"}).Errors)
		e.jobsDone("auth.password_reset", 3)
		require.Len(t, box.To(t, "ana@example.com"), 2)
		require.Empty(t, box.To(t, "nobody@example.com"))

		// A weak password is refused without using up the link; a wrong token says so.
		r = e.gql(nil, resetMutation, map[string]any{"t": token, "p": "short"})
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		require.Equal(t, "newPassword", r.Errors[0].Extensions["field"])
		r = e.gql(nil, resetMutation, map[string]any{"t": strings.Repeat("A", len(token)), "p": newPassword})
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		require.Equal(t, "token", r.Errors[0].Extensions["field"])

		r = e.gql(nil, resetMutation, map[string]any{"t": token, "p": newPassword})
		require.Empty(t, r.Errors, r.Raw)
		p := r.Data["resetPassword"].(map[string]any)
		require.Equal(t, map[string]any{"email": "ana@example.com", "emailVerified": true, "membership": map[string]any{"status": "ACTIVE"}},
			p["user"], "the link proved the mailbox")
		fresh := p["token"].(string)

		// Both devices are signed out and their streams revoked.
		for i, beat := range beats {
			require.Equal(t, "REVOKED", endOf(beat), "stream %d", i)
		}
		for _, tok := range []string{phone, tv} {
			require.Equal(t, "UNAUTHENTICATED", e.gql(nil, meQuery, nil, bearer(tok)).code())
		}
		require.Empty(t, e.gql(nil, meQuery, nil, bearer(fresh)).Errors)

		// The link works once; the old password no longer does; the owner is told.
		r = e.gql(nil, resetMutation, map[string]any{"t": token, "p": "yet another passphrase"})
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		require.Equal(t, "INVALID_CREDENTIALS", e.gql(nil, loginMutation, map[string]any{"e": "ana@example.com", "p": "correct horse battery"}).code())
		require.Empty(t, e.gql(nil, loginMutation, map[string]any{"e": "ana@example.com", "p": newPassword}).Errors)
		waitMail(t, box, "ana@example.com", "Your Marquee password was changed")
	})
}

func TestResetLinksExpireAndRequestsAreThrottled(t *testing.T) {
	t.Parallel()
	eachWithMail(t, func(t *testing.T, e *env, box *mailtest.Server) {
		e.signup(nil, "bo@example.com")
		e.signup(nil, "cy@example.com")
		require.Empty(t, e.gql(nil, resetRequest, map[string]any{"e": "bo@example.com"}).Errors)
		token := tokenIn(t, waitMail(t, box, "bo@example.com", "Reset your Marquee password"), "/reset-password")

		// Thirty-one minutes later the link is dead.
		_, err := e.store.DB.Exec("UPDATE account_tokens SET expires_at = ? WHERE purpose = 'RESET'", time.Now().Add(-time.Minute))
		if err != nil { // PostgreSQL placeholders
			_, err = e.store.DB.Exec("UPDATE account_tokens SET expires_at = $1 WHERE purpose = 'RESET'", time.Now().Add(-time.Minute))
		}
		require.NoError(t, err)
		r := e.gql(nil, resetMutation, map[string]any{"t": token, "p": newPassword})
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		require.Contains(t, r.Errors[0].Message, "expired or was already used")

		// A link names its account: Bo's new link changes Bo's password, not Cy's.
		link, err := e.auth.ResetLink(context.Background(), "bo@example.com")
		require.NoError(t, err)
		u, err := url.Parse(link)
		require.NoError(t, err)
		require.Empty(t, e.gql(nil, resetMutation, map[string]any{"t": u.Query().Get("token"), "p": newPassword}).Errors)
		require.Empty(t, e.gql(nil, loginMutation, map[string]any{"e": "bo@example.com", "p": newPassword}).Errors)
		require.Empty(t, e.gql(nil, loginMutation, map[string]any{"e": "cy@example.com", "p": "correct horse battery"}).Errors)

		// One address asking again and again, for one account or many: throttled, and the
		// answer is the same for accounts that exist and those that do not.
		limited := 0
		for i := range 50 {
			email := "cy@example.com"
			if i%2 == 1 {
				email = "ghost@example.com"
			}
			r := e.gql(nil, resetRequest, map[string]any{"e": email})
			switch r.code() {
			case "":
				require.Equal(t, true, r.Data["requestPasswordReset"])
			case "RATE_LIMITED":
				limited++
				require.NotNil(t, r.Errors[0].Extensions["retryAfterSeconds"])
			default:
				t.Fatalf("unexpected %s", r.Raw)
			}
		}
		require.Equal(t, 50-19, limited, "twenty requests an hour from one address, one used above")
		e.jobsDone("auth.password_reset", 20)
		require.Len(t, box.To(t, "cy@example.com"), 2, "the confirmation, then one reset link however many requests")
	})
}

func TestEmailVerificationAndChange(t *testing.T) {
	t.Parallel()
	eachWithMail(t, func(t *testing.T, e *env, box *mailtest.Server) {
		tok, _ := e.signup(nil, "dee@example.com")
		const me = `{ me { email emailVerified } }`
		require.Equal(t, map[string]any{"email": "dee@example.com", "emailVerified": false}, e.gql(nil, me, nil, bearer(tok)).Data["me"])
		welcome := waitMail(t, box, "dee@example.com", "Confirm your email for Marquee")
		const verify = `mutation($t: String!) { verifyEmail(token: $t) }`
		require.Empty(t, e.gql(nil, verify, map[string]any{"t": tokenIn(t, welcome, "/verify-email")}).Errors)
		require.Equal(t, true, e.gql(nil, me, nil, bearer(tok)).Data["me"].(map[string]any)["emailVerified"])
		require.Empty(t, e.gql(nil, `mutation { resendVerification }`, nil, bearer(tok)).Errors)

		// Moving to a new address: the password is needed, a taken address is refused, and
		// nothing changes until the new address is confirmed.
		const change = `mutation($e: String!, $p: String!) { changeEmail(newEmail: $e, password: $p) }`
		e.signup(nil, "taken@example.com")
		require.Equal(t, "INVALID_CREDENTIALS", e.gql(nil, change, map[string]any{"e": "dee@new.example", "p": "wrong password!"}, bearer(tok)).code())
		require.Equal(t, "EMAIL_TAKEN", e.gql(nil, change, map[string]any{"e": "taken@example.com", "p": "correct horse battery"}, bearer(tok)).code())
		require.Equal(t, "BAD_USER_INPUT", e.gql(nil, change, map[string]any{"e": "dee@new.example\r\nBcc: x@example.com", "p": "correct horse battery"}, bearer(tok)).code())
		r := e.gql(nil, change, map[string]any{"e": "Dee@New.example", "p": "correct horse battery"}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		notice := waitMail(t, box, "dee@example.com", "Your Marquee email is changing")
		require.Contains(t, notice.Text, "dee@new.example")
		confirm := waitMail(t, box, "dee@new.example", "Confirm your email for Marquee")
		require.Equal(t, "dee@example.com", e.gql(nil, me, nil, bearer(tok)).Data["me"].(map[string]any)["email"])

		require.Empty(t, e.gql(nil, verify, map[string]any{"t": tokenIn(t, confirm, "/verify-email")}).Errors)
		require.Equal(t, map[string]any{"email": "dee@new.example", "emailVerified": true}, e.gql(nil, me, nil, bearer(tok)).Data["me"])
		require.Empty(t, e.gql(nil, loginMutation, map[string]any{"e": "dee@new.example", "p": "correct horse battery"}).Errors)
		// The old address is free again.
		e.signup(nil, "dee@example.com")
	})
}

func TestChangePasswordAndDevices(t *testing.T) {
	t.Parallel()
	eachWithMail(t, func(t *testing.T, e *env, box *mailtest.Server) {
		e.signup(nil, "eve@example.com")
		login := func(ua string) string {
			r := e.gql(nil, loginMutation, map[string]any{"e": "eve@example.com", "p": "correct horse battery"}, header("User-Agent", ua))
			require.Empty(t, r.Errors, r.Raw)
			return r.Data["login"].(map[string]any)["token"].(string)
		}
		laptop := login("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0")
		phone := login("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
		tv := login("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")

		const list = `{ sessions { id device ip current createdAt lastUsedAt } }`
		r := e.gql(nil, list, nil, bearer(laptop))
		require.Empty(t, r.Errors, r.Raw)
		devices := map[string]bool{}
		var phoneID string
		for _, s := range r.Data["sessions"].([]any) {
			s := s.(map[string]any)
			devices[s["device"].(string)] = s["current"].(bool)
			require.Equal(t, "127.0.0.1", s["ip"])
			if s["device"] == "Safari on iPhone" {
				phoneID = s["id"].(string)
			}
		}
		require.Equal(t, map[string]bool{"Firefox on Windows": true, "Safari on iPhone": false, "Chrome on Linux": false, "Go-http-client": false}, devices)

		// Signing the phone out: its token dies. Another account cannot sign it out.
		other, _ := e.signup(nil, "mallory@example.com")
		require.Equal(t, "NOT_FOUND", e.gql(nil, `mutation($id: ID!) { revokeSession(id: $id) }`, map[string]any{"id": phoneID}, bearer(other)).code())
		require.Empty(t, e.gql(nil, meQuery, nil, bearer(phone)).Errors)
		require.Empty(t, e.gql(nil, `mutation($id: ID!) { revokeSession(id: $id) }`, map[string]any{"id": phoneID}, bearer(laptop)).Errors)
		require.Equal(t, "UNAUTHENTICATED", e.gql(nil, meQuery, nil, bearer(phone)).code())

		// Changing the password: the current one is checked, and every other device is
		// signed out.
		const change = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`
		r = e.gql(nil, change, map[string]any{"c": "not my password", "n": newPassword}, bearer(laptop))
		require.Equal(t, "INVALID_CREDENTIALS", r.code(), r.Raw)
		require.Equal(t, "currentPassword", r.Errors[0].Extensions["field"])
		r = e.gql(nil, change, map[string]any{"c": "correct horse battery", "n": "password"}, bearer(laptop))
		require.Equal(t, "newPassword", r.Errors[0].Extensions["field"], r.Raw)
		require.Empty(t, e.gql(nil, change, map[string]any{"c": "correct horse battery", "n": newPassword}, bearer(laptop)).Errors)
		require.Equal(t, "UNAUTHENTICATED", e.gql(nil, meQuery, nil, bearer(tv)).code())
		require.Empty(t, e.gql(nil, meQuery, nil, bearer(laptop)).Errors)
		waitMail(t, box, "eve@example.com", "Your Marquee password was changed")

		login2 := e.gql(nil, loginMutation, map[string]any{"e": "eve@example.com", "p": newPassword})
		require.Empty(t, login2.Errors, login2.Raw)
		r = e.gql(nil, `mutation { revokeOtherSessions }`, nil, bearer(laptop))
		require.Empty(t, r.Errors, r.Raw)
		require.EqualValues(t, 1, r.Data["revokeOtherSessions"], "the login just now; the others went with the password change")
	})
}

func TestExportAndDeleteAccount(t *testing.T) {
	t.Parallel()
	eachWithMail(t, func(t *testing.T, e *env, box *mailtest.Server) {
		admin := e.admin()
		film := e.readyTitle(admin, `kind: MOVIE, name: "Kept Film"`)
		tok, _ := e.signup(nil, "fay@example.com")
		require.Empty(t, e.gql(nil, subscribeMutation, cardVars("BASIC", "4242424242424242", "k"), bearer(tok)).Errors)
		require.Empty(t, e.gql(nil, `mutation($t: ID!) { rateTitle(titleId: $t, stars: 5) { id } }`, map[string]any{"t": film}, bearer(tok)).Errors)
		s := e.start(tok, film)
		require.Empty(t, s.Errors, s.Raw)
		started := s.Data["startPlayback"].(map[string]any)
		beat := e.heartbeats(tok, started["id"])
		require.Equal(t, "ACTIVE", beat()["status"])

		r := e.gql(nil, `mutation { exportMyData }`, nil, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		link := r.Data["exportMyData"].(string)
		require.True(t, strings.HasPrefix(link, publicURL+"/data-export?token="), link)
		download := e.http.URL + strings.TrimPrefix(link, publicURL)
		res, err := http.Get(download)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, string(body))
		require.Contains(t, res.Header.Get("Content-Disposition"), "attachment")
		var data struct {
			Account  struct{ Email string }
			Profiles []struct {
				Name    string
				Ratings []struct {
					Title string
					Stars int
				}
			}
			Payments []struct{ Last4 string }
		}
		require.NoError(t, json.Unmarshal(body, &data))
		require.Equal(t, "fay@example.com", data.Account.Email)
		require.Equal(t, "Kept Film", data.Profiles[0].Ratings[0].Title)
		require.Equal(t, "4242", data.Payments[0].Last4)

		// Deleting: the password is checked; then everything personal goes and the
		// payment stays without card digits; the address may sign up again.
		const del = `mutation($p: String!) { deleteAccount(password: $p) }`
		require.Equal(t, "INVALID_CREDENTIALS", e.gql(nil, del, map[string]any{"p": "wrong password!"}, bearer(tok)).code())
		require.Empty(t, e.gql(nil, del, map[string]any{"p": "correct horse battery"}, bearer(tok)).Errors)
		require.Equal(t, "UNAUTHENTICATED", e.gql(nil, meQuery, nil, bearer(tok)).code())
		// The stream stops: its heartbeat says so and its media URL dies.
		require.Equal(t, "REVOKED", endOf(beat))
		require.Eventually(t, func() bool {
			code, _ := e.status(started["manifestUrl"].(string))
			return code == http.StatusForbidden
		}, 5*time.Second, 50*time.Millisecond)
		res, err = http.Get(download)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusNotFound, res.StatusCode)
		ctx := context.Background()
		pays := e.store.Client.Payment.Query().Where(payment.StatusEQ(payment.StatusSUCCEEDED)).AllX(ctx)
		require.Len(t, pays, 1)
		require.Empty(t, pays[0].Last4)
		owner := e.store.Client.User.GetX(ctx, pays[0].UserID)
		require.NotEqual(t, "fay@example.com", owner.Email)
		require.Empty(t, owner.Name)
		require.Zero(t, e.store.Client.Rating.Query().CountX(ctx))
		waitMail(t, box, "fay@example.com", "Your Marquee account was deleted")
		e.signup(nil, "fay@example.com")
	})
}

package auth_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/session"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
)

// cheap keeps argon2id fast under the race detector; TestStoredHashUsesDefaultParams
// covers the production parameters.
var cheap = auth.Params{MemoryKiB: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func newService(s *store.Store, c *testkit.Clock, o auth.Options) *auth.Service {
	o.Now = c.Now
	if o.Params == (auth.Params{}) {
		o.Params = cheap
	}
	return auth.NewService(s.Client, pubsub.NewLocal(), slog.New(slog.NewTextHandler(io.Discard, nil)), o)
}

func start() *testkit.Clock { return testkit.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)) }

var ada = auth.SignupInput{Email: " Ada@Example.com", Password: "correct horse battery", Name: "Ada", Country: "gb"}

func code(t *testing.T, err error) apperr.Code {
	t.Helper()
	e, ok := apperr.As(err)
	require.True(t, ok, "want a typed error, got %v", err)
	return e.Code
}

func TestSignupLoginLogout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(s, start(), auth.Options{})

		res, err := svc.Signup(ctx, ada, auth.Client{IP: "192.0.2.1", UserAgent: "test"})
		require.NoError(t, err)
		require.Equal(t, "ada@example.com", res.User.Email)
		require.Equal(t, "GB", res.User.Country)
		require.Len(t, res.Token, 43)

		// Only the token's hash is stored.
		sess, err := s.Client.Session.Query().Only(ctx)
		require.NoError(t, err)
		require.NotEqual(t, res.Token, sess.TokenHash)
		require.NotContains(t, sess.TokenHash, res.Token)

		v, err := svc.Authenticate(ctx, res.Token)
		require.NoError(t, err)
		require.Equal(t, res.User.ID, v.User.ID)

		_, err = svc.Signup(ctx, auth.SignupInput{Email: "ADA@example.com", Password: "another good one", Name: "Other", Country: "US"}, auth.Client{})
		require.Equal(t, apperr.EmailTaken, code(t, err))
		require.Equal(t, 1, s.Client.User.Query().CountX(ctx), "nothing written")

		ended, err := svc.Logout(ctx, v.SessionID)
		require.NoError(t, err)
		require.True(t, ended)
		_, err = svc.Authenticate(ctx, res.Token)
		require.ErrorIs(t, err, auth.ErrInvalidToken, "a logged-out token is dead")
		ended, err = svc.Logout(ctx, v.SessionID)
		require.NoError(t, err)
		require.False(t, ended, "logging out twice ends nothing")
	})
}

func TestLoginRotatesTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(s, start(), auth.Options{})
		first, err := svc.Signup(ctx, ada, auth.Client{})
		require.NoError(t, err)

		// A second device logs in: both sessions live, with different tokens.
		second, err := svc.Login(ctx, "ada@example.com", ada.Password, auth.Client{})
		require.NoError(t, err)
		require.NotEqual(t, first.Token, second.Token)
		_, err = svc.Authenticate(ctx, first.Token)
		require.NoError(t, err)

		// Logging in again from a logged-in client replaces that client's session.
		v, err := svc.Authenticate(ctx, second.Token)
		require.NoError(t, err)
		third, err := svc.Login(auth.WithViewer(ctx, v), "ada@example.com", ada.Password, auth.Client{})
		require.NoError(t, err)
		require.NotEqual(t, second.Token, third.Token)
		_, err = svc.Authenticate(ctx, second.Token)
		require.ErrorIs(t, err, auth.ErrInvalidToken)
		_, err = svc.Authenticate(ctx, third.Token)
		require.NoError(t, err)
		require.Equal(t, 2, s.Client.Session.Query().CountX(ctx))
	})
}

func TestLoginFailuresLookAlikeAndAreThrottled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := start()
		svc := newService(s, c, auth.Options{})
		_, err := svc.Signup(ctx, ada, auth.Client{})
		require.NoError(t, err)
		attacker := auth.Client{IP: "203.0.113.9"}

		_, errUnknown := svc.Login(ctx, "nobody@example.com", "whatever it is", attacker)
		_, errWrong := svc.Login(ctx, "ada@example.com", "not the password", attacker)
		require.Equal(t, apperr.InvalidCredentials, code(t, errUnknown))
		require.Equal(t, apperr.InvalidCredentials, code(t, errWrong))
		require.Equal(t, errUnknown.Error(), errWrong.Error(), "unknown email and wrong password read the same")

		for range 4 {
			_, err = svc.Login(ctx, "ada@example.com", "not the password", attacker)
			require.Equal(t, apperr.InvalidCredentials, code(t, err))
		}
		_, err = svc.Login(ctx, "ada@example.com", ada.Password, attacker)
		require.Equal(t, apperr.RateLimited, code(t, err), "even the right password waits out the block")

		// The owner on another address is not locked out by this guesser.
		_, err = svc.Login(ctx, "ada@example.com", ada.Password, auth.Client{IP: "198.51.100.7"})
		require.NoError(t, err)

		c.Advance(16 * time.Minute)
		_, err = svc.Login(ctx, "ada@example.com", ada.Password, attacker)
		require.NoError(t, err, "the block lasts one window")
	})
}

func TestSessionsExpire(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := start()
		svc := newService(s, c, auth.Options{IdleTTL: time.Hour, AbsoluteTTL: 3 * time.Hour})
		res, err := svc.Signup(ctx, ada, auth.Client{})
		require.NoError(t, err)

		// Activity keeps a session alive past the idle limit, not past the absolute one.
		for range 5 {
			c.Advance(50 * time.Minute)
			if c.Now().Sub(res.Session.CreatedAt) >= 3*time.Hour {
				break
			}
			_, err = svc.Authenticate(ctx, res.Token)
			require.NoError(t, err)
		}
		_, err = svc.Authenticate(ctx, res.Token)
		require.ErrorIs(t, err, auth.ErrInvalidToken)
		require.Zero(t, s.Client.Session.Query().CountX(ctx), "an expired session is deleted")

		idle, err := svc.Login(ctx, "ada@example.com", ada.Password, auth.Client{})
		require.NoError(t, err)
		c.Advance(61 * time.Minute)
		_, err = svc.Authenticate(ctx, idle.Token)
		require.ErrorIs(t, err, auth.ErrInvalidToken, "idle expiry")
	})
}

func TestAuthenticateRejectsGarbage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := newService(s, start(), auth.Options{})
		for _, tok := range []string{"", "x", "not a token at all", "A" + string(make([]byte, 42)), "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo", "0000000000000000000000000000000000000000000"} {
			_, err := svc.Authenticate(context.Background(), tok)
			require.ErrorIs(t, err, auth.ErrInvalidToken, tok)
		}
	})
}

func TestStoredHashUsesDefaultParams(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(s, start(), auth.Options{Params: auth.DefaultParams})
		u, err := svc.CreateUser(ctx, auth.NewUser{SignupInput: ada, Admin: true})
		require.NoError(t, err)
		require.Equal(t, user.RoleADMIN, u.Role)

		stored := s.Client.User.Query().Where(user.ID(u.ID)).OnlyX(ctx).PasswordHash
		p, _, _, err := auth.Decode(stored)
		require.NoError(t, err)
		require.GreaterOrEqual(t, p.MemoryKiB, uint32(19*1024))
		require.GreaterOrEqual(t, p.Time, uint32(2))
		require.EqualValues(t, 1, p.Threads)
		require.NotContains(t, stored, ada.Password)
	})
}

func TestLogoutClosesTrackedConnections(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(s, start(), auth.Options{})
		res, err := svc.Signup(ctx, ada, auth.Client{})
		require.NoError(t, err)
		v, err := svc.Authenticate(ctx, res.Token)
		require.NoError(t, err)
		connCtx, release := svc.Conns().Track(auth.WithViewer(ctx, v), res.Session.ID)
		defer release()
		other, releaseOther := svc.Conns().Track(auth.WithViewer(ctx, v), res.Session.ID+1)
		defer releaseOther()
		require.Equal(t, v, auth.FromContext(connCtx))

		_, err = svc.Logout(ctx, res.Session.ID)
		require.NoError(t, err)
		// At once, while the grace period keeps it open for its last events, the connection
		// authorises nothing.
		require.Nil(t, auth.FromContext(connCtx), "a revoked connection carries no viewer")
		_, err = auth.Require(connCtx)
		require.Equal(t, apperr.Unauthenticated, code(t, err))
		require.Equal(t, v, auth.FromContext(other))
		<-connCtx.Done()
		require.ErrorIs(t, context.Cause(connCtx), auth.ErrSessionRevoked)
		require.NoError(t, other.Err(), "other sessions' connections stay open")
		require.Zero(t, s.Client.Session.Query().Where(session.ID(res.Session.ID)).CountX(ctx))
	})
}

func TestSweepDeletesOnlyExpiredSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := start()
		svc := newService(s, c, auth.Options{IdleTTL: time.Hour, AbsoluteTTL: 24 * time.Hour})
		old, err := svc.Signup(ctx, ada, auth.Client{})
		require.NoError(t, err)
		c.Advance(90 * time.Minute)
		fresh, err := svc.Login(ctx, "ada@example.com", ada.Password, auth.Client{})
		require.NoError(t, err)

		n, err := svc.Sweep(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n, "the idle session goes")
		ids := s.Client.Session.Query().IDsX(ctx)
		require.Equal(t, []int{fresh.Session.ID}, ids)
		require.NotEqual(t, old.Session.ID, fresh.Session.ID)
	})
}

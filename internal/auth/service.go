// Package auth owns accounts and sessions: password hashing and policy, opaque session
// tokens, login throttling, the HTTP middleware that puts the viewer in the context, and
// the registry that closes a session's websockets when it logs out.
package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/apikey"
	"github.com/marquee-org/marquee/ent/profile"
	"github.com/marquee-org/marquee/ent/session"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/mail"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/pubsub"
)

// TopicSessionRevoked carries the id of a session that ended, so that every replica closes
// its websockets and streams.
const TopicSessionRevoked = "auth.session_revoked"

// Options configure a Service; zero values pick the defaults.
type Options struct {
	IdleTTL     time.Duration
	AbsoluteTTL time.Duration
	Params      Params
	// ConcurrentHashes bounds argon2id memory: each hash holds Params.MemoryKiB.
	ConcurrentHashes int
	Limits           LoginLimits
	Now              func() time.Time

	// Account mail: transactions with the raw handle the job queue needs, the outbox and
	// the queue, and the base of every link (--public-url). Without them, nothing is mailed.
	InTx      TxFunc
	Mail      Outbox
	Queue     mail.Enqueuer
	PublicURL string
}

// Service signs viewers up and in, and resolves tokens to viewers.
type Service struct {
	client   *ent.Client
	broker   pubsub.Broker
	log      *slog.Logger
	hasher   *Hasher
	policy   *Policy
	throttle *Throttle
	conns    *Conns
	keyConns *Conns
	keys     *keyLimiter
	limits   LoginLimits
	idle     time.Duration
	absolute time.Duration
	now      func() time.Time
	opts     Options
}

// NewService wires a Service.
func NewService(client *ent.Client, broker pubsub.Broker, log *slog.Logger, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Params == (Params{}) {
		o.Params = DefaultParams
	}
	if o.ConcurrentHashes == 0 {
		o.ConcurrentHashes = 4
	}
	if o.Limits == (LoginLimits{}) {
		o.Limits = DefaultLoginLimits
	}
	if o.IdleTTL == 0 {
		o.IdleTTL = 30 * 24 * time.Hour
	}
	if o.AbsoluteTTL == 0 {
		o.AbsoluteTTL = 180 * 24 * time.Hour
	}
	return &Service{
		client: client, broker: broker, log: log,
		hasher:   NewHasher(o.Params, o.ConcurrentHashes),
		policy:   NewPolicy(),
		throttle: NewThrottle(o.Now),
		conns:    NewConns(),
		keyConns: NewConns(),
		keys:     newKeyLimiter(),
		limits:   o.Limits,
		idle:     o.IdleTTL, absolute: o.AbsoluteTTL,
		now: o.Now, opts: o,
	}
}

// Conns is the websocket registry of this replica's login sessions.
func (s *Service) Conns() *Conns { return s.conns }

// AuthenticateBearer resolves an Authorization bearer token: an API key (KeyPrefix) or a
// session token.
func (s *Service) AuthenticateBearer(ctx context.Context, token string) (*Viewer, error) {
	if strings.HasPrefix(token, KeyPrefix) {
		return s.authenticateKey(ctx, token)
	}
	return s.Authenticate(ctx, token)
}

// AllowKey spends one request of v's API key on this replica; when the key has used its
// allowance it returns how long to wait. Logins are not limited here.
func (s *Service) AllowKey(v *Viewer) (time.Duration, bool) {
	if v.Key == nil {
		return 0, true
	}
	return s.keys.take(v.Key.ID, v.Key.RateLimit, s.now())
}

// Client describes where a request comes from, for sessions and throttling.
type Client struct {
	IP        string
	UserAgent string
}

// SignupInput is what a visitor submits to create an account.
type SignupInput struct {
	Email, Password, Name, Country string
}

// NewUser describes an account created by an operator.
type NewUser struct {
	SignupInput
	Admin bool
	// Verified marks the address as confirmed (the operator vouches for it); otherwise a
	// confirmation link is mailed.
	Verified bool
}

// Result is a logged-in session.
type Result struct {
	User *ent.User
	// Profile is the profile the login watches as; nil when it must choose one.
	Profile *ent.Profile
	Session *ent.Session
	// Token is the bearer token; only its hash is stored.
	Token string
}

// Signup validates input, creates the account and logs it in.
func (s *Service) Signup(ctx context.Context, in SignupInput, c Client) (*Result, error) {
	u, err := s.CreateUser(ctx, NewUser{SignupInput: in})
	if err != nil {
		return nil, err
	}
	return s.startSession(ctx, u, c)
}

// CreateUser validates input and stores a new account without logging it in.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (*ent.User, error) {
	email, err := Email(in.Email)
	if err != nil {
		return nil, err
	}
	name, err := Name(in.Name)
	if err != nil {
		return nil, err
	}
	country, err := Country(in.Country)
	if err != nil {
		return nil, err
	}
	if err := s.policy.Password(in.Password); err != nil {
		return nil, err
	}
	// A cheap check first spares a hash; the unique index below settles races.
	if taken, err := s.client.User.Query().Where(user.Email(email)).Exist(ctx); err != nil {
		return nil, fmt.Errorf("check email: %w", err)
	} else if taken {
		return nil, emailTaken()
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	role := user.RoleVIEWER
	if in.Admin {
		role = user.RoleADMIN
	}
	// The account, its first profile and the mail that asks to confirm its address are
	// created together.
	var u *ent.User
	err = s.inTx(ctx, func(tx *sql.Tx, c *ent.Client) error {
		create := c.User.Create().
			SetEmail(email).SetName(name).SetCountry(country).SetRole(role).SetPasswordHash(hash)
		if in.Verified {
			create.SetEmailVerifiedAt(s.now())
		}
		var err error
		u, err = create.Save(ctx)
		if ent.IsConstraintError(err) {
			return emailTaken()
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		if err := c.Profile.Create().SetUserID(u.ID).SetName(FirstProfileName(name, email)).
			SetMaturityCeiling(maturity.Adult).Exec(ctx); err != nil {
			return fmt.Errorf("create profile: %w", err)
		}
		if in.Verified {
			return nil
		}
		return s.verifyLink(ctx, tx, c, u, email)
	})
	if err != nil {
		return nil, err
	}
	// Read back outside the transaction, so the entity is bound to no finished one.
	return s.client.User.Get(ctx, u.ID)
}

// FirstProfileName names an account's first profile: the account's name, else the part of
// its email before the @.
func FirstProfileName(name, email string) string {
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if r := []rune(name); len(r) > 50 {
		name = string(r[:50])
	}
	return name
}

func emailTaken() error {
	return &apperr.Error{Code: apperr.EmailTaken, Field: "email", Message: "An account with this email already exists; log in instead."}
}

func invalidCredentials() error {
	return apperr.New(apperr.InvalidCredentials, "Email or password is incorrect.")
}

// Login checks credentials and starts a new session. If the request already carried a
// session, that one ends: a login never reuses a token.
func (s *Service) Login(ctx context.Context, emailIn, password string, c Client) (*Result, error) {
	email, err := Email(emailIn)
	if err != nil {
		return nil, err
	}
	perAccountAddr := "acct+ip:" + email + "|" + c.IP
	// The attempt is reserved before the password is checked and settled after, so that
	// guesses sent in parallel are counted as if they had been sent one by one.
	attempt, wait := s.throttle.Reserve(
		Key{perAccountAddr, s.limits.AccountAddr},
		Key{"acct:" + email, s.limits.Account},
		Key{"ip:" + c.IP, s.limits.Addr},
	)
	if attempt == nil {
		return nil, apperr.Later(apperr.RateLimited, wait, "Too many failed logins.")
	}
	// Settled however verify ends, a panic included: a reservation left behind would
	// count against the key until the process restarts.
	settle := attempt.Release
	defer func() { settle() }()
	u, ok, rehash, err := s.verify(ctx, email, password)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		settle = attempt.Fail
		return nil, invalidCredentials()
	}
	settle = func() { attempt.Succeed(perAccountAddr) }
	if rehash {
		if h, err := s.hasher.Hash(ctx, password); err == nil {
			if err := s.client.User.UpdateOne(u).SetPasswordHash(h).Exec(ctx); err != nil {
				s.log.WarnContext(ctx, "rehash password", slog.Int("user_id", u.ID), slog.Any("err", err))
			}
		}
	}
	if v := FromContext(ctx); v != nil {
		if _, err := s.Logout(ctx, v.SessionID); err != nil {
			return nil, err
		}
	}
	return s.startSession(ctx, u, c)
}

// verify checks a password against the account with email, taking as long for an unknown
// email as for a wrong password.
func (s *Service) verify(ctx context.Context, email, password string) (u *ent.User, ok, rehash bool, err error) {
	u, err = s.client.User.Query().Where(user.Email(email)).Only(ctx)
	if ent.IsNotFound(err) {
		if err := s.hasher.VerifyDummy(ctx, password); err != nil {
			return nil, false, false, fmt.Errorf("verify: %w", err)
		}
		return nil, false, false, nil
	}
	if err != nil {
		return nil, false, false, fmt.Errorf("find user: %w", err)
	}
	ok, rehash, err = s.hasher.Verify(ctx, password, u.PasswordHash)
	if err != nil {
		return nil, false, false, fmt.Errorf("verify: %w", err)
	}
	return u, ok, rehash, nil
}

// startSession logs u in, watching as the account's first profile unless a PIN locks it:
// then the login has no profile until it selects one.
func (s *Service) startSession(ctx context.Context, u *ent.User, c Client) (*Result, error) {
	first, err := s.client.Profile.Query().Where(profile.UserID(u.ID)).Order(ent.Asc(profile.FieldID)).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("find profile: %w", err)
	}
	var profileID *int
	if first != nil && first.PinHash == "" {
		profileID = &first.ID
	} else {
		first = nil
	}
	token := newToken()
	now := s.now()
	sess, err := s.client.Session.Create().
		SetTokenHash(hashToken(token)).
		SetUserID(u.ID).
		SetNillableProfileID(profileID).
		SetCreatedAt(now).SetLastSeenAt(now).
		SetExpiresAt(now.Add(s.absolute)).
		SetUserAgent(truncate(c.UserAgent, 512)).
		SetIP(truncate(c.IP, 64)).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return &Result{User: u, Profile: first, Session: sess, Token: token}, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Logout ends a session on the server and tells every replica to close its websockets.
// It reports whether a session was ended.
func (s *Service) Logout(ctx context.Context, sessionID int) (bool, error) {
	n, err := s.client.Session.Delete().Where(session.ID(sessionID)).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("delete session: %w", err)
	}
	s.revoked(ctx, sessionID)
	return n > 0, nil
}

func (s *Service) revoked(ctx context.Context, sessionID int) {
	s.conns.Revoke(sessionID)
	if err := s.broker.Publish(ctx, TopicSessionRevoked, []byte(strconv.Itoa(sessionID))); err != nil {
		s.log.WarnContext(ctx, "publish session revocation", slog.Int("session_id", sessionID), slog.Any("err", err))
	}
}

// Track ties a websocket to what authenticated it (v's login session or API key), so that
// logging out or revoking the key closes it, and checks that it is still live now that it
// is tracked (a logout in between revoked nothing here). The returned release is nil when
// it is not live, or when that cannot be told.
func (s *Service) Track(ctx context.Context, v *Viewer) (context.Context, func()) {
	var release func()
	var live bool
	var err error
	if v.Key != nil {
		ctx, release = s.keyConns.Track(ctx, v.Key.ID)
		live, err = s.client.APIKey.Query().Where(apikey.ID(v.Key.ID), apikey.RevokedAtIsNil()).Exist(ctx)
	} else {
		ctx, release = s.conns.Track(ctx, v.SessionID)
		live, err = s.Live(ctx, v.SessionID)
	}
	if err != nil || !live {
		release()
		return ctx, nil
	}
	return ctx, release
}

// Live reports whether a login session still exists: not logged out, swept or expired.
func (s *Service) Live(ctx context.Context, sessionID int) (bool, error) {
	ok, err := s.client.Session.Query().Where(session.ID(sessionID), session.ExpiresAtGT(s.now())).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("find session: %w", err)
	}
	return ok, nil
}

// closeEnded closes the connections of login sessions that no longer exist (logged out or
// swept) and of API keys revoked while the broker was not listening.
func (s *Service) closeEnded(ctx context.Context) error {
	open := s.conns.Sessions()
	for chunk := range slices.Chunk(open, 500) {
		live, err := s.client.Session.Query().Where(session.IDIn(chunk...)).IDs(ctx)
		if err != nil {
			return fmt.Errorf("find sessions: %w", err)
		}
		for _, id := range chunk {
			if !slices.Contains(live, id) {
				s.conns.Revoke(id)
			}
		}
	}
	for chunk := range slices.Chunk(s.keyConns.Sessions(), 500) {
		live, err := s.client.APIKey.Query().Where(apikey.IDIn(chunk...), apikey.RevokedAtIsNil()).IDs(ctx)
		if err != nil {
			return fmt.Errorf("find api keys: %w", err)
		}
		for _, id := range chunk {
			if !slices.Contains(live, id) {
				s.keyConns.Revoke(id)
			}
		}
	}
	return nil
}

// sweepEvery is how often expired sessions are deleted.
const sweepEvery = time.Hour

// Run closes this replica's websockets of sessions revoked on other replicas (and, when the
// broker may have missed such news, of every session no longer in the database), and
// deletes expired sessions every hour, until ctx ends.
func (s *Service) Run(ctx context.Context) {
	revoked := s.broker.Subscribe(ctx, TopicSessionRevoked)
	keys := s.broker.Subscribe(ctx, TopicKeyRevoked)
	missed := s.broker.Subscribe(ctx, pubsub.TopicMissed)
	tick := time.NewTicker(sweepEvery)
	defer tick.Stop()
	sweep := func() {
		if n, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "sweep sessions", slog.Any("err", err))
		} else if n > 0 {
			s.log.InfoContext(ctx, "swept expired sessions", slog.Int("count", n))
		}
	}
	sweep()
	for {
		select {
		case msg, ok := <-revoked:
			if !ok {
				return
			}
			if id, err := strconv.Atoi(string(msg)); err == nil {
				s.conns.Revoke(id)
			}
		case msg, ok := <-keys:
			if !ok {
				return
			}
			if id, err := strconv.Atoi(string(msg)); err == nil {
				s.keyConns.Revoke(id)
			}
		case _, ok := <-missed:
			if !ok {
				return
			}
			if err := s.closeEnded(ctx); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "catch up on missed revocations", slog.Any("err", err))
			}
		case <-tick.C:
			sweep()
		}
	}
}

// Sweep deletes sessions past their absolute or idle expiry, which Authenticate would
// refuse anyway; it keeps the table from growing with sessions never used again.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	n, err := s.client.Session.Delete().
		Where(session.Or(session.ExpiresAtLTE(now), session.LastSeenAtLTE(now.Add(-s.idle)))).
		Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}

// ErrInvalidToken is returned for unknown, expired, revoked or garbled tokens.
var ErrInvalidToken = errors.New("invalid session token")

// Authenticate resolves a bearer token to its viewer.
func (s *Service) Authenticate(ctx context.Context, token string) (*Viewer, error) {
	if !wellFormed(token) {
		return nil, ErrInvalidToken
	}
	sess, err := s.client.Session.Query().
		Where(session.TokenHash(hashToken(token))).
		WithUser().
		WithProfile().
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(s.idle)) {
		if _, err := s.Logout(ctx, sess.ID); err != nil {
			return nil, err
		}
		return nil, ErrInvalidToken
	}
	// Touch at most once a minute: idle expiry needs no finer clock, and reads stay reads.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := s.client.Session.UpdateOneID(sess.ID).SetLastSeenAt(now).Exec(ctx); err != nil {
			s.log.WarnContext(ctx, "touch session", slog.Int("session_id", sess.ID), slog.Any("err", err))
		}
	}
	return &Viewer{User: sess.Edges.User, Profile: sess.Edges.Profile, SessionID: sess.ID, ExpiresAt: sess.ExpiresAt}, nil
}

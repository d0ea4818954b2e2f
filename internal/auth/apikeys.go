package auth

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/apikey"
	"github.com/marquee-org/marquee/ent/schema/apiscope"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/apperr"
)

// KeyPrefix starts every API key's secret, so that it is recognised in headers, logs and
// secret scanners.
const KeyPrefix = "mk_"

// TopicKeyRevoked carries the id of a revoked API key, so that every replica closes the
// websockets it opened.
const TopicKeyRevoked = "auth.api_key_revoked"

// DefaultKeyRateLimit is how many requests a minute a key may make unless its creator says
// otherwise; MaxKeyRateLimit bounds what they may say.
const (
	DefaultKeyRateLimit = 600
	MaxKeyRateLimit     = 60_000
)

// KeyInput describes a key to create.
type KeyInput struct {
	Label     string
	Scopes    []apiscope.Scope
	ExpiresAt *time.Time
	// RateLimit is requests a minute; nil takes DefaultKeyRateLimit.
	RateLimit *int
}

// NewKey is a created key and its secret, which is shown this once.
type NewKey struct {
	Key    *ent.APIKey
	Secret string
}

// CreateAPIKey creates a key acting for the administrator v within the given scopes. A key
// cannot create keys: only a person logged in can.
func (s *Service) CreateAPIKey(ctx context.Context, v *Viewer, in KeyInput) (*NewKey, error) {
	label := strings.TrimSpace(in.Label)
	if label == "" || utf8.RuneCountInString(label) > 100 {
		return nil, apperr.Input("label", "Give the key a label of 1 to 100 characters, e.g. the integration it is for.")
	}
	if len(in.Scopes) == 0 {
		return nil, apperr.Input("scopes", "Give the key at least one scope.")
	}
	scopes := slices.Clone(in.Scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
		return nil, apperr.Input("expiresAt", "The expiry must be in the future.")
	}
	limit := DefaultKeyRateLimit
	if in.RateLimit != nil {
		limit = *in.RateLimit
	}
	if limit < 1 || limit > MaxKeyRateLimit {
		return nil, apperr.Input("rateLimitPerMinute", "The rate limit must be between 1 and %d requests a minute.", MaxKeyRateLimit)
	}
	secret := KeyPrefix + newToken()
	k, err := s.client.APIKey.Create().
		SetLabel(label).SetScopes(scopes).SetRateLimit(limit).SetUserID(v.User.ID).
		SetSecretHash(hashToken(secret)).SetPrefix(secret[:len(KeyPrefix)+8]).
		SetNillableExpiresAt(in.ExpiresAt).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create api key: %w", err)
	}
	s.log.InfoContext(ctx, "api key created", slog.Int("key_id", k.ID), slog.Int("user_id", v.User.ID))
	return &NewKey{Key: k, Secret: secret}, nil
}

// APIKeys lists every key, newest first, revoked ones included (they show when and by
// whom access ended).
func (s *Service) APIKeys(ctx context.Context) ([]*ent.APIKey, error) {
	ks, err := s.client.APIKey.Query().Order(ent.Desc(apikey.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return ks, nil
}

// RevokeAPIKey ends a key at once on every replica: requests look the key up each time, and
// the websockets it opened are closed. It reports whether the key was active.
func (s *Service) RevokeAPIKey(ctx context.Context, id int) (bool, error) {
	n, err := s.client.APIKey.Update().
		Where(apikey.ID(id), apikey.RevokedAtIsNil()).
		SetRevokedAt(s.now()).Save(ctx)
	if err != nil {
		return false, fmt.Errorf("revoke api key: %w", err)
	}
	if n == 0 {
		if ok, err := s.client.APIKey.Query().Where(apikey.ID(id)).Exist(ctx); err != nil {
			return false, fmt.Errorf("find api key: %w", err)
		} else if !ok {
			return false, apperr.New(apperr.NotFound, "There is no such API key.")
		}
		return false, nil
	}
	s.keyConns.Revoke(id)
	if err := s.broker.Publish(ctx, TopicKeyRevoked, []byte(strconv.Itoa(id))); err != nil {
		s.log.WarnContext(ctx, "publish api key revocation", slog.Int("key_id", id), slog.Any("err", err))
	}
	s.log.InfoContext(ctx, "api key revoked", slog.Int("key_id", id))
	return true, nil
}

// KeyActive reports whether a key still works: neither revoked nor expired.
func KeyActive(k *ent.APIKey, now time.Time) bool {
	return k.RevokedAt == nil && (k.ExpiresAt == nil || now.Before(*k.ExpiresAt))
}

// authenticateKey resolves an API key's secret to a viewer: the key's administrator,
// limited to the key's scopes.
func (s *Service) authenticateKey(ctx context.Context, secret string) (*Viewer, error) {
	if !strings.HasPrefix(secret, KeyPrefix) || !wellFormed(secret[len(KeyPrefix):]) {
		return nil, ErrInvalidToken
	}
	k, err := s.client.APIKey.Query().Where(apikey.SecretHash(hashToken(secret))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("find api key: %w", err)
	}
	now := s.now()
	if !KeyActive(k, now) {
		return nil, ErrInvalidToken
	}
	// A key acts for its administrator only while they are one.
	u, err := s.client.User.Query().Where(user.ID(k.UserID), user.RoleEQ(user.RoleADMIN)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("find api key's user: %w", err)
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute {
		if err := s.client.APIKey.UpdateOneID(k.ID).SetLastUsedAt(now).Exec(ctx); err != nil {
			s.log.WarnContext(ctx, "touch api key", slog.Int("key_id", k.ID), slog.Any("err", err))
		}
	}
	exp := now.Add(s.absolute)
	if k.ExpiresAt != nil {
		exp = *k.ExpiresAt
	}
	return &Viewer{User: u, Key: k, ExpiresAt: exp}, nil
}

// keyLimiter bounds each key's requests on this replica with a token bucket holding a
// minute's allowance, refilled continuously.
type keyLimiter struct {
	mu      sync.Mutex
	buckets map[int]*tokens
}

type tokens struct {
	left float64
	at   time.Time
}

func newKeyLimiter() *keyLimiter { return &keyLimiter{buckets: map[int]*tokens{}} }

// take spends one request of key id, allowed perMinute; when none is left it returns how
// long until one is.
func (l *keyLimiter) take(id, perMinute int, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[id]
	if b == nil {
		b = &tokens{left: float64(perMinute), at: now}
		l.buckets[id] = b
	}
	rate := float64(perMinute) / float64(time.Minute) // tokens per nanosecond
	b.left = min(float64(perMinute), b.left+float64(now.Sub(b.at))*rate)
	b.at = now
	if b.left >= 1 {
		b.left--
		return 0, true
	}
	return time.Duration((1 - b.left) / rate), false
}

// MissingScope is the error for a key without scope.
func MissingScope(scope apiscope.Scope) *apperr.Error {
	return &apperr.Error{Code: apperr.Forbidden,
		Message: fmt.Sprintf("This API key lacks the %s scope.", scope),
		Extra:   map[string]any{"missingScope": scope.Enum()}}
}

package auth

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/marquee-org/marquee/internal/apperr"
)

// CookieName is the session cookie set by signup and login.
const CookieName = "marquee_session"

type requestKey struct{}

// request is what resolvers need from the HTTP exchange: where it came from, and a way to
// set or clear the session cookie.
type request struct {
	client Client
	w      http.ResponseWriter
	secure bool
}

// ClientFrom returns the request's origin, or a zero Client outside HTTP.
func ClientFrom(ctx context.Context) Client {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		return r.client
	}
	return Client{}
}

// SetSessionCookie sets the HttpOnly session cookie on the current HTTP response, if any.
func SetSessionCookie(ctx context.Context, token string, expires time.Time) {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		http.SetCookie(r.w, sessionCookie(token, expires, r.secure))
	}
}

// ClearSessionCookie expires the session cookie on the current HTTP response, if any.
func ClearSessionCookie(ctx context.Context) {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		http.SetCookie(r.w, sessionCookie("", time.Unix(0, 0), r.secure))
	}
}

func sessionCookie(token string, expires time.Time, secure bool) *http.Cookie {
	c := &http.Cookie{
		Name: CookieName, Value: token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure,
		Expires: expires,
	}
	if token == "" {
		c.MaxAge = -1
	}
	return c
}

// HasCookie reports whether r carries a session cookie (valid or not).
func HasCookie(r *http.Request) bool {
	_, err := r.Cookie(CookieName)
	return err == nil
}

// Middleware authenticates requests from the Authorization header (a session token or an
// API key) or the session cookie; with the header, the cookie is ignored, so that a key
// used from a browser acts as the key and nothing more. A bad bearer token is an error (integrators must notice); a bad cookie is dropped and the
// request goes on anonymously (a browser with a stale cookie must still reach the login).
func (s *Service) Middleware(secureCookies bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := context.WithValue(r.Context(), requestKey{}, &request{
				client: Client{IP: remoteIP(r), UserAgent: r.UserAgent()},
				w:      w, secure: secureCookies,
			})
			if h := r.Header.Get("Authorization"); h != "" {
				scheme, token, ok := strings.Cut(h, " ")
				if !ok || !strings.EqualFold(scheme, "Bearer") {
					apperr.WriteHTTP(w, http.StatusUnauthorized, apperr.New(apperr.Unauthenticated, "Authorization must be \"Bearer <token>\"."))
					return
				}
				token = strings.TrimSpace(token)
				v, err := s.AuthenticateBearer(ctx, token)
				if err != nil {
					s.authFailed(w, r, err, strings.HasPrefix(token, KeyPrefix))
					return
				}
				if wait, ok := s.AllowKey(v); !ok {
					e := apperr.Later(apperr.RateLimited, wait, "This API key has made too many requests.")
					w.Header().Set("Retry-After", strconv.Itoa(e.Extra["retryAfterSeconds"].(int)))
					apperr.WriteHTTP(w, http.StatusTooManyRequests, e)
					return
				}
				ctx = WithViewer(ctx, v)
			} else if c, err := r.Cookie(CookieName); err == nil {
				v, err := s.Authenticate(ctx, c.Value)
				switch {
				case errors.Is(err, ErrInvalidToken):
					http.SetCookie(w, sessionCookie("", time.Unix(0, 0), secureCookies))
				case err != nil:
					s.authFailed(w, r, err, false)
					return
				default:
					ctx = WithViewer(ctx, v)
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

func (s *Service) authFailed(w http.ResponseWriter, r *http.Request, err error, key bool) {
	if errors.Is(err, ErrInvalidToken) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		msg := "The session token is invalid or has expired; log in again."
		if key {
			msg = "The API key is invalid, expired or revoked."
		}
		apperr.WriteHTTP(w, http.StatusUnauthorized, apperr.New(apperr.Unauthenticated, "%s", msg))
		return
	}
	// The session could not be looked up (the database is unreachable, say): not the client's
	// fault and usually brief, so it is told to retry rather than to log in again.
	s.log.ErrorContext(r.Context(), "authenticate", slog.Any("err", err))
	w.Header().Set("Retry-After", "1")
	apperr.WriteHTTP(w, http.StatusServiceUnavailable, apperr.New(apperr.Internal, "The service is briefly unavailable; try again in a moment."))
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

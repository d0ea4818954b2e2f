package auth

import (
	"context"
	"slices"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/schema/apiscope"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/maturity"
)

// Viewer is the authenticated account behind a request.
type Viewer struct {
	User *ent.User
	// Profile is who watches through this login: nil until one is chosen, when the
	// account's first profile has a PIN.
	Profile   *ent.Profile
	SessionID int
	// Key is the API key the request came with; nil for a login. A key acts for the
	// administrator who created it, within its scopes.
	Key       *ent.APIKey
	ExpiresAt time.Time
}

// HasScope reports whether the request may do what scope allows: always for a login
// (its role decides), and for a key when it was given scope.
func (v *Viewer) HasScope(scope apiscope.Scope) bool {
	return v.Key == nil || slices.Contains(v.Key.Scopes, scope)
}

// MaxAge is the maturity ceiling of whoever watches through this login: the oldest
// maturity age (package maturity) of the titles they may see. A login without a profile
// sees only titles for all ages.
func (v *Viewer) MaxAge() int {
	if v.Key != nil {
		return maturity.Adult // an integration sees the catalog as its administrator manages it
	}
	if v.Profile == nil {
		return 0
	}
	return Ceiling(v.Profile)
}

// ProfileID is the id of the profile watching, 0 when none is chosen.
func (v *Viewer) ProfileID() int {
	if v.Profile == nil {
		return 0
	}
	return v.Profile.ID
}

// RequireProfile returns the profile watching, or PIN_REQUIRED when the login has yet to
// choose one.
func (v *Viewer) RequireProfile() (*ent.Profile, error) {
	if v.Profile == nil {
		return nil, apperr.New(apperr.PINRequired, "Choose who is watching first.")
	}
	return v.Profile, nil
}

// IsAdmin reports whether the viewer may administer the catalog.
func (v *Viewer) IsAdmin() bool { return v != nil && v.User.Role == user.RoleADMIN }

type viewerKey struct{}

// WithViewer returns ctx carrying v.
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer, or nil for anonymous requests and for connections whose
// session has ended.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	if v != nil && revoked(ctx) {
		return nil
	}
	return v
}

// Require returns the viewer or UNAUTHENTICATED.
func Require(ctx context.Context) (*Viewer, error) {
	if v := FromContext(ctx); v != nil {
		return v, nil
	}
	return nil, apperr.New(apperr.Unauthenticated, "Log in to continue.")
}

// RequireAdmin returns the viewer or UNAUTHENTICATED / FORBIDDEN.
func RequireAdmin(ctx context.Context) (*Viewer, error) {
	v, err := Require(ctx)
	if err != nil {
		return nil, err
	}
	if !v.IsAdmin() {
		return nil, apperr.New(apperr.Forbidden, "Only administrators may do this.")
	}
	return v, nil
}

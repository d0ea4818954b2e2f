package catalog

import (
	"slices"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/maturity"
)

// Viewer is who a catalog query is for: a signed-in user, or an anonymous visitor
// (UserID 0). Country decides regional availability and MaxAge, the maturity ceiling of
// the profile watching, which titles exist for them at all.
//
// MaxAge is the oldest maturity age the viewer may see (see package maturity): a viewer
// built without one sees only titles for all ages, so a path that forgets to carry the
// ceiling hides titles rather than showing them to a child. Adults have maturity.Adult.
type Viewer struct {
	UserID int
	// ProfileID is the profile watching: its activity is what the viewer's lists show. 0
	// when the login has not chosen one.
	ProfileID int
	Country   string
	MaxAge    int
}

// ViewerOf is the catalog's view of who is behind a request: anonymous when v is nil (a
// visitor sees what adults see, where titles are available everywhere), else the account's
// country and the ceiling of the profile watching.
func ViewerOf(v *auth.Viewer) Viewer {
	if v == nil {
		return Viewer{MaxAge: maturity.Adult}
	}
	return Viewer{UserID: v.User.ID, ProfileID: v.ProfileID(), Country: v.User.Country, MaxAge: v.MaxAge()}
}

// watching refuses activity (My List, ratings) to a login that has not chosen a profile.
func (v Viewer) watching() error {
	if v.ProfileID == 0 {
		return apperr.New(apperr.PINRequired, "Choose who is watching first.")
	}
	return nil
}

// Anonymous reports whether the viewer has no profile of their own: a visitor, or a login
// yet to choose who is watching. Such viewers get no personal rows.
func (v Viewer) Anonymous() bool { return v.ProfileID == 0 }

// Sees reports whether a title rated rating exists for the viewer: a title above their
// maturity ceiling is never listed, found, shown or played, as if it were not there.
func (v Viewer) Sees(rating string) bool { return maturity.Allows(v.MaxAge, rating) }

// audience is what decides which titles a list shows a viewer.
type audience struct {
	country string
	maxAge  int
}

func (v Viewer) audience() audience { return audience{v.Country, min(v.MaxAge, maturity.Adult)} }

// AvailableIn reports whether t may be watched from country. Titles without regions are
// available everywhere; a visitor of unknown country sees only those.
func AvailableIn(t *ent.Title, country string) bool { return allows(t.Regions, country) }

// allows reports whether a title limited to regions may be watched from country.
func allows(regions []string, country string) bool {
	return len(regions) == 0 || (country != "" && slices.Contains(regions, country))
}

package catalog

import (
	"slices"

	"github.com/marquee-org/marquee/ent"
)

// Viewer is who a catalog query is for: a signed-in user, or an anonymous visitor
// (UserID 0). Country decides regional availability.
type Viewer struct {
	UserID  int
	Country string
}

// Anonymous reports whether the viewer is not signed in.
func (v Viewer) Anonymous() bool { return v.UserID == 0 }

// AvailableIn reports whether t may be watched from country. Titles without regions are
// available everywhere; a visitor of unknown country sees only those.
func AvailableIn(t *ent.Title, country string) bool { return allows(t.Regions, country) }

// allows reports whether a title limited to regions may be watched from country.
func allows(regions []string, country string) bool {
	return len(regions) == 0 || (country != "" && slices.Contains(regions, country))
}

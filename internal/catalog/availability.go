package catalog

import (
	"slices"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/predicate"
	"github.com/marquee-org/marquee/ent/title"
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
func AvailableIn(t *ent.Title, country string) bool {
	return len(t.Regions) == 0 || (country != "" && slices.Contains(t.Regions, country))
}

// Available restricts a title query to what the viewer may watch from their country.
func Available(v Viewer) predicate.Title {
	return func(s *sql.Selector) {
		everywhere := sql.Or(sql.IsNull(s.C(title.FieldRegions)), sqljson.LenEQ(s.C(title.FieldRegions), 0))
		if v.Country == "" {
			s.Where(everywhere)
			return
		}
		s.Where(sql.Or(everywhere, sqljson.ValueContains(s.C(title.FieldRegions), v.Country)))
	}
}

package graph

import (
	"context"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
)

// maxNodes bounds nodes(ids:) so one request cannot fan out without limit.
const maxNodes = 100

// visible decides whether the viewer may fetch a node by id. Catalog nodes are public;
// account nodes belong to their owner (and administrators). Anything else is hidden, so
// that a guessed id reveals nothing, not even that it exists.
//
// Ownership is asked of the database: a node comes back with only the columns the query
// selected (entgql field collection), so its user_id is zero unless the client asked
// for something that needs it.
func visible(ctx context.Context, client *ent.Client, n ent.Noder) bool {
	v := auth.FromContext(ctx)
	if v != nil && v.IsAdmin() {
		return true
	}
	switch n := n.(type) {
	case *ent.User:
		return v != nil && v.User.ID == n.ID
	case *ent.Membership:
		ok, err := client.Membership.Query().Where(membership.ID(n.ID), membership.UserID(viewerID(v))).Exist(ctx)
		return err == nil && ok
	case *ent.Payment:
		ok, err := client.Payment.Query().Where(payment.ID(n.ID), payment.UserID(viewerID(v))).Exist(ctx)
		return err == nil && ok
	case *ent.Title, *ent.Season, *ent.Episode, *ent.Genre, *ent.Person, *ent.Credit,
		*ent.Plan, *ent.Video, *ent.Rendition:
		return true
	default:
		return false
	}
}

// asNode returns n as the schema presents it: a title as the viewer sees it.
func (r *Resolver) asNode(ctx context.Context, n ent.Noder) ent.Noder {
	if t, ok := n.(*ent.Title); ok {
		return r.loaderOf(ctx).View(t)
	}
	return n
}

// viewerID is the viewer's user id, or 0, which no user has, for anonymous viewers.
func viewerID(v *auth.Viewer) int {
	if v == nil {
		return 0
	}
	return v.User.ID
}

func notFound(id int) error {
	return apperr.New(apperr.NotFound, "No object has the id %d.", id)
}

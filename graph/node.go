package graph

import (
	"context"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
)

// maxNodes bounds nodes(ids:) so one request cannot fan out without limit.
const maxNodes = 100

// visible decides whether the viewer may fetch a node by id. Catalog nodes are public;
// account nodes belong to their owner (and administrators). Anything else is hidden, so
// that a guessed id reveals nothing, not even that it exists.
func visible(ctx context.Context, n ent.Noder) bool {
	v := auth.FromContext(ctx)
	owns := func(userID int) bool { return v != nil && (v.User.ID == userID || v.IsAdmin()) }
	switch n := n.(type) {
	case *ent.User:
		return owns(n.ID)
	case *ent.Membership:
		return owns(n.UserID)
	case *ent.Payment:
		return owns(n.UserID)
	case *ent.Title, *ent.Season, *ent.Episode, *ent.Genre, *ent.Person, *ent.Credit,
		*ent.Plan, *ent.Video, *ent.Rendition:
		return true
	default:
		return false
	}
}

func notFound(id int) error {
	return apperr.New(apperr.NotFound, "No object has the id %d.", id)
}

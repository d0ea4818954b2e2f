package graph

import (
	"context"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/rendition"
	"github.com/marquee-org/marquee/ent/schema/apiscope"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
)

// maxNodes bounds nodes(ids:) so one request cannot fan out without limit.
const maxNodes = 100

// visible decides whether the viewer may fetch a node by id. Catalog nodes are public, but
// the parts of a title above the profile's maturity ceiling are hidden from everyone,
// administrators included; account nodes belong to their owner (and administrators).
// Anything else is hidden from viewers, so that a guessed id reveals nothing, not even
// that it exists.
//
// Ownership is asked of the database: a node comes back with only the columns the query
// selected (entgql field collection), so its user_id is zero unless the client asked
// for something that needs it.
func visible(ctx context.Context, client *ent.Client, n ent.Noder) bool {
	v := auth.FromContext(ctx)
	admin := v != nil && v.IsAdmin()
	switch n.(type) {
	case *ent.User, *ent.Membership, *ent.Payment:
		if v != nil && !v.HasScope(apiscope.UsersRead) {
			return false // an API key reads accounts only with users:read
		}
	}
	switch n := n.(type) {
	case *ent.User:
		return admin || (v != nil && v.User.ID == n.ID)
	case *ent.Membership:
		ok, err := client.Membership.Query().Where(membership.ID(n.ID), membership.UserID(viewerID(v))).Exist(ctx)
		return admin || (err == nil && ok)
	case *ent.Payment:
		ok, err := client.Payment.Query().Where(payment.ID(n.ID), payment.UserID(viewerID(v))).Exist(ctx)
		return admin || (err == nil && ok)
	case *ent.Genre, *ent.Person, *ent.Plan, *ent.Title:
		return true // a title above the viewer's maturity ceiling is left out by asNode
	case *ent.Season:
		return titleSeen(ctx, client.Season.Query().Where(season.ID(n.ID)).QueryTitle())
	case *ent.Episode:
		return titleSeen(ctx, client.Episode.Query().Where(episode.ID(n.ID)).QuerySeason().QueryTitle())
	case *ent.Credit:
		return titleSeen(ctx, client.Credit.Query().Where(credit.ID(n.ID)).QueryTitle())
	case *ent.Video:
		return titleSeen(ctx, client.Video.Query().Where(video.ID(n.ID)).QueryTitle())
	case *ent.Rendition:
		return titleSeen(ctx, client.Rendition.Query().Where(rendition.ID(n.ID)).QueryVideo().QueryTitle())
	default:
		return admin
	}
}

// titleSeen reports whether the viewer may see the title q finds: the parts of a title
// above their maturity ceiling (seasons, episodes, credits, videos) are hidden like it.
func titleSeen(ctx context.Context, q *ent.TitleQuery) bool {
	rating, err := q.Select(title.FieldMaturityRating).String(ctx)
	return err == nil && viewerOf(ctx).Sees(rating)
}

// asNode returns n as the schema presents it: a title as the viewer sees it.
func (r *Resolver) asNode(ctx context.Context, n ent.Noder) ent.Noder {
	if t, ok := n.(*ent.Title); ok {
		// Loaded whole (the node came with only the columns the query selected), and nil,
		// not a nil *catalog.Title, when the viewer may not see it.
		ts, err := r.loaderOf(ctx).Titles(ctx, []int{t.ID})
		if err != nil || len(ts) == 0 {
			return nil
		}
		return ts[0]
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

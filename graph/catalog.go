package graph

import (
	"context"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/graph/model"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/catalog"
)

// Page sizes of the lists the catalog hands out. Asking for more than maxPage is
// BAD_USER_INPUT rather than a silent cap, so a client never mistakes a short page for
// the end of the list.
const (
	defaultPage = 20
	maxPage     = 100
	// defaultSimilar and maxSimilar bound Title.similar.
	defaultSimilar = 12
	maxSimilar     = 50
)

// viewerOf is who catalog queries answer for.
func viewerOf(ctx context.Context) catalog.Viewer {
	return catalog.ViewerOf(auth.FromContext(ctx))
}

// newLoader returns a loader for one operation of the viewer behind ctx.
func (r *Resolver) newLoader(ctx context.Context) *catalog.Loader {
	l := r.Catalog.NewLoader(ctx, viewerOf(ctx))
	if r.Signer != nil {
		l.SignArt(r.Signer)
	}
	return l
}

// loaderOf returns the operation's loader (see NewHandler); a fresh one outside it.
func (r *Resolver) loaderOf(ctx context.Context) *catalog.Loader {
	if l := catalog.LoaderFrom(ctx); l != nil {
		return l
	}
	return r.newLoader(ctx)
}

// view returns a function that hands back a title, as the viewer sees it, or an error:
// r.view(ctx)(r.Catalog.Rate(…)).
func (r *Resolver) view(ctx context.Context) func(*ent.Title, error) (*catalog.Title, error) {
	return func(t *ent.Title, err error) (*catalog.Title, error) {
		if err != nil {
			return nil, err
		}
		return r.loaderOf(ctx).View(t), nil
	}
}

// maxOffset is the furthest position a catalog list cursor may name.
const maxOffset = 10_000_000

// pageArgs turns first/after into an offset and a limit. Cursors of catalog lists are
// positions: opaque to clients, stable for a list that does not change.
func pageArgs(first *int, after *ent.Cursor, def, most int) (offset, limit int, err error) {
	limit = def
	if first != nil {
		if *first < 0 || *first > most {
			return 0, 0, apperr.Input("first", "first must be between 0 and %d.", most)
		}
		limit = *first
	}
	if after != nil {
		// A cursor is a position; one past any list a catalog may hold is forged, and would
		// overflow the page's bounds.
		if after.ID < 0 || after.ID > maxOffset {
			return 0, 0, apperr.Input("after", "Unknown cursor: send one this API returned.")
		}
		offset = after.ID
	}
	return offset, limit, nil
}

// titleConnection pages ids (the page at offset of a list of total titles) into a
// Relay connection, loading the titles through the request's loader.
func (r *Resolver) titleConnection(ctx context.Context, ids []int, offset, total int) (*model.TitleConnection, error) {
	ts, err := r.loaderOf(ctx).Titles(ctx, ids)
	if err != nil {
		return nil, err
	}
	conn := &model.TitleConnection{TotalCount: total, Edges: make([]*model.TitleEdge, len(ts))}
	for i, t := range ts {
		conn.Edges[i] = &model.TitleEdge{Node: t, Cursor: ent.Cursor{ID: offset + i + 1}}
	}
	pageInfo(&conn.PageInfo, offset, len(ts), total)
	return conn, nil
}

func pageInfo(p *ent.PageInfo, offset, n, total int) {
	p.HasPreviousPage = offset > 0
	p.HasNextPage = offset+n < total
	if n > 0 {
		p.StartCursor = &ent.Cursor{ID: offset + 1}
		p.EndCursor = &ent.Cursor{ID: offset + n}
	}
}

// basedOn makes sure a Because You Watched row opened as a category knows its title: it is
// computed with the row's titles, whichever field asks first.
func (r *categoryResolver) basedOn(ctx context.Context, row *catalog.Row) error {
	if row.Kind != catalog.BecauseYouWatched {
		return nil
	}
	return r.Catalog.Prepare(ctx, viewerOf(ctx), row)
}

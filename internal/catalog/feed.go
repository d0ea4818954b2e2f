package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"entgo.io/ent/dialect/sql"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/watchprogress"
)

// RowKind is the kind of a feed row or category.
type RowKind string

// The row kinds, in feed order.
const (
	ContinueWatching  RowKind = "CONTINUE_WATCHING"
	MyList            RowKind = "MY_LIST"
	Trending          RowKind = "TRENDING"
	NewReleases       RowKind = "NEW_RELEASES"
	Recommended       RowKind = "RECOMMENDED"
	BecauseYouWatched RowKind = "BECAUSE_YOU_WATCHED"
	Genre             RowKind = "GENRE"
)

// personal rows need a signed-in viewer.
func (k RowKind) personal() bool {
	return k == ContinueWatching || k == MyList || k == Recommended || k == BecauseYouWatched
}

// fixedRows are the non-genre categories with their slugs and names.
var fixedRows = []struct {
	kind       RowKind
	slug, name string
}{
	{ContinueWatching, "continue-watching", "Continue Watching"},
	{MyList, "my-list", "My List"},
	{Trending, "trending", "Trending Now"},
	{NewReleases, "new-releases", "New Releases"},
	{Recommended, "recommended", "Recommended for You"},
	{BecauseYouWatched, "because-you-watched", "Because You Watched"},
}

// Row is a feed row or a category: a named, ordered list of titles.
type Row struct {
	Kind RowKind
	Slug string
	Name string
	// BasedOn is the watched title behind a BECAUSE_YOU_WATCHED row.
	BasedOn *int
	// GenreID is set for genre rows.
	GenreID int
	// ids is the computed order; nil means the row is paged from the database on demand.
	ids []int
	// A row opened as a category is computed once, by whichever of its fields asks first
	// (they resolve concurrently); err is what that computation ended with.
	once sync.Once
	err  error
}

// FeedOptions bound the feed.
type FeedOptions struct {
	// PerRow is how many titles each row holds (what its first page can show).
	PerRow int
	// GenreRows is how many genre rows follow the fixed ones.
	GenreRows int
	// Loader, when set, is given the parts of the viewer's history that the feed read
	// whole (progress, My List, for a viewer with fewer than a few hundred of each), so
	// that their per-title fields need no query of their own.
	Loader *Loader
}

// rowCap is the most titles a computed row keeps; more pages come from category(slug).
const rowCap = 100

// Feed builds the viewer's home rows. Every row's titles are computed here, with a fixed
// number of queries (each bounded by the viewer's own history) whatever the size of the
// catalog: the lists every viewer shares come from the shelf. The titles are registered
// with the loader so that they and their per-viewer fields load in one batch each.
func (s *Service) Feed(ctx context.Context, v Viewer, o FeedOptions) ([]*Row, error) {
	client := s.st.Client
	sh, err := s.shelf(ctx)
	if err != nil {
		return nil, err
	}
	here := sh.in(v.audience())
	o.PerRow = min(max(o.PerRow, 1), rowCap)
	if o.GenreRows <= 0 {
		o.GenreRows = 6
	}
	var rows []*Row
	add := func(kind RowKind, ids []int) *Row {
		r := fixedRow(kind)
		r.ids = ids
		rows = append(rows, r)
		return r
	}
	shown := map[int]bool{}
	// fresh keeps the first rows from repeating a title, as long as the row stays full.
	fresh := func(ids []int) []int {
		out := make([]int, 0, o.PerRow)
		for _, id := range ids {
			if !shown[id] && len(out) < o.PerRow {
				out = append(out, id)
			}
		}
		for _, id := range ids { // top up with repeats rather than show a short row
			if len(out) >= o.PerRow {
				break
			}
			if shown[id] && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		for _, id := range out {
			shown[id] = true
		}
		return out
	}

	var watched, listed []int
	if !v.Anonymous() {
		cw, all, err := continueWatching(ctx, client, sh, v, o.Loader)
		if err != nil {
			return nil, err
		}
		watched = all
		if len(cw) > 0 {
			add(ContinueWatching, cw)
		}
		listed, err = myList(ctx, client, v, o.Loader)
		if err != nil {
			return nil, err
		}
		if ml := sh.available(listed, v.audience()); len(ml) > 0 {
			add(MyList, ml)
		}
	}
	trend := here.trend[:min(rowCap, len(here.trend))]
	add(Trending, fresh(trend))
	add(NewReleases, fresh(here.newest))

	if !v.Anonymous() {
		recs, err := recommended(ctx, client, sh, v, watched, trend)
		if err != nil {
			return nil, err
		}
		if ids := fresh(recs); len(ids) > 0 {
			add(Recommended, ids)
		}
		source, because, err := becauseYouWatched(ctx, client, sh, v)
		if err != nil {
			return nil, err
		}
		if ids := fresh(because); len(ids) > 0 {
			r := add(BecauseYouWatched, ids)
			r.BasedOn = &source
		}
	}

	genres, err := favouriteGenres(ctx, client, sh, v, watched, listed, o.GenreRows)
	if err != nil {
		return nil, err
	}
	for _, g := range genres {
		ids := here.genre(g, v.audience())
		if ids := fresh(ids[:min(rowCap, len(ids))]); len(ids) > 0 {
			rows = append(rows, &Row{Kind: Genre, Slug: g.slug, Name: g.name, GenreID: g.id, ids: ids})
		}
	}
	// Rows of computed ids (Continue Watching, My List) may be longer than a page.
	for _, r := range rows {
		if len(r.ids) > rowCap {
			r.ids = r.ids[:rowCap]
		}
	}
	return rows, nil
}

func fixedRow(kind RowKind) *Row {
	for _, f := range fixedRows {
		if f.kind == kind {
			return &Row{Kind: kind, Slug: f.slug, Name: f.name}
		}
	}
	panic("catalog: unknown row kind " + string(kind))
}

// TitleIDs lists the ids of every title in rows, for loading them in one batch.
func TitleIDs(rows []*Row) []int {
	var ids []int
	for _, r := range rows {
		ids = append(ids, r.ids...)
		if r.BasedOn != nil {
			ids = append(ids, *r.BasedOn)
		}
	}
	return ids
}

// progressCap bounds the progress rows the feed reads.
const progressCap = 500

// continueWatching returns the titles the viewer started and did not finish and may
// still watch here, latest first, and every title they have any progress in (to leave out
// of suggestions, and for their taste in genres): the viewer's 500 latest progress rows at
// most, whatever their history holds. When that is all of them, l learns them.
func continueWatching(ctx context.Context, client *ent.Client, sh *shelf, v Viewer, l *Loader) (started, all []int, err error) {
	ps, err := client.WatchProgress.Query().Where(watchprogress.ProfileID(v.ProfileID)).
		Order(watchprogress.ByUpdatedAt(sql.OrderDesc()), watchprogress.ByID(sql.OrderDesc())).
		Limit(progressCap).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("continue watching: %w", err)
	}
	// A series is in progress while its latest episode is unfinished.
	latest := map[int]*ent.WatchProgress{}
	for _, p := range ps {
		if latest[p.TitleID] != nil {
			continue
		}
		latest[p.TitleID] = p
		all = append(all, p.TitleID)
		if t := sh.titles[p.TitleID]; t == nil || !t.listedFor(v.audience()) {
			continue
		}
		if !p.Completed && p.PositionSeconds > 0 {
			started = append(started, p.TitleID)
		}
	}
	if l != nil && len(ps) < progressCap {
		whole(l, &l.progress, latest)
	}
	return started, all, nil
}

// myList returns the viewer's latest likedCap saved titles, latest first; when that is all
// of them, l learns them.
func myList(ctx context.Context, client *ent.Client, v Viewer, l *Loader) ([]int, error) {
	ids, err := client.MyListItem.Query().Where(mylistitem.ProfileID(v.ProfileID)).
		Order(mylistitem.ByCreatedAt(sql.OrderDesc()), mylistitem.ByID(sql.OrderDesc())).
		Limit(likedCap).Select(mylistitem.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("my list: %w", err)
	}
	if l != nil && len(ids) < likedCap {
		in := make(map[int]bool, len(ids))
		for _, id := range ids {
			in[id] = true
		}
		whole(l, &l.listed, in)
	}
	return ids, nil
}

// recommended reads the precomputed suggestions; until there are any, it falls back to
// popular titles the viewer has not watched.
func recommended(ctx context.Context, client *ent.Client, sh *shelf, v Viewer, watched, popular []int) ([]int, error) {
	ids, err := client.Recommendation.Query().
		Where(recommendation.ProfileID(v.ProfileID), recommendation.KindEQ(recommendation.KindRECOMMENDED)).
		Order(recommendation.ByRank()).Limit(rowCap + len(watched)).Select(recommendation.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("recommended: %w", err)
	}
	seen := make(map[int]bool, len(watched))
	for _, id := range watched {
		seen[id] = true
	}
	ids = slices.DeleteFunc(ids, func(id int) bool { return seen[id] })
	if len(ids) > 0 {
		return sh.available(ids[:min(rowCap, len(ids))], v.audience()), nil
	}
	out := make([]int, 0, len(popular))
	for _, id := range popular {
		if !seen[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// becauseYouWatched picks the most recently computed source title and its suggestions.
func becauseYouWatched(ctx context.Context, client *ent.Client, sh *shelf, v Viewer) (int, []int, error) {
	recs, err := client.Recommendation.Query().
		Where(recommendation.ProfileID(v.ProfileID), recommendation.KindEQ(recommendation.KindBECAUSE_YOU_WATCHED),
			recommendation.SourceTitleIDNotNil()).
		Order(recommendation.ByCreatedAt(sql.OrderDesc()), recommendation.BySourceTitleID(), recommendation.ByRank()).
		Limit(500).All(ctx)
	if err != nil || len(recs) == 0 {
		return 0, nil, err
	}
	source := *recs[0].SourceTitleID
	var ids []int
	for _, r := range recs {
		if *r.SourceTitleID == source {
			ids = append(ids, r.TitleID)
		}
	}
	return source, sh.available(ids, v.audience()), nil
}

// likedCap bounds each kind of history favouriteGenres reads.
const likedCap = 200

// favouriteGenres ranks the genres of what the viewer watched (watched: their latest
// titles with progress), rated well or listed (listed: their latest saved titles), then
// fills up with the catalog's largest genres.
func favouriteGenres(ctx context.Context, client *ent.Client, sh *shelf, v Viewer, watched, listed []int, n int) ([]*shelfGenre, error) {
	count := map[*shelfGenre]int{}
	var order []*shelfGenre
	if !v.Anonymous() {
		rated, err := client.Rating.Query().Where(rating.ProfileID(v.ProfileID), rating.StarsGTE(4)).
			Order(rating.ByTitleID()).Limit(likedCap).Select(rating.FieldTitleID).Ints(ctx)
		if err != nil {
			return nil, fmt.Errorf("favourite genres: %w", err)
		}
		liked := map[int]bool{}
		for _, ids := range [][]int{watched[:min(likedCap, len(watched))], rated, listed} {
			for _, id := range ids {
				t := sh.titles[id]
				if t == nil || liked[id] {
					continue
				}
				liked[id] = true
				for _, g := range t.genres {
					if count[g] == 0 {
						order = append(order, g)
					}
					count[g]++
				}
			}
		}
		slices.SortStableFunc(order, func(a, b *shelfGenre) int { return count[b] - count[a] })
	}
	if len(order) < n {
		for _, g := range sh.largest(n + len(order)) {
			if count[g] == 0 && len(order) < n {
				order = append(order, g)
				count[g] = -1
			}
		}
	}
	return order[:min(n, len(order))], nil
}

// Categories lists every category the viewer can open: the fixed rows (personal ones
// only when signed in), then every genre with titles, by name.
func (s *Service) Categories(ctx context.Context, v Viewer) ([]*Row, error) {
	sh, err := s.shelf(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Row
	for _, f := range fixedRows {
		if !f.kind.personal() || !v.Anonymous() {
			out = append(out, &Row{Kind: f.kind, Slug: f.slug, Name: f.name})
		}
	}
	for _, g := range sh.genres {
		out = append(out, &Row{Kind: Genre, Slug: g.slug, Name: g.name, GenreID: g.id})
	}
	return out, nil
}

// Category finds a category by slug; nil when there is none.
func (s *Service) Category(ctx context.Context, v Viewer, slug string) (*Row, error) {
	slug = strings.ToLower(strings.TrimSpace(slug))
	for _, f := range fixedRows {
		if f.slug == slug {
			if f.kind.personal() && v.Anonymous() {
				return nil, nil
			}
			return &Row{Kind: f.kind, Slug: f.slug, Name: f.name}, nil
		}
	}
	sh, err := s.shelf(ctx)
	if err != nil {
		return nil, err
	}
	g := sh.bySlug[slug]
	if g == nil {
		return nil, nil
	}
	return &Row{Kind: Genre, Slug: g.slug, Name: g.name, GenreID: g.id}, nil
}

// Page returns titles [offset, offset+limit) of the row in order, and how many it has.
func (s *Service) Page(ctx context.Context, v Viewer, r *Row, offset, limit int) ([]int, int, error) {
	sh, err := s.shelf(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := s.prepare(ctx, sh, v, r); err != nil {
		return nil, 0, err
	}
	ids := r.ids
	if ids == nil { // a genre, paged from the shelf
		g := sh.byID[r.GenreID]
		if g == nil {
			return nil, 0, nil
		}
		ids = sh.in(v.audience()).genre(g, v.audience())
	}
	if offset >= len(ids) {
		return nil, len(ids), nil
	}
	return ids[offset:min(len(ids), offset+limit)], len(ids), nil
}

// Prepare computes a fixed row opened as a category (its titles and, for Because You
// Watched, the title it is based on), once however many of its fields ask.
func (s *Service) Prepare(ctx context.Context, v Viewer, r *Row) error {
	sh, err := s.shelf(ctx)
	if err != nil {
		return err
	}
	return s.prepare(ctx, sh, v, r)
}

func (s *Service) prepare(ctx context.Context, sh *shelf, v Viewer, r *Row) error {
	r.once.Do(func() {
		if r.ids == nil && r.Kind != Genre {
			r.err = r.compute(ctx, s.st.Client, sh, v)
		}
	})
	return r.err
}

// compute fills a fixed row opened as a category.
func (r *Row) compute(ctx context.Context, client *ent.Client, sh *shelf, v Viewer) error {
	var err error
	here := sh.in(v.audience())
	trend := here.trend[:min(rowCap, len(here.trend))]
	switch r.Kind {
	case ContinueWatching:
		r.ids, _, err = continueWatching(ctx, client, sh, v, nil)
	case MyList:
		var ids []int
		if ids, err = myList(ctx, client, v, nil); err == nil {
			ids = sh.available(ids, v.audience())
			r.ids = ids[:min(rowCap, len(ids))]
		}
	case Trending:
		r.ids = trend
	case NewReleases:
		r.ids = here.newest
	case Recommended:
		var watched []int
		if _, watched, err = continueWatching(ctx, client, sh, v, nil); err == nil {
			r.ids, err = recommended(ctx, client, sh, v, watched, trend)
		}
	case BecauseYouWatched:
		var source int
		if source, r.ids, err = becauseYouWatched(ctx, client, sh, v); err == nil && source != 0 {
			r.BasedOn = &source
		}
	}
	if r.ids == nil && r.Kind != Genre {
		r.ids = []int{}
	}
	return err
}

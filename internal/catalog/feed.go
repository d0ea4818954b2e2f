package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/genre"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/title"
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
}

// FeedOptions bound the feed.
type FeedOptions struct {
	// PerRow is how many titles each row holds (what its first page can show).
	PerRow int
	// GenreRows is how many genre rows follow the fixed ones.
	GenreRows int
}

// rowCap is the most titles a computed row keeps; more pages come from category(slug).
const rowCap = 100

// Feed builds the viewer's home rows. Every row's titles are computed here, with a fixed
// number of queries whatever the number of rows and titles, and registered with the
// loader so the titles and their per-viewer fields load in one batch each.
func (s *Service) Feed(ctx context.Context, v Viewer, o FeedOptions) ([]*Row, error) {
	client := s.st.Client
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

	var watched []int
	if !v.Anonymous() {
		cw, all, err := continueWatching(ctx, client, v)
		if err != nil {
			return nil, err
		}
		watched = all
		if len(cw) > 0 {
			add(ContinueWatching, cw)
		}
		ml, err := myList(ctx, client, v)
		if err != nil {
			return nil, err
		}
		if len(ml) > 0 {
			add(MyList, ml)
		}
	}
	trend, err := trending(ctx, client, v, rowCap)
	if err != nil {
		return nil, err
	}
	add(Trending, fresh(trend))
	news, err := newReleases(ctx, client, v, rowCap)
	if err != nil {
		return nil, err
	}
	add(NewReleases, fresh(news))

	if !v.Anonymous() {
		recs, err := recommended(ctx, client, v, watched, trend)
		if err != nil {
			return nil, err
		}
		if ids := fresh(recs); len(ids) > 0 {
			add(Recommended, ids)
		}
		source, because, err := becauseYouWatched(ctx, client, v)
		if err != nil {
			return nil, err
		}
		if ids := fresh(because); len(ids) > 0 {
			r := add(BecauseYouWatched, ids)
			r.BasedOn = &source
		}
	}

	genres, err := favouriteGenres(ctx, client, v, o.GenreRows)
	if err != nil {
		return nil, err
	}
	byGenre, err := genreTitles(ctx, client, v, genres, o.PerRow)
	if err != nil {
		return nil, err
	}
	for _, g := range genres {
		if ids := fresh(byGenre[g.ID]); len(ids) > 0 {
			rows = append(rows, &Row{Kind: Genre, Slug: g.Slug, Name: g.Name, GenreID: g.ID, ids: ids})
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

// continueWatching returns the titles the viewer started and did not finish, latest
// first, and every title they have any progress in (to leave out of suggestions).
func continueWatching(ctx context.Context, client *ent.Client, v Viewer) (started, all []int, err error) {
	ps, err := client.WatchProgress.Query().
		Where(watchprogress.UserID(v.UserID), watchprogress.HasTitleWith(Available(v))).
		Order(watchprogress.ByUpdatedAt(sql.OrderDesc()), watchprogress.ByID(sql.OrderDesc())).
		Limit(500).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("continue watching: %w", err)
	}
	// A series is in progress while its latest episode is unfinished.
	seen := map[int]bool{}
	for _, p := range ps {
		if seen[p.TitleID] {
			continue
		}
		seen[p.TitleID] = true
		all = append(all, p.TitleID)
		if !p.Completed && p.PositionSeconds > 0 {
			started = append(started, p.TitleID)
		}
	}
	return started, all, nil
}

func myList(ctx context.Context, client *ent.Client, v Viewer) ([]int, error) {
	ids, err := client.MyListItem.Query().
		Where(mylistitem.UserID(v.UserID), mylistitem.HasTitleWith(Available(v))).
		Order(mylistitem.ByCreatedAt(sql.OrderDesc()), mylistitem.ByID(sql.OrderDesc())).
		Limit(rowCap).Select(mylistitem.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("my list: %w", err)
	}
	return ids, nil
}

func trending(ctx context.Context, client *ent.Client, v Viewer, n int) ([]int, error) {
	ids, err := client.Title.Query().Where(Available(v)).
		Order(title.ByTrendingScore(sql.OrderDesc()), title.ByViewCount(sql.OrderDesc()), title.ByID()).
		Limit(n).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("trending: %w", err)
	}
	return ids, nil
}

func newReleases(ctx context.Context, client *ent.Client, v Viewer, n int) ([]int, error) {
	ids, err := client.Title.Query().Where(Available(v)).
		Order(title.ByReleaseDate(sql.OrderDesc(), sql.OrderNullsLast()), title.ByYear(sql.OrderDesc(), sql.OrderNullsLast()),
			title.ByCreatedAt(sql.OrderDesc()), title.ByID(sql.OrderDesc())).
		Limit(n).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("new releases: %w", err)
	}
	return ids, nil
}

// recommended reads the precomputed suggestions; until there are any, it falls back to
// popular titles the viewer has not watched.
func recommended(ctx context.Context, client *ent.Client, v Viewer, watched, popular []int) ([]int, error) {
	ids, err := client.Recommendation.Query().
		Where(recommendation.UserID(v.UserID), recommendation.KindEQ(recommendation.KindRECOMMENDED),
			recommendation.TitleIDNotIn(watched...)).
		Order(recommendation.ByRank()).Limit(rowCap).Select(recommendation.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("recommended: %w", err)
	}
	if len(ids) > 0 {
		return filterAvailable(ctx, client, v, ids)
	}
	out := make([]int, 0, len(popular))
	for _, id := range popular {
		if !slices.Contains(watched, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// becauseYouWatched picks the most recently computed source title and its suggestions.
func becauseYouWatched(ctx context.Context, client *ent.Client, v Viewer) (int, []int, error) {
	recs, err := client.Recommendation.Query().
		Where(recommendation.UserID(v.UserID), recommendation.KindEQ(recommendation.KindBECAUSE_YOU_WATCHED),
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
	ids, err = filterAvailable(ctx, client, v, ids)
	return source, ids, err
}

// filterAvailable keeps the ids the viewer may watch, in their order.
func filterAvailable(ctx context.Context, client *ent.Client, v Viewer, ids []int) ([]int, error) {
	ok, err := client.Title.Query().Where(title.IDIn(ids...), Available(v)).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("availability: %w", err)
	}
	return slices.DeleteFunc(ids, func(id int) bool { return !slices.Contains(ok, id) }), nil
}

// favouriteGenres ranks the genres of what the viewer watched, rated well or listed,
// then fills up with the catalog's largest genres.
func favouriteGenres(ctx context.Context, client *ent.Client, v Viewer, n int) ([]*ent.Genre, error) {
	count := map[int]int{}
	var order []*ent.Genre
	if !v.Anonymous() {
		liked, err := client.Title.Query().Where(title.Or(
			title.HasWatchProgressWith(watchprogress.UserID(v.UserID)),
			title.HasRatingsWith(rating.UserID(v.UserID), rating.StarsGTE(4)),
			title.HasListedByWith(mylistitem.UserID(v.UserID)),
		)).Limit(200).WithGenres().All(ctx)
		if err != nil {
			return nil, fmt.Errorf("favourite genres: %w", err)
		}
		for _, t := range liked {
			for _, g := range t.Edges.Genres {
				if count[g.ID] == 0 {
					order = append(order, g)
				}
				count[g.ID]++
			}
		}
		slices.SortStableFunc(order, func(a, b *ent.Genre) int { return count[b.ID] - count[a.ID] })
	}
	if len(order) < n {
		top, err := client.Genre.Query().Where(genre.HasTitles()).
			Order(genre.ByTitlesCount(sql.OrderDesc()), genre.ByName()).Limit(n + len(order)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("top genres: %w", err)
		}
		for _, g := range top {
			if count[g.ID] == 0 && len(order) < n {
				order = append(order, g)
				count[g.ID] = -1
			}
		}
	}
	return order[:min(n, len(order))], nil
}

// genreTitles fills each genre's row from the most popular titles in any of them: one
// query for all rows. A genre left short (its titles all rank low) gets a second pass.
func genreTitles(ctx context.Context, client *ent.Client, v Viewer, genres []*ent.Genre, perRow int) (map[int][]int, error) {
	out := map[int][]int{}
	if len(genres) == 0 {
		return out, nil
	}
	ids := make([]int, len(genres))
	for i, g := range genres {
		ids[i] = g.ID
	}
	fill := func(want []int, limit int) error {
		ts, err := client.Title.Query().
			Where(Available(v), title.HasGenresWith(genre.IDIn(want...))).
			Order(title.ByTrendingScore(sql.OrderDesc()), title.ByViewCount(sql.OrderDesc()), title.ByID()).
			Limit(limit).
			WithGenres(func(q *ent.GenreQuery) { q.Where(genre.IDIn(want...)) }).
			All(ctx)
		if err != nil {
			return fmt.Errorf("genre rows: %w", err)
		}
		for _, t := range ts {
			for _, g := range t.Edges.Genres {
				if len(out[g.ID]) < rowCap && !slices.Contains(out[g.ID], t.ID) {
					out[g.ID] = append(out[g.ID], t.ID)
				}
			}
		}
		return nil
	}
	// Twice a row's worth per genre leaves room for the rows above taking some titles.
	if err := fill(ids, len(ids)*perRow*3); err != nil {
		return nil, err
	}
	var short []int
	for _, id := range ids {
		if len(out[id]) < 2*perRow {
			short = append(short, id)
		}
	}
	if len(short) > 0 && len(short) < len(ids) {
		if err := fill(short, len(short)*perRow*6); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Categories lists every category the viewer can open: the fixed rows (personal ones
// only when signed in), then every genre with titles, by name.
func (s *Service) Categories(ctx context.Context, v Viewer) ([]*Row, error) {
	client := s.st.Client
	var out []*Row
	for _, f := range fixedRows {
		if !f.kind.personal() || !v.Anonymous() {
			out = append(out, &Row{Kind: f.kind, Slug: f.slug, Name: f.name})
		}
	}
	gs, err := client.Genre.Query().Where(genre.HasTitles()).Order(genre.ByName()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("genres: %w", err)
	}
	for _, g := range gs {
		out = append(out, &Row{Kind: Genre, Slug: g.Slug, Name: g.Name, GenreID: g.ID})
	}
	return out, nil
}

// Category finds a category by slug; nil when there is none.
func (s *Service) Category(ctx context.Context, v Viewer, slug string) (*Row, error) {
	client := s.st.Client
	slug = strings.ToLower(strings.TrimSpace(slug))
	for _, f := range fixedRows {
		if f.slug == slug {
			if f.kind.personal() && v.Anonymous() {
				return nil, nil
			}
			return &Row{Kind: f.kind, Slug: f.slug, Name: f.name}, nil
		}
	}
	g, err := client.Genre.Query().Where(genre.Slug(slug)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find genre: %w", err)
	}
	return &Row{Kind: Genre, Slug: g.Slug, Name: g.Name, GenreID: g.ID}, nil
}

// Page returns titles [offset, offset+limit) of the row in order, and how many it has.
func (s *Service) Page(ctx context.Context, v Viewer, r *Row, offset, limit int) ([]int, int, error) {
	client := s.st.Client
	if r.ids == nil {
		if err := r.compute(ctx, client, v); err != nil {
			return nil, 0, err
		}
	}
	if r.ids == nil { // a genre, paged in the database
		q := client.Title.Query().Where(Available(v), title.HasGenresWith(genre.ID(r.GenreID)))
		total, err := q.Clone().Count(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("count genre: %w", err)
		}
		ids, err := q.Order(title.ByTrendingScore(sql.OrderDesc()), title.ByViewCount(sql.OrderDesc()), title.ByID()).
			Offset(offset).Limit(limit).IDs(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("genre page: %w", err)
		}
		return ids, total, nil
	}
	if offset >= len(r.ids) {
		return nil, len(r.ids), nil
	}
	return r.ids[offset:min(len(r.ids), offset+limit)], len(r.ids), nil
}

// compute fills a fixed row opened as a category.
func (r *Row) compute(ctx context.Context, client *ent.Client, v Viewer) error {
	var err error
	switch r.Kind {
	case ContinueWatching:
		r.ids, _, err = continueWatching(ctx, client, v)
	case MyList:
		r.ids, err = myList(ctx, client, v)
	case Trending:
		r.ids, err = trending(ctx, client, v, rowCap)
	case NewReleases:
		r.ids, err = newReleases(ctx, client, v, rowCap)
	case Recommended:
		var watched, popular []int
		if _, watched, err = continueWatching(ctx, client, v); err == nil {
			if popular, err = trending(ctx, client, v, rowCap); err == nil {
				r.ids, err = recommended(ctx, client, v, watched, popular)
			}
		}
	case BecauseYouWatched:
		var source int
		if source, r.ids, err = becauseYouWatched(ctx, client, v); err == nil && source != 0 {
			r.BasedOn = &source
		}
	}
	if r.ids == nil && r.Kind != Genre {
		r.ids = []int{}
	}
	return err
}

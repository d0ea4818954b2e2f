package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/genre"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
)

// shelf is this replica's picture of what the catalog lists: for every title the facts
// that decide where it shows (countries, genres) and the two orders every
// list uses (trending, newest), and every genre's members. Catalog reads walk it instead of
// asking the database to filter and sort the whole catalog, so a row costs the titles it
// shows, not the titles there are. What a country may see is worked out on first use, once
// per country per shelf, and kept with the shelf (see shelf.in).
//
// A shelf never changes once built; a change to the catalog makes the Service build a new
// one (see Service.shelf).
type shelf struct {
	// fingerprint is the catalog's (see shelfFingerprint) when the build began.
	fingerprint string
	titles      map[int]*shelved
	// trend is every title by trending score, then views, then id; newest by release date,
	// then year, then creation (latest first).
	trend, newest []*shelved
	// genres are the genres with titles, by name.
	genres []*shelfGenre
	bySlug map[string]*shelfGenre
	byID   map[int]*shelfGenre

	mu        sync.Mutex
	audiences map[audience]*countryView
	rows      rowCache
}

// shelved is one title on the shelf.
type shelved struct {
	id      int
	regions []string // empty: everywhere
	age     int      // the youngest age its rating suits (maturity.Age)
	genres  []*shelfGenre
	rank    int  // position in trend order
	ready   bool // has a ready video: it can be played

	trending, views float64
	release         *time.Time
	year            *int
	created         time.Time
}

// shelfGenre is a genre and its titles in trend order.
type shelfGenre struct {
	id         int
	slug, name string
	titles     []*shelved
}

// countryView is what an audience (a country and a maturity ceiling) may see: every list
// filtered once.
type countryView struct {
	trend  []int
	newest []int // the first rowCap only: New Releases is one row
	mu     sync.Mutex
	genres map[int][]int // genre id → its titles available here, in trend order
}

// listedFor reports whether a list may show t to a: available in its country, and within its
// maturity ceiling.
func (t *shelved) listedFor(a audience) bool {
	return t.age <= a.maxAge && allows(t.regions, a.country)
}

// in returns the view of the shelf for a, building it on first use.
func (s *shelf) in(a audience) *countryView {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.audiences[a]; v != nil {
		return v
	}
	v := &countryView{genres: map[int][]int{}}
	for _, t := range s.trend {
		if t.listedFor(a) {
			v.trend = append(v.trend, t.id)
		}
	}
	for _, t := range s.newest {
		if len(v.newest) == rowCap {
			break
		}
		if t.listedFor(a) {
			v.newest = append(v.newest, t.id)
		}
	}
	s.audiences[a] = v
	return v
}

// genre returns g's titles the view's audience a may see, in trend order.
func (v *countryView) genre(g *shelfGenre, a audience) []int {
	v.mu.Lock()
	defer v.mu.Unlock()
	if ids, ok := v.genres[g.id]; ok {
		return ids
	}
	ids := []int{}
	for _, t := range g.titles {
		if t.listedFor(a) {
			ids = append(ids, t.id)
		}
	}
	v.genres[g.id] = ids
	return ids
}

// available keeps the ids that exist and a list may show a, in their order.
func (s *shelf) available(ids []int, a audience) []int {
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		if t := s.titles[id]; t != nil && t.listedFor(a) {
			out = append(out, id)
		}
	}
	return out
}

// loadShelf reads the catalog's listing facts: three queries whose cost is the catalog's
// size, run when the catalog changed, never on a viewer's request path otherwise.
func loadShelf(ctx context.Context, st *store.Store) (*shelf, error) {
	client := st.Client
	// Taken first: a change that lands during the build shows as a different fingerprint.
	fp, err := shelfFingerprint(ctx, client)
	if err != nil {
		return nil, err
	}
	ts, err := client.Title.Query().Select(title.FieldRegions, title.FieldMaturityRating, title.FieldTrendingScore, title.FieldViewCount,
		title.FieldReleaseDate, title.FieldYear, title.FieldCreatedAt).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load titles: %w", err)
	}
	s := &shelf{fingerprint: fp, titles: make(map[int]*shelved, len(ts)), bySlug: map[string]*shelfGenre{},
		byID: map[int]*shelfGenre{}, audiences: map[audience]*countryView{}}
	for _, t := range ts {
		s.titles[t.ID] = &shelved{id: t.ID, regions: t.Regions, age: maturity.Age(t.MaturityRating), trending: t.TrendingScore, views: float64(t.ViewCount),
			release: t.ReleaseDate, year: t.Year, created: t.CreatedAt}
	}
	ready, err := client.Video.Query().Where(entvideo.StatusEQ(entvideo.StatusREADY)).
		Unique(true).Select(entvideo.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("load ready videos: %w", err)
	}
	for _, id := range ready {
		if t := s.titles[id]; t != nil {
			t.ready = true
		}
	}
	gs, err := client.Genre.Query().Select(genre.FieldSlug, genre.FieldName).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load genres: %w", err)
	}
	for _, g := range gs {
		sg := &shelfGenre{id: g.ID, slug: g.Slug, name: g.Name}
		s.byID[g.ID] = sg
	}
	// The title ↔ genre pairs, straight from the join table.
	rows, err := st.DB.QueryContext(ctx, "SELECT "+title.GenresPrimaryKey[0]+", "+title.GenresPrimaryKey[1]+" FROM "+title.GenresTable)
	if err != nil {
		return nil, fmt.Errorf("load genre members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tid, gid int
		if err := rows.Scan(&tid, &gid); err != nil {
			return nil, fmt.Errorf("load genre members: %w", err)
		}
		if t, g := s.titles[tid], s.byID[gid]; t != nil && g != nil {
			t.genres = append(t.genres, g)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load genre members: %w", err)
	}
	s.sort()
	return s, nil
}

// shelfFingerprint sums up what a shelf shows in a string that changes whenever it would:
// the catalog's listing (search.Fingerprint) and which videos are ready (a video turns
// ready without its title being edited). Ready videos are counted and their latest id
// taken through the index on status.
func shelfFingerprint(ctx context.Context, client *ent.Client) (string, error) {
	fp, err := search.Fingerprint(ctx, client)
	if err != nil {
		return "", err
	}
	ready := client.Video.Query().Where(entvideo.StatusEQ(entvideo.StatusREADY))
	n, err := ready.Clone().Count(ctx)
	if err != nil {
		return "", fmt.Errorf("count ready videos: %w", err)
	}
	latest := 0
	if n > 0 {
		if latest, err = ready.Clone().Order(entvideo.ByID(sql.OrderDesc())).FirstID(ctx); err != nil {
			return "", fmt.Errorf("latest ready video: %w", err)
		}
	}
	return fmt.Sprintf("%s ready %d/%d", fp, n, latest), nil
}

// sort lays out the orders and the genres' member lists.
func (s *shelf) sort() {
	s.trend = make([]*shelved, 0, len(s.titles))
	for _, t := range s.titles {
		s.trend = append(s.trend, t)
	}
	slices.SortFunc(s.trend, func(a, b *shelved) int {
		return cmp.Or(cmp.Compare(b.trending, a.trending), cmp.Compare(b.views, a.views), cmp.Compare(a.id, b.id))
	})
	for i, t := range s.trend {
		t.rank = i
	}
	s.newest = slices.Clone(s.trend)
	slices.SortFunc(s.newest, newer)
	for _, g := range s.byID {
		g.titles = g.titles[:0]
	}
	for _, t := range s.trend {
		for _, g := range t.genres {
			g.titles = append(g.titles, t)
		}
	}
	for _, g := range s.byID {
		if len(g.titles) > 0 {
			s.genres = append(s.genres, g)
			s.bySlug[g.slug] = g
		}
	}
	slices.SortFunc(s.genres, func(a, b *shelfGenre) int { return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.id, b.id)) })
}

// mates returns an iterator over the titles sharing a genre with id, most popular first,
// each once: a merge of its genres' lists that reads only as far as it is asked to.
func (s *shelf) mates(id int) func() (*shelved, bool) {
	t := s.titles[id]
	if t == nil {
		return func() (*shelved, bool) { return nil, false }
	}
	pos := make([]int, len(t.genres))
	seen := map[int]bool{id: true}
	return func() (*shelved, bool) {
		for {
			best := -1
			for i, g := range t.genres {
				if pos[i] < len(g.titles) && (best < 0 || g.titles[pos[i]].rank < t.genres[best].titles[pos[best]].rank) {
					best = i
				}
			}
			if best < 0 {
				return nil, false
			}
			m := t.genres[best].titles[pos[best]]
			pos[best]++
			if !seen[m.id] {
				seen[m.id] = true
				return m, true
			}
		}
	}
}

// largest returns up to n genres with the most titles, then by name.
func (s *shelf) largest(n int) []*shelfGenre {
	gs := slices.Clone(s.genres)
	slices.SortStableFunc(gs, func(a, b *shelfGenre) int { return cmp.Compare(len(b.titles), len(a.titles)) })
	return gs[:min(n, len(gs))]
}

// newer orders New Releases: release date, then year, then creation, latest first, the
// unknown last; the newest id breaks ties.
func newer(a, b *shelved) int {
	if c := cmpNullsLast(a.release, b.release, func(x, y time.Time) int { return y.Compare(x) }); c != 0 {
		return c
	}
	if c := cmpNullsLast(a.year, b.year, func(x, y int) int { return cmp.Compare(y, x) }); c != 0 {
		return c
	}
	return cmp.Or(b.created.Compare(a.created), cmp.Compare(b.id, a.id))
}

func cmpNullsLast[T any](a, b *T, f func(x, y T) int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return f(*a, *b)
}

package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/lib/pq"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/predicate"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/watchprogress"
)

// Loader batches the per-title lookups of one request. Titles a request is about to show
// are registered with See; the first time any of their fields is asked for, that field
// is loaded for every registered title in one query, and later lookups are answered from
// memory. So a feed of 10 rows × 20 titles costs one query per field, not 200.
//
// A loader belongs to one request and keeps its context, like an http.Request: the
// titles it hands out (see Title) answer their per-viewer fields through it without
// one of their own.
type Loader struct {
	catalog *Service
	client  *ent.Client
	viewer  Viewer
	ctx     context.Context
	art     ArtSigner

	mu       sync.RWMutex
	known    []int
	titles   batch[*ent.Title]
	progress batch[*ent.WatchProgress]
	ratings  batch[int]
	listed   batch[bool]
}

// NewLoader returns an empty loader for one request of v, whose lookups run under ctx.
func (s *Service) NewLoader(ctx context.Context, v Viewer) *Loader {
	return &Loader{catalog: s, client: s.st.Client, viewer: v, ctx: ctx}
}

// ArtSigner turns an artwork key into a URL the client may fetch.
type ArtSigner interface {
	ArtURL(key string) string
}

// SignArt makes the loader's titles give poster URLs signed by s; without it they
// have none.
func (l *Loader) SignArt(s ArtSigner) *Loader {
	l.art = s
	return l
}

type loaderKey struct{}

// WithLoader attaches l to ctx.
func WithLoader(ctx context.Context, l *Loader) context.Context {
	return context.WithValue(ctx, loaderKey{}, l)
}

// LoaderFrom returns the request's loader, or nil.
func LoaderFrom(ctx context.Context) *Loader {
	l, _ := ctx.Value(loaderKey{}).(*Loader)
	return l
}

// Viewer is who the loader answers for.
func (l *Loader) Viewer() Viewer { return l.viewer }

// See registers titles the request will show.
func (l *Loader) See(ids ...int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		if !slices.Contains(l.known, id) {
			l.known = append(l.known, id)
		}
	}
}

// batch is one field's cache: which titles were loaded and their values. A whole batch
// holds every value the viewer has (see whole): a title missing from it has none.
type batch[V any] struct {
	loaded map[int]bool
	vals   map[int]V
	whole  bool
}

// whole gives b every value the viewer has, read elsewhere in this request, so that its
// lookups need no query of their own.
func whole[V any](l *Loader, b *batch[V], vals map[int]V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b.loaded, b.vals, b.whole = map[int]bool{}, vals, true
}

// forget drops what b knows of id; a whole batch becomes an empty one.
func (b *batch[V]) forget(id int) {
	if b.whole {
		b.loaded, b.vals, b.whole = nil, nil, false
		return
	}
	delete(b.loaded, id)
}

// get answers id from b, first loading every registered title not loaded yet (and id).
// The loader's lock is held across the query, so concurrent resolvers wait for one load.
func get[V any](ctx context.Context, l *Loader, b *batch[V], id int, fetch func(ctx context.Context, ids []int) (map[int]V, error)) (V, error) {
	// Most lookups find their value loaded: a shared lock keeps the many resolvers of
	// one response from queueing behind each other.
	l.mu.RLock()
	if b.whole || b.loaded[id] {
		v := b.vals[id]
		l.mu.RUnlock()
		return v, nil
	}
	l.mu.RUnlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if b.loaded == nil {
		b.loaded, b.vals = map[int]bool{}, map[int]V{}
	}
	if !b.whole && !b.loaded[id] {
		if !slices.Contains(l.known, id) {
			l.known = append(l.known, id)
		}
		var want []int
		for _, k := range l.known {
			if !b.loaded[k] {
				want = append(want, k)
			}
		}
		vals, err := fetch(ctx, want)
		if err != nil {
			var zero V
			return zero, err
		}
		for _, k := range want {
			b.loaded[k] = true
			if v, ok := vals[k]; ok {
				b.vals[k] = v
			} else {
				delete(b.vals, k) // a value forgotten and now gone
			}
		}
	}
	return b.vals[id], nil
}

// Titles returns the titles with ids, in that order, skipping ids that do not exist and
// titles above the viewer's maturity ceiling: every title the API hands out comes through
// here or View, so none reaches a profile it is not for, whatever path asked for it.
func (l *Loader) Titles(ctx context.Context, ids []int) ([]*Title, error) {
	l.See(ids...)
	out := make([]*Title, 0, len(ids))
	for _, id := range ids {
		t, err := get(ctx, l, &l.titles, id, l.catalog.titleRows)
		if err != nil {
			return nil, err
		}
		if t != nil && l.viewer.Sees(t.MaturityRating) {
			out = append(out, &Title{Title: t, l: l})
		}
	}
	return out, nil
}

// View returns t as the loader's viewer sees it, registering it for the batches; nil when
// t is above the viewer's maturity ceiling. t must have its maturity rating loaded.
func (l *Loader) View(t *ent.Title) *Title {
	if t == nil || !l.viewer.Sees(t.MaturityRating) {
		return nil
	}
	l.See(t.ID)
	return &Title{Title: t, l: l}
}

// Genres returns a title's genre names, alphabetical, from the shelf.
func (l *Loader) Genres(ctx context.Context, id int) ([]string, error) {
	sh, err := l.catalog.shelf(ctx)
	if err != nil {
		return nil, err
	}
	names := []string{}
	if t := sh.titles[id]; t != nil {
		for _, g := range t.genres {
			names = append(names, g.name)
		}
		slices.Sort(names)
	}
	return names, nil
}

// Progress returns the viewer's latest progress in a title (for a series, its latest
// episode), or nil.
func (l *Loader) Progress(ctx context.Context, id int) (*ent.WatchProgress, error) {
	if l.viewer.Anonymous() {
		return nil, nil
	}
	return get(ctx, l, &l.progress, id, func(ctx context.Context, ids []int) (map[int]*ent.WatchProgress, error) {
		ps, err := l.client.WatchProgress.Query().
			Where(watchprogress.ProfileID(l.viewer.ProfileID), predicate.WatchProgress(l.titleIn(watchprogress.FieldTitleID, ids))).
			Order(watchprogress.ByUpdatedAt(sql.OrderDesc()), watchprogress.ByID(sql.OrderDesc())).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load progress: %w", err)
		}
		m := map[int]*ent.WatchProgress{}
		for _, p := range ps {
			if m[p.TitleID] == nil {
				m[p.TitleID] = p
			}
		}
		return m, nil
	})
}

// MyRating returns the viewer's stars for a title, or 0.
func (l *Loader) MyRating(ctx context.Context, id int) (int, error) {
	if l.viewer.Anonymous() {
		return 0, nil
	}
	return get(ctx, l, &l.ratings, id, func(ctx context.Context, ids []int) (map[int]int, error) {
		rs, err := l.client.Rating.Query().Where(rating.ProfileID(l.viewer.ProfileID), predicate.Rating(l.titleIn(rating.FieldTitleID, ids))).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load ratings: %w", err)
		}
		m := map[int]int{}
		for _, r := range rs {
			m[r.TitleID] = r.Stars
		}
		return m, nil
	})
}

// InMyList reports whether the viewer saved a title.
func (l *Loader) InMyList(ctx context.Context, id int) (bool, error) {
	if l.viewer.Anonymous() {
		return false, nil
	}
	return get(ctx, l, &l.listed, id, func(ctx context.Context, ids []int) (map[int]bool, error) {
		listed, err := l.client.MyListItem.Query().
			Where(mylistitem.ProfileID(l.viewer.ProfileID), predicate.MyListItem(l.titleIn(mylistitem.FieldTitleID, ids))).
			Select(mylistitem.FieldTitleID).Ints(ctx)
		if err != nil {
			return nil, fmt.Errorf("load my list: %w", err)
		}
		m := map[int]bool{}
		for _, id := range listed {
			m[id] = true
		}
		return m, nil
	})
}

// titleIn is `column IN ids` for the per-viewer batches, written as one statement whatever
// the number of ids: one array parameter on PostgreSQL (= ANY), one JSON parameter that
// json_each unpacks on SQLite. A list of 240 parameters cost each database a parse, and
// PostgreSQL a plan, of 240 terms on every feed.
func (l *Loader) titleIn(column string, ids []int) func(*sql.Selector) {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.Ident(s.C(column))
			if l.catalog.st.Dialect == dialect.Postgres {
				ints := make([]int64, len(ids))
				for i, id := range ids {
					ints[i] = int64(id)
				}
				b.WriteString(" = ANY(").Arg(pq.Array(ints)).WriteString(")")
				return
			}
			list, _ := json.Marshal(ids)
			b.WriteString(" IN (SELECT value FROM json_each(").Arg(string(list)).WriteString("))")
		}))
	}
}

// Forget drops what was loaded for a title, after a mutation changed it.
func (l *Loader) Forget(id int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.titles.forget(id)
	l.ratings.forget(id)
	l.listed.forget(id)
	l.progress.forget(id)
}

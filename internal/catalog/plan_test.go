package catalog_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
)

// recorder is an ent driver that keeps every statement it runs, with its arguments.
type recorder struct {
	dialect.Driver
	mu    sync.Mutex
	stmts []stmt
}

type stmt struct {
	query string
	args  []any
}

func (r *recorder) Query(ctx context.Context, query string, args, v any) error {
	r.keep(query, args)
	return r.Driver.Query(ctx, query, args, v)
}

func (r *recorder) Exec(ctx context.Context, query string, args, v any) error {
	r.keep(query, args)
	return r.Driver.Exec(ctx, query, args, v)
}

func (r *recorder) keep(query string, args any) {
	a, _ := args.([]any)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stmts = append(r.stmts, stmt{query: query, args: a})
}

func (r *recorder) take() []stmt {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.stmts
	r.stmts = nil
	return out
}

// planTitles is the catalog size the plans are checked at: large enough that a planner
// prefers an index wherever one serves.
const planTitles = 20_000

// bigShelf fills st, in bulk, with planTitles titles in 24 genres and one genre holding
// every title ("everything"), every third title limited to a few countries and one offered in
// 250, and a viewer in France with 2 000 titles in progress. It returns the viewer, a title
// and how many titles France may see.
func bigShelf(t *testing.T, st *store.Store) (viewer catalog.Viewer, someTitle, inFrance int) {
	t.Helper()
	ctx := context.Background()
	client := st.Client
	var genres []int
	for g := range 24 {
		gg, err := client.Genre.Create().SetName(fmt.Sprintf("Genre %d", g)).SetSlug(fmt.Sprintf("genre-%d", g)).Save(ctx)
		require.NoError(t, err)
		genres = append(genres, gg.ID)
	}
	everything, err := client.Genre.Create().SetName("Everything").SetSlug("everything").Save(ctx)
	require.NoError(t, err)
	var manyCountries []string
	for a := 'A'; len(manyCountries) < 249; a++ {
		for b := 'A'; b <= 'Z' && len(manyCountries) < 249; b++ {
			if c := string([]rune{a, b}); c != "FR" {
				manyCountries = append(manyCountries, c)
			}
		}
	}
	manyCountries = append(manyCountries, "FR")
	countries := []string{"US", "FR", "DE", "JP", "BR", "IN"}
	plans := []plancode.Code{plancode.Basic, plancode.Standard, plancode.Premium}
	var ids []int
	for start := 0; start < planTitles; start += 500 {
		var b []*ent.TitleCreate
		for i := start; i < start+500; i++ {
			c := client.Title.Create().SetKind(title.KindMOVIE).SetName(fmt.Sprintf("Title %d", i)).
				SetYear(1950+i%77).SetTrendingScore(float64((i*7919)%1000)).SetViewCount(i%97).
				AddGenreIDs(genres[(i*i)%len(genres)], genres[i%len(genres)], everything.ID)
			regions := []string{}
			switch {
			case i == 1:
				regions = manyCountries
			case i%3 == 0:
				regions = []string{countries[i%len(countries)], countries[(i/3)%len(countries)]}
			}
			if len(regions) == 0 || slices.Contains(regions, "FR") {
				inFrance++
			}
			c.SetRegions(regions)
			if i%4 == 0 {
				c.SetMinPlan(plans[i%len(plans)])
			}
			b = append(b, c)
		}
		ts, err := client.Title.CreateBulk(b...).Save(ctx)
		require.NoError(t, err)
		for _, tt := range ts {
			ids = append(ids, tt.ID)
		}
	}
	// Other viewers' activity, so that the activity tables are large too.
	var others []*ent.UserCreate
	for i := range 400 {
		others = append(others, client.User.Create().SetEmail(fmt.Sprintf("other%d@example.com", i)).SetPasswordHash("x"))
	}
	us, err := client.User.CreateBulk(others...).Save(ctx)
	require.NoError(t, err)
	var profiles []*ent.ProfileCreate
	for _, o := range us {
		profiles = append(profiles, client.Profile.Create().SetUserID(o.ID).SetName(o.Email).SetMaturityCeiling(maturity.Adult))
	}
	ops, err := client.Profile.CreateBulk(profiles...).Save(ctx)
	require.NoError(t, err)
	for i, o := range ops {
		var ps []*ent.WatchProgressCreate
		var rs []*ent.RatingCreate
		var ls []*ent.MyListItemCreate
		var recs []*ent.RecommendationCreate
		for j := range 50 {
			id := ids[(i*811+j*53)%len(ids)]
			ps = append(ps, client.WatchProgress.Create().SetUserID(o.UserID).SetProfileID(o.ID).SetTitleID(id).SetVideoID(id).
				SetPositionSeconds(10).SetDurationSeconds(100))
			rs = append(rs, client.Rating.Create().SetUserID(o.UserID).SetProfileID(o.ID).SetTitleID(id).SetStars(1+j%5))
			ls = append(ls, client.MyListItem.Create().SetUserID(o.UserID).SetProfileID(o.ID).SetTitleID(id))
			recs = append(recs, client.Recommendation.Create().SetKind(recommendation.KindRECOMMENDED).
				SetUserID(o.UserID).SetProfileID(o.ID).SetTitleID(id).SetRank(j).SetScore(1),
				client.Recommendation.Create().SetKind(recommendation.KindSIMILAR).
					SetSourceTitleID(ids[(i*50+j)%len(ids)]).SetTitleID(id).SetRank(j).SetScore(1))
		}
		require.NoError(t, client.Recommendation.CreateBulk(recs...).Exec(ctx))
		require.NoError(t, client.WatchProgress.CreateBulk(ps...).Exec(ctx))
		require.NoError(t, client.Rating.CreateBulk(rs...).Exec(ctx))
		require.NoError(t, client.MyListItem.CreateBulk(ls...).Exec(ctx))
	}
	uid, pid := testkit.Account(t, client, "plans@example.com", "FR")
	var mine []*ent.WatchProgressCreate
	for i := range 2000 {
		id := ids[(i*131)%len(ids)]
		mine = append(mine, client.WatchProgress.Create().SetUserID(uid).SetProfileID(pid).SetTitleID(id).SetVideoID(id).
			SetPositionSeconds(30).SetDurationSeconds(100).SetCompleted(i%3 == 0))
	}
	require.NoError(t, client.WatchProgress.CreateBulk(mine...).Exec(ctx))
	for i := range 100 {
		{
			require.NoError(t, client.MyListItem.Create().SetUserID(uid).SetProfileID(pid).SetTitleID(ids[(i*17)%len(ids)]).Exec(ctx))
			require.NoError(t, client.Rating.Create().SetUserID(uid).SetProfileID(pid).SetTitleID(ids[(i*29)%len(ids)]).SetStars(1+i%5).Exec(ctx))
			require.NoError(t, client.Recommendation.Create().SetKind(recommendation.KindRECOMMENDED).
				SetUserID(uid).SetProfileID(pid).SetTitleID(ids[(i*37)%len(ids)]).SetRank(i).SetScore(1).Exec(ctx))
			require.NoError(t, client.Recommendation.Create().SetKind(recommendation.KindSIMILAR).
				SetSourceTitleID(ids[0]).SetTitleID(ids[(i*41)%len(ids)]).SetRank(i).SetScore(1).Exec(ctx))
		}
	}
	// Fresh statistics, as a running database has them.
	_, err = st.DB.ExecContext(ctx, "ANALYZE")
	require.NoError(t, err)
	return catalog.Viewer{UserID: uid, ProfileID: pid, Country: "FR", MaxAge: maturity.Adult}, ids[0], inFrance
}

// fullScan matches a plan line that reads a whole table the catalog's reads must reach
// through an index: SQLite's "SCAN <table>" and PostgreSQL's "Seq Scan on <table>".
var fullScan = regexp.MustCompile(`(?:^|\W)(?:SCAN|Seq Scan on) (titles|title_genres|watch_progresses|ratings|view_events|my_list_items|recommendations)\b`)

// TestCatalogReadsUseIndexes runs every statement the feed, category pages and similar
// titles issue, over a catalog of 20 000 titles, through the database's planner, and fails
// on a full scan of the tables that grow with the catalog or with activity. Building the
// shelf reads the catalog whole, once per change and off the viewer's path; it is left out.
func TestCatalogReadsUseIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 20 000 titles")
	}
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rec := &recorder{Driver: entsql.OpenDB(s.Dialect, s.DB)}
		st := &store.Store{Client: ent.NewClient(ent.Driver(rec)), DB: s.DB, Dialect: s.Dialect}
		v, some, inFrance := bigShelf(t, st)
		cat := catalog.NewService(st, pubsub.NewLocal())
		_, err := cat.Categories(ctx, v) // builds the shelf
		require.NoError(t, err)
		rec.take()

		for _, who := range []catalog.Viewer{v, {MaxAge: maturity.Adult}, {UserID: v.UserID, Country: "US", MaxAge: maturity.Adult}} {
			l := cat.NewLoader(ctx, who)
			rows, err := cat.Feed(ctx, who, catalog.FeedOptions{PerRow: 20})
			require.NoError(t, err)
			require.NotEmpty(t, rows)
			l.See(catalog.TitleIDs(rows)...)
			for _, r := range rows {
				ids, _, err := cat.Page(ctx, who, r, 0, 20)
				require.NoError(t, err)
				ts, err := l.Titles(ctx, ids)
				require.NoError(t, err)
				for _, tt := range ts {
					_, err = tt.Genres()
					require.NoError(t, err)
					_, err = tt.Progress()
					require.NoError(t, err)
					_, err = tt.MyRating()
					require.NoError(t, err)
					_, err = tt.InMyList()
					require.NoError(t, err)
				}
			}
			for _, slug := range []string{"genre-3", "trending", "new-releases", "continue-watching", "my-list", "recommended"} {
				r, err := cat.Category(ctx, who, slug)
				require.NoError(t, err)
				if r == nil {
					continue
				}
				_, _, err = cat.Page(ctx, who, r, 200, 20)
				require.NoError(t, err)
			}
			_, err = cat.Similar(ctx, who, some, nil, 12)
			require.NoError(t, err)
		}
		// Bounded whatever the shapes: a genre holding every title, paged far in, counts
		// what the viewer's country may see; a long history is read only so far back.
		all, err := cat.Category(ctx, v, "everything")
		require.NoError(t, err)
		page, total, err := cat.Page(ctx, v, all, inFrance-5, 20)
		require.NoError(t, err)
		require.Equal(t, inFrance, total)
		require.Len(t, page, 5)
		cw, err := cat.Category(ctx, v, "continue-watching")
		require.NoError(t, err)
		_, total, err = cat.Page(ctx, v, cw, 0, 20)
		require.NoError(t, err)
		require.Positive(t, total)
		require.LessOrEqual(t, total, 500, "Continue Watching reads the latest 500 progress rows of 2 000, no more")
		stmts := rec.take()
		require.NotEmpty(t, stmts)
		// The check itself sees a full scan where there is one.
		scan := explain(t, s, stmt{query: "SELECT id FROM titles WHERE name = 'Title 7' OR synopsis = ''"})
		require.True(t, fullScan.MatchString(scan), "a scan of titles goes unnoticed:\n%s", scan)
		for _, q := range stmts {
			plan := explain(t, s, q)
			require.False(t, fullScan.MatchString(plan), "full scan in\n%s\nplan:\n%s", q.query, plan)
		}
	})
}

func explain(t *testing.T, s *store.Store, q stmt) string {
	t.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if s.Dialect == dialect.Postgres {
		prefix = "EXPLAIN "
	}
	rows, err := s.DB.QueryContext(context.Background(), prefix+q.query, q.args...)
	require.NoError(t, err, q.query)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		// The plan's text is the last column (SQLite: id, parent, notused, detail).
		fmt.Fprintf(&b, "%v\n", vals[len(vals)-1])
	}
	require.NoError(t, rows.Err())
	return b.String()
}

package recommend

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/profile"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/ent/watchprogress"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/store"
)

// ServeOptions size what Refresh writes and how often it refits; zero values take the
// defaults.
type ServeOptions struct {
	Recommended int // per viewer; default 40
	Sources     int // titles a viewer gets a Because You Watched row for; default 3
	Because     int // suggestions per such title; default 12
	Similar     int // per title; default 12
	// RefitEvery is how long a fitted model serves before a refresh fits a new one on the
	// whole log; refreshes in between re-rank only the viewers with new activity. Default
	// 6 hours.
	RefitEvery time.Duration
}

// Service precomputes the Recommendation table from the activity in the database.
type Service struct {
	st   *store.Store
	log  *slog.Logger
	opts ServeOptions
	// mu keeps two refreshes in one process from running at once, and guards what
	// follows; across replicas the periodic job runs on one leader.
	mu sync.Mutex
	// fit is the model the last full refresh fitted, kept for the refreshes after it.
	fit *fitted
	// since is when the last refresh (full or not) read the activity log; last holds it
	// too, in Unix nanoseconds, for Due, which does not wait for a refresh under way.
	since time.Time
	last  atomic.Int64
}

// fitted is a model with the log and catalog it was fitted on.
type fitted struct {
	h      *Hybrid
	d      *Data
	titles map[int]*ent.Title
	at     time.Time
}

// NewService returns the service; Refresh does the work.
func NewService(st *store.Store, log *slog.Logger, o ServeOptions) *Service {
	o.Recommended = cmpOr(o.Recommended, 40)
	o.Sources = cmpOr(o.Sources, 3)
	o.Because = cmpOr(o.Because, 12)
	o.Similar = cmpOr(o.Similar, 12)
	if o.RefitEvery <= 0 {
		o.RefitEvery = 6 * time.Hour
	}
	return &Service{st: st, log: log, opts: o}
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// viewer is what serving needs to know of a user besides their history.
// viewer is a profile as the ranking sees it: its account's country and plan, and its own
// maturity ceiling.
type viewer struct {
	account  int
	country  string
	maxAge   int
	planRank int // −1 without a membership
}

// recRow is one Recommendation row to write.
type recRow struct {
	kind            recommendation.Kind
	profile, source *int
	account         int
	title, rank     int
	score           float64
	reason          string
	createdAt       time.Time
}

// Refresh brings the Recommendation table up to date. Readers see the old rows or the new
// ones, never a mix, and viewers with no history get no rows (the feed's popular fallback
// is what they would get anyway):
//   - RECOMMENDED per viewer with history, best first, watched titles left out, titles
//     not offered in the viewer's country left out, and titles above the viewer's plan
//     moved after the rest (they stay as reasons to upgrade);
//   - BECAUSE_YOU_WATCHED per viewer for their latest few titles, newest source first
//     by created_at, each with the source in source_title_id;
//   - SIMILAR per title with source_title_id the title, for any viewer (readers apply
//     the viewer's region).
//
// The first refresh in a process, and any after RefitEvery, fits the hybrid on the whole
// log and rewrites every row (Refit). Those in between keep that model and re-rank only
// the viewers with activity since the last refresh, rewriting their rows alone: new
// activity moves a viewer's own suggestions at once, while what the model learned from
// everyone (and titles added since) waits for the next fit.
func (s *Service) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fit == nil || time.Since(s.fit.at) >= s.opts.RefitEvery {
		return s.refit(ctx)
	}
	return s.update(ctx)
}

// Refit fits the hybrid on the whole log and rewrites every Recommendation row in one
// transaction, whatever the model's age.
func (s *Service) Refit(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refit(ctx)
}

func (s *Service) refit(ctx context.Context) error {
	start := time.Now()
	titles, items, err := loadCatalog(ctx, s.st.Client)
	if err != nil {
		return err
	}
	if len(titles) == 0 {
		return nil
	}
	log, err := loadLog(ctx, s.st.Client, nil)
	if err != nil {
		return err
	}
	// Activity on deleted titles cannot be served.
	log = slices.DeleteFunc(log, func(in Interaction) bool { return titles[in.Item] == nil })
	d := NewData(items, log)
	viewers, err := loadViewers(ctx, s.st.Client, nil)
	if err != nil {
		return err
	}
	h := &Hybrid{NextVisit: true}
	if err := h.Fit(ctx, d); err != nil {
		return fmt.Errorf("fit recommender: %w", err)
	}
	f := &fitted{h: h, d: d, titles: titles, at: start}

	var rows []recRow
	scores := make([]float64, len(d.Items))
	for u, hist := range d.Hist {
		uid := d.UserIDs[u]
		if v, ok := viewers[uid]; ok { // a profile deleted meanwhile gets nothing
			rows = s.rankViewer(f, uid, v, hist, start, scores, rows)
		}
	}
	for i := range d.Items {
		id := d.Items[i].ID
		if titles[id] == nil {
			continue
		}
		for rank, j := range h.Similar(i, s.opts.Similar) {
			rows = append(rows, recRow{kind: recommendation.KindSIMILAR, source: &id, title: d.Items[j].ID,
				rank: rank + 1, reason: "More like " + d.Items[i].Title, createdAt: start})
		}
	}
	err = s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		if _, err := client.Recommendation.Delete().Exec(ctx); err != nil {
			return fmt.Errorf("clear recommendations: %w", err)
		}
		return writeRows(ctx, client, rows)
	})
	if err != nil {
		return err
	}
	s.fit = f
	s.read(start)
	s.log.Info("recommendations refitted", slog.Int("titles", len(titles)), slog.Int("viewers", len(d.UserIDs)),
		slog.Int("rows", len(rows)), slog.Duration("took", time.Since(start)))
	return nil
}

// update re-ranks, with the kept model, the viewers with activity since the last refresh
// and replaces their RECOMMENDED and BECAUSE_YOU_WATCHED rows.
func (s *Service) update(ctx context.Context) error {
	start := time.Now()
	users, err := activeSince(ctx, s.st.Client, s.since)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		s.read(start)
		return nil
	}
	f, err := s.current(ctx)
	if err != nil {
		return err
	}
	log, err := loadLog(ctx, s.st.Client, users)
	if err != nil {
		return err
	}
	hists := f.d.Histories(log)
	viewers, err := loadViewers(ctx, s.st.Client, users)
	if err != nil {
		return err
	}
	// Viewers whose activity is all on titles the model does not know yet keep their rows;
	// accounts deleted meanwhile get none.
	users = slices.DeleteFunc(users, func(uid int) bool {
		_, ok := viewers[uid]
		return !ok || len(hists[uid]) == 0
	})
	var rows []recRow
	scores := make([]float64, len(f.d.Items))
	for _, uid := range users {
		rows = s.rankViewer(f, uid, viewers[uid], hists[uid], start, scores, rows)
	}
	err = s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		for chunk := range slices.Chunk(users, userBatch) {
			_, err := client.Recommendation.Delete().Where(recommendation.ProfileIDIn(chunk...),
				recommendation.KindIn(recommendation.KindRECOMMENDED, recommendation.KindBECAUSE_YOU_WATCHED)).Exec(ctx)
			if err != nil {
				return fmt.Errorf("clear recommendations: %w", err)
			}
		}
		return writeRows(ctx, client, rows)
	})
	if err != nil {
		return err
	}
	s.read(start)
	s.log.Info("recommendations updated", slog.Int("viewers", len(users)), slog.Int("rows", len(rows)),
		slog.Duration("took", time.Since(start)))
	return nil
}

// current returns the kept model with only the titles that still exist: a title deleted
// since the fit is suggested to nobody.
func (s *Service) current(ctx context.Context) (*fitted, error) {
	ids, err := s.st.Client.Title.Query().IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("load titles: %w", err)
	}
	f := *s.fit
	f.titles = make(map[int]*ent.Title, len(ids))
	for _, id := range ids {
		if t := s.fit.titles[id]; t != nil {
			f.titles[id] = t
		}
	}
	return &f, nil
}

// read records that a refresh read the activity log at t.
func (s *Service) read(t time.Time) {
	s.since = t
	s.last.Store(t.UnixNano())
}

// rankViewer appends a viewer's RECOMMENDED and BECAUSE_YOU_WATCHED rows to rows, from
// their history; scores is scratch of one float per item.
func (s *Service) rankViewer(f *fitted, uid int, v viewer, hist []Event, start time.Time, scores []float64, rows []recRow) []recRow {
	if len(hist) == 0 {
		return rows
	}
	h, d, titles := f.h, f.d, f.titles
	allowed := func(i int) bool {
		t := titles[d.Items[i].ID]
		return t != nil && catalog.AvailableIn(t, v.country) && maturity.Allows(v.maxAge, t.MaturityRating)
	}
	rec := Recommend(h, hist, 4*s.opts.Recommended, scores)
	rec = slices.DeleteFunc(rec, func(i int) bool { return !allowed(i) })
	// Titles the viewer's plan does not cover go last, keeping their order.
	slices.SortStableFunc(rec, func(a, b int) int {
		return boolInt(above(titles[d.Items[a].ID], v.planRank)) - boolInt(above(titles[d.Items[b].ID], v.planRank))
	})
	for rank, i := range rec[:min(len(rec), s.opts.Recommended)] {
		rows = append(rows, recRow{kind: recommendation.KindRECOMMENDED, profile: &uid, account: v.account, title: d.Items[i].ID,
			rank: rank + 1, score: scores[i], reason: s.reason(h, d, hist, i), createdAt: start})
	}
	// Because You Watched: the latest distinct titles, newest first; created_at steps back a
	// second per source so readers can take the newest.
	seen := map[int]bool{}
	for _, e := range hist {
		seen[int(e.Item)] = true
	}
	n := 0
	for k := len(hist) - 1; k >= 0 && n < s.opts.Sources; k-- {
		src := int(hist[k].Item)
		if hist[k].Weight < WeightRatedHigh {
			continue // started or listed is not watched yet
		}
		srcID := d.Items[src].ID
		var picks []int
		for _, i := range h.Similar(src, 4*s.opts.Because) {
			if !seen[i] && allowed(i) && len(picks) < s.opts.Because {
				picks = append(picks, i)
			}
		}
		if len(picks) == 0 {
			continue
		}
		reason := "Because you watched " + d.Items[src].Title
		for rank, i := range picks {
			rows = append(rows, recRow{kind: recommendation.KindBECAUSE_YOU_WATCHED, profile: &uid, account: v.account, source: &srcID,
				title: d.Items[i].ID, rank: rank + 1, reason: reason, createdAt: start.Add(-time.Duration(n) * time.Second)})
		}
		n++
	}
	return rows
}

// writeRows inserts rows in bulk, in slices small enough for SQLite's variable limit.
func writeRows(ctx context.Context, client *ent.Client, rows []recRow) error {
	for chunk := range slices.Chunk(rows, 200) {
		builders := make([]*ent.RecommendationCreate, len(chunk))
		for k, r := range chunk {
			builders[k] = client.Recommendation.Create().SetKind(r.kind).SetTitleID(r.title).
				SetRank(r.rank).SetScore(r.score).SetModel("hybrid").SetReason(r.reason).
				SetCreatedAt(r.createdAt).SetNillableProfileID(r.profile).SetNillableSourceTitleID(r.source)
			if r.profile != nil {
				builders[k].SetUserID(r.account)
			}
		}
		if err := client.Recommendation.CreateBulk(builders...).Exec(ctx); err != nil {
			return fmt.Errorf("write recommendations: %w", err)
		}
	}
	return nil
}

// reason explains a recommendation in a few words.
func (s *Service) reason(h *Hybrid, d *Data, hist []Event, item int) string {
	if src, ok := h.Because(hist, item); ok && d.Items[src].Title != "" {
		return "Because you watched " + d.Items[src].Title
	}
	if g := d.Items[item].Genres; len(g) > 0 {
		return "Popular in " + g[0]
	}
	return "Popular now"
}

func above(t *ent.Title, planRank int) bool {
	return t != nil && t.MinPlan != nil && t.MinPlan.Rank() > planRank
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// loadCatalog reads the titles, by id, and what the content model reads of them.
// It reads them a page at a time, in id order: eager loading names every title of a query
// in one IN list, which SQLite caps at 32 766 values.
func loadCatalog(ctx context.Context, client *ent.Client) (map[int]*ent.Title, []Item, error) {
	var ts []*ent.Title
	for last := 0; ; {
		page, err := client.Title.Query().Where(title.IDGT(last)).Order(title.ByID()).Limit(titlePage).
			WithGenres().WithCredits(func(q *ent.CreditQuery) { q.WithPerson() }).All(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("load titles: %w", err)
		}
		ts = append(ts, page...)
		if len(page) < titlePage {
			break
		}
		last = page[len(page)-1].ID
	}
	titles := make(map[int]*ent.Title, len(ts))
	items := make([]Item, 0, len(ts))
	for _, t := range ts {
		titles[t.ID] = t
		it := Item{ID: t.ID, Title: t.Name, Synopsis: t.Synopsis}
		if t.Year != nil {
			it.Year = *t.Year
		}
		for _, g := range t.Edges.Genres {
			it.Genres = append(it.Genres, g.Name)
		}
		for _, c := range t.Edges.Credits {
			if c.Edges.Person != nil {
				it.People = append(it.People, c.Edges.Person.Name)
			}
		}
		items = append(items, it)
	}
	return titles, items, nil
}

// userBatch bounds the user ids one statement names, titlePage the titles.
const (
	userBatch = 500
	titlePage = 1000
)

// loadLog turns the activity of profiles (nil: everyone) into one interaction log: completed
// and started progress, ratings (4★ and up count as rated high, lower as a start: the
// viewer watched but did not like it), My List adds, and the ViewEvent log with the
// weights it was written with.
func loadLog(ctx context.Context, client *ent.Client, users []int) ([]Interaction, error) {
	var log []Interaction
	for batch := range userBatches(users) {
		pq := client.WatchProgress.Query()
		rq := client.Rating.Query()
		lq := client.MyListItem.Query()
		eq := client.ViewEvent.Query().Where(viewevent.ProfileIDNotNil())
		if batch != nil {
			pq.Where(watchprogress.ProfileIDIn(batch...))
			rq.Where(rating.ProfileIDIn(batch...))
			lq.Where(mylistitem.ProfileIDIn(batch...))
			eq.Where(viewevent.ProfileIDIn(batch...))
		}
		progress, err := pq.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load progress: %w", err)
		}
		for _, p := range progress {
			w := WeightStarted
			if p.Completed {
				w = WeightCompleted
			}
			log = append(log, Interaction{User: p.ProfileID, Item: p.TitleID, Weight: w, Time: p.UpdatedAt.Unix()})
		}
		ratings, err := rq.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load ratings: %w", err)
		}
		for _, r := range ratings {
			w := WeightStarted
			if r.Stars >= 4 {
				w = WeightRatedHigh
			}
			log = append(log, Interaction{User: r.ProfileID, Item: r.TitleID, Weight: w, Time: r.UpdatedAt.Unix()})
		}
		listed, err := lq.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load my list: %w", err)
		}
		for _, l := range listed {
			log = append(log, Interaction{User: l.ProfileID, Item: l.TitleID, Weight: WeightListed, Time: l.CreatedAt.Unix()})
		}
		events, err := eq.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load view events: %w", err)
		}
		for _, e := range events {
			log = append(log, Interaction{User: *e.ProfileID, Item: e.TitleID, Weight: e.Weight, Time: e.CreatedAt.Unix()})
		}
	}
	return log, nil
}

// userBatches yields users in batches of userBatch, or one nil batch for everyone.
func userBatches(users []int) iter.Seq[[]int] {
	if users == nil {
		return func(yield func([]int) bool) { yield(nil) }
	}
	return slices.Chunk(users, userBatch)
}

// activeSince lists the profiles with activity logged after t, in id order.
func activeSince(ctx context.Context, client *ent.Client, t time.Time) ([]int, error) {
	var all []int
	for what, q := range map[string]interface {
		Ints(context.Context) ([]int, error)
	}{
		"progress":    client.WatchProgress.Query().Where(watchprogress.UpdatedAtGT(t)).Unique(true).Select(watchprogress.FieldProfileID),
		"ratings":     client.Rating.Query().Where(rating.UpdatedAtGT(t)).Unique(true).Select(rating.FieldProfileID),
		"my list":     client.MyListItem.Query().Where(mylistitem.CreatedAtGT(t)).Unique(true).Select(mylistitem.FieldProfileID),
		"view events": client.ViewEvent.Query().Where(viewevent.CreatedAtGT(t), viewevent.ProfileIDNotNil()).Unique(true).Select(viewevent.FieldProfileID),
	} {
		ids, err := q.Ints(ctx)
		if err != nil {
			return nil, fmt.Errorf("active viewers (%s): %w", what, err)
		}
		all = append(all, ids...)
	}
	slices.Sort(all)
	return slices.Compact(all), nil
}

// loadViewers reads the profiles (nil: every one) with what ranking needs of each: the
// account's country and plan, the profile's maturity ceiling.
func loadViewers(ctx context.Context, client *ent.Client, profiles []int) (map[int]viewer, error) {
	if profiles == nil {
		// In batches too: the accounts and memberships of every profile at once would
		// name more ids than a statement may hold.
		ids, err := client.Profile.Query().Order(profile.ByID()).IDs(ctx)
		if err != nil {
			return nil, fmt.Errorf("load profiles: %w", err)
		}
		profiles = append([]int{}, ids...)
	}
	out := map[int]viewer{}
	for batch := range userBatches(profiles) {
		pq := client.Profile.Query().WithUser()
		if batch != nil {
			pq.Where(profile.IDIn(batch...))
		}
		ps, err := pq.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load profiles: %w", err)
		}
		accounts := map[int][]int{}
		for _, p := range ps {
			out[p.ID] = viewer{account: p.UserID, country: p.Edges.User.Country, maxAge: auth.Ceiling(p), planRank: -1}
			accounts[p.UserID] = append(accounts[p.UserID], p.ID)
		}
		ms, err := client.Membership.Query().WithPlan().
			Where(membership.StatusIn(membership.StatusACTIVE, membership.StatusPAST_DUE),
				membership.UserIDIn(slices.Collect(maps.Keys(accounts))...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load memberships: %w", err)
		}
		for _, m := range ms {
			for _, id := range accounts[m.UserID] {
				if v := out[id]; m.Edges.Plan != nil {
					v.planRank = m.Edges.Plan.Code.Rank()
					out[id] = v
				}
			}
		}
	}
	return out, nil
}

// RefreshArgs is the periodic job that recomputes recommendations.
type RefreshArgs struct{}

// Kind implements river.JobArgs.
func (RefreshArgs) Kind() string { return "recommend.refresh" }

// Worker runs Refresh as a River job.
type Worker struct {
	river.WorkerDefaults[RefreshArgs]
	svc *Service
}

// NewWorker returns the worker for RefreshArgs.
func NewWorker(svc *Service) *Worker { return &Worker{svc: svc} }

// Work implements river.Worker.
func (w *Worker) Work(ctx context.Context, _ *river.Job[RefreshArgs]) error {
	due, err := w.svc.Due(ctx, time.Now())
	if err != nil || !due {
		return err
	}
	return w.svc.Refresh(ctx)
}

// When recommendations are recomputed: after RefreshActivity new interactions, or
// RefreshEvery after the last run, whichever comes first. The job checks every
// CheckEvery, which costs one indexed count when nothing is due.
const (
	CheckEvery      = time.Minute
	RefreshEvery    = 15 * time.Minute
	RefreshActivity = 100
)

// Due reports whether enough has happened since the last refresh to run another: the
// age of the newest recommendation, and the activity logged since.
func (s *Service) Due(ctx context.Context, now time.Time) (bool, error) {
	last, err := s.st.Client.Recommendation.Query().Order(ent.Desc(recommendation.FieldCreatedAt)).First(ctx)
	if ent.IsNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("last refresh: %w", err)
	}
	at := last.CreatedAt
	if n := s.last.Load(); n > at.UnixNano() {
		at = time.Unix(0, n) // a refresh here found nothing to rewrite since
	}
	if now.Sub(at) >= RefreshEvery {
		return true, nil
	}
	n, err := s.st.Client.ViewEvent.Query().Where(viewevent.CreatedAtGT(at)).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("count new activity: %w", err)
	}
	return n >= RefreshActivity, nil
}

// Timeout implements river.Worker: fitting a large catalog takes minutes.
func (w *Worker) Timeout(*river.Job[RefreshArgs]) time.Duration { return 15 * time.Minute }

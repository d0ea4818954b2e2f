package recommend

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/store"
)

// ServeOptions size what Refresh writes; zero values take the defaults.
type ServeOptions struct {
	Recommended int // per viewer; default 40
	Sources     int // titles a viewer gets a Because You Watched row for; default 3
	Because     int // suggestions per such title; default 12
	Similar     int // per title; default 12
}

// Service precomputes the Recommendation table from the activity in the database.
type Service struct {
	st   *store.Store
	log  *slog.Logger
	opts ServeOptions
	// mu keeps two refreshes in one process from fitting at once; across replicas
	// the periodic job runs on one leader.
	mu sync.Mutex
}

// NewService returns the service; Refresh does the work.
func NewService(st *store.Store, log *slog.Logger, o ServeOptions) *Service {
	o.Recommended = cmpOr(o.Recommended, 40)
	o.Sources = cmpOr(o.Sources, 3)
	o.Because = cmpOr(o.Because, 12)
	o.Similar = cmpOr(o.Similar, 12)
	return &Service{st: st, log: log, opts: o}
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// viewer is what serving needs to know of a user besides their history.
type viewer struct {
	country  string
	planRank int // −1 without a membership
}

// Refresh rebuilds the interaction log, fits the hybrid and replaces every
// Recommendation row in one transaction, so readers see the old set or the new one:
//   - RECOMMENDED per viewer with history, best first, watched titles left out, titles
//     not offered in the viewer's country left out, and titles above the viewer's plan
//     moved after the rest (they stay as reasons to upgrade);
//   - BECAUSE_YOU_WATCHED per viewer for their latest few titles, newest source first
//     by created_at, each with the source in source_title_id;
//   - SIMILAR per title with source_title_id the title, for any viewer (readers apply
//     the viewer's region).
//
// Viewers with no history get no rows: the feed's popular fallback is what they
// would get anyway.
func (s *Service) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	titles, d, err := load(ctx, s.st.Client)
	if err != nil {
		return err
	}
	if len(titles) == 0 {
		return nil
	}
	viewers, err := loadViewers(ctx, s.st.Client)
	if err != nil {
		return err
	}
	h := &Hybrid{}
	if err := h.Fit(ctx, d); err != nil {
		return fmt.Errorf("fit recommender: %w", err)
	}

	type row struct {
		kind         recommendation.Kind
		user, source *int
		title, rank  int
		score        float64
		reason       string
		createdAt    time.Time
	}
	var rows []row
	add := func(kind recommendation.Kind, user, source *int, titleIdx, rank int, score float64, reason string) {
		rows = append(rows, row{kind, user, source, d.Items[titleIdx].ID, rank, score, reason, start})
	}
	scores := make([]float64, len(d.Items))
	for u, hist := range d.Hist {
		if len(hist) == 0 {
			continue
		}
		uid := d.UserIDs[u]
		v := viewers[uid]
		allowed := func(i int) bool {
			t := titles[d.Items[i].ID]
			return t != nil && catalog.AvailableIn(t, v.country)
		}
		rec := Recommend(h, hist, 4*s.opts.Recommended, scores)
		rec = slices.DeleteFunc(rec, func(i int) bool { return !allowed(i) })
		// Titles the viewer's plan does not cover go last, keeping their order.
		slices.SortStableFunc(rec, func(a, b int) int {
			return boolInt(above(titles[d.Items[a].ID], v.planRank)) - boolInt(above(titles[d.Items[b].ID], v.planRank))
		})
		for rank, i := range rec[:min(len(rec), s.opts.Recommended)] {
			add(recommendation.KindRECOMMENDED, &uid, nil, i, rank+1, scores[i], s.reason(h, d, hist, i))
		}
		// Because You Watched: the latest distinct titles, newest first; created_at
		// steps back a second per source so readers can take the newest.
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
				add(recommendation.KindBECAUSE_YOU_WATCHED, &uid, &srcID, i, rank+1, 0, reason)
				rows[len(rows)-1].createdAt = start.Add(-time.Duration(n) * time.Second)
			}
			n++
		}
	}
	for i := range d.Items {
		id := d.Items[i].ID
		if titles[id] == nil {
			continue
		}
		for rank, j := range h.Similar(i, s.opts.Similar) {
			add(recommendation.KindSIMILAR, nil, &id, j, rank+1, 0, "More like "+d.Items[i].Title)
		}
	}

	err = s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		if _, err := client.Recommendation.Delete().Exec(ctx); err != nil {
			return fmt.Errorf("clear recommendations: %w", err)
		}
		// Bulk inserts in slices small enough for SQLite's variable limit.
		for chunk := range slices.Chunk(rows, 200) {
			builders := make([]*ent.RecommendationCreate, len(chunk))
			for k, r := range chunk {
				builders[k] = client.Recommendation.Create().SetKind(r.kind).SetTitleID(r.title).
					SetRank(r.rank).SetScore(r.score).SetModel("hybrid").SetReason(r.reason).
					SetCreatedAt(r.createdAt).SetNillableUserID(r.user).SetNillableSourceTitleID(r.source)
			}
			if err := client.Recommendation.CreateBulk(builders...).Exec(ctx); err != nil {
				return fmt.Errorf("write recommendations: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.log.Info("recommendations refreshed", slog.Int("titles", len(titles)), slog.Int("viewers", len(d.UserIDs)),
		slog.Int("rows", len(rows)), slog.Duration("took", time.Since(start)))
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

// load reads the catalog and turns all activity into one interaction log: completed
// and started progress, ratings (4★ and up count as rated high, lower as a start:
// the viewer watched but did not like it), My List adds, and the ViewEvent log with
// the weights it was written with.
func load(ctx context.Context, client *ent.Client) (map[int]*ent.Title, *Data, error) {
	ts, err := client.Title.Query().WithGenres().WithCredits(func(q *ent.CreditQuery) { q.WithPerson() }).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load titles: %w", err)
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
	var log []Interaction
	progress, err := client.WatchProgress.Query().All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load progress: %w", err)
	}
	for _, p := range progress {
		w := WeightStarted
		if p.Completed {
			w = WeightCompleted
		}
		log = append(log, Interaction{User: p.UserID, Item: p.TitleID, Weight: w, Time: p.UpdatedAt.Unix()})
	}
	ratings, err := client.Rating.Query().All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load ratings: %w", err)
	}
	for _, r := range ratings {
		w := WeightStarted
		if r.Stars >= 4 {
			w = WeightRatedHigh
		}
		log = append(log, Interaction{User: r.UserID, Item: r.TitleID, Weight: w, Time: r.UpdatedAt.Unix()})
	}
	listed, err := client.MyListItem.Query().All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load my list: %w", err)
	}
	for _, l := range listed {
		log = append(log, Interaction{User: l.UserID, Item: l.TitleID, Weight: WeightListed, Time: l.CreatedAt.Unix()})
	}
	events, err := client.ViewEvent.Query().Where(viewevent.UserIDNotNil()).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load view events: %w", err)
	}
	for _, e := range events {
		log = append(log, Interaction{User: *e.UserID, Item: e.TitleID, Weight: e.Weight, Time: e.CreatedAt.Unix()})
	}
	// Activity on deleted titles cannot be served.
	log = slices.DeleteFunc(log, func(in Interaction) bool { return titles[in.Item] == nil })
	return titles, NewData(items, log), nil
}

func loadViewers(ctx context.Context, client *ent.Client) (map[int]viewer, error) {
	users, err := client.User.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load viewers: %w", err)
	}
	out := make(map[int]viewer, len(users))
	for _, u := range users {
		out[u.ID] = viewer{country: u.Country, planRank: -1}
	}
	ms, err := client.Membership.Query().
		Where(membership.StatusIn(membership.StatusACTIVE, membership.StatusPAST_DUE)).WithPlan().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load memberships: %w", err)
	}
	for _, m := range ms {
		if v, ok := out[m.UserID]; ok && m.Edges.Plan != nil {
			v.planRank = m.Edges.Plan.Code.Rank()
			out[m.UserID] = v
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
	if now.Sub(last.CreatedAt) >= RefreshEvery {
		return true, nil
	}
	n, err := s.st.Client.ViewEvent.Query().Where(viewevent.CreatedAtGT(last.CreatedAt)).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("count new activity: %w", err)
	}
	return n >= RefreshActivity, nil
}

// Timeout implements river.Worker: fitting a large catalog takes minutes.
func (w *Worker) Timeout(*river.Job[RefreshArgs]) time.Duration { return 15 * time.Minute }

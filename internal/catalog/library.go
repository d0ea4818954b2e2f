package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/internal/apperr"
)

// Interaction weights in the activity log: completed > rated high > listed > started.
const (
	WeightPlay     = 1.0
	WeightList     = 2.0
	WeightComplete = 4.0
)

// rateWeight maps stars to an interaction strength: a 5-star rating is nearly as strong
// as finishing the title, a 1-star one is a weak (but real) signal.
func rateWeight(stars int) float64 { return float64(stars) * 0.7 }

// findTitle loads a title the viewer may see, or NOT_FOUND.
func findTitle(ctx context.Context, client *ent.Client, id int) (*ent.Title, error) {
	t, err := client.Title.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "No title has the id %d.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find title: %w", err)
	}
	return t, nil
}

// findSeen loads a title the viewer may see: one above their maturity ceiling is NOT_FOUND,
// as if it were not there.
func findSeen(ctx context.Context, client *ent.Client, v Viewer, id int) (*ent.Title, error) {
	t, err := findTitle(ctx, client, id)
	if err == nil && !v.Sees(t.MaturityRating) {
		return nil, apperr.New(apperr.NotFound, "No title has the id %d.", id)
	}
	return t, err
}

// AddToMyList saves a title for later; adding it twice keeps one entry.
func (s *Service) AddToMyList(ctx context.Context, v Viewer, titleID int) (*ent.Title, error) {
	st, userID, profileID := s.st, v.UserID, v.ProfileID
	if err := v.watching(); err != nil {
		return nil, err
	}
	if _, err := findSeen(ctx, st.Client, v, titleID); err != nil {
		return nil, err
	}
	err := st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		n, err := client.MyListItem.Query().Where(mylistitem.ProfileID(profileID), mylistitem.TitleID(titleID)).Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		if err := client.MyListItem.Create().SetUserID(userID).SetProfileID(profileID).SetTitleID(titleID).
			OnConflictColumns(mylistitem.FieldProfileID, mylistitem.FieldTitleID).Ignore().Exec(ctx); err != nil {
			return fmt.Errorf("add to my list: %w", err)
		}
		return client.ViewEvent.Create().SetUserID(userID).SetProfileID(profileID).SetTitleID(titleID).
			SetKind(viewevent.KindLIST).SetWeight(WeightList).Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	s.forgetRow(titleID)
	return st.Client.Title.Get(ctx, titleID)
}

// RemoveFromMyList forgets a saved title; removing one not listed is not an error.
func (s *Service) RemoveFromMyList(ctx context.Context, v Viewer, titleID int) (*ent.Title, error) {
	st, profileID := s.st, v.ProfileID
	if err := v.watching(); err != nil {
		return nil, err
	}
	if _, err := findSeen(ctx, st.Client, v, titleID); err != nil {
		return nil, err
	}
	if _, err := st.Client.MyListItem.Delete().
		Where(mylistitem.ProfileID(profileID), mylistitem.TitleID(titleID)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("remove from my list: %w", err)
	}
	return st.Client.Title.Get(ctx, titleID)
}

// Rate records viewer v's 1–5 stars for a title, replacing an earlier rating, and keeps
// the title's count and sum (its average) in step in the same transaction.
func (s *Service) Rate(ctx context.Context, v Viewer, titleID, stars int) (*ent.Title, error) {
	st, userID, profileID := s.st, v.UserID, v.ProfileID
	if err := v.watching(); err != nil {
		return nil, err
	}
	if stars < 1 || stars > 5 {
		return nil, apperr.Input("stars", "Rate from 1 to 5 stars.")
	}
	if _, err := findSeen(ctx, st.Client, v, titleID); err != nil {
		return nil, err
	}
	err := st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		prev, err := client.Rating.Query().Where(rating.ProfileID(profileID), rating.TitleID(titleID)).Only(ctx)
		switch {
		case ent.IsNotFound(err):
			if err := client.Rating.Create().SetUserID(userID).SetProfileID(profileID).SetTitleID(titleID).SetStars(stars).Exec(ctx); err != nil {
				return fmt.Errorf("rate: %w", err)
			}
			if err := AddCounts(ctx, client, st.Dialect, titleID, Counts{Ratings: 1, RatingSum: stars}); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("find rating: %w", err)
		case prev.Stars != stars:
			if err := client.Rating.UpdateOne(prev).SetStars(stars).Exec(ctx); err != nil {
				return fmt.Errorf("rate: %w", err)
			}
			if err := AddCounts(ctx, client, st.Dialect, titleID, Counts{RatingSum: stars - prev.Stars}); err != nil {
				return err
			}
		default:
			return nil
		}
		return client.ViewEvent.Create().SetUserID(userID).SetProfileID(profileID).SetTitleID(titleID).
			SetKind(viewevent.KindRATE).SetWeight(rateWeight(stars)).Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	s.forgetRow(titleID)
	return st.Client.Title.Get(ctx, titleID)
}

// AverageRating is the mean of a title's stars, or nil when nobody rated it.
func AverageRating(t *ent.Title) *float64 {
	if t.RatingCount == 0 {
		return nil
	}
	avg := math.Round(float64(t.RatingSum)/float64(t.RatingCount)*10) / 10
	return &avg
}

// TrendingWindow is how far back trending looks, and TrendingHalfLife how fast a view
// loses weight within it.
const (
	TrendingWindow   = 7 * 24 * time.Hour
	TrendingHalfLife = 2 * 24 * time.Hour
)

// RefreshTrending recomputes every title's trending score from the plays of the last
// seven days, each worth half as much every two days: one grouped query per day, so the
// cost follows the number of titles played, not the number of plays.
func (s *Service) RefreshTrending(ctx context.Context, now time.Time) error {
	st := s.st
	scores := map[int]float64{}
	for day := range 7 {
		to := now.Add(-time.Duration(day) * 24 * time.Hour)
		from := to.Add(-24 * time.Hour)
		var rows []struct {
			TitleID int `json:"title_id"`
			Count   int `json:"count"`
		}
		err := st.Client.ViewEvent.Query().
			Where(viewevent.KindEQ(viewevent.KindPLAY), viewevent.CreatedAtGTE(from), viewevent.CreatedAtLT(to)).
			GroupBy(viewevent.FieldTitleID).Aggregate(ent.Count()).Scan(ctx, &rows)
		if err != nil {
			return fmt.Errorf("count plays: %w", err)
		}
		// Weight each day by its midpoint's age.
		decay := math.Exp2(-(float64(day) + 0.5) * 24 / TrendingHalfLife.Hours())
		for _, r := range rows {
			scores[r.TitleID] += float64(r.Count) * decay
		}
	}
	defer s.changed()
	return st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		if err := client.Title.Update().Where(title.TrendingScoreNEQ(0)).SetTrendingScore(0).Exec(ctx); err != nil {
			return fmt.Errorf("reset trending: %w", err)
		}
		for id, score := range scores {
			if err := client.Title.UpdateOneID(id).SetTrendingScore(math.Round(score*1000) / 1000).Exec(ctx); err != nil && !ent.IsNotFound(err) {
				return fmt.Errorf("set trending: %w", err)
			}
		}
		return nil
	})
}

// TrendingArgs is the periodic job that recomputes trending scores.
type TrendingArgs struct{}

// Kind implements river.JobArgs.
func (TrendingArgs) Kind() string { return "catalog.trending" }

// TrendingWorker runs RefreshTrending as a River job.
type TrendingWorker struct {
	river.WorkerDefaults[TrendingArgs]
	catalog *Service
}

// NewTrendingWorker returns the worker for TrendingArgs.
func NewTrendingWorker(s *Service) *TrendingWorker { return &TrendingWorker{catalog: s} }

// Work implements river.Worker.
func (w *TrendingWorker) Work(ctx context.Context, _ *river.Job[TrendingArgs]) error {
	return w.catalog.RefreshTrending(ctx, time.Now())
}

// Counts are additions to a title's activity counters.
type Counts struct {
	Views, Ratings, RatingSum int
}

// AddCounts adds c to a title's activity counters through client (a transaction's, as a
// rule) without marking the title edited: counters change with every play and rating, and
// updated_at is what tells every replica's search index and shelf that a title's listing
// changed, which a play does not.
func AddCounts(ctx context.Context, client *ent.Client, dialectName string, titleID int, c Counts) error {
	u := entsql.Dialect(dialectName).Update(title.Table).Where(entsql.EQ(title.FieldID, titleID))
	if c.Views != 0 {
		u.Add(title.FieldViewCount, c.Views)
	}
	if c.Ratings != 0 {
		u.Add(title.FieldRatingCount, c.Ratings)
	}
	if c.RatingSum != 0 {
		u.Add(title.FieldRatingSum, c.RatingSum)
	}
	query, args := u.Query()
	if _, err := client.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("title counters: %w", err)
	}
	return nil
}

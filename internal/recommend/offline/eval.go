// Package offline measures the recommender away from the database: Evaluate fits
// models on MovieLens-format logs and reports NDCG, recall and coverage on each
// viewer's latest interactions, ReadRatings, ReadItems and WriteMovieLens read and
// write such logs, and Generate makes synthetic ones with planted taste structure for
// tests and benchmarks. The serving side in package recommend never imports it.
package offline

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/marquee-org/marquee/internal/linalg"
	"github.com/marquee-org/marquee/internal/recommend"
)

// Result is one model's offline figures. Coverage is the share of the catalog that
// appears in at least one viewer's top 20.
type Result struct {
	Model    string  `json:"model"`
	NDCG10   float64 `json:"ndcg@10"`
	Recall20 float64 `json:"recall@20"`
	Coverage float64 `json:"coverage"`
	Users    int     `json:"users"`
}

// Evaluate holds out each viewer's latest recommend.HoldOut of interactions, fits
// every model on the rest and ranks the catalog for each viewer, excluding what they
// interacted with in training. A held-out item counts as relevant whatever its weight.
func Evaluate(ctx context.Context, d *recommend.Data, models []recommend.Model, progress recommend.Progress) ([]Result, error) {
	if progress == nil {
		progress = func(string, float64) {}
	}
	trainHist, test := recommend.Split(d.Hist, recommend.HoldOut)
	train := d.WithHist(trainHist)
	var users []int
	for u, t := range test {
		if len(t) > 0 {
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("no viewer has two or more interactions to hold out")
	}
	var out []Result
	for _, m := range models {
		progress(m.Name()+" fit", 0)
		if err := m.Fit(ctx, train); err != nil {
			return nil, fmt.Errorf("%s: %w", m.Name(), err)
		}
		ndcg := make([]float64, len(users))
		recall := make([]float64, len(users))
		recommended := make([]bool, len(d.Items))
		var mu sync.Mutex
		done := 0
		scratch := make([][]float64, runtime.GOMAXPROCS(0))
		err := recommend.Parallel(ctx, len(users), func(w, k int) {
			if scratch[w] == nil {
				scratch[w] = make([]float64, len(d.Items))
			}
			scores := scratch[w]
			u := users[k]
			rec := recommend.Recommend(m, trainHist[u], 20, scores)
			relevant := map[int]bool{}
			for _, e := range test[u] {
				relevant[int(e.Item)] = true
			}
			ndcg[k] = recommend.NDCG(rec, relevant, 10)
			recall[k] = Recall(rec, relevant, 20)
			mu.Lock()
			for _, i := range rec {
				recommended[i] = true
			}
			done++
			if done%64 == 0 {
				progress(m.Name(), float64(done)/float64(len(users)))
			}
			mu.Unlock()
		})
		if err != nil {
			return nil, err
		}
		r := Result{Model: m.Name(), Users: len(users), NDCG10: linalg.Mean(ndcg), Recall20: linalg.Mean(recall)}
		n := 0
		for _, ok := range recommended {
			if ok {
				n++
			}
		}
		r.Coverage = float64(n) / float64(len(d.Items))
		out = append(out, r)
		progress(m.Name(), 1)
	}
	return out, nil
}

// Recall is the share of relevant items in the top k, out of at most k, so that a
// viewer with more relevant items than slots can still reach 1.
func Recall(rec []int, relevant map[int]bool, k int) float64 {
	if len(relevant) == 0 {
		return 0
	}
	hits := 0
	for r := 0; r < k && r < len(rec); r++ {
		if relevant[rec[r]] {
			hits++
		}
	}
	return float64(hits) / float64(min(k, len(relevant)))
}

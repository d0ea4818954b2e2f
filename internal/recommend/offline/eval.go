// Package offline measures the recommender away from the database: Evaluate fits
// models on MovieLens-format logs and reports NDCG, recall and coverage on each
// viewer's latest interactions or on what everyone did after one cut in time, with
// baselines tuned on validation, ReadRatings, ReadItems and WriteMovieLens read and
// write such logs, and Generate makes synthetic ones with planted taste structure for
// tests and benchmarks. The serving side in package recommend never imports it.
package offline

import (
	"context"
	"fmt"
	"runtime"
	"slices"
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

// The protocols Evaluate knows.
const (
	// SplitPerUser holds out each viewer's latest recommend.HoldOut of interactions: it
	// measures continuing a viewer's current session.
	SplitPerUser = "per-user"
	// SplitGlobalTime holds out everything after one moment (GlobalCut of the log's
	// interactions came before it): it measures a viewer's next visit.
	SplitGlobalTime = "global-time"
)

// GlobalCut is the share of interactions before the cut of a global-time split.
const GlobalCut = recommend.NextVisitCut

// Options choose the protocol.
type Options struct {
	Split string // SplitPerUser (the default) or SplitGlobalTime
	// Listed is how many of the log's items (recommend.NewData puts the catalog's first)
	// existed before anyone interacted with them, as a product catalog's titles do. Under
	// a global-time split, an item neither listed nor seen before the cut did not exist
	// then: it is no candidate, and interactions with it are not tested. A MovieLens
	// catalog lists a film because someone rated it, so its films exist from their first
	// rating: give 0.
	Listed int
	// Progress hears of each stage; nil is silent.
	Progress recommend.Progress
	// Tune lists baselines whose settings are chosen before they are evaluated: each
	// setting is scored (NDCG@10) on a validation split carved from the training side in
	// the same way as the test split, never on the test split, and the best is evaluated
	// after the models.
	Tune []Grid
}

// Grid is one baseline's settings to choose from.
type Grid []Setting

// Setting is how to name a configuration, e.g. "k=100 shrink=10", and how to make a
// model with it: each trial fits a new one, dropped once scored.
type Setting struct {
	Label string
	New   func() recommend.Model
}

// Trial is one setting's validation score.
type Trial struct {
	Model   string  `json:"model"`
	Setting string  `json:"setting"`
	NDCG10  float64 `json:"ndcg@10"`
	Chosen  bool    `json:"chosen"`
}

// Protocol describes the split an evaluation ran: who was evaluated, and for a
// global-time split, where it cut and who was left out.
type Protocol struct {
	Split string `json:"split"`
	Cut   int64  `json:"cut,omitempty"`
	// Users is how many viewers were evaluated. Under a global-time split, NoTest viewers
	// did nothing after the cut, and New viewers nothing before it; neither is evaluated.
	Users  int `json:"users"`
	NoTest int `json:"withoutTest,omitempty"`
	New    int `json:"new,omitempty"`
	// Unknown counts held-out interactions with items that did not exist at the cut.
	Unknown int `json:"unknownItems,omitempty"`
	// Tuning is every setting tried for the tuned baselines, on validation.
	Tuning []Trial `json:"tuning,omitempty"`
}

// Evaluate splits the log as o says, fits every model on the training side and ranks
// the candidates for each viewer, excluding what they interacted with in training. A
// held-out item counts as relevant whatever its weight.
func Evaluate(ctx context.Context, d *recommend.Data, models []recommend.Model, o Options) ([]Result, Protocol, error) {
	if o.Progress == nil {
		o.Progress = func(string, float64) {}
	}
	s, p, err := split(d, o)
	if err != nil {
		return nil, p, err
	}
	for _, g := range o.Tune {
		best, trials, err := choose(ctx, s.train, g, o)
		if err != nil {
			return nil, p, err
		}
		p.Tuning = append(p.Tuning, trials...)
		models = append(slices.Clone(models), best)
	}
	p.Users = len(s.users)
	if len(s.users) == 0 {
		return nil, p, fmt.Errorf("no viewer has interactions to hold out")
	}
	var out []Result
	for _, m := range models {
		r, err := s.evaluate(ctx, m, o.Progress)
		if err != nil {
			return nil, p, err
		}
		out = append(out, r)
	}
	return out, p, nil
}

// evaluation is a split log: the training side, what each viewer did afterwards, the
// viewers with something to test and the items that may be recommended (nil: all).
type evaluation struct {
	train     *recommend.Data
	test      [][]recommend.Event
	users     []int
	candidate []bool
}

// evaluate fits m on the training side and scores its recommendations.
func (s *evaluation) evaluate(ctx context.Context, m recommend.Model, progress recommend.Progress) (Result, error) {
	progress(m.Name()+" fit", 0)
	if err := m.Fit(ctx, s.train); err != nil {
		return Result{}, fmt.Errorf("%s: %w", m.Name(), err)
	}
	n := len(s.train.Items)
	ndcg := make([]float64, len(s.users))
	recall := make([]float64, len(s.users))
	recommended := make([]bool, n)
	var mu sync.Mutex
	done := 0
	scratch := make([][]float64, runtime.GOMAXPROCS(0))
	err := recommend.Parallel(ctx, len(s.users), func(w, k int) {
		if scratch[w] == nil {
			scratch[w] = make([]float64, n)
		}
		u := s.users[k]
		rec := recommend.RecommendAmong(m, s.train.Hist[u], 20, scratch[w], s.candidate)
		relevant := map[int]bool{}
		for _, e := range s.test[u] {
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
			progress(m.Name(), float64(done)/float64(len(s.users)))
		}
		mu.Unlock()
	})
	if err != nil {
		return Result{}, err
	}
	r := Result{Model: m.Name(), Users: len(s.users), NDCG10: linalg.Mean(ndcg), Recall20: linalg.Mean(recall)}
	covered := 0
	for _, ok := range recommended {
		if ok {
			covered++
		}
	}
	r.Coverage = float64(covered) / float64(n)
	progress(m.Name(), 1)
	return r, nil
}

// choose scores each setting of g on a validation split of train carved as o carves the
// test split, one fitted model at a time, and returns a new model with the best
// settings (the first of equals) and every trial.
func choose(ctx context.Context, train *recommend.Data, g Grid, o Options) (recommend.Model, []Trial, error) {
	if len(g) == 0 {
		return nil, nil, fmt.Errorf("a tuning grid without settings")
	}
	inner := o
	inner.Tune = nil
	s, _, err := split(train, inner)
	if err != nil {
		return nil, nil, err
	}
	name := g[0].New().Name()
	if len(s.users) == 0 {
		return nil, nil, fmt.Errorf("tune %s: no viewer has interactions to hold out", name)
	}
	trials := make([]Trial, len(g))
	best := 0
	for i, st := range g {
		r, err := s.evaluate(ctx, st.New(), o.Progress)
		if err != nil {
			return nil, nil, fmt.Errorf("tune %s: %w", name, err)
		}
		trials[i] = Trial{Model: name, Setting: st.Label, NDCG10: r.NDCG10}
		if r.NDCG10 > trials[best].NDCG10 {
			best = i
		}
	}
	trials[best].Chosen = true
	return g[best].New(), trials, nil
}

// split divides the log as o says.
func split(d *recommend.Data, o Options) (*evaluation, Protocol, error) {
	var train, test [][]recommend.Event
	var candidate []bool
	var p Protocol
	switch o.Split {
	case "", SplitPerUser:
		train, test = recommend.Split(d.Hist, recommend.HoldOut)
		p = Protocol{Split: SplitPerUser}
	case SplitGlobalTime:
		p = Protocol{Split: SplitGlobalTime, Cut: recommend.TimeQuantile(d.Hist, GlobalCut)}
		train, test = recommend.SplitAt(d.Hist, p.Cut)
		candidate = make([]bool, len(d.Items))
		for i := range min(max(o.Listed, 0), len(d.Items)) {
			candidate[i] = true
		}
		for _, h := range train {
			for _, e := range h {
				candidate[e.Item] = true
			}
		}
		for u := range test {
			switch {
			case len(test[u]) == 0:
				p.NoTest++
				continue
			case len(train[u]) == 0:
				p.New++
				test[u] = nil
				continue
			}
			kept := test[u][:0:0]
			for _, e := range test[u] {
				if candidate[e.Item] {
					kept = append(kept, e)
				} else {
					p.Unknown++
				}
			}
			test[u] = kept
		}
	default:
		return nil, Protocol{}, fmt.Errorf("unknown split %q: use %s or %s", o.Split, SplitPerUser, SplitGlobalTime)
	}
	s := &evaluation{train: d.WithHist(train), test: test, candidate: candidate}
	for u, t := range test {
		if len(t) > 0 {
			s.users = append(s.users, u)
		}
	}
	return s, p, nil
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

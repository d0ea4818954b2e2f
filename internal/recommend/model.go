package recommend

import (
	"container/heap"
	"context"
	"math"
	"runtime"
	"sync"
)

// Model is one recommender. Fit learns from a log; Score then writes a score for every
// catalog item (len(d.Items) values) given a viewer's history, which need not be one
// seen in Fit, so new viewers and held-out users score the same way. Score must be
// safe for concurrent use once Fit has returned.
type Model interface {
	Name() string
	Fit(ctx context.Context, d *Data) error
	Score(hist []Event, dst []float64)
}

// Progress reports how far a long step has got, from 0 to 1: the hybrid's fit reports
// through it, and so does offline evaluation.
type Progress func(stage string, frac float64)

// Recommend returns the indexes of the n best-scored items the viewer has not
// interacted with, best first; ties go to the lower index so results are stable.
func Recommend(m Model, hist []Event, n int, scores []float64) []int {
	return RecommendAmong(m, hist, n, scores, nil)
}

// RecommendAmong is Recommend limited to the items candidate marks (nil: all of them).
func RecommendAmong(m Model, hist []Event, n int, scores []float64, candidate []bool) []int {
	m.Score(hist, scores)
	for _, e := range hist {
		scores[e.Item] = math.Inf(-1)
	}
	for i, ok := range candidate {
		if !ok {
			scores[i] = math.Inf(-1)
		}
	}
	return topN(scores, n)
}

// topN picks the n highest finite scores, ties to the lower index.
func topN(scores []float64, n int) []int {
	h := make(minHeap, 0, n)
	for i, s := range scores {
		if math.IsInf(s, -1) || math.IsNaN(s) {
			continue
		}
		if len(h) < n {
			heap.Push(&h, scored{i, s})
		} else if n > 0 && better(scored{i, s}, h[0]) {
			h[0] = scored{i, s}
			heap.Fix(&h, 0)
		}
	}
	out := make([]int, len(h))
	for k := len(h) - 1; k >= 0; k-- {
		out[k] = heap.Pop(&h).(scored).i
	}
	return out
}

type scored struct {
	i int
	s float64
}

func better(a, b scored) bool { return a.s > b.s || (a.s == b.s && a.i < b.i) }

// minHeap keeps the worst of the current best at the root.
type minHeap []scored

func (h minHeap) Len() int           { return len(h) }
func (h minHeap) Less(a, b int) bool { return better(h[b], h[a]) }
func (h minHeap) Swap(a, b int)      { h[a], h[b] = h[b], h[a] }
func (h *minHeap) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Parallel runs fn(i) for i in [0, n) on as many goroutines as there are CPUs,
// stopping early when ctx ends. Each worker gets its own id for scratch buffers. The
// models fit with it, and offline evaluation scores its viewers with it.
func Parallel(ctx context.Context, n int, fn func(worker, i int)) error {
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(w, i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// Popularity scores items by their interaction weights, each halved every HalfLife
// seconds before the log's latest event, so what is watched now outranks old hits.
type Popularity struct {
	// HalfLife in seconds; 0 means a tenth of the log's time span, negative no decay.
	HalfLife float64
	// Count makes it the plain baseline: how many viewers interacted with each item,
	// whatever the weight or the time ("popcount").
	Count bool

	score []float64
	d     *Data
}

// Name implements Model.
func (p *Popularity) Name() string {
	if p.Count {
		return "popcount"
	}
	return "popularity"
}

// Fit implements Model.
func (p *Popularity) Fit(_ context.Context, d *Data) error {
	p.d = d
	p.score = make([]float64, len(d.Items))
	halfLife := p.HalfLife
	if halfLife == 0 {
		first := d.Now
		for _, h := range d.Hist {
			if len(h) > 0 {
				first = min(first, h[0].Time)
			}
		}
		halfLife = float64(d.Now-first) / 10
	}
	for _, h := range d.Hist {
		for _, e := range h {
			if p.Count {
				p.score[e.Item]++
				continue
			}
			p.score[e.Item] += float64(e.Weight) * decay(d.Now-e.Time, halfLife)
		}
	}
	return nil
}

// Score implements Model: the same for everyone.
func (p *Popularity) Score(_ []Event, dst []float64) { copy(dst, p.score) }

// ScoreGenres is the cold-start ranking: popularity, lifted for items sharing the
// genres a viewer picked or watched.
func (p *Popularity) ScoreGenres(genres []string, dst []float64) {
	want := map[string]bool{}
	for _, g := range genres {
		want[g] = true
	}
	for i, s := range p.score {
		match := 0
		for _, g := range p.d.Items[i].Genres {
			if want[g] {
				match++
			}
		}
		dst[i] = s * (1 + float64(match))
	}
}

func decay(age int64, halfLife float64) float64 {
	if halfLife <= 0 || age <= 0 {
		return 1
	}
	return math.Exp2(-float64(age) / halfLife)
}

// Trending is popularity as it stood at the viewer's latest interaction: interactions
// up to then, halved every HalfLife seconds. For a viewer active now it is today's
// trending list; for one who stopped a while ago it is what was on everyone's screens
// when they last were, which is what their next picks drew from. It never looks past
// the viewer's time.
type Trending struct {
	// HalfLife in seconds; 0 means a fiftieth of the log's time span.
	HalfLife float64
	// Bins is how finely time is cut; default 256.
	Bins int
	// AtEnd scores what trended at the log's end, when a next visit is served, instead
	// of at the viewer's latest interaction.
	AtEnd bool

	first, width int64
	at           [][]float32 // bin → item → score at the bin's end
}

// Name implements Model.
func (m *Trending) Name() string { return "trending" }

// Fit implements Model.
func (m *Trending) Fit(_ context.Context, d *Data) error {
	bins := m.Bins
	if bins <= 0 {
		bins = 256
	}
	m.first = d.Now
	for _, h := range d.Hist {
		if len(h) > 0 {
			m.first = min(m.first, h[0].Time)
		}
	}
	m.width = max((d.Now-m.first)/int64(bins), 1)
	halfLife := m.HalfLife
	if halfLife <= 0 {
		halfLife = max(float64(d.Now-m.first)/50, 1)
	}
	type add struct {
		item int32
		w    float64
	}
	perBin := make([][]add, bins)
	for _, h := range d.Hist {
		for _, e := range h {
			b := min(int((e.Time-m.first)/m.width), bins-1)
			end := m.first + int64(b+1)*m.width
			perBin[b] = append(perBin[b], add{e.Item, float64(e.Weight) * decay(end-e.Time, halfLife)})
		}
	}
	m.at = make([][]float32, bins)
	s := make([]float64, len(d.Items))
	step := decay(m.width, halfLife)
	for b := range bins {
		for i := range s {
			s[i] *= step
		}
		for _, a := range perBin[b] {
			s[a.item] += a.w
		}
		m.at[b] = make([]float32, len(s))
		for i, v := range s {
			m.at[b][i] = float32(v)
		}
	}
	return nil
}

// Score implements Model.
func (m *Trending) Score(hist []Event, dst []float64) {
	b := len(m.at) - 1
	if len(hist) > 0 && !m.AtEnd {
		// The last bin that ended by the viewer's latest interaction.
		b = min(int((hist[len(hist)-1].Time-m.first)/m.width)-1, b)
	}
	if b < 0 {
		clear(dst)
		return
	}
	for i, v := range m.at[b] {
		dst[i] = float64(v)
	}
}

package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/internal/catalog"
)

// The viewers' shape.
const (
	// Titles played per viewer follow a Pareto law: most viewers play a dozen or two,
	// a few thousands.
	activityMin   = 8
	activityAlpha = 1.15
	maxActivity   = 3000
	accountAge    = 3 * 365 * 24 * time.Hour

	finishMovie   = 0.62 // share of started movies watched to the end
	finishEpisode = 0.55 // share of a series' last watched episode finished
	rewatch       = 0.08 // share of finished movies played again
	listFirst     = 0.12 // share of played titles saved to My List beforehand
	listOnly      = 8    // one title saved and never started per this many played
	binge         = 0.7  // share of next episodes started right after the previous one
)

// ReservedDomain is the email domain of every synthetic viewer. .invalid can never
// receive mail, and a database holding one of these viewers holds synthetic data.
const ReservedDomain = "synthetic.invalid"

// PasswordHash is every synthetic viewer's password hash: a well-formed argon2id string
// with the default costs whose key is all zeros, which no password hashes to. Login then
// answers a wrong password as for any account, in the same time, where a malformed hash
// would make it fail with an internal error.
const PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// viewer is one generated viewer. Its draws come from a stream of its own, so the same
// viewer (and the same activity) is generated again on demand, in any order.
type viewer struct {
	r       *rand.Rand
	index   int
	email   string
	name    string
	country string
	plan    plancode.Code
	joined  time.Time
	titles  int     // distinct titles they play
	rater   float64 // how readily they rate what they watched
	taste   float64 // their stars sit this far from a title's mean
}

// viewer generates viewer i of seed; activity then continues from the same stream.
func (m *model) viewer(seed uint64, i int) *viewer {
	r := rand.New(rand.NewPCG(seed, 0x76696577657273^uint64(i)<<20)) // "viewers"
	v := &viewer{r: r, index: i}
	v.email = fmt.Sprintf("viewer%07d@%s", i+1, ReservedDomain)
	v.name = capital(word(r, 1+r.IntN(2))) + " " + capital(word(r, 1+r.IntN(3)))
	v.country = m.countries.draw(r)
	v.plan = pick(r, viewerPlans)
	v.joined = m.latest().Add(-time.Duration(r.Float64() * float64(accountAge)))
	n := activityMin / math.Pow(1-r.Float64(), 1/activityAlpha)
	v.titles = int(min(n, float64(m.activityCap)))
	v.rater = 0.1 + 0.7*r.Float64()
	v.taste = r.NormFloat64() * 0.4
	return v
}

// latest is the latest moment activity is dated: a minute before now, so that the
// trending refresh, which counts plays before now, counts every one of them.
func (m *model) latest() time.Time { return m.now.Add(-time.Minute) }

// sink receives a viewer's activity: counted in a first pass, written in the second.
type sink interface {
	// event is an activity log entry; video is -1 for kinds not about one video.
	event(v *viewer, show, video int, kind viewevent.Kind, weight float64, at time.Time) error
	// progress is where v stopped in a video; episode is -1 for a movie.
	progress(v *viewer, show, video, episode int, pos, dur float64, done bool, at time.Time) error
	rate(v *viewer, show, stars int, at time.Time) error
	list(v *viewer, show int, at time.Time) error
}

// simulate plays out v's history: titles drawn by popularity among those v could watch,
// each played (a movie, or a run of episodes from the first), sometimes saved first,
// sometimes rated; then a few titles saved and never started.
func (m *model) simulate(v *viewer, out sink) error {
	seen := make(map[int]bool, v.titles+v.titles/listOnly)
	for played, tries := 0, 0; played < v.titles && tries < 8*v.titles; tries++ {
		i := m.draw(v.r)
		if seen[i] || !m.watchable(&m.shows[i], v) {
			continue
		}
		seen[i] = true
		played++
		if err := m.watch(v, i, out); err != nil {
			return err
		}
	}
	want := v.titles / listOnly
	for saved, tries := 0, 0; saved < want && tries < 8*want; tries++ {
		i := m.draw(v.r)
		if seen[i] || !m.watchable(&m.shows[i], v) {
			continue
		}
		seen[i] = true
		saved++
		at := m.between(v.r, maxTime(v.joined, m.shows[i].released))
		if err := m.save(v, i, at, out); err != nil {
			return err
		}
	}
	return nil
}

// between draws a moment from lo to latest, recent ones more often.
func (m *model) between(r *rand.Rand, lo time.Time) time.Time {
	u := r.Float64()
	return lo.Add(time.Duration(float64(m.latest().Sub(lo)) * (1 - u*u)))
}

func (m *model) save(v *viewer, i int, at time.Time, out sink) error {
	if err := out.list(v, i, at); err != nil {
		return err
	}
	return out.event(v, i, -1, viewevent.KindLIST, catalog.WeightList, at)
}

func (m *model) watch(v *viewer, i int, out sink) error {
	s, r, latest := &m.shows[i], v.r, m.latest()
	lo := maxTime(v.joined, s.released)
	start := m.between(r, lo)
	if r.Float64() < listFirst {
		at := start.Add(-time.Duration(r.Float64() * float64(min(30*24*time.Hour, start.Sub(lo)))))
		if err := m.save(v, i, at, out); err != nil {
			return err
		}
	}
	dur := float64(s.runtime * 60)
	// played plays one video from at and returns when the viewer stopped.
	played := func(video, episode int, at time.Time, finish float64) (time.Time, bool, error) {
		done := r.Float64() < finish
		pos := dur
		if !done {
			pos = dur * (0.05 + 0.85*r.Float64())
		}
		end := minTime(at.Add(time.Duration(pos*float64(time.Second))), latest)
		if err := out.event(v, i, video, viewevent.KindPLAY, catalog.WeightPlay, at); err != nil {
			return end, done, err
		}
		if done {
			if err := out.event(v, i, video, viewevent.KindCOMPLETE, catalog.WeightComplete, end); err != nil {
				return end, done, err
			}
		}
		return end, done, out.progress(v, i, video, episode, pos, dur, done, end)
	}

	var end time.Time
	var done bool
	var err error
	if s.seasons == nil {
		if end, done, err = played(s.firstVideo, -1, start, finishMovie); err != nil {
			return err
		}
		if done && r.Float64() < rewatch {
			again := minTime(end.Add(time.Duration(r.Float64()*float64(90*24*time.Hour))), latest)
			if err := out.event(v, i, s.firstVideo, viewevent.KindPLAY, catalog.WeightPlay, again); err != nil {
				return err
			}
		}
	} else {
		n := min(s.episodes(), 1+int(r.ExpFloat64()*4))
		at := start
		for k := range n {
			finish := 1.0
			if k == n-1 {
				finish = finishEpisode
			}
			if end, done, err = played(s.firstVideo+k, s.firstEpisode+k, at, finish); err != nil {
				return err
			}
			gap := time.Duration(r.Float64() * float64(14*24*time.Hour))
			if r.Float64() < binge {
				gap = time.Duration(r.Float64() * float64(30*time.Minute))
			}
			if at = end.Add(gap); at.After(latest) {
				break
			}
		}
	}

	odds := v.rater
	if !done {
		odds *= 0.3
	}
	if r.Float64() >= odds {
		return nil
	}
	mean := s.quality + v.taste - 0.7
	if done {
		mean = s.quality + v.taste + 0.3
	}
	stars := clamp(int(math.Round(mean+r.NormFloat64()*0.8)), 1, 5)
	at := minTime(end.Add(time.Duration(r.Float64()*float64(24*time.Hour))), latest)
	if err := out.rate(v, i, stars, at); err != nil {
		return err
	}
	return out.event(v, i, -1, viewevent.KindRATE, rateWeight(stars), at)
}

// rateWeight is the activity log's weight of a rating, as catalog.Rate writes it.
func rateWeight(stars int) float64 { return float64(stars) * 0.7 }

// tally is the first pass: the titles' counters and the number of rows to come.
type tally struct {
	now                                       time.Time
	views, ratings, ratingSum                 []int
	trending                                  []float64
	events, progresses, ratingRows, listItems int
}

func newTally(m *model) *tally {
	n := len(m.shows)
	return &tally{now: m.now, views: make([]int, n), ratings: make([]int, n), ratingSum: make([]int, n),
		trending: make([]float64, n)}
}

func (t *tally) event(_ *viewer, show, _ int, kind viewevent.Kind, _ float64, at time.Time) error {
	t.events++
	if kind != viewevent.KindPLAY {
		return nil
	}
	// Plays count as views (playback adds one per start) and, within the window, towards
	// trending exactly as catalog.RefreshTrending weighs them.
	t.views[show]++
	age := t.now.Sub(at)
	if age < catalog.TrendingWindow {
		day := math.Floor(age.Hours() / 24)
		t.trending[show] += math.Exp2(-(day + 0.5) * 24 / catalog.TrendingHalfLife.Hours())
	}
	return nil
}

func (t *tally) progress(*viewer, int, int, int, float64, float64, bool, time.Time) error {
	t.progresses++
	return nil
}

func (t *tally) rate(_ *viewer, show, stars int, _ time.Time) error {
	t.ratingRows++
	t.ratings[show]++
	t.ratingSum[show] += stars
	return nil
}

func (t *tally) list(*viewer, int, time.Time) error {
	t.listItems++
	return nil
}

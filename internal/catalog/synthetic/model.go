package synthetic

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/geo"
)

// The catalog's shape. Shares are of titles; sizes are drawn per title or per series.
const (
	seriesShare  = 0.10
	limitedShare = 0.30 // titles watchable in 1 to 10 countries only
	maxRegions   = 10
	firstYear    = 1950
	lastYear     = 2026
	// Exponent of the popularity ranks: a title's share of plays is 1/rank^s, about
	// MovieLens's long tail.
	popularityExponent = 1.0
	// Exponent of the genre ranks: the largest genre holds about a quarter of the titles.
	genreExponent = 1.0
	// Titles reached the catalog over these last years (older ones at its launch).
	catalogAge = 4 * 365 * 24 * time.Hour
)

// genreNames are the catalog's genres, the usual ones first: a run takes the first 20 to
// 30 and gives them Zipf-distributed sizes in this order.
var genreNames = []string{
	"Drama", "Comedy", "Thriller", "Action", "Documentary", "Romance", "Crime", "Horror",
	"Sci-Fi", "Animation", "Family", "Mystery", "Adventure", "Fantasy", "Reality", "History",
	"Music", "Biography", "Sports", "War", "Western", "Stand-Up", "Kids", "Anime", "Musical",
	"True Crime", "Teen", "Nature", "Noir", "Short Film",
}

// weighted is a value drawn with a relative weight.
type weighted[T any] struct {
	v T
	w float64
}

func pick[T any](r *rand.Rand, choices []weighted[T]) T {
	total := 0.0
	for _, c := range choices {
		total += c.w
	}
	x := r.Float64() * total
	for _, c := range choices {
		if x -= c.w; x < 0 {
			return c.v
		}
	}
	return choices[len(choices)-1].v
}

var (
	movieRatings = []weighted[string]{
		{"G", 8}, {"PG", 17}, {"PG-13", 35}, {"R", 32}, {"NC-17", 3}, {"NR", 5},
	}
	seriesRatings = []weighted[string]{
		{"TV-Y", 4}, {"TV-Y7", 5}, {"TV-G", 8}, {"TV-PG", 18}, {"TV-14", 35}, {"TV-MA", 30},
	}
	// Half the catalog is on every plan; the rest asks for a tier.
	minPlans = []weighted[plancode.Code]{
		{"", 50}, {plancode.Basic, 15}, {plancode.Standard, 20}, {plancode.Premium, 15},
	}
	viewerPlans = []weighted[plancode.Code]{
		{plancode.Basic, 35}, {plancode.Standard, 45}, {plancode.Premium, 20},
	}
	// The viewers' countries: these markets hold most of them, the United States the
	// most; every other country shares what is left evenly.
	bigMarkets = []weighted[string]{
		{"US", 30}, {"GB", 7}, {"CA", 5}, {"DE", 5}, {"BR", 5}, {"IN", 5}, {"FR", 4}, {"MX", 4},
		{"JP", 3}, {"AU", 3}, {"ES", 3}, {"IT", 3}, {"KR", 2}, {"NL", 2}, {"PL", 1.5}, {"SE", 1.5},
	}
	bigMarketShare = 0.84
)

// countries draws ISO country codes from the viewers' skewed distribution.
type countries struct{ all []string }

// newCountries lists every code internal/geo accepts, in alphabetical order.
func newCountries() countries {
	var all []string
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			if c, ok := geo.NormalizeCountry(string([]byte{a, b})); ok {
				all = append(all, c)
			}
		}
	}
	return countries{all: all}
}

func (c countries) draw(r *rand.Rand) string {
	if r.Float64() < bigMarketShare {
		return pick(r, bigMarkets)
	}
	return c.all[r.IntN(len(c.all))]
}

// show is one title as generated, before it has an id.
type show struct {
	kind     title.Kind
	name     string
	synopsis string
	year     int
	released time.Time
	rating   string
	runtime  int      // minutes: the movie's, or each episode's
	regions  []string // empty: everywhere
	minPlan  plancode.Code
	genres   []int // indexes into model.genres
	added    time.Time
	rank     int     // popularity rank, 1 for the most played
	quality  float64 // mean stars before each viewer's own taste
	seasons  []int   // episodes in each season; nil for a movie
	// Offsets of the title's first episode and first video in model.episodes and the
	// video list; a movie has one video and no episodes.
	firstEpisode, firstVideo int
}

func (s *show) episodes() int {
	n := 0
	for _, e := range s.seasons {
		n += e
	}
	return n
}

func (s *show) videos() int { return max(1, s.episodes()) }

// episodeDraft is one generated episode.
type episodeDraft struct {
	season, number int
	name, synopsis string
}

// model is the whole generated catalog in memory: small next to the activity, which is
// generated viewer by viewer and never held.
type model struct {
	genres    []string
	shows     []show
	episodes  []episodeDraft
	videos    int
	seasons   int
	cdf       []float64 // cumulative popularity over shows, for drawing a title to watch
	countries countries
	now       time.Time
	// activityCap bounds the titles one viewer plays: half of those released.
	activityCap int
}

// newModel generates the catalog of n titles from seed.
func newModel(seed uint64, n int, now time.Time) *model {
	r := rand.New(rand.NewPCG(seed, 0x7469746c6573)) // "titles"
	m := &model{countries: newCountries(), now: now}
	m.genres = genreNames[:20+r.IntN(11)]
	genreCDF := zipfCDF(len(m.genres), genreExponent)

	ranks := r.Perm(n)
	m.shows = make([]show, n)
	launch := now.Add(-catalogAge)
	for i := range m.shows {
		s := &m.shows[i]
		s.kind = title.KindMOVIE
		if r.Float64() < seriesShare {
			s.kind = title.KindSERIES
		}
		s.name = titleName(r)
		s.synopsis = sentence(r, 14, 30)
		// Recent years hold more titles, as in any catalog.
		s.year = lastYear - int(float64(lastYear-firstYear+1)*math.Pow(r.Float64(), 2.5))
		s.year = max(firstYear, s.year)
		s.released = time.Date(s.year, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365))
		s.added = launch.Add(time.Duration(r.Float64() * float64(60*24*time.Hour)))
		if s.released.After(launch) {
			s.added = s.released.Add(-time.Duration(r.Float64() * float64(30*24*time.Hour)))
		}
		s.added = minTime(s.added, now)
		if s.kind == title.KindMOVIE {
			s.rating = pick(r, movieRatings)
			s.runtime = clamp(int(math.Round(105+r.NormFloat64()*18)), 70, 200)
		} else {
			s.rating = pick(r, seriesRatings)
			s.runtime = pick(r, []weighted[int]{{22, 3}, {30, 2}, {44, 4}, {55, 3}}) + r.IntN(5) - 2
			s.seasons = make([]int, 1+r.IntN(5))
			for j := range s.seasons {
				s.seasons[j] = 4 + r.IntN(9)
			}
		}
		if r.Float64() < limitedShare {
			s.regions = m.regions(r)
		}
		s.minPlan = pick(r, minPlans)
		s.genres = titleGenres(r, genreCDF)
		s.rank = ranks[i] + 1
		// Popular titles are, on the whole, liked better.
		lift := 1 - math.Log(float64(s.rank))/math.Log(float64(n)+1)
		s.quality = 2.6 + 1.5*lift + r.NormFloat64()*0.35

		s.firstEpisode, s.firstVideo = len(m.episodes), m.videos
		for season, count := range s.seasons {
			for e := range count {
				ep := episodeDraft{season: season + 1, number: e + 1, synopsis: sentence(r, 8, 18)}
				if r.IntN(2) == 0 {
					ep.name = titleName(r)
				} else {
					ep.name = "Episode " + strconv.Itoa(e+1)
				}
				m.episodes = append(m.episodes, ep)
			}
		}
		m.seasons += len(s.seasons)
		m.videos += s.videos()
	}

	weights := make([]float64, n)
	for i := range m.shows {
		weights[i] = math.Pow(float64(m.shows[i].rank), -popularityExponent)
	}
	m.cdf = cumulative(weights)
	return m
}

// regions draws 1 to maxRegions distinct countries, big markets more often, as licences go.
func (m *model) regions(r *rand.Rand) []string {
	k := 1 + r.IntN(maxRegions)
	var out []string
	for tries := 0; len(out) < k && tries < 20*k; tries++ {
		if c := m.countries.draw(r); !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// titleGenres draws one to three distinct genres by their Zipf sizes.
func titleGenres(r *rand.Rand, cdf []float64) []int {
	k := pick(r, []weighted[int]{{1, 40}, {2, 40}, {3, 20}})
	var out []int
	for len(out) < k {
		if g := drawCDF(r, cdf); !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// draw picks a title by popularity.
func (m *model) draw(r *rand.Rand) int { return drawCDF(r, m.cdf) }

// watchable reports whether viewer v could have played s by now: released, in the
// viewer's country, on the viewer's plan.
func (m *model) watchable(s *show, v *viewer) bool {
	if s.released.After(m.now) || (s.minPlan != "" && s.minPlan.Rank() > v.plan.Rank()) {
		return false
	}
	return len(s.regions) == 0 || slices.Contains(s.regions, v.country)
}

// released counts the titles out by now.
func (m *model) released() int {
	n := 0
	for i := range m.shows {
		if !m.shows[i].released.After(m.now) {
			n++
		}
	}
	return n
}

func zipfCDF(n int, s float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Pow(float64(i+1), -s)
	}
	return cumulative(w)
}

// cumulative turns weights into a cumulative distribution ending at 1.
func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	sum := 0.0
	for i, x := range w {
		sum += x
		out[i] = sum
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

func drawCDF(r *rand.Rand, cdf []float64) int {
	return min(sort.SearchFloat64s(cdf, r.Float64()), len(cdf)-1)
}

// Pseudo-words: pronounceable, meaningless, so that no generated name is a real title.
var (
	onsets = []string{"b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m",
		"n", "p", "pr", "r", "s", "sh", "sk", "st", "t", "th", "tr", "v", "w", "z", ""}
	nuclei = []string{"a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou", "y"}
	codas  = []string{"", "", "", "n", "r", "s", "l", "th", "nd", "rk", "x", "m", "st"}
	glue   = []string{"the", "a", "of", "and", "in", "who", "must", "with", "from", "after", "beyond", "their"}
)

func word(r *rand.Rand, syllables int) string {
	var b strings.Builder
	for range syllables {
		b.WriteString(onsets[r.IntN(len(onsets))])
		b.WriteString(nuclei[r.IntN(len(nuclei))])
		b.WriteString(codas[r.IntN(len(codas))])
	}
	return b.String()
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func titleName(r *rand.Rand) string {
	w := func() string { return capital(word(r, 1+r.IntN(3))) }
	var name string
	switch p := r.IntN(100); {
	case p < 30:
		name = w()
	case p < 50:
		name = "The " + w()
	case p < 72:
		name = w() + " " + w()
	case p < 84:
		name = w() + " of the " + w()
	case p < 93:
		name = "The " + w() + " " + w()
	default:
		name = w() + " " + w() + " " + w()
	}
	if r.IntN(100) < 4 {
		name += []string{" II", " III", " Returns"}[r.IntN(3)]
	}
	return name
}

// sentence makes a synopsis-like run of lo to hi words.
func sentence(r *rand.Rand, lo, hi int) string {
	n := lo + r.IntN(hi-lo+1)
	words := make([]string, n)
	for i := range words {
		if r.IntN(10) < 3 {
			words[i] = glue[r.IntN(len(glue))]
		} else {
			words[i] = word(r, 1+r.IntN(3))
		}
	}
	words[0] = capital(words[0])
	return strings.Join(words, " ") + "."
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

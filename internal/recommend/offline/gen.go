package offline

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/marquee-org/marquee/internal/recommend"
)

// GenOptions shape a generated data set; zero values take the defaults.
type GenOptions struct {
	Users    int     // default 2000
	Items    int     // default 1500
	Clusters int     // latent taste clusters; default 12
	Ratings  int     // mean ratings per user; default 60
	Follow   float64 // share of viewers who mostly follow popularity; default 0.2
	Noise    float64 // share of picks made at random; default 0.1
	// NewRelease is how much more a title released during the log is picked at its
	// release than later (the lift fades over about two months): 1 + NewRelease times.
	// Default 4; negative: no new-release effect, so that its share of a model's gain
	// can be measured.
	NewRelease float64
	Seed       uint64
}

// Genres are MovieLens's genre names, which generated items use too.
var movieLensGenres = []string{"Action", "Adventure", "Animation", "Children", "Comedy", "Crime",
	"Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
	"Sci-Fi", "Thriller", "War", "Western"}

// Generate makes a MovieLens-like catalog and star ratings with structure a recommender
// can find, mixed with the things that make real logs hard:
//   - taste: each item belongs to one latent cluster (sometimes leaning to a second);
//     a cluster prefers a few genres, an era and a vocabulary its titles draw on, but
//     items also get off-cluster genres and shared words;
//   - viewers like one or two clusters and drift between them over a session, so recent
//     picks predict the next ones better than old ones;
//   - popularity is Zipf-skewed, new releases arrive during the log and trend for a
//     while, and some viewers mostly follow what is popular;
//   - activity is long-tailed and a share of picks is plain noise.
func Generate(o GenOptions) ([]recommend.Item, []Rating) {
	o = o.withDefaults()
	rng := rand.New(rand.NewPCG(o.Seed, 0x6d61727175656521))
	const day = 86400
	start := int64(1_500_000_000)
	end := start + 3*365*day

	type cluster struct {
		genres []string
		words  []string
		era    float64
	}
	shared := pseudoWords(rng, 80)
	clusters := make([]cluster, o.Clusters)
	for c := range clusters {
		perm := rng.Perm(len(movieLensGenres))
		cl := cluster{words: pseudoWords(rng, 20), era: 1950 + 70*rng.Float64()}
		for _, g := range perm[:2+rng.IntN(2)] {
			cl.genres = append(cl.genres, movieLensGenres[g])
		}
		clusters[c] = cl
	}
	// Cluster sizes are uneven, like real genres.
	clusterWeight := make([]float64, o.Clusters)
	for c := range clusterWeight {
		clusterWeight[c] = 0.5 + rng.ExpFloat64()
	}

	type latent struct {
		primary, secondary int
		prequel, part      int // prequel is −1 unless the item continues a franchise
		pop                float64
		release            int64
	}
	items := make([]recommend.Item, o.Items)
	lat := make([]latent, o.Items)
	popRank := rng.Perm(o.Items)
	for i := range items {
		c := pick(rng, clusterWeight)
		cl := clusters[c]
		l := latent{primary: c, secondary: -1, prequel: -1, part: 1, pop: 1 / math.Pow(float64(popRank[i]+1), 0.9)}
		if rng.Float64() < 0.4 {
			l.secondary = rng.IntN(o.Clusters)
		}
		year := int(cl.era + 8*rng.NormFloat64())
		if rng.Float64() < 0.3 {
			// Released while the log runs.
			l.release = start + rng.Int64N(end-start)
			year = 2017 + int((l.release-start)/(365*day))
		}
		lat[i] = l
		it := recommend.Item{ID: i + 1, Year: min(year, 2019)}
		genres := slices.Clone(cl.genres)
		rng.Shuffle(len(genres), func(a, b int) { genres[a], genres[b] = genres[b], genres[a] })
		genres = genres[:1+rng.IntN(len(genres))]
		if rng.Float64() < 0.3 {
			genres = append(genres, movieLensGenres[rng.IntN(len(movieLensGenres))])
		}
		slices.Sort(genres)
		it.Genres = slices.Compact(genres)
		var words []string
		for range 1 + rng.IntN(3) {
			if rng.Float64() < 0.5 {
				words = append(words, cl.words[rng.IntN(len(cl.words))])
			} else {
				words = append(words, shared[rng.IntN(len(shared))])
			}
		}
		it.Title = strings.Join(words, " ")
		if rng.Float64() < 0.05 {
			it.Title += ", The"
		}
		// Some items continue an earlier one of the same cluster: same name, same
		// genres, a number, and released after it.
		if p := i - 1 - rng.IntN(min(i, 40)+1); i > 0 && p >= 0 && rng.Float64() < 0.15 && lat[p].primary == c {
			l.prequel, l.part = p, lat[p].part+1
			l.release = min(max(l.release, max(lat[p].release, start)+int64(30+rng.IntN(300))*day), end-day)
			it.Title = strings.TrimSuffix(items[p].Title[:strings.LastIndex(items[p].Title, " (")], " "+strconv.Itoa(lat[p].part))
			it.Title += " " + strconv.Itoa(l.part)
			it.Genres = items[p].Genres
			it.Year = max(items[p].Year, 2017+int((l.release-start)/(365*day)))
			lat[i] = l
		}
		it.Title += " (" + strconv.Itoa(it.Year) + ")"
		items[i] = it
	}

	affinity := func(c, i int) float64 {
		switch {
		case lat[i].primary == c:
			return 1
		case lat[i].secondary == c:
			return 0.3
		}
		return 0.02
	}

	var ratings []Rating
	weights := make([]float64, o.Items)
	for u := range o.Users {
		// One to three tastes, one of them dominant.
		taste := []int{pick(rng, clusterWeight)}
		for rng.Float64() < 0.45 && len(taste) < 3 {
			taste = append(taste, pick(rng, clusterWeight))
		}
		follower := rng.Float64() < o.Follow
		n := int(float64(o.Ratings) * math.Exp(0.8*rng.NormFloat64()-0.32))
		n = min(max(n, 10), o.Items/3)
		joined := start + rng.Int64N(end-start-30*day)
		span := min(end-joined, int64(30+rng.IntN(700))*day)
		// Viewing comes in sessions of a few titles, mostly of one taste.
		times := make([]int64, 0, n)
		sessionStart := make([]bool, 0, n)
		for len(times) < n {
			t := joined + rng.Int64N(span)
			for k := 0; k < 1+rng.IntN(6) && len(times) < n; k++ {
				times = append(times, t+int64(k)*7200)
				sessionStart = append(sessionStart, k == 0)
			}
		}
		order := make([]int, n)
		for k := range order {
			order[k] = k
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(times[a], times[b]) })
		seen := make([]bool, o.Items)
		current := taste[0]
		for _, k := range order {
			t := times[k]
			if sessionStart[k] || rng.Float64() < 0.1 {
				current = taste[0]
				if rng.Float64() < 0.5 {
					current = taste[rng.IntN(len(taste))]
				}
			}
			random := rng.Float64() < o.Noise
			var total float64
			for i := range weights {
				weights[i] = 0
				if seen[i] || lat[i].release > t {
					continue
				}
				w := lat[i].pop
				if lat[i].release > 0 {
					// New releases trend for a few months.
					w *= 1 + o.NewRelease*math.Exp(-float64(t-lat[i].release)/(60*day))
				}
				if p := lat[i].prequel; p >= 0 {
					// Sequels draw those who saw the previous one, few others.
					if seen[p] {
						w *= 15
					} else {
						w *= 0.3
					}
				}
				switch {
				case random:
					w = 1
				case follower:
					w = w * (0.3 + affinity(current, i))
				default:
					w = math.Sqrt(w) * affinity(current, i)
				}
				weights[i] = w
				total += w
			}
			if total == 0 {
				break
			}
			i := pickTotal(rng, weights, total)
			seen[i] = true
			a := affinity(current, i)
			if random {
				a = affinity(taste[0], i)
			}
			stars := math.Round(2.6 + 2*a + 0.9*rng.NormFloat64())
			ratings = append(ratings, Rating{User: u + 1, Item: i + 1, Stars: min(max(stars, 1), 5), Time: t})
		}
	}
	return items, ratings
}

func (o GenOptions) withDefaults() GenOptions {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Users, 2000)
	def(&o.Items, 1500)
	def(&o.Clusters, 12)
	def(&o.Ratings, 60)
	if o.Follow <= 0 {
		o.Follow = 0.2
	}
	if o.Noise <= 0 {
		o.Noise = 0.1
	}
	switch {
	case o.NewRelease == 0:
		o.NewRelease = 4
	case o.NewRelease < 0:
		o.NewRelease = 0
	}
	o.Items = max(o.Items, 30)
	return o
}

func pick(rng *rand.Rand, w []float64) int {
	var total float64
	for _, x := range w {
		total += x
	}
	return pickTotal(rng, w, total)
}

func pickTotal(rng *rand.Rand, w []float64, total float64) int {
	r := rng.Float64() * total
	for i, x := range w {
		r -= x
		if r < 0 && x > 0 {
			return i
		}
	}
	for i := len(w) - 1; i >= 0; i-- {
		if w[i] > 0 {
			return i
		}
	}
	return 0
}

// pseudoWords makes pronounceable made-up words for titles.
func pseudoWords(rng *rand.Rand, n int) []string {
	const cons, vow = "bcdfghklmnprstvz", "aeiou"
	out := make([]string, n)
	for k := range out {
		var b strings.Builder
		for s := range 2 + rng.IntN(2) {
			c := cons[rng.IntN(len(cons))]
			if s == 0 {
				c -= 'a' - 'A'
			}
			b.WriteByte(c)
			b.WriteByte(vow[rng.IntN(len(vow))])
		}
		if rng.IntN(2) == 0 {
			b.WriteByte(cons[rng.IntN(len(cons))])
		}
		out[k] = b.String()
	}
	return out
}

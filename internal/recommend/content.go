package recommend

import (
	"cmp"
	"context"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Content scores items by how much their description resembles the items a viewer
// interacted with: genres, people, TF-IDF keywords from the title and synopsis, and
// release year (nearby years count too). It needs no interactions on the scored item,
// which is what lets a new title reach viewers.
type Content struct {
	// Feature group weights; zero values take the defaults 1, 0.7, 0.5 and 0.3.
	Genre, People, Keyword, Year float64
	// HalfLife decays older history in the viewer's profile, in seconds; 0 means none.
	HalfLife float64

	vecs     [][]feature // item → unit vector
	postings [][]feature // feature → items carrying it (feature.id is the item)
	nfeat    int
}

type feature struct {
	id int32
	w  float32
}

// Name implements Model.
func (m *Content) Name() string { return "content" }

var yearInTitle = regexp.MustCompile(`\((\d{4})\)\s*$`)

// Fit implements Model. Only the catalog matters; interactions only set the decay clock.
func (m *Content) Fit(_ context.Context, d *Data) error {
	weights := [4]float64{m.Genre, m.People, m.Keyword, m.Year}
	for i, def := range [4]float64{1, 0.7, 0.5, 0.3} {
		if weights[i] == 0 {
			weights[i] = def
		}
	}
	ids := map[string]int32{}
	id := func(name string) int32 {
		v, ok := ids[name]
		if !ok {
			v = int32(len(ids))
			ids[name] = v
		}
		return v
	}
	// Keywords: document frequencies first, for the IDF.
	words := make([][]string, len(d.Items))
	df := map[string]int{}
	for i, it := range d.Items {
		words[i] = keywords(it.Title + " " + it.Synopsis)
		seen := map[string]bool{}
		for _, w := range words[i] {
			if !seen[w] {
				seen[w] = true
				df[w]++
			}
		}
	}
	nItems := float64(len(d.Items))
	m.vecs = make([][]feature, len(d.Items))
	for i, it := range d.Items {
		var groups [4]map[int32]float64
		for g := range groups {
			groups[g] = map[int32]float64{}
		}
		for _, g := range it.Genres {
			groups[0][id("g:"+strings.ToLower(g))] = 1
		}
		for _, p := range it.People {
			groups[1][id("p:"+strings.ToLower(p))] = 1
		}
		for _, w := range words[i] {
			// A word in one title only links nothing; skip it.
			if df[w] > 1 {
				groups[2][id("w:"+w)] += math.Log(nItems / float64(df[w]))
			}
		}
		if y := Year(it); y > 0 {
			// Five-year buckets, with the neighbours at half strength, so near
			// years overlap and far ones do not.
			b := y / 5
			groups[3][id(bucket(b))] = 1
			groups[3][id(bucket(b-1))] = 0.5
			groups[3][id(bucket(b+1))] = 0.5
		}
		var vec []feature
		for g, group := range groups {
			var norm float64
			for _, w := range group {
				norm += w * w
			}
			if norm == 0 {
				continue
			}
			scale := weights[g] / math.Sqrt(norm)
			for f, w := range group {
				vec = append(vec, feature{f, float32(w * scale)})
			}
		}
		// Sorted features keep sums in one order, so scores are reproducible.
		slices.SortFunc(vec, func(a, b feature) int { return cmp.Compare(a.id, b.id) })
		normalize(vec)
		m.vecs[i] = vec
	}
	m.nfeat = len(ids)
	m.postings = make([][]feature, m.nfeat)
	for i, vec := range m.vecs {
		for _, f := range vec {
			m.postings[f.id] = append(m.postings[f.id], feature{int32(i), f.w})
		}
	}
	return nil
}

// Score implements Model: the viewer's profile is the weighted sum of their items'
// vectors; an item scores its dot product with it.
func (m *Content) Score(hist []Event, dst []float64) {
	clear(dst)
	var now int64
	for _, e := range hist {
		now = max(now, e.Time)
	}
	profile := make([]float64, m.nfeat)
	for _, e := range hist {
		w := float64(e.Weight) * decay(now-e.Time, m.HalfLife)
		for _, f := range m.vecs[e.Item] {
			profile[f.id] += w * float64(f.w)
		}
	}
	for f, p := range profile {
		if p == 0 {
			continue
		}
		for _, it := range m.postings[f] {
			dst[it.id] += p * float64(it.w)
		}
	}
}

// Similarity is the cosine between two items' descriptions.
func (m *Content) Similarity(a, b int) float64 {
	va, vb := m.vecs[a], m.vecs[b]
	var s float64
	for len(va) > 0 && len(vb) > 0 {
		switch {
		case va[0].id < vb[0].id:
			va = va[1:]
		case va[0].id > vb[0].id:
			vb = vb[1:]
		default:
			s += float64(va[0].w) * float64(vb[0].w)
			va, vb = va[1:], vb[1:]
		}
	}
	return s
}

func bucket(b int) string { return "y:" + strconv.Itoa(b) }

// Year is an item's release year: its Year when set, else the "(1995)" MovieLens puts
// after titles, else 0. The content model buckets items by it and the MovieLens
// reader fills Year from it.
func Year(it Item) int {
	if it.Year > 0 {
		return it.Year
	}
	if m := yearInTitle.FindStringSubmatch(it.Title); m != nil {
		y := 0
		for _, c := range m[1] {
			y = y*10 + int(c-'0')
		}
		return y
	}
	return 0
}

func normalize(vec []feature) {
	var norm float64
	for _, f := range vec {
		norm += float64(f.w) * float64(f.w)
	}
	if norm == 0 {
		return
	}
	inv := 1 / math.Sqrt(norm)
	for i := range vec {
		vec[i].w = float32(float64(vec[i].w) * inv)
	}
}

// stopwords are words too common in titles and synopses to say anything about taste.
var stopwords = map[string]bool{
	"the": true, "and": true, "for": true, "with": true, "from": true, "that": true, "this": true,
	"his": true, "her": true, "their": true, "into": true, "who": true, "when": true, "but": true,
	"are": true, "was": true, "les": true, "one": true, "two": true, "its": true, "they": true,
	"has": true, "have": true, "after": true, "about": true, "all": true, "out": true, "des": true,
}

// keywords lowercases text and keeps words of three letters or more that are not stop
// words; a trailing "(1995)" year is left to the year feature.
func keywords(text string) []string {
	text = yearInTitle.ReplaceAllString(text, "")
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len(w) >= 3 && !stopwords[w] {
			out = append(out, w)
		}
	}
	return out
}

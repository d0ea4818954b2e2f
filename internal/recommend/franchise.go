package recommend

import (
	"context"
	"regexp"
	"strconv"
	"strings"
)

// Franchise points a viewer at the next parts of series they have watched: an item
// whose title ends in a part number ("Toy Story 2 (1999)", "Godfather: Part II, The
// (1974)") scores 1 for a viewer who has an earlier part of the same name. Sequels
// draw those who saw what they continue, and a new one has too few viewers yet for
// collaborative models to link it.
type Franchise struct {
	stem []string // item → title without article, year and part number
	part []int    // item → part number, 1 when none
}

// Name implements Model.
func (m *Franchise) Name() string { return "franchise" }

var partSuffix = regexp.MustCompile(`^(.*?)[\s:,-]+(?:part\s+)?(\d{1,2}|ii|iii|iv|v|vi|vii|viii|ix|x)$`)

var romans = map[string]int{"ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}

// titlePart splits a title into its series name and part number.
func titlePart(title string) (stem string, part int) {
	t := strings.ToLower(strings.TrimSpace(yearInTitle.ReplaceAllString(title, "")))
	for _, article := range []string{", the", ", a", ", an"} {
		t = strings.TrimSuffix(t, article)
	}
	m := partSuffix.FindStringSubmatch(t)
	if m == nil {
		return t, 1
	}
	n, err := strconv.Atoi(m[2])
	if err != nil {
		n = romans[m[2]]
	}
	if n < 2 {
		return t, 1
	}
	return m[1], n
}

// Fit implements Model. Only the catalog matters.
func (m *Franchise) Fit(_ context.Context, d *Data) error {
	m.stem, m.part = make([]string, len(d.Items)), make([]int, len(d.Items))
	for i, it := range d.Items {
		m.stem[i], m.part[i] = titlePart(it.Title)
	}
	return nil
}

// Score implements Model.
func (m *Franchise) Score(hist []Event, dst []float64) {
	clear(dst)
	seen := map[string]int{}
	for _, e := range hist {
		seen[m.stem[e.Item]] = max(seen[m.stem[e.Item]], m.part[e.Item])
	}
	for i, s := range m.stem {
		if p, ok := seen[s]; ok && m.part[i] > 1 && p > 0 && p < m.part[i] {
			dst[i] = 1
		}
	}
}

// Newness scores how recently an item first drew a viewer, as of the viewer's latest
// interaction: 1 for one first watched then, halving every HalfLife, and 0 for one
// nobody had watched yet, so it never looks past the viewer's time.
type Newness struct {
	// HalfLife in seconds; 0 means a twentieth of the log's time span.
	HalfLife float64
	// AtEnd scores as of the log's end, when a next visit is served, instead.
	AtEnd bool

	first    []int64 // item → time of its first interaction; 0 when none
	halfLife float64
	end      int64
}

// Name implements Model.
func (m *Newness) Name() string { return "newness" }

// Fit implements Model.
func (m *Newness) Fit(_ context.Context, d *Data) error {
	m.first = make([]int64, len(d.Items))
	start := d.Now
	for _, h := range d.Hist {
		for _, e := range h {
			if f := m.first[e.Item]; f == 0 || e.Time < f {
				m.first[e.Item] = e.Time
			}
			start = min(start, e.Time)
		}
	}
	m.halfLife, m.end = m.HalfLife, d.Now
	if m.halfLife <= 0 {
		m.halfLife = max(float64(d.Now-start)/20, 1)
	}
	return nil
}

// Score implements Model.
func (m *Newness) Score(hist []Event, dst []float64) {
	clear(dst)
	if len(hist) == 0 {
		return
	}
	now := hist[len(hist)-1].Time
	if m.AtEnd {
		now = m.end
	}
	for i, f := range m.first {
		if f > 0 && f <= now {
			dst[i] = decay(now-f, m.halfLife)
		}
	}
}

package offline

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/marquee-org/marquee/internal/recommend"
)

// ReadRatings reads a MovieLens ratings.csv (userId,movieId,rating,timestamp) into
// interactions weighted by recommend.StarsWeight. A header row, when present, may order the
// columns any way; without one the MovieLens order is assumed.
func ReadRatings(r io.Reader) ([]recommend.Interaction, error) {
	var out []recommend.Interaction
	err := readCSV(r, "ratings", []string{"userid", "movieid", "rating", "timestamp"}, func(line int, f []string) error {
		user, err := parseInt(line, "userId", f[0])
		if err != nil {
			return err
		}
		item, err := parseInt(line, "movieId", f[1])
		if err != nil {
			return err
		}
		stars, err := strconv.ParseFloat(strings.TrimSpace(f[2]), 64)
		if err != nil || stars < 0 || stars > 10 {
			return fmt.Errorf("line %d: rating %q is not a star rating", line, f[2])
		}
		ts, err := parseInt(line, "timestamp", f[3])
		if err != nil {
			return err
		}
		out = append(out, recommend.Interaction{User: user, Item: item, Weight: recommend.StarsWeight(stars), Time: int64(ts)})
		return nil
	})
	return out, err
}

// ReadItems reads a MovieLens movies.csv (movieId,title,genres with genres separated
// by "|"); the year comes from the "(1995)" MovieLens puts after titles.
func ReadItems(r io.Reader) ([]recommend.Item, error) {
	var out []recommend.Item
	err := readCSV(r, "movies", []string{"movieid", "title", "genres"}, func(line int, f []string) error {
		id, err := parseInt(line, "movieId", f[0])
		if err != nil {
			return err
		}
		it := recommend.Item{ID: id, Title: strings.TrimSpace(f[1])}
		it.Year = recommend.Year(it)
		for _, g := range strings.Split(f[2], "|") {
			if g = strings.TrimSpace(g); g != "" && g != "(no genres listed)" {
				it.Genres = append(it.Genres, g)
			}
		}
		out = append(out, it)
		return nil
	})
	return out, err
}

// readCSV calls fn with each record's wanted columns in the order of want, mapping a
// header row by name when the first row is one.
func readCSV(r io.Reader, name string, want []string, fn func(line int, fields []string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	idx := make([]int, len(want))
	for i := range idx {
		idx[i] = i
	}
	fields := make([]string, len(want))
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if line == 1 {
				return fmt.Errorf("%s: empty file", name)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if line == 1 {
			cols := map[string]int{}
			for i, h := range rec {
				cols[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
			}
			if isHeader(cols, want) {
				for i, w := range want {
					c, ok := cols[w]
					if !ok {
						return fmt.Errorf("%s: header has no %s column", name, w)
					}
					idx[i] = c
				}
				continue
			}
		}
		for i, c := range idx {
			if c >= len(rec) {
				return fmt.Errorf("%s: line %d: %d fields, want at least %d", name, line, len(rec), maxIndex(idx)+1)
			}
			fields[i] = rec[c]
		}
		if err := fn(line, fields); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
}

func parseInt(line int, col, s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("line %d: %s %q is not an integer", line, col, s)
	}
	return n, nil
}

// isHeader tells a header row by any wanted column name in it.
func isHeader(cols map[string]int, want []string) bool {
	for _, w := range want {
		if _, ok := cols[w]; ok {
			return true
		}
	}
	return false
}

func maxIndex(idx []int) int {
	m := 0
	for _, i := range idx {
		m = max(m, i)
	}
	return m
}

// WriteMovieLens writes star ratings and their catalog as ratings.csv and movies.csv.
func WriteMovieLens(ratings, movies io.Writer, items []recommend.Item, stars []Rating) error {
	w := csv.NewWriter(movies)
	_ = w.Write([]string{"movieId", "title", "genres"})
	for _, it := range items {
		_ = w.Write([]string{strconv.Itoa(it.ID), it.Title, strings.Join(it.Genres, "|")})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	w = csv.NewWriter(ratings)
	_ = w.Write([]string{"userId", "movieId", "rating", "timestamp"})
	for _, r := range stars {
		_ = w.Write([]string{strconv.Itoa(r.User), strconv.Itoa(r.Item),
			strconv.FormatFloat(r.Stars, 'f', -1, 64), strconv.FormatInt(r.Time, 10)})
	}
	w.Flush()
	return w.Error()
}

// Rating is one explicit star rating, as MovieLens stores them.
type Rating struct {
	User, Item int
	Stars      float64
	Time       int64
}

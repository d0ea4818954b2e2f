package offline

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"github.com/marquee-org/marquee/internal/recommend"
)

// ReadRatings reads a MovieLens ratings.csv (userId,movieId,rating,timestamp) into
// interactions weighted by recommend.StarsWeight. A header row, when present, may order the
// columns any way; without one the MovieLens order is assumed.
func ReadRatings(r io.Reader) ([]recommend.Interaction, error) {
	return readRatings(r, "ratings", ',')
}

// ReadRatings100K reads ml-100k's u.data: user, item, rating and timestamp separated by
// tabs, without a header.
func ReadRatings100K(r io.Reader) ([]recommend.Interaction, error) {
	return readRatings(r, "u.data", '\t')
}

func readRatings(r io.Reader, name string, comma rune) ([]recommend.Interaction, error) {
	var out []recommend.Interaction
	err := readCSV(r, name, comma, []string{"userid", "movieid", "rating", "timestamp"}, func(line int, f []string) error {
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
	err := readCSV(r, "movies", ',', []string{"movieid", "title", "genres"}, func(line int, f []string) error {
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

// genres100K are ml-100k's genre flags, in u.item's column order.
var genres100K = []string{"", "Action", "Adventure", "Animation", "Children", "Comedy", "Crime",
	"Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
	"Sci-Fi", "Thriller", "War", "Western"}

// ReadItems100K reads ml-100k's u.item: id, title, release date, video release date,
// IMDb address and one 0/1 column per genre, separated by "|", in ISO-8859-1. The
// "unknown" genre is left out, as movies.csv's "(no genres listed)" is.
func ReadItems100K(r io.Reader) ([]recommend.Item, error) {
	var out []recommend.Item
	want := []string{"movieid", "title", "release", "video", "imdb"}
	for g := range genres100K {
		want = append(want, "genre"+strconv.Itoa(g))
	}
	err := readCSV(charmap.ISO8859_1.NewDecoder().Reader(r), "u.item", '|', want, func(line int, f []string) error {
		id, err := parseInt(line, "movie id", f[0])
		if err != nil {
			return err
		}
		it := recommend.Item{ID: id, Title: strings.TrimSpace(f[1])}
		it.Year = recommend.Year(it)
		for g, flag := range f[5:] {
			if strings.TrimSpace(flag) == "1" && genres100K[g] != "" {
				it.Genres = append(it.Genres, genres100K[g])
			}
		}
		out = append(out, it)
		return nil
	})
	return out, err
}

// ReadDir reads a MovieLens directory: ml-100k's u.item and u.data, or the
// movies.csv and ratings.csv of ml-latest-small and the later sets.
func ReadDir(dir string) ([]recommend.Item, []recommend.Interaction, error) {
	if _, err := os.Stat(filepath.Join(dir, "u.data")); err == nil {
		return ReadFiles(filepath.Join(dir, "u.item"), filepath.Join(dir, "u.data"))
	}
	return ReadFiles(filepath.Join(dir, "movies.csv"), filepath.Join(dir, "ratings.csv"))
}

// ReadFiles reads a catalog and its ratings, in ml-100k's formats when the files are
// named u.item and u.data and as movies.csv and ratings.csv otherwise.
func ReadFiles(itemsPath, ratingsPath string) ([]recommend.Item, []recommend.Interaction, error) {
	readItems, readLog := ReadItems, ReadRatings
	if filepath.Base(itemsPath) == "u.item" {
		readItems = ReadItems100K
	}
	if filepath.Base(ratingsPath) == "u.data" {
		readLog = ReadRatings100K
	}
	items, err := readFile(itemsPath, readItems)
	if err != nil {
		return nil, nil, err
	}
	log, err := readFile(ratingsPath, readLog)
	if err != nil {
		return nil, nil, err
	}
	return items, log, nil
}

// readFile opens path and reads it with read.
func readFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// readCSV calls fn with each record's wanted columns in the order of want, mapping a
// header row by name when the first row is one.
func readCSV(r io.Reader, name string, comma rune, want []string, fn func(line int, fields []string) error) error {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.LazyQuotes = comma != ','
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

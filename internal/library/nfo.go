package library

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
)

// MaxNFO bounds an .nfo file: real ones are a few KiB, with a long cast tens.
const MaxNFO = 1 << 20

// NFO is what a Kodi .nfo file says of a movie (<movie>), a series (<tvshow>) or an
// episode (<episodedetails>), kept only where it fits the catalog: values the catalog would
// refuse (a year of 1700, a rating of "Not Rated by the BBFC") are left out and named in
// Dropped, so that one odd field does not lose the rest.
type NFO struct {
	Root           string // movie, tvshow or episodedetails
	Title          string
	Plot           string
	Year           *int
	Genres         []string
	MaturityRating string
	RuntimeMinutes *int
	Credits        []catalog.Credit
	// Artwork the file names, by kind (POSTER, BACKDROP, LOGO): local paths as written,
	// relative to the .nfo's folder or absolute. Web addresses are not kept: nothing is
	// fetched from the internet.
	Artwork map[string]string
	Dropped []string
}

// nfoDoc is the part of Kodi's schema read here.
type nfoDoc struct {
	XMLName   xml.Name
	Title     string   `xml:"title"`
	Plot      string   `xml:"plot"`
	Outline   string   `xml:"outline"`
	Year      string   `xml:"year"`
	Premiered string   `xml:"premiered"`
	Aired     string   `xml:"aired"`
	Genres    []string `xml:"genre"`
	MPAA      string   `xml:"mpaa"`
	Runtime   string   `xml:"runtime"`
	Actors    []struct {
		Name  string `xml:"name"`
		Role  string `xml:"role"`
		Order string `xml:"order"`
	} `xml:"actor"`
	Directors []string   `xml:"director"`
	Writers   []string   `xml:"credits"`
	Creators  []string   `xml:"creator"`
	Thumbs    []nfoThumb `xml:"thumb"`
	Fanart    []nfoThumb `xml:"fanart>thumb"`
}

type nfoThumb struct {
	Aspect string `xml:"aspect,attr"`
	Path   string `xml:",chardata"`
}

// ErrNFO marks an .nfo that cannot be used at all; its message says why.
var ErrNFO = errors.New("nfo")

// ReadNFO reads the .nfo file at path, which must hold the root element want.
func ReadNFO(path, want string) (*NFO, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot be read", ErrNFO)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxNFO+1))
	if err != nil {
		return nil, fmt.Errorf("%w: cannot be read", ErrNFO)
	}
	if len(b) > MaxNFO {
		return nil, fmt.Errorf("%w: larger than %d KiB, the most an .nfo may be", ErrNFO, MaxNFO>>10)
	}
	return ParseNFO(b, want)
}

// ParseNFO reads an .nfo's content; want is the root element expected (movie, tvshow or
// episodedetails).
func ParseNFO(b []byte, want string) (*NFO, error) {
	var doc nfoDoc
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "iso-8859-1", "latin1", "latin-1":
			return charmap.ISO8859_1.NewDecoder().Reader(r), nil
		case "windows-1252", "cp1252":
			return charmap.Windows1252.NewDecoder().Reader(r), nil
		}
		return nil, fmt.Errorf("the %q encoding is not read; save it as UTF-8", label)
	}
	if err := d.Decode(&doc); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: not XML (Kodi's .nfo format), so it is not read", ErrNFO)
		}
		return nil, fmt.Errorf("%w: %v", ErrNFO, err)
	}
	if doc.XMLName.Local != want {
		return nil, fmt.Errorf("%w: its root element is <%s>, not <%s>", ErrNFO, doc.XMLName.Local, want)
	}
	n := &NFO{Root: want, Artwork: map[string]string{}}
	n.Title = oneLine(doc.Title, 200, "title", n)
	n.Plot = strings.TrimSpace(doc.Plot)
	if n.Plot == "" {
		n.Plot = strings.TrimSpace(doc.Outline)
	}
	if utf8.RuneCountInString(n.Plot) > 5000 {
		n.Plot = string([]rune(n.Plot)[:5000])
		n.Dropped = append(n.Dropped, "the plot past 5000 characters")
	}
	n.year(doc)
	n.genres(doc.Genres)
	n.rating(doc.MPAA)
	if s := strings.TrimSpace(doc.Runtime); s != "" {
		if m, err := strconv.Atoi(leadingDigits.FindString(s)); err == nil && m >= 1 && m <= 1440 {
			n.RuntimeMinutes = &m
		} else {
			n.Dropped = append(n.Dropped, fmt.Sprintf("runtime %q", s))
		}
	}
	n.credits(doc)
	n.artwork(doc)
	return n, nil
}

var (
	leadingDigits = regexp.MustCompile(`^\d+`)
	yearPrefix    = regexp.MustCompile(`^(\d{4})(-\d\d-\d\d)?$`)
)

// oneLine is a value on one line, at most max characters; a longer one is cut and noted.
func oneLine(s string, max int, what string, n *NFO) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > max {
		n.Dropped = append(n.Dropped, fmt.Sprintf("the %s past %d characters", what, max))
		s = string([]rune(s)[:max])
	}
	return s
}

func (n *NFO) year(doc nfoDoc) {
	for _, s := range []string{doc.Year, doc.Premiered, doc.Aired} {
		m := yearPrefix.FindStringSubmatch(strings.TrimSpace(s))
		if m == nil {
			if strings.TrimSpace(s) != "" {
				n.Dropped = append(n.Dropped, fmt.Sprintf("date %q", strings.TrimSpace(s)))
			}
			continue
		}
		y, _ := strconv.Atoi(m[1])
		if y < 1870 || y > time.Now().Year()+5 {
			n.Dropped = append(n.Dropped, fmt.Sprintf("year %d", y))
			continue
		}
		n.Year = &y
		return
	}
}

// genres keeps up to ten, splitting Kodi's "Drama / Comedy" lists.
func (n *NFO) genres(list []string) {
	seen := map[string]bool{}
	for _, g := range list {
		for _, part := range strings.Split(g, "/") {
			part = strings.Join(strings.Fields(part), " ")
			switch {
			case part == "" || seen[catalog.Slug(part)]:
			case catalog.Slug(part) == "" || utf8.RuneCountInString(part) > 40 || len(n.Genres) == 10:
				n.Dropped = append(n.Dropped, fmt.Sprintf("genre %q", part))
			default:
				seen[catalog.Slug(part)] = true
				n.Genres = append(n.Genres, part)
			}
		}
	}
}

// rating reads Kodi's <mpaa>: "PG-13", "Rated R", "US:PG-13", "gb:15".
func (n *NFO) rating(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	r := s
	if i := strings.LastIndexByte(r, ':'); i >= 0 {
		r = r[i+1:]
	}
	r = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r), "Rated "))
	rating, err := maturity.Parse(r)
	if err != nil {
		n.Dropped = append(n.Dropped, fmt.Sprintf("maturity rating %q", s))
		return
	}
	n.MaturityRating = rating.Label
}

// credits lists the cast in their <order>, then directors, writers and creators.
func (n *NFO) credits(doc nfoDoc) {
	actors := doc.Actors
	order := func(i int) int {
		o, err := strconv.Atoi(strings.TrimSpace(actors[i].Order))
		if err != nil {
			return 1 << 30
		}
		return o
	}
	sort.SliceStable(actors, func(i, j int) bool { return order(i) < order(j) })
	add := func(name string, role credit.Role, character string) {
		name = strings.Join(strings.Fields(name), " ")
		character = strings.Join(strings.Fields(character), " ")
		switch {
		case name == "":
		case utf8.RuneCountInString(name) > 200 || utf8.RuneCountInString(character) > 200:
			n.Dropped = append(n.Dropped, "a credit longer than 200 characters")
		case len(n.Credits) == 200:
			n.Dropped = append(n.Dropped, fmt.Sprintf("credit %q past the 200th", name))
		default:
			n.Credits = append(n.Credits, catalog.Credit{Name: name, Role: role, Character: character})
		}
	}
	for _, a := range actors {
		add(a.Name, credit.RoleCAST, a.Role)
	}
	for _, d := range doc.Directors {
		add(d, credit.RoleDIRECTOR, "")
	}
	for _, w := range doc.Writers {
		add(w, credit.RoleWRITER, "")
	}
	for _, c := range doc.Creators {
		add(c, credit.RoleCREATOR, "")
	}
}

// artwork keeps the first local poster, backdrop and logo the file names.
func (n *NFO) artwork(doc nfoDoc) {
	kinds := map[string]string{"": "POSTER", "poster": "POSTER", "fanart": "BACKDROP", "landscape": "BACKDROP", "clearlogo": "LOGO", "logo": "LOGO"}
	thumbs := doc.Thumbs
	for _, f := range doc.Fanart {
		thumbs = append(thumbs, nfoThumb{Aspect: "fanart", Path: f.Path})
	}
	for _, t := range thumbs {
		kind, p := kinds[strings.ToLower(t.Aspect)], strings.TrimSpace(t.Path)
		switch {
		case kind == "" || p == "" || n.Artwork[kind] != "":
		case strings.Contains(p, "://"):
			n.Dropped = append(n.Dropped, fmt.Sprintf("artwork at %s (nothing is fetched from the web)", p))
		default:
			n.Artwork[kind] = p
		}
	}
}

// TitleEdit is the change the .nfo makes to its title: the fields it gives, with its
// credits replacing the title's when it names any.
func (n *NFO) TitleEdit() catalog.TitleEdit {
	var e catalog.TitleEdit
	if n.Title != "" {
		e.Name = &n.Title
	}
	if n.Plot != "" {
		e.Synopsis = &n.Plot
	}
	e.Year, e.RuntimeMinutes = n.Year, n.RuntimeMinutes
	if len(n.Genres) > 0 {
		e.Genres = n.Genres
	}
	if n.MaturityRating != "" {
		e.MaturityRating = &n.MaturityRating
	}
	if len(n.Credits) > 0 {
		e.Credits = n.Credits
	}
	return e
}

// EpisodeEdit is the change an <episodedetails> makes to its episode.
func (n *NFO) EpisodeEdit() catalog.EpisodeEdit {
	var e catalog.EpisodeEdit
	if n.Title != "" {
		e.Name = &n.Title
	}
	if n.Plot != "" {
		e.Synopsis = &n.Plot
	}
	e.RuntimeMinutes = n.RuntimeMinutes
	return e
}

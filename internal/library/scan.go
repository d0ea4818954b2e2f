package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/libraryfile"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/video"
)

// Scanner brings a media folder into the catalog.
type Scanner struct {
	st      *store.Store
	catalog *catalog.Service
	videos  *video.Service
}

// NewScanner returns a scanner that creates titles through the catalog and queues videos
// through the video service.
func NewScanner(st *store.Store, c *catalog.Service, v *video.Service) *Scanner {
	return &Scanner{st: st, catalog: c, videos: v}
}

// Result sums up a scan.
type Result struct {
	Added, Updated, Unchanged int
	Skipped                   []Skip
	// Missing are files an earlier scan brought in that this one did not find.
	Missing []string
}

// Skip is a file or folder a scan left out, and why.
type Skip struct {
	Path, Why string
}

// found is a video file and what its place in the tree says.
type found struct {
	path    string
	info    fs.FileInfo
	show    Named // the title: a movie, or the series an episode belongs to
	kind    title.Kind
	episode Episode
}

// Scan walks root and, for every video file: creates its title (a movie from its folder or
// file name; a series from the folder above its season folder, with the season and
// episode), or finds the one an earlier scan created, and queues the file's transcode. A
// file already brought in with the same size and modification time is left alone; a changed
// one is transcoded again. Unreadable folders and files, names that say nothing usable and
// files the video service refuses are skipped with a reason, and the scan goes on. Symbolic
// links are not followed. progress, when set, hears of each file handled.
func (s *Scanner) Scan(ctx context.Context, root string, progress func(done, total int)) (Result, error) {
	var res Result
	root, err := filepath.Abs(root)
	if err != nil {
		return res, err
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return res, apperr.Input("dir", "%s is not a folder that can be read.", root)
	}
	var files []found
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			why := err.Error()
			var pe *fs.PathError
			if errors.As(err, &pe) {
				why = pe.Err.Error()
			}
			res.Skipped = append(res.Skipped, Skip{p, "cannot be read: " + why})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !IsVideo(d.Name()) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			res.Skipped = append(res.Skipped, Skip{p, "a symbolic link"})
			return nil
		}
		info, err := d.Info()
		if err != nil {
			res.Skipped = append(res.Skipped, Skip{p, "cannot be read"})
			return nil
		}
		f, why := place(root, p)
		if why != "" {
			res.Skipped = append(res.Skipped, Skip{p, why})
			return nil
		}
		f.info = info
		files = append(files, f)
		return nil
	})
	if err != nil {
		return res, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	seen := map[string]bool{}
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		seen[f.path] = true
		outcome, err := s.bring(ctx, f)
		switch {
		case err != nil:
			if ae, ok := apperr.As(err); ok {
				res.Skipped = append(res.Skipped, Skip{f.path, ae.Message})
			} else {
				return res, err
			}
		case outcome == added:
			res.Added++
		case outcome == updated:
			res.Updated++
		default:
			res.Unchanged++
		}
		if progress != nil {
			progress(i+1, len(files))
		}
	}
	// Files brought in from under root that are gone now.
	under := root + string(filepath.Separator)
	known, err := s.st.Client.LibraryFile.Query().
		Where(libraryfile.Missing(false), libraryfile.PathHasPrefix(under)).All(ctx)
	if err != nil {
		return res, fmt.Errorf("library files: %w", err)
	}
	for _, lf := range known {
		if seen[lf.Path] {
			continue
		}
		if err := s.st.Client.LibraryFile.UpdateOne(lf).SetMissing(true).Exec(ctx); err != nil {
			return res, fmt.Errorf("mark missing: %w", err)
		}
		res.Missing = append(res.Missing, lf.Path)
	}
	return res, nil
}

// place reads what a video file's path under root says it is, or why it says nothing.
func place(root, p string) (found, string) {
	f := found{path: p}
	dir := filepath.Dir(p)
	base := filepath.Base(p)
	if season, ok := ParseSeasonDir(filepath.Base(dir)); ok && filepath.Dir(dir) != root && dir != root {
		ep, ok := ParseEpisode(base, season)
		if !ok {
			return f, "in a season folder, but its name gives no episode number (S01E02, 1x02, E02)"
		}
		f.kind, f.episode, f.show = title.KindSERIES, ep, ParseTitle(filepath.Base(filepath.Dir(dir)))
		return f, ""
	}
	if ep, ok := ParseEpisode(base, -1); ok && dir != root {
		f.kind, f.episode, f.show = title.KindSERIES, ep, ParseTitle(filepath.Base(dir))
		return f, ""
	}
	f.kind = title.KindMOVIE
	if dir != root {
		f.show = ParseTitle(filepath.Base(dir))
	} else {
		f.show = ParseTitle(base[:len(base)-len(filepath.Ext(base))])
	}
	if f.show.Name == "" {
		return f, "its name gives no title"
	}
	return f, ""
}

type outcome int

const (
	unchanged outcome = iota
	added
	updated
)

// bring creates or finds a file's title (and episode) and queues its transcode, unless an
// earlier scan brought in the same file unchanged.
func (s *Scanner) bring(ctx context.Context, f found) (outcome, error) {
	client := s.st.Client
	lf, err := client.LibraryFile.Query().Where(libraryfile.Path(f.path)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return 0, fmt.Errorf("library file: %w", err)
	}
	if lf != nil && lf.Size == f.info.Size() && lf.ModTime.Equal(f.info.ModTime()) && !lf.Missing {
		return unchanged, nil
	}
	t, err := s.title(ctx, f)
	if err != nil {
		return 0, err
	}
	var episodeID *int
	if f.kind == title.KindSERIES {
		id, err := s.episode(ctx, t.ID, f.episode)
		if err != nil {
			return 0, err
		}
		episodeID = &id
	}
	in, err := os.Open(f.path)
	if err != nil {
		return 0, apperr.Input("file", "It cannot be read.")
	}
	defer in.Close()
	v, err := s.videos.Intake(ctx, t.ID, episodeID, filepath.Base(f.path), in)
	if err != nil {
		return 0, err
	}
	if lf == nil {
		err = client.LibraryFile.Create().SetPath(f.path).SetSize(f.info.Size()).SetModTime(f.info.ModTime()).
			SetTitleID(t.ID).SetNillableEpisodeID(episodeID).SetVideoID(v.ID).Exec(ctx)
		if err != nil {
			return 0, fmt.Errorf("record library file: %w", err)
		}
		return added, nil
	}
	err = client.LibraryFile.UpdateOne(lf).SetSize(f.info.Size()).SetModTime(f.info.ModTime()).
		SetTitleID(t.ID).SetNillableEpisodeID(episodeID).SetVideoID(v.ID).SetMissing(false).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("record library file: %w", err)
	}
	return updated, nil
}

// title finds the title a file belongs to by its library slug, or creates it.
func (s *Scanner) title(ctx context.Context, f found) (*ent.Title, error) {
	name := catalog.Slug(f.show.Name)
	if name == "" { // a name in a script without Latin letters or digits
		sum := sha256.Sum256([]byte(f.show.Name))
		name = hex.EncodeToString(sum[:6])
	}
	slug := "library-" + name
	if f.show.Year != 0 {
		slug += fmt.Sprintf("-%d", f.show.Year)
	}
	if f.kind == title.KindSERIES {
		slug += "-series"
	}
	t, err := s.st.Client.Title.Query().Where(title.Slug(slug)).Only(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return t, err
	}
	in := catalog.NewTitle{Kind: f.kind, Name: f.show.Name, Slug: slug}
	if f.show.Year != 0 {
		in.Year = &f.show.Year
	}
	return s.catalog.CreateTitle(ctx, in)
}

// episode finds or creates a series' season and episode.
func (s *Scanner) episode(ctx context.Context, titleID int, e Episode) (int, error) {
	client := s.st.Client
	se, err := client.Season.Query().Where(season.TitleID(titleID), season.Number(e.Season)).Only(ctx)
	if ent.IsNotFound(err) {
		n := e.Season
		se, err = s.catalog.CreateSeason(ctx, titleID, catalog.SeasonEdit{Number: &n})
	}
	if err != nil {
		return 0, err
	}
	id, err := client.Episode.Query().Where(episode.SeasonID(se.ID), episode.Number(e.Number)).OnlyID(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return id, err
	}
	name := e.Name
	if name == "" {
		name = fmt.Sprintf("Episode %d", e.Number)
	}
	n := e.Number
	ep, err := s.catalog.CreateEpisode(ctx, se.ID, catalog.EpisodeEdit{Number: &n, Name: &name})
	if err != nil {
		return 0, err
	}
	return ep.ID, nil
}

package library

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/libraryfile"
	"github.com/marquee-org/marquee/ent/schema/scanreport"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/artwork"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/video"
	"github.com/marquee-org/marquee/transcoder"
)

// Scanner brings a media folder into the catalog.
type Scanner struct {
	st      *store.Store
	catalog *catalog.Service
	videos  *video.Service
	art     *artwork.Service
}

// NewScanner returns a scanner that creates titles through the catalog, queues videos
// through the video service and stores sidecar artwork through the artwork service.
func NewScanner(st *store.Store, c *catalog.Service, v *video.Service, a *artwork.Service) *Scanner {
	return &Scanner{st: st, catalog: c, videos: v, art: a}
}

// Result sums up a scan.
type Result struct {
	// Added, Updated and Unchanged count video files. Updated are files transcoded again
	// (their content changed), back after going missing, or whose sidecars (the .nfo and
	// artwork of their episode or title) were read again.
	Added, Updated, Unchanged int
	// Skipped are files and folders left out, with the reason.
	Skipped []Skip
	// Missing are files an earlier scan brought in that this one did not find.
	Missing []string
	// Notes are values of a sidecar that was used, left out with the reason.
	Notes []Skip
}

// Skip is a file or folder a scan left out (or a note on one), and why.
type Skip = scanreport.Entry

// Progress hears of each video file a scan has handled: done of total, the latest path.
type Progress func(done, total int, path string)

// found is a video file and what its place in the tree says.
type found struct {
	path    string
	info    fs.FileInfo
	show    Named // the title: a movie, or the series an episode belongs to
	kind    title.Kind
	episode Episode
	// dir is the title's own folder (a movie's or a series'), where its sidecars lie; empty
	// for a movie lying at the root of the scan.
	dir string
}

// scan is one run of Scan.
type scan struct {
	*Scanner
	root  string
	res   Result
	files map[string]bool // the video files found
	// titles maps a title read this run to whether its sidecars changed; claims maps an
	// episode to the file that is it.
	titles map[int]bool
	claims map[int]string
}

// Scan walks root and, for every video file: creates its title (a movie from its folder or
// file name; a series from the folder above its season folder, with the season and
// episode), or finds the one an earlier scan created, reads its sidecars (Kodi .nfo files
// and artwork) and queues the file's transcode. A file already brought in unchanged (same
// size and modification time, or same content digest) is not transcoded again; a changed
// one is. A file that went missing makes its video UNAVAILABLE until a scan finds it again.
// Unreadable folders and files, names that say nothing usable, files that are no video and
// second files for one episode are skipped with a reason, nothing is created for them, and
// the scan goes on. Symbolic links are not followed.
func (s *Scanner) Scan(ctx context.Context, root string, progress Progress) (Result, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return Result{}, err
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return Result{}, apperr.Input("dir", "%s is not a folder that can be read.", root)
	}
	sc := &scan{Scanner: s, root: root, files: map[string]bool{}, titles: map[int]bool{}, claims: map[int]string{}}
	files, err := sc.walk()
	if err != nil {
		return sc.res, err
	}
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return sc.res, err
		}
		outcome, err := sc.bring(ctx, f)
		switch {
		case err != nil:
			ae, ok := apperr.As(err)
			if !ok {
				return sc.res, err
			}
			sc.skip(f.path, ae.Message)
		case outcome == added:
			sc.res.Added++
		case outcome == updated:
			sc.res.Updated++
		default:
			sc.res.Unchanged++
		}
		if progress != nil {
			progress(i+1, len(files), f.path)
		}
	}
	return sc.res, sc.missing(ctx)
}

func (sc *scan) skip(path, why string) {
	sc.res.Skipped = append(sc.res.Skipped, Skip{Path: path, Why: why})
}

// walk lists the video files under the root, in path order.
func (sc *scan) walk() ([]found, error) {
	var paths []string
	infos := map[string]fs.FileInfo{}
	perDir := map[string]int{}
	err := filepath.WalkDir(sc.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			why := err.Error()
			var pe *fs.PathError
			if errors.As(err, &pe) {
				why = pe.Err.Error()
			}
			sc.skip(p, "cannot be read: "+why)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !IsVideo(d.Name()) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			sc.skip(p, "a symbolic link")
			return nil
		}
		info, err := d.Info()
		if err != nil {
			sc.skip(p, "cannot be read")
			return nil
		}
		if !info.Mode().IsRegular() { // a named pipe or a device would block or never end
			sc.skip(p, "not a regular file")
			return nil
		}
		paths, infos[p] = append(paths, p), info
		if !IsExtra(filepath.ToSlash(p)) {
			perDir[filepath.Dir(p)]++
		}
		return nil
	})
	sort.Strings(paths)
	var files []found
	for _, p := range paths {
		f, why := place(sc.root, p, perDir[filepath.Dir(p)] == 1)
		if why != "" {
			sc.skip(p, why)
			continue
		}
		f.info = infos[p]
		files = append(files, f)
		sc.files[p] = true
	}
	return files, err
}

// missing marks the files brought in from under the root that are gone now, and withdraws
// their videos.
func (sc *scan) missing(ctx context.Context) error {
	under := sc.root + string(filepath.Separator)
	known, err := sc.st.Client.LibraryFile.Query().
		Where(libraryfile.KindEQ(libraryfile.KindVIDEO), libraryfile.Missing(false), libraryfile.PathHasPrefix(under)).All(ctx)
	if err != nil {
		return fmt.Errorf("library files: %w", err)
	}
	for _, lf := range known {
		if sc.files[lf.Path] {
			continue
		}
		if err := sc.st.Client.LibraryFile.UpdateOne(lf).SetMissing(true).Exec(ctx); err != nil {
			return fmt.Errorf("mark missing: %w", err)
		}
		if lf.VideoID != nil {
			if _, err := sc.videos.SetAvailable(ctx, *lf.VideoID, false); err != nil {
				return err
			}
		}
		sc.res.Missing = append(sc.res.Missing, lf.Path)
	}
	return nil
}

// place reads what a video file's path under root says it is, or why it says nothing.
// alone is set when it is the only video in its folder: a movie takes its folder's name
// then, and its own name when it shares the folder with others.
func place(root, p string, alone bool) (found, string) {
	f := found{path: p}
	dir := filepath.Dir(p)
	base := filepath.Base(p)
	if IsExtra(filepath.ToSlash(p)) {
		return f, "an extra (a trailer, sample or featurette); extras are not brought in"
	}
	if season, ok := ParseSeasonDir(filepath.Base(dir)); ok && filepath.Dir(dir) != root && dir != root {
		ep, ok := ParseEpisode(base, season)
		if !ok {
			return f, "in a season folder, but its name gives no episode number (S01E02, 1x02, E02)"
		}
		f.dir = filepath.Dir(dir)
		f.kind, f.episode, f.show = title.KindSERIES, ep, ParseTitle(filepath.Base(f.dir))
		return f, ""
	}
	if ep, ok := ParseEpisode(base, -1); ok && dir != root {
		f.dir = dir
		f.kind, f.episode, f.show = title.KindSERIES, ep, ParseTitle(filepath.Base(dir))
		return f, ""
	}
	f.kind = title.KindMOVIE
	if dir != root && alone {
		f.dir = dir
		f.show = ParseTitle(filepath.Base(dir))
	} else {
		f.show = ParseTitle(strings.TrimSuffix(base, filepath.Ext(base)))
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

// bring creates or finds a file's title (and episode), reads their sidecars and queues the
// file's transcode, unless an earlier scan brought in the same content.
func (sc *scan) bring(ctx context.Context, f found) (outcome, error) {
	client := sc.st.Client
	lf, err := client.LibraryFile.Query().Where(libraryfile.Path(f.path), libraryfile.KindEQ(libraryfile.KindVIDEO)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return 0, fmt.Errorf("library file: %w", err)
	}
	sameStat := lf != nil && lf.Size == f.info.Size() && lf.ModTime.Equal(f.info.ModTime())
	hash := ""
	if !sameStat {
		if hash, err = digest(f.path, f.info.Size()); err != nil {
			return 0, apperr.Input("file", "It cannot be read.")
		}
	}
	if lf != nil && (sameStat || hash == lf.Hash) {
		return sc.again(ctx, f, lf)
	}
	in, err := os.Open(f.path)
	if err != nil {
		return 0, apperr.Input("file", "It cannot be read.")
	}
	defer in.Close()
	head := make([]byte, transcoder.SniffLen)
	n, _ := io.ReadFull(in, head)
	var rej *transcoder.Rejection
	if err := transcoder.Sniff(head[:n], f.info.Size()); errors.As(err, &rej) {
		return 0, apperr.Input("file", "Not a video: %s.", rej.Reason)
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return 0, apperr.Input("file", "It cannot be read.")
	}

	t, undo, err := sc.title(ctx, f)
	if err != nil {
		return 0, err
	}
	var episodeID *int
	if f.kind == title.KindSERIES {
		id, undoEpisode, err := sc.episode(ctx, t.ID, f)
		if err != nil {
			undo()
			return 0, err
		}
		episodeID, undo = &id, chain(undoEpisode, undo)
	}
	var replaces *int
	if lf != nil {
		replaces = lf.VideoID
	}
	v, err := sc.videos.IntakeReplacing(ctx, t.ID, episodeID, filepath.Base(f.path), in, replaces)
	if err != nil {
		undo()
		return 0, err
	}
	if lf == nil {
		err = client.LibraryFile.Create().SetPath(f.path).SetSize(f.info.Size()).SetModTime(f.info.ModTime()).
			SetHash(hash).SetTitleID(t.ID).SetNillableEpisodeID(episodeID).SetVideoID(v.ID).Exec(ctx)
	} else {
		err = client.LibraryFile.UpdateOne(lf).SetSize(f.info.Size()).SetModTime(f.info.ModTime()).SetHash(hash).
			SetTitleID(t.ID).SetNillableEpisodeID(episodeID).SetVideoID(v.ID).SetMissing(false).Exec(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("record library file: %w", err)
	}
	if _, err := sc.sidecars(ctx, f, t.ID, episodeID, &v.ID); err != nil {
		return 0, err
	}
	if lf == nil {
		return added, nil
	}
	return updated, nil
}

// again handles a file an earlier scan brought in whose content has not changed: it is
// back if it went missing, and its sidecars are read again if they changed.
func (sc *scan) again(ctx context.Context, f found, lf *ent.LibraryFile) (outcome, error) {
	if lf.EpisodeID != nil {
		if other, ok := sc.claims[*lf.EpisodeID]; ok {
			return 0, apperr.Input("file", "%s is already that episode.", other)
		}
		sc.claims[*lf.EpisodeID] = f.path
	}
	back := false
	if lf.Missing && lf.VideoID != nil {
		var err error
		if back, err = sc.videos.SetAvailable(ctx, *lf.VideoID, true); err != nil {
			return 0, err
		}
	}
	if lf.Missing || !lf.ModTime.Equal(f.info.ModTime()) || lf.Size != f.info.Size() {
		err := sc.st.Client.LibraryFile.UpdateOne(lf).SetMissing(false).SetSize(f.info.Size()).SetModTime(f.info.ModTime()).Exec(ctx)
		if err != nil {
			return 0, fmt.Errorf("record library file: %w", err)
		}
	}
	changed, err := sc.sidecars(ctx, f, lf.TitleID, lf.EpisodeID, lf.VideoID)
	if err != nil {
		return 0, err
	}
	if back || changed {
		return updated, nil
	}
	return unchanged, nil
}

// title finds the title a file belongs to by its library slug, or creates it; undo deletes
// a title created here.
func (sc *scan) title(ctx context.Context, f found) (*ent.Title, func(), error) {
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
	t, err := sc.st.Client.Title.Query().Where(title.Slug(slug)).Only(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return t, func() {}, err
	}
	in := catalog.NewTitle{Kind: f.kind, Name: f.show.Name, Slug: slug}
	if f.show.Year != 0 {
		in.Year = &f.show.Year
	}
	t, err = sc.catalog.CreateTitle(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	return t, func() { _ = sc.catalog.DeleteTitle(context.WithoutCancel(ctx), t.ID) }, nil
}

// episode finds or creates a series' season and episode, refusing a second file for one
// episode; undo deletes what it created.
func (sc *scan) episode(ctx context.Context, titleID int, f found) (int, func(), error) {
	client, e := sc.st.Client, f.episode
	undo := func() {}
	se, err := client.Season.Query().Where(season.TitleID(titleID), season.Number(e.Season)).Only(ctx)
	if ent.IsNotFound(err) {
		n := e.Season
		if se, err = sc.catalog.CreateSeason(ctx, titleID, catalog.SeasonEdit{Number: &n}); err == nil {
			id := se.ID
			undo = func() { _ = sc.catalog.DeleteSeason(context.WithoutCancel(ctx), id) }
		}
	}
	if err != nil {
		return 0, nil, err
	}
	id, err := client.Episode.Query().Where(episode.SeasonID(se.ID), episode.Number(e.Number)).OnlyID(ctx)
	switch {
	case ent.IsNotFound(err):
		name := e.Name
		if name == "" {
			name = fmt.Sprintf("Episode %d", e.Number)
		}
		n := e.Number
		ep, err := sc.catalog.CreateEpisode(ctx, se.ID, catalog.EpisodeEdit{Number: &n, Name: &name})
		if err != nil {
			undo()
			return 0, nil, err
		}
		id = ep.ID
		undo = chain(func() { _ = sc.catalog.DeleteEpisode(context.WithoutCancel(ctx), id) }, undo)
	case err != nil:
		return 0, nil, fmt.Errorf("find episode: %w", err)
	default:
		if other, ok := sc.claims[id]; ok {
			return 0, nil, apperr.Input("file", "%s is already episode %d of season %d.", other, e.Number, e.Season)
		}
		// Another file an earlier scan brought in, still there, is this episode.
		others, err := client.LibraryFile.Query().Where(libraryfile.KindEQ(libraryfile.KindVIDEO),
			libraryfile.EpisodeID(id), libraryfile.PathNEQ(f.path)).Select(libraryfile.FieldPath).Strings(ctx)
		if err != nil {
			return 0, nil, fmt.Errorf("library files: %w", err)
		}
		for _, p := range others {
			if sc.files[p] {
				return 0, nil, apperr.Input("file", "%s is already episode %d of season %d.", p, e.Number, e.Season)
			}
		}
	}
	sc.claims[id] = f.path
	return id, undo, nil
}

// chain runs first, then then.
func chain(first, then func()) func() {
	return func() { first(); then() }
}

// digest identifies a file's content without reading it all: its size with its first and
// last MiB. A file rewritten in the middle with the same size is not noticed; touching it
// (a copy, a restore) is.
func digest(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	const part = 1 << 20
	h := sha256.New()
	_ = binary.Write(h, binary.BigEndian, size)
	if _, err := io.Copy(h, io.LimitReader(f, part)); err != nil {
		return "", err
	}
	if size > 2*part {
		if _, err := f.Seek(-part, io.SeekEnd); err != nil {
			return "", err
		}
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
	} else if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

package library

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/libraryfile"
	"github.com/marquee-org/marquee/ent/subtitletrack"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/artwork"
)

// artNames are the sidecar artwork names Jellyfin, Plex and Kodi use, by kind, most
// specific first; each may end in .jpg, .jpeg, .png or .webp, in any case. A movie's
// file-named ones ("Arrival (2016)-poster.jpg") come before these.
var artNames = []struct {
	kind  artwork.Kind
	names []string
}{
	{artwork.Poster, []string{"poster", "folder", "cover"}},
	{artwork.Backdrop, []string{"fanart", "backdrop", "background"}},
	{artwork.Logo, []string{"clearlogo", "logo"}},
}

var artExts = []string{".jpg", ".jpeg", ".png", ".webp"}

// sidecars reads what is new or changed in the sidecars of a file's title (once a scan),
// of its episode and of the file itself (subtitles), and reports whether anything was.
func (sc *scan) sidecars(ctx context.Context, f found, titleID int, episodeID, videoID *int) (bool, error) {
	changed, done := sc.titles[titleID]
	if !done {
		var err error
		if changed, err = sc.titleSidecars(ctx, f, titleID); err != nil {
			return false, err
		}
		sc.titles[titleID] = changed
	}
	names := listDir(filepath.Dir(f.path))
	if nfo := names[strings.ToLower(stem(f.path))+".nfo"]; episodeID != nil && nfo != "" {
		read, err := sc.sidecar(ctx, nfo, libraryfile.KindNFO, titleID, episodeID, nil, func() error {
			info, bad := sc.readNFO(nfo, "episodedetails")
			if bad != nil {
				return bad
			}
			_, err := sc.catalog.UpdateEpisode(ctx, *episodeID, info.EpisodeEdit())
			return err
		})
		if err != nil {
			return false, err
		}
		changed = changed || read
	}
	if videoID == nil {
		return changed, nil
	}
	for _, lower := range slices.Sorted(maps.Keys(names)) { // in name order, so reports read the same each time
		lang, kind, ok := ParseSubtitleName(stem(f.path), lower)
		if !ok {
			continue
		}
		p := names[lower]
		read, err := sc.sidecar(ctx, p, libraryfile.KindSUBTITLE, titleID, episodeID, videoID, func() error {
			in, err := os.Open(p)
			if err != nil {
				return apperr.Input("file", "It cannot be read.")
			}
			defer in.Close()
			_, err = sc.videos.AddSubtitle(ctx, *videoID, lang, kind, subtitletrack.OriginLIBRARY, in)
			return err
		})
		if err != nil {
			return false, err
		}
		changed = changed || read
	}
	return changed, nil
}

// titleSidecars reads a title's .nfo (movie.nfo or the movie file's name, tvshow.nfo) and
// artwork, where new or changed.
func (sc *scan) titleSidecars(ctx context.Context, f found, titleID int) (bool, error) {
	dir := f.dir
	if dir == "" {
		dir = filepath.Dir(f.path)
	}
	names := listDir(dir)
	prefix := strings.ToLower(stem(f.path))
	var nfo, root string
	switch {
	case f.kind == title.KindSERIES:
		nfo, root = names["tvshow.nfo"], "tvshow"
	case names[prefix+".nfo"] != "":
		nfo, root = names[prefix+".nfo"], "movie"
	case f.dir != "":
		nfo, root = names["movie.nfo"], "movie"
	}
	changed := false
	var named map[string]string // artwork the .nfo names
	if nfo != "" {
		info, bad := sc.readNFO(nfo, root)
		if bad != nil {
			sc.skip(nfo, bad.Message)
		} else {
			named = info.Artwork
			read, err := sc.sidecar(ctx, nfo, libraryfile.KindNFO, titleID, nil, nil, func() error {
				_, err := sc.catalog.UpdateTitle(ctx, titleID, info.TitleEdit())
				return err
			})
			if err != nil {
				return false, err
			}
			changed = changed || read
		}
	}
	for _, a := range artNames {
		p := sc.namedArt(nfo, named[string(a.kind)])
		var candidates []string
		for _, name := range a.names {
			for _, ext := range artExts {
				if f.kind == title.KindMOVIE {
					candidates = append(candidates, prefix+"-"+name+ext)
				}
				if f.dir != "" {
					candidates = append(candidates, name+ext)
				}
			}
		}
		for _, c := range candidates {
			if p == "" {
				p = names[c]
			}
		}
		if p == "" {
			continue
		}
		kind := a.kind
		read, err := sc.sidecar(ctx, p, libraryfile.KindARTWORK, titleID, nil, nil, func() error {
			in, err := os.Open(p)
			if err != nil {
				return apperr.Input("file", "It cannot be read.")
			}
			defer in.Close()
			_, err = sc.art.Upload(ctx, titleID, kind, in)
			return err
		})
		if err != nil {
			return false, err
		}
		changed = changed || read
	}
	return changed, nil
}

// namedArt is the artwork an .nfo names, when it is a file in the library; what lies
// outside it (even through a symbolic link) is noted and left out.
func (sc *scan) namedArt(nfo, p string) string {
	if p == "" {
		return ""
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(nfo), p)
	}
	p = filepath.Clean(p)
	real, err := filepath.EvalSymlinks(p)
	root, rootErr := filepath.EvalSymlinks(sc.root)
	switch {
	case err != nil || rootErr != nil:
		sc.res.Notes = append(sc.res.Notes, Skip{Path: nfo, Why: fmt.Sprintf("names artwork %s, which cannot be read", p)})
		return ""
	case !within(sc.root, p) || !within(root, real):
		sc.res.Notes = append(sc.res.Notes, Skip{Path: nfo, Why: fmt.Sprintf("names artwork %s, outside the library; left out", p)})
		return ""
	}
	return p
}

// within reports whether p lies under dir.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// readNFO reads an .nfo, noting the values it left out.
func (sc *scan) readNFO(path, root string) (*NFO, *apperr.Error) {
	info, err := ReadNFO(path, root)
	if err != nil {
		return nil, apperr.Input("file", "%s", strings.TrimPrefix(err.Error(), ErrNFO.Error()+": "))
	}
	for _, d := range info.Dropped {
		sc.res.Notes = append(sc.res.Notes, Skip{Path: path, Why: "left out " + d})
	}
	return info, nil
}

// sidecar runs read when the sidecar at path was never read for this title (or episode),
// or changed since, and records it once read. A sidecar read refuses (BAD_USER_INPUT) is
// skipped with the reason, and read again by the next scan.
func (sc *scan) sidecar(ctx context.Context, path string, kind libraryfile.Kind, titleID int, episodeID, videoID *int, read func() error) (bool, error) {
	info, err := os.Lstat(path)
	switch {
	case err != nil:
		sc.skip(path, "cannot be read")
		return false, nil
	case info.Mode()&fs.ModeSymlink != 0:
		sc.skip(path, "a symbolic link")
		return false, nil
	case !info.Mode().IsRegular():
		return false, nil
	}
	client := sc.st.Client
	rec, err := client.LibraryFile.Query().Where(libraryfile.Path(path)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return false, fmt.Errorf("library file: %w", err)
	}
	if rec != nil && rec.Kind == kind && rec.Size == info.Size() && rec.ModTime.Equal(info.ModTime()) &&
		rec.TitleID == titleID && equalID(rec.EpisodeID, episodeID) && equalID(rec.VideoID, videoID) {
		return false, nil
	}
	if err := read(); err != nil {
		if ae, ok := apperr.As(err); ok {
			sc.skip(path, ae.Message)
			return false, nil
		}
		return false, err
	}
	if rec == nil {
		err = client.LibraryFile.Create().SetPath(path).SetKind(kind).SetSize(info.Size()).SetModTime(info.ModTime()).
			SetTitleID(titleID).SetNillableEpisodeID(episodeID).SetNillableVideoID(videoID).Exec(ctx)
	} else {
		err = client.LibraryFile.UpdateOne(rec).SetKind(kind).SetSize(info.Size()).SetModTime(info.ModTime()).
			SetTitleID(titleID).ClearEpisodeID().SetNillableEpisodeID(episodeID).ClearVideoID().SetNillableVideoID(videoID).Exec(ctx)
	}
	if err != nil {
		return false, fmt.Errorf("record sidecar: %w", err)
	}
	return true, nil
}

func equalID(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// listDir maps the lower-cased names of a folder's entries to their paths; an unreadable
// folder has none.
func listDir(dir string) map[string]string {
	entries, _ := os.ReadDir(dir)
	names := make(map[string]string, len(entries))
	for _, e := range entries {
		names[strings.ToLower(e.Name())] = filepath.Join(dir, e.Name())
	}
	return names
}

// stem is a file's name without its folder and extension.
func stem(p string) string {
	return strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
}

// Package library reads a media folder laid out the way Jellyfin, Plex and Kodi expect:
// what its folder and file names say about movies, series, seasons and episodes.
//
//	Movies/Arrival (2016)/Arrival (2016).mkv
//	Shows/Slow Horses (2022)/Season 01/Slow Horses - S01E02 - Failure's Contagious.mkv
//	Shows/Slow Horses (2022)/Season 01/1x03 Lions.mkv
//	Shows/Slow Horses (2022)/Specials/S00E01 - Behind the Scenes.mkv
package library

import (
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/marquee-org/marquee/ent/subtitletrack"
)

// videoExts are the file extensions taken for videos (lower case).
var videoExts = map[string]bool{
	".mkv": true, ".mp4": true, ".m4v": true, ".mov": true, ".avi": true, ".webm": true, ".ts": true, ".m2ts": true,
}

// IsVideo reports whether a file name has a video extension.
func IsVideo(name string) bool { return videoExts[strings.ToLower(path.Ext(name))] }

// Named is a title's name and year as a folder or file names them.
type Named struct {
	Name string
	Year int // 0 when not given
}

var (
	// A year in parentheses or brackets at the end: "Arrival (2016)", "Heat [1995]".
	trailingYear = regexp.MustCompile(`^(.*?)[\s._-]*[(\[](\d{4})[)\]]\s*$`)
	// Tags that are not part of a name: "[1080p]", "{imdb-tt2543164}", "{tmdb-329865}".
	tags = regexp.MustCompile(`\s*(\[[^\]]*\]|\{[^}]*\})\s*`)
)

// ParseTitle reads a name and year from a folder or file name (without its extension):
// "Arrival (2016)", "Amélie [2001] {imdb-tt0211915}", "Les Misérables". Dots and
// underscores between words read as spaces when the name has no spaces of its own.
func ParseTitle(s string) Named {
	s = strings.TrimSpace(s)
	var n Named
	if m := trailingYear.FindStringSubmatch(tags.ReplaceAllStringFunc(s, keepYearTag)); m != nil {
		if y, _ := strconv.Atoi(m[2]); y >= 1870 && y <= 2100 {
			s, n.Year = m[1], y
		}
	}
	s = tags.ReplaceAllString(s, " ")
	if !strings.ContainsRune(s, ' ') {
		s = strings.NewReplacer(".", " ", "_", " ").Replace(s)
	}
	n.Name = strings.Join(strings.Fields(s), " ")
	return n
}

// keepYearTag keeps "[1995]" (a year) and drops other tags.
func keepYearTag(tag string) string {
	t := strings.TrimSpace(tag)
	if len(t) == 6 && t[0] == '[' && isDigits(t[1:5]) {
		return " " + t
	}
	return " "
}

func isDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

// Episode is what an episode file's name and folder say.
type Episode struct {
	Season int // 0 for specials
	Number int
	// Last is the last number of a file holding several episodes (S01E01-E02), else Number.
	Last int
	// Name is the episode's own name when the file gives one, else "".
	Name string
}

var (
	// S01E02, s1e2, S01E02-E03, S01E02E03.
	sxe = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])s(\d{1,3})[ ._-]?e(\d{1,4})(?:[ ._-]?-?e(\d{1,4}))?`)
	// 1x02, 01x02-03.
	nxn = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(\d{1,2})x(\d{1,3})(?:-(\d{1,3}))?(?:$|[^a-z0-9])`)
	// E02, Ep 2, Episode 02 at the start of a file in a season folder.
	bare = regexp.MustCompile(`(?i)^(?:e|ep|episode)[ ._-]?(\d{1,4})(?:$|[^0-9])`)
	// Season 01, Season 1, Saison 2, Staffel 3.
	seasonDir = regexp.MustCompile(`(?i)^(?:season|saison|staffel|temporada|series)[\s._-]*(\d{1,3})$`)
)

// ParseSeasonDir reads a season folder's number: "Season 01" is 1, "Specials" and
// "Season 00" are 0; ok is false for any other folder.
func ParseSeasonDir(name string) (season int, ok bool) {
	name = strings.TrimSpace(name)
	if strings.EqualFold(name, "specials") || strings.EqualFold(name, "extras") {
		return 0, true
	}
	if m := seasonDir.FindStringSubmatch(name); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, true
	}
	return 0, false
}

// ParseEpisode reads an episode from a file name (with or without its extension):
// "Show - S01E02 - Name", "s1e2", "S01E01-E02", "1x02 Name", or "E02 - Name" inside a
// season folder (season, from ParseSeasonDir; -1 outside one). A season in the name wins
// over the folder's. ok is false when the name numbers no episode.
func ParseEpisode(file string, season int) (Episode, bool) {
	base := strings.TrimSuffix(file, path.Ext(file))
	if !IsVideo(file) {
		base = file
	}
	var e Episode
	var rest string
	if m := sxe.FindStringSubmatchIndex(base); m != nil {
		e.Season, _ = strconv.Atoi(base[m[2]:m[3]])
		e.Number, _ = strconv.Atoi(base[m[4]:m[5]])
		e.Last = e.Number
		if m[6] >= 0 {
			e.Last, _ = strconv.Atoi(base[m[6]:m[7]])
		}
		rest = base[m[1]:]
	} else if m := nxn.FindStringSubmatchIndex(base); m != nil {
		e.Season, _ = strconv.Atoi(base[m[2]:m[3]])
		e.Number, _ = strconv.Atoi(base[m[4]:m[5]])
		e.Last = e.Number
		if m[6] >= 0 {
			e.Last, _ = strconv.Atoi(base[m[6]:m[7]])
		}
		rest = base[m[5]:]
		if m[6] >= 0 {
			rest = base[m[7]:]
		}
	} else if m := bare.FindStringSubmatchIndex(base); m != nil && season >= 0 {
		e.Season = season
		e.Number, _ = strconv.Atoi(base[m[2]:m[3]])
		e.Last = e.Number
		rest = base[m[3]:]
	} else {
		return Episode{}, false
	}
	if e.Number < 1 || e.Last < e.Number || e.Last-e.Number > 20 {
		return Episode{}, false
	}
	rest = tags.ReplaceAllString(rest, " ")
	rest = strings.TrimLeft(rest, " ._-")
	if !strings.ContainsRune(rest, ' ') {
		rest = strings.NewReplacer(".", " ", "_", " ").Replace(rest)
	}
	e.Name = strings.Join(strings.Fields(rest), " ")
	return e, true
}

var (
	// Folders that hold a title's extras rather than the title.
	extraDirs = map[string]bool{
		"trailers": true, "featurettes": true, "behind the scenes": true, "deleted scenes": true,
		"interviews": true, "scenes": true, "samples": true, "shorts": true, "other": true, "clips": true,
	}
	// "Arrival (2016)-trailer", "sample", "Arrival.sample" (never a space before: "S01E03 - Scene" is an episode).
	extraName = regexp.MustCompile(`(?i)(^|[-._])(trailer|sample|featurette|behindthescenes|deleted|interview|scene|short|extra)\d*$`)
)

// IsExtra reports whether a video file is an extra (a trailer, a sample, a featurette…)
// by its name or folder, as Jellyfin and Plex name them; a scan leaves extras out.
func IsExtra(p string) bool {
	base := path.Base(strings.ReplaceAll(p, "\\", "/"))
	return extraDirs[strings.ToLower(path.Base(path.Dir(strings.ReplaceAll(p, "\\", "/"))))] ||
		extraName.MatchString(strings.TrimSuffix(base, path.Ext(base)))
}

// subtitleExts are the sidecar subtitle formats a scan reads.
var subtitleExts = map[string]bool{".srt": true, ".vtt": true, ".ass": true, ".ssa": true}

// ParseSubtitleName reads a subtitle file beside a video whose name without extension is
// video: "Arrival (2016).en.srt" is English subtitles, "….en.sdh.srt" (or .cc, .hi) English
// captions, "….fr.forced.srt" forced French, "Arrival (2016).srt" subtitles of an unknown
// language (und). name is compared without regard to case; ok is false for other files.
func ParseSubtitleName(video, name string) (lang string, kind subtitletrack.Kind, ok bool) {
	lower, prefix := strings.ToLower(name), strings.ToLower(video)
	ext := path.Ext(lower)
	if !subtitleExts[ext] || !strings.HasPrefix(lower, prefix) {
		return "", "", false
	}
	middle := strings.TrimSuffix(lower[len(prefix):], ext)
	if middle != "" && !strings.HasPrefix(middle, ".") {
		return "", "", false // another video's: "Arrival (2016) Extended.srt"
	}
	lang, kind = "und", subtitletrack.KindSUBTITLES
	for _, part := range strings.Split(strings.TrimPrefix(middle, "."), ".") {
		switch part {
		case "":
		case "sdh", "cc", "hi":
			kind = subtitletrack.KindCAPTIONS
		case "forced", "foreign":
			kind = subtitletrack.KindFORCED
		case "default":
		default:
			if languagePart.MatchString(part) {
				lang = part
			}
		}
	}
	return lang, kind, true
}

// languagePart is a language in a subtitle file's name: en, eng, pt-br, zh-hant.
var languagePart = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,4})?$`)

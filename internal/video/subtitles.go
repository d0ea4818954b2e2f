package video

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/subtitletrack"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/transcoder"
	"github.com/marquee-org/marquee/transcoder/subtitle"
)

// subtitleSegment is the length of a subtitle track's WebVTT segments, in seconds.
const subtitleSegment = 60

// languageTag is a BCP 47 tag as tracks are labelled with: a language, maybe a script and a
// region (en, pt-BR, zh-Hant-TW), or und.
var languageTag = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?$`)

// NormalizeLanguage checks and normalises a track's language tag ("EN-us" is "en-US").
func NormalizeLanguage(tag string) (string, bool) {
	tag = strings.TrimSpace(strings.ReplaceAll(tag, "_", "-"))
	if !languageTag.MatchString(tag) {
		return "", false
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	return t.String(), true
}

// trackName is how players list a track: the language in English, and what kind it is.
func trackName(tag string, kind subtitletrack.Kind) string {
	name := transcoder.LanguageName(tag)
	if name == "" {
		name = "Unknown language"
	}
	switch kind {
	case subtitletrack.KindCAPTIONS:
		name += " (CC)"
	case subtitletrack.KindFORCED:
		name += " (forced)"
	}
	return name
}

// AddSubtitle converts a subtitle file (SubRip, WebVTT or ASS/SSA in UTF-8, UTF-16 or
// Windows-1252) to WebVTT and makes it a track of the video, replacing the video's track of
// the same language and kind. A file that is no text subtitles, or a language that is no
// BCP 47 tag, is BAD_USER_INPUT and changes nothing. Players see the track once the video
// is ready (at once, when it is).
func (s *Service) AddSubtitle(ctx context.Context, videoID int, lang string, kind subtitletrack.Kind, origin subtitletrack.Origin, r io.Reader) (*ent.SubtitleTrack, error) {
	v, err := s.st.Client.Video.Get(ctx, videoID)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "videoId", Message: "No video has this id."}
	}
	if err != nil {
		return nil, fmt.Errorf("find video: %w", err)
	}
	tag, ok := NormalizeLanguage(lang)
	if !ok {
		return nil, apperr.Input("language", "%q is not a language tag such as en, fr or pt-BR (und when unknown).", lang)
	}
	if subtitletrack.KindValidator(kind) != nil {
		return nil, apperr.Input("kind", "A track is SUBTITLES, CAPTIONS or FORCED.")
	}
	b, err := io.ReadAll(io.LimitReader(r, subtitle.MaxBytes+1))
	if err != nil {
		return nil, apperr.Input("file", "The file could not be read.")
	}
	res, err := subtitle.Convert(b)
	if errors.Is(err, subtitle.ErrNotSubtitles) {
		return nil, apperr.Input("file", "This file cannot be used: %s.", strings.TrimPrefix(err.Error(), subtitle.ErrNotSubtitles.Error()+": "))
	}
	if err != nil {
		return nil, err
	}
	var id int
	err = s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		_, err := client.SubtitleTrack.Delete().Where(subtitletrack.VideoID(videoID), subtitletrack.Language(tag),
			subtitletrack.KindEQ(kind)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("replace subtitle track: %w", err)
		}
		t, err := client.SubtitleTrack.Create().SetVideoID(videoID).SetLanguage(tag).SetName(trackName(tag, kind)).
			SetKind(kind).SetOrigin(origin).SetCues(len(res.Cues)).SetDropped(res.Dropped).SetVtt(string(res.VTT())).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("create subtitle track: %w", err)
		}
		id = t.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	if v.Status == entvideo.StatusREADY || v.Status == entvideo.StatusUNAVAILABLE {
		if err := s.publishSubtitles(ctx, v); err != nil {
			return nil, err
		}
	}
	return s.st.Client.SubtitleTrack.Get(ctx, id)
}

// Subtitles lists a video's tracks in the order players list them.
func (s *Service) Subtitles(ctx context.Context, videoID int) ([]*ent.SubtitleTrack, error) {
	ts, err := s.st.Client.SubtitleTrack.Query().Where(subtitletrack.VideoID(videoID)).
		Order(ent.Asc(subtitletrack.FieldLanguage), ent.Asc(subtitletrack.FieldKind)).
		Select(subtitletrack.FieldID, subtitletrack.FieldVideoID, subtitletrack.FieldLanguage, subtitletrack.FieldName,
			subtitletrack.FieldKind, subtitletrack.FieldDefault, subtitletrack.FieldOrigin, subtitletrack.FieldCues,
			subtitletrack.FieldDropped).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("subtitle tracks: %w", err)
	}
	return ts, nil
}

// DeleteSubtitle removes a track; players stop listing it.
func (s *Service) DeleteSubtitle(ctx context.Context, id int) error {
	t, err := s.st.Client.SubtitleTrack.Get(ctx, id)
	if ent.IsNotFound(err) {
		return &apperr.Error{Code: apperr.NotFound, Field: "id", Message: "No subtitle track has this id."}
	}
	if err != nil {
		return fmt.Errorf("find subtitle track: %w", err)
	}
	if err := s.st.Client.SubtitleTrack.DeleteOne(t).Exec(ctx); err != nil {
		return fmt.Errorf("delete subtitle track: %w", err)
	}
	v, err := s.st.Client.Video.Get(ctx, t.VideoID)
	if err != nil {
		return nil // the video went too
	}
	if v.Status == entvideo.StatusREADY || v.Status == entvideo.StatusUNAVAILABLE {
		return s.publishSubtitles(ctx, v)
	}
	return nil
}

// publishSubtitles writes a transcoded video's subtitle tracks into its output (each a
// media playlist of WebVTT segments under subs/<track>/) and lists them in its master
// playlist, replacing what was there.
func (s *Service) publishSubtitles(ctx context.Context, v *ent.Video) error {
	tracks, err := s.st.Client.SubtitleTrack.Query().Where(subtitletrack.VideoID(v.ID)).
		Order(ent.Asc(subtitletrack.FieldLanguage), ent.Asc(subtitletrack.FieldKind)).All(ctx)
	if err != nil {
		return fmt.Errorf("subtitle tracks: %w", err)
	}
	out := OutputKey(v.ID)
	var media []transcoder.SubtitleMedia
	for _, t := range tracks {
		dir := "subs/" + strconv.Itoa(t.ID)
		if err := s.writeSegments(ctx, out+"/"+dir, t, v.DurationSeconds); err != nil {
			return err
		}
		media = append(media, transcoder.SubtitleMedia{
			Name: t.Name, Language: t.Language, URI: dir + "/index.m3u8", Default: t.Default,
			Forced: t.Kind == subtitletrack.KindFORCED, SDH: t.Kind == subtitletrack.KindCAPTIONS,
		})
	}
	obj, err := s.media.Open(ctx, out+"/master.m3u8")
	if err != nil {
		return fmt.Errorf("open master playlist: %w", err)
	}
	master, err := io.ReadAll(io.LimitReader(obj, 1<<20))
	obj.Close()
	if err != nil {
		return fmt.Errorf("read master playlist: %w", err)
	}
	rewritten := transcoder.WithSubtitles(string(master), media)
	if _, err := s.media.Put(ctx, out+"/master.m3u8", strings.NewReader(rewritten), 1<<20); err != nil {
		return fmt.Errorf("write master playlist: %w", err)
	}
	return nil
}

// writeSegments cuts a track into WebVTT segments of subtitleSegment seconds (a cue that
// spans two is in both) with their media playlist.
func (s *Service) writeSegments(ctx context.Context, dir string, t *ent.SubtitleTrack, duration float64) error {
	res, err := subtitle.Convert([]byte(t.Vtt))
	if err != nil {
		return fmt.Errorf("subtitle track %d: %w", t.ID, err)
	}
	step := time.Duration(subtitleSegment) * time.Second
	n := max(1, int((time.Duration(duration*float64(time.Second))+step-1)/step))
	for i := range n {
		from, to := time.Duration(i)*step, time.Duration(i+1)*step
		var b bytes.Buffer
		b.WriteString("WEBVTT\n")
		for _, c := range res.Cues {
			if c.Start < to && c.End > from {
				fmt.Fprintf(&b, "\n%s --> %s\n%s\n", subtitle.Stamp(c.Start), subtitle.Stamp(c.End), c.Text)
			}
		}
		if _, err := s.media.Put(ctx, fmt.Sprintf("%s/%d.vtt", dir, i), &b, subtitle.MaxBytes); err != nil {
			return fmt.Errorf("write subtitle segment: %w", err)
		}
	}
	playlist := transcoder.SubtitlePlaylist(duration, subtitleSegment)
	if _, err := s.media.Put(ctx, dir+"/index.m3u8", strings.NewReader(playlist), 1<<20); err != nil {
		return fmt.Errorf("write subtitle playlist: %w", err)
	}
	return nil
}

// subtitlesReady publishes the tracks a video gathered before its transcode ended.
func (s *Service) subtitlesReady(ctx context.Context, v *ent.Video) {
	n, err := s.st.Client.SubtitleTrack.Query().Where(subtitletrack.VideoID(v.ID)).Count(ctx)
	if err == nil && n > 0 {
		v, err = s.st.Client.Video.Get(ctx, v.ID)
		if err == nil {
			err = s.publishSubtitles(ctx, v)
		}
	}
	if err != nil {
		s.log.WarnContext(ctx, "publish subtitles", slog.Int("video_id", v.ID), slog.Any("err", err))
	}
}

// sourceSubtitles makes the text subtitle streams of a source (at path, probed as src)
// tracks of its video, unless a track of the same language and kind was uploaded or found
// beside its library file. Image subtitles cannot be shown and are left out; a stream that
// fails to convert is logged and the transcode goes on.
func (s *Service) sourceSubtitles(ctx context.Context, log *slog.Logger, videoID int, o transcoder.Options, path string, src transcoder.Source) {
	for _, st := range src.Subtitles {
		if !st.Text {
			log.InfoContext(ctx, "image subtitles left out: only text subtitles can be shown", slog.Int("stream", st.Index), slog.String("codec", st.Codec))
			continue
		}
		lang, ok := NormalizeLanguage(st.Language)
		if !ok {
			lang = "und"
		}
		kind := subtitletrack.KindSUBTITLES
		switch {
		case st.Forced:
			kind = subtitletrack.KindFORCED
		case st.SDH:
			kind = subtitletrack.KindCAPTIONS
		}
		kept, err := s.st.Client.SubtitleTrack.Query().Where(subtitletrack.VideoID(videoID), subtitletrack.Language(lang),
			subtitletrack.KindEQ(kind), subtitletrack.OriginNEQ(subtitletrack.OriginSOURCE)).Exist(ctx)
		if err != nil || kept {
			continue
		}
		vtt, err := transcoder.ExtractSubtitle(ctx, o, src.Container, path, st.Index)
		if err == nil {
			_, err = s.AddSubtitle(ctx, videoID, lang, kind, subtitletrack.OriginSOURCE, bytes.NewReader(vtt))
		}
		if err != nil {
			log.WarnContext(ctx, "subtitle stream left out", slog.Int("stream", st.Index), slog.Any("err", err))
		}
	}
}

// Package video owns video assets: intake of sources (uploads and ingest), the transcode
// job that turns a source into a published HLS ladder, and live progress.
package video

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"path"
	"strings"
	"time"

	"crypto/rand"
	"encoding/hex"

	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/jobs"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/webhook"
	"github.com/marquee-org/marquee/transcoder"
)

// TopicProgress carries Progress events for every video.
const TopicProgress = "video.progress"

// Progress is a video's transcode state as subscribers see it.
type Progress struct {
	VideoID       int             `json:"videoId"`
	Status        entvideo.Status `json:"status"`
	Percent       int             `json:"percent"`
	FailureReason string          `json:"failureReason,omitempty"`
}

// Terminal reports whether no further progress will follow.
func (p Progress) Terminal() bool {
	return p.Status == entvideo.StatusREADY || p.Status == entvideo.StatusFAILED || p.Status == entvideo.StatusUNAVAILABLE
}

// Service takes sources in and reports on their transcodes.
type Service struct {
	st        *store.Store
	media     media.Store
	broker    pubsub.Broker
	queue     *jobs.Queue
	log       *slog.Logger
	maxSource int64
	listings  Listings
	enc       Encryption
	events    webhook.Emitter
}

// Listings is the catalog as videos see it: told when a title gains or loses a playable
// video, and asked to remove a video another replaced.
type Listings interface {
	VideoReady(ctx context.Context, titleID int)
	ReplaceVideo(ctx context.Context, oldID, newID int) error
}

// NewService wires a Service. maxSource bounds an uploaded or ingested source in bytes;
// listings (may be nil) hears of every video that becomes ready.
func NewService(st *store.Store, m media.Store, b pubsub.Broker, q *jobs.Queue, log *slog.Logger, maxSource int64,
	listings Listings,
) *Service {
	return &Service{st: st, media: m, broker: b, queue: q, log: log, maxSource: maxSource, listings: listings}
}

// sourceExts are kept on stored sources for operators' convenience; the content is what
// the transcoder trusts, never the name.
var sourceExts = map[string]bool{".mp4": true, ".m4v": true, ".mov": true, ".mkv": true, ".webm": true, ".avi": true, ".ts": true, ".m2ts": true}

// Intake stores a source for titleID (and episodeID for a series) and queues its
// transcode. The source is written before the row exists; if the row and its job cannot
// be committed together, the source is removed again.
func (s *Service) Intake(ctx context.Context, titleID int, episodeID *int, filename string, r io.Reader) (*ent.Video, error) {
	return s.IntakeReplacing(ctx, titleID, episodeID, filename, r, nil)
}

// IntakeReplacing is Intake for a new version of video replaces (when not nil), which is
// removed once the new one is READY.
func (s *Service) IntakeReplacing(ctx context.Context, titleID int, episodeID *int, filename string, r io.Reader, replaces *int) (*ent.Video, error) {
	t, err := s.st.Client.Title.Get(ctx, titleID)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "titleId", Message: "No title has this id."}
	}
	if err != nil {
		return nil, fmt.Errorf("find title: %w", err)
	}
	if err := s.checkEpisode(ctx, t, episodeID); err != nil {
		return nil, err
	}

	ext := strings.ToLower(path.Ext(filename))
	if !sourceExts[ext] {
		ext = ".bin"
	}
	// Refuse what no worker would transcode (a playlist or concat list, which could make
	// ffmpeg read other files, an image, audio) before storing or queueing anything.
	br := bufio.NewReaderSize(r, transcoder.SniffLen)
	head, _ := br.Peek(transcoder.SniffLen)
	if len(head) > 0 {
		var rej *transcoder.Rejection
		if err := transcoder.Sniff(head, s.maxSource); errors.As(err, &rej) {
			return nil, apperr.Input("file", "This file cannot be used: %s.", rej.Reason)
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	key := "sources/" + hex.EncodeToString(b[:]) + "/source" + ext
	n, err := s.media.Put(ctx, key, br, s.maxSource)
	switch {
	case errors.Is(err, media.ErrTooLarge):
		return nil, apperr.Input("file", "The file is larger than the %d MiB limit.", s.maxSource>>20)
	case err != nil:
		return nil, fmt.Errorf("store source: %w", err)
	case n == 0:
		_ = s.media.Remove(context.WithoutCancel(ctx), path.Dir(key))
		return nil, apperr.Input("file", "The file is empty.")
	}

	var id int
	err = s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		created, err := client.Video.Create().
			SetTitleID(t.ID).SetNillableEpisodeID(episodeID).
			SetStatus(entvideo.StatusQUEUED).SetSourcePath(key).SetNillableReplacesID(replaces).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("create video: %w", err)
		}
		id = created.ID
		return s.queue.InsertTx(ctx, tx, TranscodeArgs{VideoID: id}, &river.InsertOpts{MaxAttempts: MaxAttempts})
	})
	if err != nil {
		// The request may have ended, which is often why this failed: the source is removed
		// all the same, since no row will ever refer to it.
		_ = s.media.Remove(context.WithoutCancel(ctx), path.Dir(key))
		return nil, err
	}
	v, err := s.st.Client.Video.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("reload video: %w", err)
	}
	s.publish(ctx, Progress{VideoID: v.ID, Status: entvideo.StatusQUEUED})
	return v, nil
}

func (s *Service) checkEpisode(ctx context.Context, t *ent.Title, episodeID *int) error {
	if episodeID == nil {
		if t.Kind == title.KindSERIES {
			return apperr.Input("episodeId", "A series' videos belong to episodes: give episodeId.")
		}
		return nil
	}
	if t.Kind == title.KindMOVIE {
		return apperr.Input("episodeId", "A movie has no episodes: leave episodeId out.")
	}
	ok, err := s.st.Client.Episode.Query().
		Where(episode.ID(*episodeID), episode.HasSeasonWith(season.TitleID(t.ID))).
		Exist(ctx)
	if err != nil {
		return fmt.Errorf("find episode: %w", err)
	}
	if !ok {
		return apperr.Input("episodeId", "This title has no episode with that id.")
	}
	return nil
}

func (s *Service) publish(ctx context.Context, p Progress) {
	b, _ := json.Marshal(p)
	if err := s.broker.Publish(ctx, TopicProgress, b); err != nil {
		s.log.WarnContext(ctx, "publish progress", slog.Int("video_id", p.VideoID), slog.Any("err", err))
	}
}

// Current reads a video's progress from the database.
func (s *Service) Current(ctx context.Context, videoID int) (Progress, error) {
	v, err := s.st.Client.Video.Get(ctx, videoID)
	if ent.IsNotFound(err) {
		return Progress{}, &apperr.Error{Code: apperr.NotFound, Field: "videoId", Message: "No video has this id."}
	}
	if err != nil {
		return Progress{}, fmt.Errorf("find video: %w", err)
	}
	return Progress{VideoID: v.ID, Status: v.Status, Percent: v.ProgressPercent, FailureReason: v.FailureReason}, nil
}

// pollEvery backs up broker events with a database read, for workers in other processes
// that share no broker with this one (several processes on one SQLite file).
const pollEvery = 2 * time.Second

// Watch streams a video's progress: its current state first, then every change, and
// closes after a terminal state or when ctx ends.
func (s *Service) Watch(ctx context.Context, videoID int) (<-chan Progress, error) {
	ctx, cancel := context.WithCancel(ctx)
	events := s.broker.Subscribe(ctx, TopicProgress)
	cur, err := s.Current(ctx, videoID)
	if err != nil {
		cancel()
		return nil, err
	}
	out := make(chan Progress, 16)
	go func() {
		defer cancel()
		defer close(out)
		var last *Progress
		// send forwards p unless it repeats the last state, and reports whether more may follow.
		send := func(p Progress) bool {
			// The database poll lags the events (it saves every few percent): never step back.
			if last != nil && (p == *last || (p.Status == last.Status && p.Percent < last.Percent)) {
				return true
			}
			last = &p
			select {
			case out <- p:
			case <-ctx.Done():
				return false
			}
			return !p.Terminal()
		}
		if !send(cur) {
			return
		}
		tick := time.NewTicker(pollEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case b, ok := <-events:
				if !ok {
					return
				}
				var p Progress
				if json.Unmarshal(b, &p) != nil || p.VideoID != videoID {
					continue
				}
				if !send(p) {
					return
				}
			case <-tick.C:
				p, err := s.Current(ctx, videoID)
				if err != nil {
					continue
				}
				if !send(p) {
					return
				}
			}
		}
	}()
	return out, nil
}

// Removed deletes the stored source and outputs (renditions, poster, thumbnails) of videos a
// catalog deletion took away (catalog.OnRemove). The rows are gone already; a file that
// cannot be removed is logged, and costs nothing but space.
func (s *Service) Removed(ctx context.Context, r catalog.Removed) {
	for _, v := range r.Videos {
		for _, key := range []string{v.SourcePath, OutputKey(v.ID)} {
			if key == "" {
				continue
			}
			if err := s.media.Remove(ctx, key); err != nil {
				s.log.WarnContext(ctx, "remove media of a deleted video", slog.Int("video_id", v.ID), slog.Any("err", err))
			}
		}
	}
}

// SetAvailable withdraws a READY video whose library file is gone (it becomes UNAVAILABLE:
// nobody can start it, its media stay) or brings one back (READY again), and tells the
// lists. It reports whether the video changed; videos in other states are left alone.
func (s *Service) SetAvailable(ctx context.Context, videoID int, available bool) (bool, error) {
	from, to := entvideo.StatusREADY, entvideo.StatusUNAVAILABLE
	if available {
		from, to = to, from
	}
	v, err := s.st.Client.Video.Get(ctx, videoID)
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find video: %w", err)
	}
	n, err := s.st.Client.Video.Update().Where(entvideo.ID(videoID), entvideo.StatusEQ(from)).SetStatus(to).Save(ctx)
	if err != nil {
		return false, fmt.Errorf("video availability: %w", err)
	}
	if n > 0 && s.listings != nil {
		s.listings.VideoReady(ctx, v.TitleID)
	}
	return n > 0, nil
}

// Markers are a video's skip markers, in seconds; nil clears one.
type Markers struct {
	IntroStart, IntroEnd, CreditsStart *float64
}

// SetMarkers replaces a video's skip markers: the intro needs both ends, in order, and
// every marker lies within the video (once its duration is known).
func (s *Service) SetMarkers(ctx context.Context, videoID int, m Markers) (*ent.Video, error) {
	v, err := s.st.Client.Video.Get(ctx, videoID)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "videoId", Message: "No video has this id."}
	}
	if err != nil {
		return nil, fmt.Errorf("find video: %w", err)
	}
	within := func(field string, x *float64) error {
		switch {
		case x == nil:
			return nil
		case math.IsNaN(*x) || *x < 0 || math.IsInf(*x, 0):
			return apperr.Input(field, "A marker is a number of seconds from the start.")
		case v.DurationSeconds > 0 && *x > v.DurationSeconds:
			return apperr.Input(field, "The video is %.0f seconds long.", v.DurationSeconds)
		}
		return nil
	}
	for _, c := range []struct {
		field string
		x     *float64
	}{{"introStart", m.IntroStart}, {"introEnd", m.IntroEnd}, {"creditsStart", m.CreditsStart}} {
		if err := within(c.field, c.x); err != nil {
			return nil, err
		}
	}
	switch {
	case (m.IntroStart == nil) != (m.IntroEnd == nil):
		return nil, apperr.Input("introEnd", "An intro has a start and an end.")
	case m.IntroStart != nil && *m.IntroEnd <= *m.IntroStart:
		return nil, apperr.Input("introEnd", "The intro ends after it starts.")
	case m.IntroEnd != nil && m.CreditsStart != nil && *m.CreditsStart < *m.IntroEnd:
		return nil, apperr.Input("creditsStart", "The credits start after the intro.")
	}
	upd := s.st.Client.Video.UpdateOneID(videoID)
	if m.IntroStart != nil {
		upd.SetIntroStart(*m.IntroStart).SetIntroEnd(*m.IntroEnd)
	} else {
		upd.ClearIntroStart().ClearIntroEnd()
	}
	if m.CreditsStart != nil {
		upd.SetCreditsStart(*m.CreditsStart)
	} else {
		upd.ClearCreditsStart()
	}
	v, err = upd.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("set markers: %w", err)
	}
	return v, nil
}

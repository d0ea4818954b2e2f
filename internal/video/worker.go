package video

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/rendition"
	"github.com/marquee-org/marquee/ent/schema/hookevent"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/webhook"
	"github.com/marquee-org/marquee/transcoder"
)

// MaxAttempts bounds retries of a transcode that fails for reasons other than its input.
const MaxAttempts = 3

// TranscodeArgs is the transcode job.
type TranscodeArgs struct {
	VideoID int `json:"video_id"`
}

// Kind implements river.JobArgs.
func (TranscodeArgs) Kind() string { return "transcode" }

// OutputKey is where a video's HLS ladder, poster and thumbnails are published.
func OutputKey(videoID int) string { return "videos/" + strconv.Itoa(videoID) }

func tempPrefix(videoID int) string { return "transcode-" + strconv.Itoa(videoID) + "-" }

// Worker runs transcode jobs. It is safe to run a job more than once (River delivers at
// least once, and rescues jobs whose worker died): output is built in a scratch
// directory, published by rename, and the READY transition happens in one conditional
// update, so exactly one attempt makes a video READY.
type Worker struct {
	river.WorkerDefaults[TranscodeArgs]
	svc  *Service
	opts transcoder.Options
}

// NewWorker returns the transcode worker, to register with river.AddWorker.
func NewWorker(svc *Service, opts transcoder.Options) *Worker {
	return &Worker{svc: svc, opts: opts}
}

// Timeout keeps River's own deadline just above the transcoder's, so ffmpeg is stopped
// by the transcoder (with a clear reason) before River gives up on the attempt.
func (w *Worker) Timeout(*river.Job[TranscodeArgs]) time.Duration {
	return w.opts.Timeout + config.JobMargin
}

// Work implements river.Worker.
func (w *Worker) Work(ctx context.Context, job *river.Job[TranscodeArgs]) error {
	s := w.svc
	id := job.Args.VideoID
	log := s.log.With(slog.Int("video_id", id), slog.Int("attempt", job.Attempt))
	v, err := s.st.Client.Video.Get(ctx, id)
	if ent.IsNotFound(err) {
		return river.JobCancel(fmt.Errorf("video %d no longer exists", id))
	}
	if err != nil {
		return fmt.Errorf("load video: %w", err)
	}
	if v.Status == entvideo.StatusREADY || v.Status == entvideo.StatusFAILED || v.Status == entvideo.StatusUNAVAILABLE {
		return nil // an earlier attempt finished it
	}
	// Scratch left by an attempt whose process was killed.
	if err := s.media.CleanTemp(tempPrefix(id)); err != nil {
		return err
	}
	if err := s.setStatus(ctx, id, entvideo.StatusPROCESSING, 0, ""); err != nil {
		return err
	}
	// The source is read from a local file (a download, for an object store) and the ladder
	// written to another scratch directory; both share the prefix CleanTemp removes.
	in, err := s.media.TempDir(tempPrefix(id))
	if err != nil {
		return err
	}
	src, err := s.media.Fetch(ctx, v.SourcePath, in)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, media.ErrInvalidKey):
		_ = s.media.CleanTemp(tempPrefix(id))
		return river.JobCancel(s.fail(ctx, log, id, "The source file is missing."))
	case err != nil:
		_ = s.media.CleanTemp(tempPrefix(id))
		return err
	}
	out, err := s.media.TempDir(tempPrefix(id))
	if err != nil {
		_ = s.media.CleanTemp(tempPrefix(id))
		return err
	}
	res, err := transcoder.Transcode(ctx, w.opts, src, out, s.progressReporter(ctx, id))
	var rej *transcoder.Rejection
	switch {
	case errors.As(err, &rej):
		_ = s.media.CleanTemp(tempPrefix(id))
		return river.JobCancel(s.fail(ctx, log, id, rej.Reason))
	case diskFull(err, out):
		// Retrying cannot help until someone frees space; say so instead of failing thrice.
		_ = s.media.CleanTemp(tempPrefix(id))
		return river.JobCancel(s.fail(ctx, log, id, "The media store ran out of disk space during the transcode; free some space and upload the video again."))
	case err != nil:
		_ = s.media.CleanTemp(tempPrefix(id))
		if job.Attempt >= job.MaxAttempts {
			_ = s.fail(ctx, log, id, "Transcoding failed repeatedly; see the server log.")
		}
		log.WarnContext(ctx, "transcode attempt failed", slog.Any("err", err))
		return err
	}
	s.sourceSubtitles(ctx, log, id, w.opts, src, res.Source)
	if err := s.encryptOutput(ctx, v, out); err != nil {
		_ = s.media.CleanTemp(tempPrefix(id))
		return fmt.Errorf("encrypt: %w", err)
	}
	err = s.media.Publish(ctx, out, OutputKey(id))
	_ = s.media.CleanTemp(tempPrefix(id))
	if err != nil {
		return err
	}
	if err := s.markReady(ctx, v, res); err != nil {
		return err
	}
	log.InfoContext(ctx, "video ready", slog.Int("renditions", len(res.Renditions)), slog.Float64("duration_s", res.Duration))
	return nil
}

// orphaned removes what a transcode published for a video deleted while it ran: the
// deletion removed the media there was then, not what came after.
func (s *Service) orphaned(ctx context.Context, v *ent.Video) {
	exists, err := s.st.Client.Video.Query().Where(entvideo.ID(v.ID)).Exist(ctx)
	if err != nil || exists {
		return
	}
	for _, key := range []string{OutputKey(v.ID), v.SourcePath} {
		if key == "" {
			continue
		}
		if err := s.media.Remove(ctx, key); err != nil {
			s.log.WarnContext(ctx, "remove media of a deleted video", slog.Int("video_id", v.ID), slog.Any("err", err))
		}
	}
}

// markReady records the renditions and flips the video to READY in one transaction, only
// if no other attempt did it first.
func (s *Service) markReady(ctx context.Context, v *ent.Video, res *transcoder.Result) error {
	prefix := OutputKey(v.ID) + "/"
	won := false
	err := s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		n, err := client.Video.Update().
			Where(entvideo.ID(v.ID), entvideo.StatusNEQ(entvideo.StatusREADY)).
			SetStatus(entvideo.StatusREADY).SetProgressPercent(100).SetFailureReason("").
			SetDurationSeconds(res.Duration).SetSourceInfo(toMap(res.Source)).SetLadder(toMap(res.Ladder)).
			SetOutputDir(OutputKey(v.ID)).SetReadyAt(time.Now()).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("mark ready: %w", err)
		}
		if n == 0 {
			return nil
		}
		won = true
		if _, err := client.Rendition.Delete().Where(rendition.VideoID(v.ID)).Exec(ctx); err != nil {
			return fmt.Errorf("replace renditions: %w", err)
		}
		for _, r := range res.Renditions {
			err := client.Rendition.Create().
				SetVideoID(v.ID).SetWidth(r.Width).SetHeight(r.Height).
				SetBandwidth(r.Bandwidth).SetAverageBandwidth(r.AverageBandwidth).
				SetCodecs(r.Codecs).SetFrameRate(r.FrameRate).
				SetPlaylistPath(prefix + r.Playlist).
				Exec(ctx)
			if err != nil {
				return fmt.Errorf("record rendition: %w", err)
			}
		}
		// A title without a poster or runtime takes them from its first video.
		upd := client.Title.Update().Where(title.ID(v.TitleID), title.PosterPath(""))
		if res.Poster != "" {
			if err := upd.SetPosterPath(prefix + res.Poster).Exec(ctx); err != nil {
				return fmt.Errorf("set poster: %w", err)
			}
		}
		if v.EpisodeID == nil && res.Duration > 0 {
			mins := max(1, int(res.Duration/60+0.5))
			err := client.Title.Update().Where(title.ID(v.TitleID), title.RuntimeMinutesIsNil()).
				SetRuntimeMinutes(mins).Exec(ctx)
			if err != nil {
				return fmt.Errorf("set runtime: %w", err)
			}
		}
		return s.videoEvent(ctx, tx, client, hookevent.VideoReady, v.ID)
	})
	if err != nil {
		return err
	}
	if !won {
		s.orphaned(ctx, v)
	}
	if won {
		// Listed before READY is announced, so that whoever waits for it finds the title playable.
		if s.listings != nil {
			s.listings.VideoReady(ctx, v.TitleID)
			if v.ReplacesID != nil {
				if err := s.listings.ReplaceVideo(ctx, *v.ReplacesID, v.ID); err != nil {
					s.log.WarnContext(ctx, "remove the replaced video", slog.Int("video_id", *v.ReplacesID), slog.Any("err", err))
				}
			}
		}
		s.subtitlesReady(ctx, v)
		s.publish(ctx, Progress{VideoID: v.ID, Status: entvideo.StatusREADY, Percent: 100})
	}
	return nil
}

// fail marks the video FAILED with a reason for people, and returns that reason as an error.
func (s *Service) fail(ctx context.Context, log *slog.Logger, id int, reason string) error {
	log.InfoContext(ctx, "video failed", slog.String("reason", reason))
	if err := s.setStatus(context.WithoutCancel(ctx), id, entvideo.StatusFAILED, 0, reason); err != nil {
		return err
	}
	return errors.New(reason)
}

func (s *Service) setStatus(ctx context.Context, id int, st entvideo.Status, pct int, reason string) error {
	err := s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		n, err := client.Video.Update().
			Where(entvideo.ID(id), entvideo.StatusNEQ(entvideo.StatusREADY)).
			SetStatus(st).SetProgressPercent(pct).SetFailureReason(reason).
			Save(ctx)
		if err != nil || n == 0 || st != entvideo.StatusFAILED {
			return err
		}
		return s.videoEvent(ctx, tx, client, hookevent.VideoFailed, id)
	})
	if err != nil {
		return fmt.Errorf("set video status: %w", err)
	}
	s.publish(ctx, Progress{VideoID: id, Status: st, Percent: pct, FailureReason: reason})
	return nil
}

// progressReporter publishes every percent and writes it to the database every few,
// which is what subscribers in other processes poll.
func (s *Service) progressReporter(ctx context.Context, id int) func(int) {
	var mu sync.Mutex
	saved := 0
	return func(pct int) {
		mu.Lock()
		defer mu.Unlock()
		pct = min(pct, 99) // 100 means published, which markReady announces
		s.publish(ctx, Progress{VideoID: id, Status: entvideo.StatusPROCESSING, Percent: pct})
		if pct-saved >= 5 {
			saved = pct
			err := s.st.Client.Video.Update().
				Where(entvideo.ID(id), entvideo.StatusEQ(entvideo.StatusPROCESSING)).
				SetProgressPercent(pct).Exec(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "save progress", slog.Int("video_id", id), slog.Any("err", err))
			}
		}
	}
}

// diskFull reports whether a failed transcode ran out of space: a write of ours failed
// with ENOSPC, ffmpeg said so, or the scratch directory's filesystem is (nearly) full —
// ffmpeg's HLS muxer can drop failed writes and exit 0, leaving truncated playlists.
func diskFull(err error, scratch string) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "No space left on device") {
		return true
	}
	free, ok := freeBytes(scratch)
	return ok && free < lowSpace
}

// lowSpace is how little free space counts as full: less than one segment of a 4K rung.
const lowSpace = 4 << 20

// EmitTo makes the service announce videos becoming ready or failing to em (webhooks), in
// the transactions that mark them. Call before serving.
func (s *Service) EmitTo(em webhook.Emitter) { s.events = em }

// videoEvent announces the video as it is in client's transaction. A video becomes ready
// once, so its video.ready is keyed to it; failures are each news.
func (s *Service) videoEvent(ctx context.Context, tx *sql.Tx, client *ent.Client, typ hookevent.Event, id int) error {
	key := ""
	if typ == hookevent.VideoReady {
		key = "video:" + strconv.Itoa(id) + ":ready"
	}
	return webhook.Emit(ctx, s.events, tx, client, webhook.Event{Type: typ, Key: key, Data: func() (map[string]any, error) {
		v, err := client.Video.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("find video: %w", err)
		}
		data := map[string]any{"videoId": v.ID, "titleId": v.TitleID, "episodeId": v.EpisodeID, "status": v.Status}
		if typ == hookevent.VideoReady {
			data["durationSeconds"] = v.DurationSeconds
		} else {
			data["failureReason"] = v.FailureReason
		}
		return data, nil
	}})
}

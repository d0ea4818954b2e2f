package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/jobs"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/playback"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/recommend"
	"github.com/marquee-org/marquee/internal/server"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/video"
	"github.com/marquee-org/marquee/transcoder"
)

// app is everything a long-running command wires together.
type app struct {
	cfg      config.Config
	log      *slog.Logger
	store    *store.Store
	broker   pubsub.Broker
	media    media.Store
	queue    *jobs.Queue
	auth     *auth.Service
	billing  *billing.Service
	videos   *video.Service
	signer   *media.Signer
	playback *playback.Service
	// metrics collects what the process's services measure; serve and worker expose it.
	metrics *prometheus.Registry
	// closers run in reverse order on close.
	closers []func() error
}

// openApp opens the store (migrating it), the broker, the media store and the job queue
// with `workers` transcode workers (0: insert only); with a signing secret, playback too.
func openApp(ctx context.Context, c config.Config, log *slog.Logger, workers int) (*app, error) {
	a := &app{cfg: c, log: log, metrics: server.NewRegistry()}
	st, err := openStore(ctx, c, log)
	if err != nil {
		return nil, err
	}
	a.store = st
	a.closers = append(a.closers, st.Close)

	if c.DatabaseURL != "" {
		pg, err := pubsub.NewPostgres(ctx, st.DB, c.DatabaseURL, log)
		if err != nil {
			a.close()
			return nil, err
		}
		a.broker = pg
		a.closers = append(a.closers, pg.Close)
	} else {
		a.broker = pubsub.NewLocal()
	}
	// An object store's scratch work (spooled uploads, transcodes) stays on this machine.
	if a.media, err = media.Open(ctx, c.MediaURL, filepath.Join(c.DataDir, "scratch")); err != nil {
		a.close()
		return nil, err
	}
	a.queue = jobs.New(st, jobs.Options{Workers: workers, RescueAfter: c.Rescue(), Metrics: a.metrics}, log)
	a.videos = video.NewService(st, a.media, a.broker, a.queue, log, c.MaxUploadBytes)
	river.AddWorker(a.queue.Workers(), video.NewWorker(a.videos, transcodeOptions(c)))
	a.billing = billing.NewService(st, billing.NewSandbox(c.SandboxLatency), a.broker, log, billing.Options{ProviderTimeout: c.PaymentTimeout})
	river.AddWorker(a.queue.Workers(), billing.NewRenewWorker(a.billing))
	a.queue.AddPeriodic(c.RenewEvery, billing.RenewArgs{})
	river.AddWorker(a.queue.Workers(), catalog.NewTrendingWorker(st))
	a.queue.AddPeriodic(10*time.Minute, catalog.TrendingArgs{})
	river.AddWorker(a.queue.Workers(), recommend.NewWorker(recommend.NewService(st, log, recommend.ServeOptions{})))
	a.queue.AddPeriodic(recommend.CheckEvery, recommend.RefreshArgs{})
	if err := a.queue.Open(); err != nil {
		a.close()
		return nil, err
	}
	a.auth = auth.NewService(st.Client, a.broker, log, auth.Options{
		IdleTTL: c.SessionIdleTTL, AbsoluteTTL: c.SessionAbsoluteTTL,
	})
	if c.Secret != "" {
		if a.signer, err = media.NewSigner([]byte(c.Secret)); err != nil {
			a.close()
			return nil, err
		}
		a.playback = playback.NewService(st, a.broker, a.signer, log, playback.Options{Metrics: a.metrics})
	}
	return a, nil
}

func transcodeOptions(c config.Config) transcoder.Options {
	return transcoder.Options{
		FFmpeg: c.FFmpeg, FFprobe: c.FFprobe, Preset: c.X264Preset,
		SegmentSeconds: c.SegmentSeconds, Timeout: c.TranscodeTimeout,
		Limits: transcoder.Limits{MaxBytes: c.MaxUploadBytes},
	}
}

// stopQueue cancels running jobs (killing their ffmpeg) and waits for them briefly.
func (a *app) stopQueue() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.queue.Stop(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		a.log.Warn("stop job queue", slog.Any("err", err))
	}
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil {
			a.log.Warn("close", slog.Any("err", err))
		}
	}
}

// progressBar draws a one-line terminal progress bar.
func progressBar(w io.Writer, p video.Progress) {
	const width = 30
	filled := p.Percent * width / 100
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '-'
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(w, "\r[%s] %3d%% %-10s", bar, p.Percent, p.Status)
}

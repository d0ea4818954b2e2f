// Package app builds what a marquee process runs, once: the store, the broker, media
// storage, the job queue with its workers, and the domain services. Commands, the HTTP
// server and the GraphQL resolvers all take the one Services it returns, and Close stops
// everything in one order, however far the start got.
package app

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/internal/artwork"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/jobs"
	"github.com/marquee-org/marquee/internal/library"
	"github.com/marquee-org/marquee/internal/mail"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/playback"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/recommend"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/video"
	"github.com/marquee-org/marquee/internal/webhook"
	"github.com/marquee-org/marquee/transcoder"
)

// Services is everything a marquee process wires together.
type Services struct {
	Config  config.Config
	Log     *slog.Logger
	Store   *store.Store
	Broker  pubsub.Broker
	Media   media.Store
	Queue   *jobs.Queue
	Auth    *auth.Service
	Billing *billing.Service
	Catalog *catalog.Service
	Videos  *video.Service
	Artwork *artwork.Service
	// Library runs the library scans administrators start from the app.
	Library *library.Runner
	// Signer and Playback exist when the configuration has a signing secret.
	Signer *media.Signer
	// Keyring seals the videos' content keys; it too exists with a signing secret.
	Keyring  *media.Keyring
	Playback *playback.Service
	// Webhooks records events for integrators' receivers and delivers them.
	Webhooks *webhook.Service
	// Index is this process's search index, once OpenSearch opened it.
	Index *search.Index
	// Metrics collects what the process's services measure; serve and worker expose it.
	Metrics *prometheus.Registry

	// bg is the background loops' context, ended by Close; loops counts them.
	bg      context.Context
	stopBG  context.CancelFunc
	loops   sync.WaitGroup
	started bool // the queue's workers run
	// closers run in reverse order on Close, after the loops have returned.
	closers []func() error
}

// Open opens the store (migrating it), the broker, the media store and the job queue with
// `workers` transcode workers (0: it only inserts jobs), and builds the domain services;
// with a signing secret, playback too. On an error, what was opened is closed.
func Open(ctx context.Context, c config.Config, log *slog.Logger, workers int) (*Services, error) {
	bg, stop := context.WithCancel(context.Background())
	s := &Services{Config: c, Log: log, Metrics: NewRegistry(), bg: bg, stopBG: stop}
	if err := s.open(ctx, workers); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Services) open(ctx context.Context, workers int) error {
	c := s.Config
	st, err := OpenStore(ctx, c, s.Log)
	if err != nil {
		return err
	}
	s.Store = st
	s.closers = append(s.closers, st.Close)

	if c.DatabaseURL != "" {
		pg, err := pubsub.NewPostgres(ctx, st.DB, c.DatabaseURL, s.Log)
		if err != nil {
			return err
		}
		s.Broker = pg
		s.closers = append(s.closers, pg.Close)
	} else {
		s.Broker = pubsub.NewLocal()
	}
	// An object store's scratch work (spooled uploads, transcodes) stays on this machine.
	if s.Media, err = media.Open(ctx, c.MediaURL, filepath.Join(c.DataDir, "scratch")); err != nil {
		return err
	}
	s.Queue = jobs.New(st, jobs.Options{Workers: workers, RescueAfter: c.Rescue(), Metrics: s.Metrics}, s.Log)
	s.Webhooks = webhook.NewService(st, s.Queue, s.Log, webhook.Options{
		Policy: webhook.Policy{AllowHTTP: c.WebhookAllowHTTP, Allow: c.WebhookAllowNetworks},
	})
	s.Catalog = catalog.NewService(st, s.Broker)
	s.Videos = video.NewService(st, s.Media, s.Broker, s.Queue, s.Log, c.MaxUploadBytes, s.Catalog)
	if c.Secret != "" {
		if s.Keyring, err = media.NewKeyring([]byte(c.Secret)); err != nil {
			return err
		}
		if c.EncryptMedia {
			s.Videos.Encrypt(video.Encryption{Keyring: s.Keyring, Period: c.KeyPeriod})
		}
	}
	s.Artwork = artwork.NewService(s.Media, s.Catalog, s.Log)
	s.Library = library.NewRunner(library.NewScanner(st, s.Catalog, s.Videos, s.Artwork), s.Broker, s.Log, c.LibraryDirs, s.Go)
	s.Billing = billing.NewService(st, billing.NewSandbox(c.SandboxLatency), s.Broker, s.Log, billing.Options{ProviderTimeout: c.PaymentTimeout})
	workersOf := s.Queue.Workers()
	river.AddWorker(workersOf, video.NewWorker(s.Videos, TranscodeOptions(c)))
	river.AddWorker(workersOf, billing.NewRenewWorker(s.Billing))
	s.Queue.AddPeriodic(c.RenewEvery, billing.RenewArgs{})
	river.AddWorker(workersOf, catalog.NewTrendingWorker(s.Catalog))
	s.Queue.AddPeriodic(10*time.Minute, catalog.TrendingArgs{})
	river.AddWorker(workersOf, recommend.NewWorker(recommend.NewService(st, s.Log, recommend.ServeOptions{RefitEvery: c.RecommendRefit})))
	s.Queue.AddPeriodic(recommend.CheckEvery, recommend.RefreshArgs{})
	authOpts := auth.Options{
		IdleTTL: c.SessionIdleTTL, AbsoluteTTL: c.SessionAbsoluteTTL,
		InTx: st.InTx, Queue: s.Queue, PublicURL: c.BaseURL(),
	}
	if c.Secret != "" {
		outbox, err := s.openMail(workersOf)
		if err != nil {
			return err
		}
		authOpts.Mail = outbox
	}
	s.Auth = auth.NewService(st.Client, s.Broker, s.Log, authOpts)
	river.AddWorker(workersOf, auth.NewResetWorker(s.Auth))
	river.AddWorker(workersOf, webhook.NewWorker(s.Webhooks))
	if err := s.Queue.Open(); err != nil {
		return err
	}
	if c.Secret != "" {
		if s.Signer, err = media.NewSigner([]byte(c.Secret)); err != nil {
			return err
		}
		s.Playback = playback.NewService(st, s.Catalog, s.Broker, s.Signer, s.Log, playback.Options{Metrics: s.Metrics})
		s.Catalog.OnRemove(s.Playback.Removed) // streams end before their media goes
	}
	s.Catalog.OnRemove(s.Videos.Removed)
	s.Catalog.EmitTo(s.Webhooks)
	s.Videos.EmitTo(s.Webhooks)
	s.Billing.EmitTo(s.Webhooks)
	s.Catalog.OnRemove(s.Artwork.Removed)
	return nil
}

// openMail builds the outbox and registers the worker that delivers it: over --smtp-url,
// or into the log when there is none. Queued mail is sealed with the server secret.
func (s *Services) openMail(workers *river.Workers) (*mail.Outbox, error) {
	c := s.Config
	box, err := mail.NewBox([]byte(c.Secret))
	if err != nil {
		return nil, err
	}
	var sender mail.Sender = mail.LogSender{Log: s.Log}
	if c.SMTPURL != "" {
		from, err := mail.ParseFrom(c.MailFrom)
		if err != nil {
			return nil, err
		}
		if sender, err = mail.NewSMTP(c.SMTPURL, from); err != nil {
			return nil, err
		}
	}
	river.AddWorker(workers, mail.NewWorker(sender, box, s.Log))
	return mail.NewOutbox(s.Queue, box), nil
}

// OpenStore opens the configured database, migrates it and makes sure the plans exist.
func OpenStore(ctx context.Context, c config.Config, log *slog.Logger) (*store.Store, error) {
	s, err := store.Open(ctx, c.DatabaseURL, c.DataDir, store.Options{
		MaxOpenConns: c.DBMaxOpenConns, MaxIdleConns: c.DBMaxIdleConns, ConnMaxLifetime: c.DBConnMaxLifetime,
	})
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	if err := billing.EnsurePlans(ctx, s.Client); err != nil {
		_ = s.Close()
		return nil, err
	}
	log.Debug("store ready", slog.String("dialect", s.Dialect))
	return s, nil
}

// TranscodeOptions are the transcoder's settings from the configuration.
func TranscodeOptions(c config.Config) transcoder.Options {
	return transcoder.Options{
		FFmpeg: c.FFmpeg, FFprobe: c.FFprobe, Preset: c.X264Preset, Ladder: c.Ladder,
		SegmentSeconds: c.SegmentSeconds, Fragment: c.Fragment(), Timeout: c.TranscodeTimeout,
		Limits: transcoder.Limits{MaxBytes: c.MaxUploadBytes},
	}
}

// OpenSearch opens this process's search index in dir and keeps it following the catalog
// (each replica keeps its own; it hears of changes through the broker). Close stops it.
func (s *Services) OpenSearch(dir string) error {
	ix, err := search.Open(dir)
	if err != nil {
		return err
	}
	s.Index = ix
	s.closers = append(s.closers, ix.Close)
	s.Go(func(ctx context.Context) { ix.Follow(ctx, s.Broker, s.Store.Client, s.Log) })
	return nil
}

// Go runs loop in the background until Close, which cancels its context and waits for it
// to return before closing anything it may use.
func (s *Services) Go(loop func(ctx context.Context)) {
	s.loops.Go(func() { loop(s.bg) })
}

// Start starts the job queue's workers; Close stops them.
func (s *Services) Start() error {
	if err := s.Queue.Start(s.bg); err != nil {
		return err
	}
	s.started = true
	return nil
}

// Close stops the process's work in order, whatever was started: the queue's workers (their
// cancelled contexts kill ffmpeg; they get ten seconds), then the background loops, which it
// waits for, then what Open and OpenSearch opened, newest first (the store last).
func (s *Services) Close() {
	if s.started {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := s.Queue.Stop(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			s.Log.Warn("stop job queue", slog.Any("err", err))
		}
		cancel()
		s.started = false
	}
	s.stopBG()
	s.loops.Wait()
	for i := len(s.closers) - 1; i >= 0; i-- {
		if err := s.closers[i](); err != nil {
			s.Log.Warn("close", slog.Any("err", err))
		}
	}
	s.closers = nil
}

// NewRegistry returns a registry with the Go runtime and process collectors, for one
// process's services to register their metrics on. It is never the global default
// registry, so tests and several servers in one process do not collide.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// OverStore returns the services that need nothing but an open store: an in-process
// broker and the catalog, for tools, tests and benchmarks that serve one database without
// jobs, media or playback. Close is not needed: the caller owns the store.
func OverStore(st *store.Store, log *slog.Logger) *Services {
	b := pubsub.NewLocal()
	return &Services{Log: log, Store: st, Broker: b, Catalog: catalog.NewService(st, b), stopBG: func() {}}
}

// Package jobs runs background work on River, over the same database as everything else:
// riversqlite on SQLite, riverdatabasesql on PostgreSQL. Jobs are inserted in the
// transaction that creates the rows they work on, so a job never runs for a row that
// was rolled back, and no row is left without its job.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/marquee-org/marquee/internal/mail"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/webhook"
)

// Options configure the queue.
type Options struct {
	// Workers is how many jobs this process runs at once; 0 makes an insert-only queue.
	Workers int
	// JobTimeout bounds one attempt of jobs that set no timeout of their own.
	JobTimeout time.Duration
	// RescueAfter is when a job whose worker died is retried. A live worker marks its
	// running jobs every RescueAfter/4, so jobs may run longer than this.
	RescueAfter time.Duration
	// PollInterval is how often idle workers look for new jobs.
	PollInterval time.Duration
	// Metrics, when set, receives the backlog (marquee_queue_jobs, counted in the
	// database at scrape time) and the duration of every job this process runs
	// (marquee_job_duration_seconds).
	Metrics prometheus.Registerer
}

// Queue is the process's River client and the workers registered on it.
type Queue struct {
	st       *store.Store
	opts     Options
	log      *slog.Logger
	workers  *river.Workers
	periodic []*river.PeriodicJob
	client   *river.Client[*sql.Tx]
	duration *prometheus.HistogramVec
}

// QueueMaintenance runs periodic housekeeping (renewals, recommendations) apart from
// transcodes, so a long encode never delays them.
const QueueMaintenance = "maintenance"

// QueueMail delivers mail (package mail), two at a time.
const QueueMail = mail.Queue

// QueueWebhooks delivers webhooks (package webhook), four at a time: a receiver that
// hangs holds one for its timeout, never the transcodes or the mail.
const QueueWebhooks = webhook.Queue

// AddPeriodic schedules a job every interval (the first run at start) on the
// maintenance queue. River elects one leader among all processes to insert them, so
// replicas do not multiply the work. Call before Open.
func (q *Queue) AddPeriodic(every time.Duration, args river.JobArgs) {
	q.periodic = append(q.periodic, river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			return args, &river.InsertOpts{Queue: QueueMaintenance}
		}, &river.PeriodicJobOpts{RunOnStart: true}))
}

// New prepares a queue; register workers on Workers(), then call Open.
func New(st *store.Store, o Options, log *slog.Logger) *Queue {
	if o.RescueAfter <= 0 {
		o.RescueAfter = time.Hour
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = time.Minute
	}
	// River requires the rescue horizon to exceed the default job timeout.
	o.JobTimeout = min(o.JobTimeout, o.RescueAfter/2)
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	q := &Queue{st: st, opts: o, log: log, workers: river.NewWorkers(), duration: newDurationHistogram()}
	if o.Metrics != nil {
		o.Metrics.MustRegister(q.duration, newDepthCollector(st.DB, log))
	}
	return q
}

// Workers is where domain packages register their job workers.
func (q *Queue) Workers() *river.Workers { return q.workers }

// Open builds the River client once all workers are registered.
func (q *Queue) Open() error {
	if q.opts.Workers > 0 {
		river.AddWorker(q.workers, &rescueWorker{st: q.st, horizon: q.opts.RescueAfter, log: q.log})
		q.AddPeriodic(min(max(q.opts.RescueAfter/4, time.Second), 30*time.Second), rescueArgs{})
	}
	cfg := &river.Config{
		Workers:              q.workers,
		JobTimeout:           q.opts.JobTimeout,
		RescueStuckJobsAfter: q.opts.RescueAfter,
		FetchPollInterval:    q.opts.PollInterval,
		FetchCooldown:        min(q.opts.PollInterval, 100*time.Millisecond),
		Logger:               slog.New(newQuietCounts(q.log.Handler())).With(slog.String("component", "jobs")),
		// Polling is all the database/sql drivers offer; it is what keeps SQLite and
		// PostgreSQL on one code path.
		PollOnly:     true,
		PeriodicJobs: q.periodic,
		Middleware: []rivertype.Middleware{
			durationMiddleware(q.duration),
			aliveMiddleware(q.st, q.opts.RescueAfter/4, q.log),
		},
	}
	if q.opts.Workers > 0 {
		cfg.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: q.opts.Workers},
			QueueMaintenance:   {MaxWorkers: 1},
			QueueMail:          {MaxWorkers: 2},
			QueueWebhooks:      {MaxWorkers: 4},
		}
	}
	c, err := river.NewClient(q.st.RiverDriver(), cfg)
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	q.client = c
	return nil
}

// InsertTx enqueues a job in tx.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if q.client == nil {
		return errors.New("job queue: not open")
	}
	if _, err := q.client.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Start runs the workers (if any) until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if q.opts.Workers == 0 {
		return nil
	}
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	return nil
}

// Stop cancels running jobs (their contexts end, which kills their subprocesses) and
// waits for them to return, at most until ctx ends. Cancelled jobs are retried later.
func (q *Queue) Stop(ctx context.Context) error {
	if q.opts.Workers == 0 || q.client == nil {
		return nil
	}
	return q.client.StopAndCancel(ctx)
}

// Client exposes River for tests and operators' tools.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

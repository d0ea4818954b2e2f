package jobs

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// waitingStates are the states of a job not yet finished; finished ones (completed,
// cancelled, discarded) are history, not backlog, and are left out of the count.
var waitingStates = []string{"available", "pending", "retryable", "running", "scheduled"}

// depthCollector counts unfinished jobs in river_job at scrape time, so every process
// reports the same database-wide backlog whoever inserted or runs the jobs.
type depthCollector struct {
	db   *sql.DB
	log  *slog.Logger
	desc *prometheus.Desc

	mu sync.Mutex
	// seen keeps every queue and kind counted once, so that a drained queue reads 0
	// instead of its series disappearing, which alerts could not tell from "no data".
	seen map[[2]string]bool
}

// depthTimeout bounds the scrape's query: a slow database must not hang /metrics.
const depthTimeout = time.Second

func newDepthCollector(db *sql.DB, log *slog.Logger) *depthCollector {
	return &depthCollector{
		db: db, log: log, seen: map[[2]string]bool{},
		desc: prometheus.NewDesc("marquee_queue_jobs",
			"Unfinished jobs in the database-wide queue by queue, kind and state (available, scheduled, running, retryable, pending); read from river_job at scrape time.",
			[]string{"queue", "kind", "state"}, nil),
	}
}

func (c *depthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), depthTimeout)
	defer cancel()
	// The state filter matches the leading column of River's fetch index on both databases.
	rows, err := c.db.QueryContext(ctx, `SELECT queue, kind, state, count(*) FROM river_job
		WHERE state IN ('available', 'pending', 'retryable', 'running', 'scheduled')
		GROUP BY queue, kind, state`)
	if err != nil {
		// Leave the series out rather than failing the whole scrape.
		c.log.Warn("metrics: count jobs", slog.Any("err", err))
		return
	}
	defer rows.Close()
	counts := map[[3]string]float64{}
	c.mu.Lock()
	defer c.mu.Unlock()
	for rows.Next() {
		var queue, kind, state string
		var n int64
		if err := rows.Scan(&queue, &kind, &state, &n); err != nil {
			c.log.Warn("metrics: count jobs", slog.Any("err", err))
			return
		}
		counts[[3]string{queue, kind, state}] = float64(n)
		c.seen[[2]string{queue, kind}] = true
	}
	if err := rows.Err(); err != nil {
		c.log.Warn("metrics: count jobs", slog.Any("err", err))
		return
	}
	for qk := range c.seen {
		for _, state := range waitingStates {
			n := counts[[3]string{qk[0], qk[1], state}]
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, n, qk[0], qk[1], state)
		}
	}
}

// durationMiddleware observes how long each job attempt run by this process took.
func durationMiddleware(h *prometheus.HistogramVec) rivertype.WorkerMiddleware {
	return river.WorkerMiddlewareFunc(func(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
		start := time.Now()
		err := doInner(ctx)
		outcome := "success"
		if err != nil {
			outcome = "failure" // including cancellation: the source was rejected or shutdown stopped it
		}
		h.WithLabelValues(job.Queue, job.Kind, outcome).Observe(time.Since(start).Seconds())
		return err
	})
}

func newDurationHistogram() *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "marquee_job_duration_seconds",
		Help: "Time one job attempt took in this process, by queue, kind and outcome (success or failure).",
		// From sub-second housekeeping to transcodes of long films.
		Buckets: []float64{0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200},
	}, []string{"queue", "kind", "outcome"})
}

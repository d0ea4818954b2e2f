package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/marquee-org/marquee/internal/store"
)

// aliveMiddleware keeps a running job from looking stuck for as long as its worker lives:
// River rescues a running job whose attempted_at is older than RescueAfter, so the worker
// moves that time forward every interval while the job runs. A job whose process died (and
// whose ffmpeg died with it) stops moving and is retried RescueAfter later, however long
// the job itself may run.
func aliveMiddleware(st *store.Store, every time.Duration, log *slog.Logger) rivertype.WorkerMiddleware {
	// SQLite keeps River's times as text in one exact format, the one datetime() writes.
	touch := `UPDATE river_job SET attempted_at = now() WHERE id = $1 AND state = 'running'`
	if st.Dialect == dialect.SQLite {
		touch = `UPDATE river_job SET attempted_at = datetime('now', 'subsec') WHERE id = ? AND state = 'running'`
	}
	return river.WorkerMiddlewareFunc(func(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
		ctx, stop := context.WithCancel(ctx)
		defer stop()
		go func() {
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
					if _, err := st.DB.ExecContext(ctx, touch, job.ID); err != nil && ctx.Err() == nil {
						log.WarnContext(ctx, "job heartbeat", slog.Int64("job_id", job.ID), slog.Any("err", err))
					}
				}
			}
		}()
		return doInner(ctx)
	})
}

// rescueArgs is the periodic job that returns to the queue the jobs whose worker died.
type rescueArgs struct{}

func (rescueArgs) Kind() string { return "jobs.rescue" }

// rescueWorker moves running jobs whose attempted_at is older than the rescue horizon back
// to available, to be run again (from their next attempt) by any worker. River's own
// rescuer waits for a job's whole timeout, two hours for a transcode, before it calls a job
// stuck; with aliveMiddleware marking every running job, a job unmarked for the horizon has
// no live worker, so it need not wait. Jobs on their last attempt are left to River's.
type rescueWorker struct {
	river.WorkerDefaults[rescueArgs]
	st      *store.Store
	horizon time.Duration
	log     *slog.Logger
}

func (w *rescueWorker) Work(ctx context.Context, _ *river.Job[rescueArgs]) error {
	secs := int(w.horizon / time.Second)
	query := `UPDATE river_job SET state = 'available', scheduled_at = now()
		WHERE state = 'running' AND attempt < max_attempts AND kind <> 'jobs.rescue'
		AND attempted_at < now() - make_interval(secs => $1)`
	if w.st.Dialect == dialect.SQLite {
		// River's text times, in the one format datetime() writes.
		query = `UPDATE river_job SET state = 'available', scheduled_at = datetime('now', 'subsec')
			WHERE state = 'running' AND attempt < max_attempts AND kind <> 'jobs.rescue'
			AND attempted_at < datetime('now', 'subsec', '-' || ? || ' seconds')`
	}
	res, err := w.st.DB.ExecContext(ctx, query, secs)
	if err != nil {
		return fmt.Errorf("rescue jobs: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		w.log.WarnContext(ctx, "rescued jobs whose worker stopped", slog.Int64("jobs", n))
	}
	return nil
}

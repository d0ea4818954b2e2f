package jobs

import (
	"context"
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

package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/jobs"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

type holdArgs struct{}

func (holdArgs) Kind() string { return "hold" }

// holdWorker runs until release is closed, reporting when it started.
type holdWorker struct {
	river.WorkerDefaults[holdArgs]
	started, release chan struct{}
}

func (w *holdWorker) Work(ctx context.Context, _ *river.Job[holdArgs]) error {
	close(w.started)
	select {
	case <-w.release:
	case <-ctx.Done():
	}
	return nil
}

func (w *holdWorker) Timeout(*river.Job[holdArgs]) time.Duration { return time.Hour }

// holdQueue is a queue of one worker running holdWorker, opened, rescuing after 2 s.
func holdQueue(t *testing.T, s *store.Store) (*jobs.Queue, *holdWorker) {
	t.Helper()
	q := jobs.New(s, jobs.Options{Workers: 1, RescueAfter: 2 * time.Second, PollInterval: 50 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	w := &holdWorker{started: make(chan struct{}), release: make(chan struct{})}
	river.AddWorker(q.Workers(), w)
	require.NoError(t, q.Open())
	return q, w
}

// run starts q until the test ends, releasing w's job first.
func run(t *testing.T, q *jobs.Queue, w *holdWorker) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() {
		close(w.release)
		stop, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		require.NoError(t, q.Stop(stop))
	})
}

// TestRunningJobsStayFresh: a job running past RescueAfter is not taken for one whose
// worker died, because its worker moves its attempted_at forward, in the format River
// reads back (SQLite keeps it as text).
func TestRunningJobsStayFresh(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		q, w := holdQueue(t, s)
		run(t, q, w)
		res, err := q.Client().Insert(ctx, holdArgs{}, nil)
		require.NoError(t, err)
		id := res.Job.ID
		<-w.started
		first, err := q.Client().JobGet(ctx, id)
		require.NoError(t, err)
		require.NotNil(t, first.AttemptedAt)
		require.Eventually(t, func() bool {
			j, err := q.Client().JobGet(ctx, id)
			return err == nil && j.State == "running" && j.AttemptedAt != nil && j.AttemptedAt.After(*first.AttemptedAt)
		}, 10*time.Second, 50*time.Millisecond, "the running job's attempted_at moves forward")
	})
}

// TestDeadWorkersJobsAreRescued: a job left running by a worker that died (its attempted_at
// no longer moves) runs again after RescueAfter, although its own timeout, an hour, has
// not passed: River's rescuer alone would wait for that.
func TestDeadWorkersJobsAreRescued(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		q, w := holdQueue(t, s)
		res, err := q.Client().Insert(ctx, holdArgs{}, nil)
		require.NoError(t, err)
		// As a worker that claimed it and died a minute ago would have left it.
		stale := `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 minute' WHERE id = $1`
		if s.Dialect == "sqlite3" {
			stale = `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', 'subsec', '-60 seconds') WHERE id = ?`
		}
		_, err = s.DB.ExecContext(ctx, stale, res.Job.ID)
		require.NoError(t, err)

		run(t, q, w)
		select {
		case <-w.started:
		case <-time.After(20 * time.Second):
			t.Fatal("the dead worker's job was not run again")
		}
		j, err := q.Client().JobGet(ctx, res.Job.ID)
		require.NoError(t, err)
		require.Equal(t, 2, j.Attempt, "run again as its next attempt")
	})
}

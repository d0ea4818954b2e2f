package cli

import (
	"context"
	"errors"
	"log/slog"
)

// worker runs transcoder workers only: scale-out on other machines sharing the database
// and the media location.
func worker(ctx context.Context, env Env, args []string) error {
	c, err := parse("worker", args, env, nil)
	if err != nil {
		return err
	}
	if c.Workers < 1 {
		return errors.New("--workers: a worker needs at least 1")
	}
	log := c.Logger(env.Stderr)
	a, err := openApp(ctx, c, log, c.Workers)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	log.Info("marquee worker is running", slog.Int("workers", c.Workers), slog.String("dialect", a.store.Dialect))
	<-ctx.Done()
	log.Info("stopping workers")
	a.stopQueue()
	return nil
}

package cli

import (
	"context"
	"errors"
	"flag"
	"log/slog"

	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/server"
)

// worker runs transcoder workers only: scale-out on other machines sharing the database
// and the media location.
func worker(ctx context.Context, env Env, args []string) error {
	var metricsAddr string
	c, err := parse("worker", args, env, func(fs *flag.FlagSet) {
		fs.StringVar(&metricsAddr, "metrics-addr", env.Getenv("MARQUEE_METRICS_ADDR"),
			"serve Prometheus metrics (GET /metrics) and /healthz on this address, e.g. :9090; default off (MARQUEE_METRICS_ADDR)")
	})
	if err != nil {
		return err
	}
	if c.Workers < 1 {
		return errors.New("--workers: a worker needs at least 1")
	}
	log := c.Logger(env.Stderr)
	// Queued mail and content keys are sealed with the secret: a worker uses the same one.
	if err := withSecret(&c); err != nil {
		return err
	}
	a, err := app.Open(ctx, c, log, c.Workers)
	if err != nil {
		return err
	}
	defer a.Close()
	if metricsAddr != "" {
		addr, err := server.ServeMetrics(ctx, metricsAddr, a.Metrics, log)
		if err != nil {
			return err
		}
		log.Info("serving metrics", slog.String("url", "http://"+addr+"/metrics"))
	}
	if err := a.Start(); err != nil {
		return err
	}
	log.Info("marquee worker is running", slog.Int("workers", c.Workers), slog.String("dialect", a.Store.Dialect))
	<-ctx.Done()
	log.Info("stopping workers")
	return nil
}

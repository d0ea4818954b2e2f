package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/catalog/demo"
	"github.com/marquee-org/marquee/internal/catalog/synthetic"
	"github.com/marquee-org/marquee/internal/config"
)

const seedUsage = "usage: marquee seed --demo [--wait] [--clip-seconds N] [--clip-size WxH]\n" +
	"       marquee seed --synthetic --titles N --viewers M [--seed S]"

// seedCmd loads the demo catalog, or generates a synthetic one (--synthetic). The
// transcodes the demo queues run in any serve or worker process; --wait runs them here
// and returns once every demo video is ready.
func seedCmd(ctx context.Context, env Env, args []string) error {
	var isDemo, wait, isSynthetic bool
	var seconds int
	var size string
	var so synthetic.Options
	c, err := parse("seed", args, env, func(fs *flag.FlagSet) {
		fs.BoolVar(&isDemo, "demo", false, "load the demo catalog (idempotent)")
		fs.BoolVar(&isSynthetic, "synthetic", false, "generate a catalog and its viewers at scale into a database that holds no synthetic data yet (--titles, --viewers, --seed)")
		fs.IntVar(&so.Titles, "titles", 0, "with --synthetic: titles to generate")
		fs.IntVar(&so.Viewers, "viewers", 0, "with --synthetic: viewers to generate, each with a history of plays, ratings and My List")
		fs.Uint64Var(&so.Seed, "seed", 1, "with --synthetic: the seed; one seed and one size give one catalog")
		fs.BoolVar(&wait, "wait", false, "transcode here and wait until every demo video is ready; exit non-zero if any fails")
		fs.IntVar(&seconds, "clip-seconds", 12, "length of each generated demo clip, 1 to 600 seconds")
		fs.StringVar(&size, "clip-size", "640x360", "size of each generated demo clip, WxH (even numbers, 32 to 1920)")
	})
	if err != nil {
		return err
	}
	if isDemo && isSynthetic {
		fmt.Fprintln(env.Stderr, "marquee seed: --demo and --synthetic exclude each other")
		return errUsage
	}
	if isSynthetic {
		return seedSynthetic(ctx, env, c, so)
	}
	if !isDemo {
		fmt.Fprintln(env.Stderr, seedUsage)
		return errUsage
	}
	o := demo.Options{FFmpeg: c.FFmpeg, Seconds: seconds}
	if _, err := fmt.Sscanf(size, "%dx%d", &o.Width, &o.Height); err != nil || !clipSide(o.Width) || !clipSide(o.Height) {
		fmt.Fprintf(env.Stderr, "marquee seed: --clip-size: %q is not WxH with even sides from 32 to 1920\n", size)
		return errUsage
	}
	if seconds < 1 || seconds > 600 {
		fmt.Fprintln(env.Stderr, "marquee seed: --clip-seconds: must be from 1 to 600")
		return errUsage
	}

	log := c.Logger(env.Stderr)
	workers := 0
	if wait {
		workers = max(1, c.Workers)
		// The transcodes run here and seal their content keys with the servers' secret.
		if err := withSecret(&c); err != nil {
			return err
		}
	}
	a, err := app.Open(ctx, c, log, workers)
	if err != nil {
		return err
	}
	defer a.Close()
	if wait {
		// Started first, so the first clips transcode while the rest are generated.
		if err := a.Start(); err != nil {
			return err
		}
	}
	sum, err := demo.Seed(ctx, demoDeps(a), o)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, sum)
	if !wait {
		return nil
	}
	return waitForDemo(ctx, a, env, sum.Queued+sum.VideosPresent)
}

// seedSynthetic generates a synthetic catalog, showing each phase's progress on stderr.
// It announces nothing: a running server's search index and catalog see the new title
// count at their next poll (every two seconds) and take the titles in then, on SQLite as
// on PostgreSQL, where an announcement as well would only have each replica index every
// title twice.
func seedSynthetic(ctx context.Context, env Env, c config.Config, o synthetic.Options) error {
	if o.Titles < 1 || o.Titles > synthetic.MaxTitles {
		fmt.Fprintf(env.Stderr, "marquee seed: --titles: must be from 1 to %d\n", synthetic.MaxTitles)
		return errUsage
	}
	if o.Viewers < 1 || o.Viewers > synthetic.MaxViewers {
		fmt.Fprintf(env.Stderr, "marquee seed: --viewers: must be from 1 to %d\n", synthetic.MaxViewers)
		return errUsage
	}
	st, err := app.OpenStore(ctx, c, c.Logger(env.Stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	var done func()
	o.Progress, done = progressLine(env.Stderr)
	sum, err := synthetic.Generate(ctx, st, o)
	done()
	if errors.Is(err, synthetic.ErrAlreadySeeded) {
		fmt.Fprintf(env.Stderr, "marquee seed: %v\n", err)
		return errUsage
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, sum)
	return nil
}

// progressLine shows "phase: done/total" on one line per phase, rewritten in place.
func progressLine(w io.Writer) (show func(phase string, done, total int), end func()) {
	last := ""
	show = func(phase string, done, total int) {
		if last != "" && phase != last {
			fmt.Fprintln(w)
		}
		last = phase
		fmt.Fprintf(w, "\r%s: %d/%d", phase, done, total)
	}
	end = func() {
		if last != "" {
			fmt.Fprintln(w)
		}
	}
	return show, end
}

func clipSide(n int) bool { return n >= 32 && n <= 1920 && n%2 == 0 }

// waitForDemo shows how many of the demo's want videos are ready until none is queued or
// processing, and fails if some never became ready. It reads the database, so it also
// counts transcodes finished by workers in other processes.
func waitForDemo(ctx context.Context, a *app.Services, env Env, want int) error {
	slugs, err := demo.Slugs()
	if err != nil {
		return err
	}
	onDemo := entvideo.HasTitleWith(title.SlugIn(slugs...))
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		ready, err := a.Store.Client.Video.Query().Where(onDemo, entvideo.StatusEQ(entvideo.StatusREADY)).Count(ctx)
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("count ready videos: %w", err)
		}
		pending, err := a.Store.Client.Video.Query().
			Where(onDemo, entvideo.StatusIn(entvideo.StatusQUEUED, entvideo.StatusPROCESSING)).Count(ctx)
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("count pending videos: %w", err)
		}
		fmt.Fprintf(env.Stderr, "\rtranscoding the demo catalog: %d/%d ready", ready, want)
		if ctx.Err() == nil && pending == 0 {
			fmt.Fprintln(env.Stderr)
			if ready < want {
				return fmt.Errorf("%d demo videos failed to transcode; see the log, then run marquee seed --demo again to retry them", want-ready)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(env.Stderr)
			return errors.New("interrupted before the transcodes finished; they continue in any running worker")
		case <-tick.C:
		}
	}
}

// seedDemoFlag registers serve's --seed-demo, on by default.
func seedDemoFlag(fs *flag.FlagSet, env Env, on *bool) {
	def := true
	switch strings.ToLower(strings.TrimSpace(env.Getenv("MARQUEE_SEED_DEMO"))) {
	case "0", "false", "no", "off":
		def = false
	}
	fs.BoolVar(on, "seed-demo", def, "while the catalog holds no titles but the demo's (a fresh install), load the demo catalog in the background; only a server that runs workers does (MARQUEE_SEED_DEMO)")
}

// seedOnStart loads or completes the demo catalog of a fresh install in the background
// of serve. Stopping the server interrupts it; the next start finishes it.
func seedOnStart(ctx context.Context, a *app.Services) {
	only, err := demo.OnlyDemo(ctx, a.Store.Client)
	if err != nil || !only {
		if err != nil && ctx.Err() == nil {
			a.Log.Warn("demo catalog", slog.Any("err", err))
		}
		return
	}
	start := time.Now()
	sum, err := demo.Seed(ctx, demoDeps(a), demo.Options{FFmpeg: a.Config.FFmpeg})
	switch {
	case ctx.Err() != nil:
		a.Log.Info("demo catalog interrupted; the next start finishes it")
	case err != nil:
		a.Log.Warn("demo catalog", slog.Any("err", err))
	case sum.Titles > 0 || sum.Queued > 0:
		a.Log.Info("demo catalog loaded; its videos are transcoding",
			slog.Int("titles", sum.Titles), slog.Int("videos_queued", sum.Queued),
			slog.Duration("took", time.Since(start)))
	}
}

func demoDeps(a *app.Services) demo.Deps {
	return demo.Deps{Store: a.Store, Videos: a.Videos, Catalog: a.Catalog, Log: a.Log}
}

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/catalog"
)

// ingest queues the transcode of a local file, for a new movie (--name) or an existing
// title (--title-id). With --wait it also works the job here, draws a progress bar and
// fails when the transcode fails.
func ingest(ctx context.Context, env Env, args []string) error {
	var file, name, titleID, episodeID string
	var wait bool
	c, err := parse("ingest", args, env, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "file", "", "source video file (required)")
		fs.StringVar(&titleID, "title-id", "", "existing title to attach the video to")
		fs.StringVar(&episodeID, "episode-id", "", "episode of that title, for series")
		fs.StringVar(&name, "name", "", "create a new movie with this name")
		fs.BoolVar(&wait, "wait", false, "transcode here, show progress, and exit non-zero if it fails")
	})
	if err != nil {
		return err
	}
	if file == "" || (titleID == "") == (name == "") {
		fmt.Fprintln(env.Stderr, "marquee ingest: give --file and exactly one of --title-id or --name")
		return errUsage
	}
	ids := map[string]*int{}
	for flagName, v := range map[string]string{"title-id": titleID, "episode-id": episodeID} {
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			fmt.Fprintf(env.Stderr, "marquee ingest: --%s: %q is not an id\n", flagName, v)
			return errUsage
		}
		ids[flagName] = &n
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("--file: %w", err)
	}
	defer f.Close()

	log := c.Logger(env.Stderr)
	workers := 0
	if wait {
		workers = 1
		// The transcode runs here and seals its content key with the servers' secret.
		if err := withSecret(&c); err != nil {
			return err
		}
	}
	a, err := app.Open(ctx, c, log, workers)
	if err != nil {
		return err
	}
	defer a.Close()

	tid := 0
	if name != "" {
		t, err := a.Catalog.CreateTitle(ctx, catalog.NewTitle{Kind: title.KindMOVIE, Name: name})
		if err != nil {
			return userError(err)
		}
		tid = t.ID
	} else {
		tid = *ids["title-id"]
	}
	v, err := a.Videos.Intake(ctx, tid, ids["episode-id"], filepath.Base(file), f)
	if err != nil {
		if name != "" {
			// The title was made for this file alone: a refused file leaves nothing behind.
			_ = a.Catalog.DeleteTitle(ctx, tid)
		}
		return userError(err)
	}
	fmt.Fprintf(env.Stdout, "title=%d video=%d\n", tid, v.ID)
	if !wait {
		return nil
	}

	if err := a.Start(); err != nil {
		return err
	}
	updates, err := a.Videos.Watch(ctx, v.ID)
	if err != nil {
		return err
	}
	var last *entvideo.Status
	for p := range updates {
		progressBar(env.Stderr, p)
		last = &p.Status
		if p.Status == entvideo.StatusFAILED {
			fmt.Fprintln(env.Stderr)
			return fmt.Errorf("transcode failed: %s", p.FailureReason)
		}
	}
	fmt.Fprintln(env.Stderr)
	if last == nil || *last != entvideo.StatusREADY {
		return errors.New("interrupted before the transcode finished; it continues in any running worker")
	}
	return nil
}

// userError turns a domain error into a line for the terminal.
func userError(err error) error {
	if ae, ok := apperr.As(err); ok {
		if ae.Field != "" {
			return fmt.Errorf("%s: %s", ae.Field, ae.Message)
		}
		return errors.New(ae.Message)
	}
	return err
}

package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/library"
)

// libraryCmd brings a media folder into the catalog: library scan DIR [flags]. It draws a
// progress bar on stderr, lists what it skipped and why (and the values of sidecars it
// left out, and the files gone since the last scan), and ends with one summary line
// on stdout: added=N updated=N unchanged=N skipped=N. Transcodes are queued for the
// workers.
func libraryCmd(ctx context.Context, env Env, args []string) error {
	if len(args) < 2 || args[0] != "scan" {
		fmt.Fprintln(env.Stderr, "marquee library: usage: library scan DIR")
		return errUsage
	}
	// The folder comes first or last; the rest are the usual flags.
	rest := args[1:]
	var dir string
	switch {
	case !strings.HasPrefix(rest[0], "-"):
		dir, rest = rest[0], rest[1:]
	case !strings.HasPrefix(rest[len(rest)-1], "-"):
		dir, rest = rest[len(rest)-1], rest[:len(rest)-1]
	default:
		fmt.Fprintln(env.Stderr, "marquee library scan: give the folder to scan: library scan DIR")
		return errUsage
	}
	c, err := parse("library scan", rest, env, nil)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, c, c.Logger(env.Stderr), 0)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := library.NewScanner(a.Store, a.Catalog, a.Videos, a.Artwork).Scan(ctx, dir, func(done, total int, _ string) {
		bar(env.Stderr, done, total)
	})
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return userError(err)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(env.Stderr, "skipped %s: %s\n", s.Path, s.Why)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(env.Stderr, "note %s: %s\n", n.Path, n.Why)
	}
	for _, m := range res.Missing {
		fmt.Fprintf(env.Stderr, "missing %s: brought in by an earlier scan, gone now; its video is unavailable until it is back\n", m)
	}
	fmt.Fprintf(env.Stdout, "added=%d updated=%d unchanged=%d skipped=%d\n", res.Added, res.Updated, res.Unchanged, len(res.Skipped))
	return nil
}

// Package cli parses the marquee command line, loads configuration, opens the store and
// runs the command: serve, migrate, user create.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/config"
)

// Env is the process environment a command runs in.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// errUsage marks errors already explained to the user by the flag package.
var errUsage = errors.New("usage")

type command struct {
	name, summary string
	run           func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the API, the web app and media; runs transcoder workers unless --workers 0", serve},
		{"worker", "run transcoder workers only (scale-out on other machines)", worker},
		{"migrate", "apply schema migrations and exit", migrateCmd},
		{"ingest", "queue a transcode of a local file: ingest --file PATH (--title-id ID | --name NAME) [--wait]", ingest},
		{"library", "bring a media folder into the catalog: library scan DIR (Movies/Name (Year)/…, Shows/Name (Year)/Season 01/Name - S01E02 - Episode.mkv); prints added=N updated=N unchanged=N skipped=N", libraryCmd},
		{"media", "re-package transcoded videos without re-encoding: media encrypt [--video ID,…] encrypts those still in the clear; prints encrypted=N skipped=N failed=N", mediaCmd},
		{"user", "manage accounts: user create --email E --password P [--admin] [--plan P] [--country CC]; user reset-password --email E", userCmd},
		{"seed", "load the demo catalog: seed --demo [--wait] (idempotent); or a catalog at scale: seed --synthetic --titles N --viewers M", seedCmd},
		{"recommend", "offline recommender: recommend eval --ratings F --items F | recommend gen --out DIR", recommendCmd},
	}
}

// Main runs a command and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, env, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			default:
				fmt.Fprintf(env.Stderr, "marquee %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(env.Stderr, "marquee: unknown command %q (run marquee help)\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: marquee <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun marquee <command> -h for its flags.")
}

// parse registers the common flags plus a command's own, parses args and returns the
// validated configuration. Flag errors print one line and return errUsage.
func parse(name string, args []string, env Env, own func(fs *flag.FlagSet)) (config.Config, error) {
	fs := flag.NewFlagSet("marquee "+name, flag.ContinueOnError)
	var errBuf strings.Builder
	fs.SetOutput(&errBuf)
	b := config.Bind(fs, env.Getenv)
	if own != nil {
		own(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stderr)
			fs.PrintDefaults()
			return config.Config{}, err
		}
		fmt.Fprintf(env.Stderr, "marquee %s: %v\n", name, err)
		return config.Config{}, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "marquee %s: unexpected argument %q\n", name, fs.Arg(0))
		return config.Config{}, errUsage
	}
	c, err := b.Config()
	if err != nil {
		fmt.Fprintf(env.Stderr, "marquee %s: %v\n", name, err)
		return c, errUsage
	}
	return c, nil
}

func migrateCmd(ctx context.Context, env Env, args []string) error {
	c, err := parse("migrate", args, env, nil)
	if err != nil {
		return err
	}
	s, err := app.OpenStore(ctx, c, c.Logger(env.Stderr))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "migrated %s database\n", s.Dialect)
	return s.Close()
}

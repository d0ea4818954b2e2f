package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/server"
)

func serve(ctx context.Context, env Env, args []string) error {
	var seedDemo bool
	c, err := parse("serve", args, env, func(fs *flag.FlagSet) { seedDemoFlag(fs, env, &seedDemo) })
	if err != nil {
		return err
	}
	log := c.Logger(env.Stderr)
	if err := withSecret(&c); err != nil {
		return err
	}
	a, err := app.Open(ctx, c, log, c.Workers)
	if err != nil {
		return err
	}
	// Ordered shutdown, whichever step below fails: HTTP is down first (websockets first),
	// then workers, whose cancelled contexts kill ffmpeg, then background loops; the search
	// index and the store close last.
	defer a.Close()
	if err := a.OpenSearch(filepath.Join(c.DataDir, "search")); err != nil {
		return err
	}
	a.Go(func(ctx context.Context) { a.Catalog.Follow(ctx, log) })
	a.Go(a.Auth.Run)
	a.Go(a.Playback.Run)
	if err := a.Start(); err != nil {
		return err
	}
	// First start: the demo catalog loads in the background, so the server is up at once.
	// A server without workers (tests, scale-out) leaves it to marquee seed --demo.
	if seedDemo && c.Workers > 0 {
		a.Go(func(ctx context.Context) { seedOnStart(ctx, a) })
	}
	if c.SMTPURL == "" {
		log.Info("mail is not sent: no --smtp-url, so each message (with its link) is written to this log")
	}
	return server.New(a).Serve(ctx, func(addr string) {
		log.Info("marquee is serving", slog.String("url", "http://"+addr),
			slog.String("dialect", a.Store.Dialect), slog.Int("workers", c.Workers))
	})
}

// withSecret fills c.Secret from the data dir (generating it there the first time) unless
// it was given: every process that signs media URLs, seals mail or content keys uses it.
func withSecret(c *config.Config) error {
	if c.Secret != "" {
		return nil
	}
	var err error
	c.Secret, err = ensureSecret(c.DataDir)
	return err
}

// ensureSecret returns the media-signing key stored in the data dir, generating it on
// first start. Written to a temp file and renamed, so a crash never leaves half a key.
func ensureSecret(dataDir string) (string, error) {
	path := filepath.Join(dataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		if s := strings.TrimSpace(string(b)); len(s) >= 32 {
			return s, nil
		}
		return "", fmt.Errorf("%s is shorter than 32 characters; delete it to generate a new one", path)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return "", fmt.Errorf("create data dir: %w", err)
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	secret := hex.EncodeToString(b[:])
	tmp, err := os.CreateTemp(dataDir, ".secret-*")
	if err != nil {
		return "", fmt.Errorf("write secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(secret + "\n"); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write secret: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write secret: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write secret: %w", err)
	}
	return secret, nil
}

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
	"sync"

	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/server"
)

func serve(ctx context.Context, env Env, args []string) error {
	var seedDemo bool
	c, err := parse("serve", args, env, func(fs *flag.FlagSet) { seedDemoFlag(fs, env, &seedDemo) })
	if err != nil {
		return err
	}
	log := c.Logger(env.Stderr)
	if c.Secret == "" {
		if c.Secret, err = ensureSecret(c.DataDir); err != nil {
			return err
		}
	}
	a, err := openApp(ctx, c, log, c.Workers)
	if err != nil {
		return err
	}
	defer a.close()

	// Each replica keeps its own search index; it follows the catalog through the broker.
	index, err := search.Open(filepath.Join(c.DataDir, "search"))
	if err != nil {
		return err
	}
	defer index.Close() // before the store closes

	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { index.Follow(bg, a.broker, a.store.Client, log) })
	wg.Go(func() { a.auth.Run(bg) })
	wg.Go(func() { a.playback.Run(bg) })
	if err := a.queue.Start(bg); err != nil {
		stopBG()
		return err
	}
	// First start: the demo catalog loads in the background, so the server is up at once.
	// A server without workers (tests, scale-out) leaves it to marquee seed --demo.
	if seedDemo && c.Workers > 0 {
		wg.Go(func() { seedOnStart(bg, a) })
	}

	srv := server.New(server.Deps{
		Config: c, Log: log, Store: a.store, Auth: a.auth, Billing: a.billing, Videos: a.videos,
		Playback: a.playback, Media: a.media, Signer: a.signer, Search: index, Broker: a.broker,
		Metrics: a.metrics,
	})
	err = srv.Serve(ctx, func(addr string) {
		log.Info("marquee is serving", slog.String("url", "http://"+addr),
			slog.String("dialect", a.store.Dialect), slog.Int("workers", c.Workers))
	})
	// Ordered shutdown: HTTP is down (websockets first); now workers, whose cancelled
	// contexts kill ffmpeg; then background loops; the store closes last (deferred).
	a.stopQueue()
	stopBG()
	wg.Wait()
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

package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/video"
)

// mediaCmd: media encrypt [--video ID,…] re-packages videos transcoded before their media was
// encrypted (or with encryption off): their segments are encrypted in place of the clear ones,
// without re-encoding. It prints encrypted=N skipped=N failed=N and fails if any failed.
func mediaCmd(ctx context.Context, env Env, args []string) error {
	if len(args) < 1 || args[0] != "encrypt" {
		fmt.Fprintln(env.Stderr, "marquee media: usage: media encrypt [--video ID,…]")
		return errUsage
	}
	var only string
	c, err := parse("media encrypt", args[1:], env, func(fs *flag.FlagSet) {
		fs.StringVar(&only, "video", "", "only these video ids, comma-separated (default: every READY video)")
	})
	if err != nil {
		return err
	}
	var ids []int
	for _, f := range strings.Split(only, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.Atoi(f)
		if err != nil || id <= 0 {
			fmt.Fprintf(env.Stderr, "marquee media encrypt: --video: %q is not a video id\n", f)
			return errUsage
		}
		ids = append(ids, id)
	}
	// Keys are sealed with the server secret: the one the servers use.
	if err := withSecret(&c); err != nil {
		return err
	}
	a, err := app.Open(ctx, c, c.Logger(env.Stderr), 0)
	if err != nil {
		return err
	}
	defer a.Close()
	// Asked for by name: done even where --encrypt-media=false leaves new transcodes clear.
	a.Videos.Encrypt(video.Encryption{Keyring: a.Keyring, Period: c.KeyPeriod})
	n, err := a.Videos.EncryptExisting(ctx, ids)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "encrypted=%d skipped=%d failed=%d\n", n.Encrypted, n.Skipped, n.Failed)
	if n.Failed > 0 {
		return fmt.Errorf("%d video(s) could not be encrypted; see the log above", n.Failed)
	}
	return nil
}

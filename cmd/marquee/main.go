// Command marquee is the Marquee server, worker and operator tool in one binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/marquee-org/marquee/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

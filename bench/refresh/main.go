// Command refresh times one recommendation refresh (recommend.Service.Refresh: fit every
// model on the whole interaction log and rewrite the Recommendation table) over an existing
// database, such as one filled by `marquee seed --synthetic`, and reports its wall time and
// the process's peak memory.
//
//	marquee seed --synthetic --titles 20000 --viewers 20000 --data-dir /tmp/synth
//	go run ./bench/refresh -data-dir /tmp/synth
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"time"

	"github.com/marquee-org/marquee/bench/internal/proc"
	"github.com/marquee-org/marquee/internal/recommend"
	"github.com/marquee-org/marquee/internal/store"
)

func main() {
	dataDir := flag.String("data-dir", "", "data directory of a SQLite database (marquee --data-dir)")
	dbURL := flag.String("database-url", "", "PostgreSQL URL instead")
	flag.Parse()
	if err := run(*dataDir, *dbURL); err != nil {
		fmt.Fprintln(os.Stderr, "refresh:", err)
		os.Exit(1)
	}
}

func run(dataDir, dbURL string) error {
	ctx := context.Background()
	var st *store.Store
	var err error
	switch {
	case dbURL != "":
		st, err = store.OpenPostgres(ctx, dbURL, store.Options{MaxOpenConns: 8})
	case dataDir != "":
		st, err = store.OpenSQLite(ctx, store.SQLitePath(dataDir))
	default:
		return fmt.Errorf("give -data-dir or -database-url")
	}
	if err != nil {
		return err
	}
	defer st.Close()
	users, _ := st.Client.User.Query().Count(ctx)
	titles, _ := st.Client.Title.Query().Count(ctx)
	svc := recommend.NewService(st, slog.New(slog.NewTextHandler(io.Discard, nil)), recommend.ServeOptions{})
	start, cpu0 := time.Now(), proc.SelfCPU()
	if err := svc.Refresh(ctx); err != nil {
		return err
	}
	recs, _ := st.Client.Recommendation.Query().Count(ctx)
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("%d viewers, %d titles: refresh took %s (CPU %s), wrote %d recommendations; peak RSS %d MiB, Go heap peak in use %d MiB\n",
		users, titles, time.Since(start).Round(time.Millisecond), (proc.SelfCPU() - cpu0).Round(time.Millisecond), recs,
		proc.PeakRSS(os.Getpid())>>20, m.HeapSys>>20)
	return nil
}

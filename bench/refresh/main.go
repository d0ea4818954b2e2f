// Command refresh times the recommendation refreshes over an existing database, such as one
// filled by `marquee seed --synthetic`: first a full one (recommend.Service.Refresh's first
// run: fit every model on the whole interaction log and rewrite the Recommendation table),
// then, after -active viewers finished one more title each, the incremental one that
// follows (re-rank those viewers with the kept model). It reports wall time, CPU and the
// process's peak memory. It writes to the database: use a copy you can spare.
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
	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/profile"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/internal/recommend"
	"github.com/marquee-org/marquee/internal/store"
)

func main() {
	dataDir := flag.String("data-dir", "", "data directory of a SQLite database (marquee --data-dir)")
	dbURL := flag.String("database-url", "", "PostgreSQL URL instead")
	active := flag.Int("active", 50, "viewers given new activity before the incremental refresh")
	flag.Parse()
	if err := run(*dataDir, *dbURL, *active); err != nil {
		fmt.Fprintln(os.Stderr, "refresh:", err)
		os.Exit(1)
	}
}

func run(dataDir, dbURL string, active int) error {
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
	fmt.Printf("%d viewers, %d titles: full refresh took %s (CPU %s), wrote %d recommendations; peak RSS %d MiB, Go heap peak in use %d MiB\n",
		users, titles, time.Since(start).Round(time.Millisecond), (proc.SelfCPU() - cpu0).Round(time.Millisecond), recs,
		proc.PeakRSS(os.Getpid())>>20, m.HeapSys>>20)

	n, err := activity(ctx, st, active)
	if err != nil {
		return err
	}
	start, cpu0 = time.Now(), proc.SelfCPU()
	if err := svc.Refresh(ctx); err != nil {
		return err
	}
	fmt.Printf("%d viewers with new activity: incremental refresh took %s (CPU %s)\n",
		n, time.Since(start).Round(time.Millisecond), (proc.SelfCPU() - cpu0).Round(time.Millisecond))
	return nil
}

// activity marks one more title completed for up to n profiles (those with the lowest ids),
// as a quarter of an hour of a busy service would.
func activity(ctx context.Context, st *store.Store, n int) (int, error) {
	users, err := st.Client.Profile.Query().Order(ent.Asc(profile.FieldID)).Limit(n).All(ctx)
	if err != nil {
		return 0, err
	}
	titles, err := st.Client.Title.Query().Order(ent.Asc(title.FieldID)).Limit(len(users)).IDs(ctx)
	if err != nil || len(titles) == 0 {
		return 0, err
	}
	for i, u := range users {
		err := st.Client.ViewEvent.Create().SetUserID(u.UserID).SetProfileID(u.ID).SetTitleID(titles[i%len(titles)]).
			SetKind(viewevent.KindCOMPLETE).SetWeight(recommend.WeightCompleted).Exec(ctx)
		if err != nil {
			return 0, err
		}
	}
	return len(users), nil
}

package catalog

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// BenchmarkShelfBuild builds the shelf of a 100 000-title catalog (two genres each, every
// third title limited to two countries) and reports what it keeps in memory, with the
// per-country view of one country built.
//
//	go test -run '^$' -bench ShelfBuild -benchtime 3x ./internal/catalog/
func BenchmarkShelfBuild(b *testing.B) {
	st := storetest.SQLite(b)
	ctx := context.Background()
	gids, err := EnsureGenres(ctx, st.Client, []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"})
	if err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	for start := 0; start < n; start += 1000 {
		var batch []*ent.TitleCreate
		for i := start; i < start+1000; i++ {
			c := st.Client.Title.Create().SetKind(title.KindMOVIE).SetName(fmt.Sprintf("T%d", i)).
				SetYear(1950+i%77).SetTrendingScore(float64(i%997)).AddGenreIDs(gids[i%len(gids)], gids[(i/7)%len(gids)])
			if i%3 == 0 {
				c.SetRegions([]string{"US", "FR"})
			}
			batch = append(batch, c)
		}
		if err := st.Client.Title.CreateBulk(batch...).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var kept uint64
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		sh, err := loadShelf(ctx, st)
		if err != nil {
			b.Fatal(err)
		}
		sh.in(audience{country: "DE", maxAge: maturity.Adult})
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		kept = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(sh)
	}
	b.ReportMetric(float64(kept)/(1<<20), "MiB-kept")
}

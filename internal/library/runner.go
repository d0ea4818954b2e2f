package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/libraryscan"
	"github.com/marquee-org/marquee/ent/schema/scanreport"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/pubsub"
)

// TopicScan carries the id of a library scan whose row changed.
const TopicScan = "library.scan"

// Runner runs library scans that administrators start from the app, in this process,
// one at a time, under the folders the operator allowed. Each scan is a row that its
// progress and report are written to, and watchers hear of through the broker.
type Runner struct {
	scanner *Scanner
	broker  pubsub.Broker
	log     *slog.Logger
	dirs    []string
	// spawn runs a scan in the background until the process stops.
	spawn func(func(ctx context.Context))

	mu      sync.Mutex
	running int // the id of the scan running here, 0 when none
}

// NewRunner returns a runner that scans only under dirs (absolute folders) and runs each
// scan through spawn, whose context ends when the process stops.
func NewRunner(s *Scanner, b pubsub.Broker, log *slog.Logger, dirs []string, spawn func(func(ctx context.Context))) *Runner {
	return &Runner{scanner: s, broker: b, log: log, dirs: dirs, spawn: spawn}
}

// saveEvery bounds how often a running scan writes its progress.
const saveEvery = 500 * time.Millisecond

// Start begins a scan of dir, which must be a folder under one of the allowed folders, and
// returns its row at once. While a scan runs here, starting another is refused.
func (r *Runner) Start(ctx context.Context, dir string) (*ent.LibraryScan, error) {
	if len(r.dirs) == 0 {
		return nil, apperr.Input("path", "Scanning from the app is off: the server was started without --library-dirs.")
	}
	if !filepath.IsAbs(dir) {
		return nil, apperr.Input("path", "Give the folder's absolute path on the server.")
	}
	dir = filepath.Clean(dir)
	allowed := false
	for _, d := range r.dirs {
		allowed = allowed || dir == d || within(d, dir)
	}
	if !allowed {
		return nil, apperr.Input("path", "Only folders under %s may be scanned.", strings.Join(r.dirs, ", "))
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, apperr.Input("path", "%s is not a folder that can be read.", dir)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running != 0 {
		return nil, apperr.Input("path", "A scan is already running; wait for it to finish.")
	}
	client := r.scanner.st.Client
	row, err := client.LibraryScan.Create().SetPath(dir).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create library scan: %w", err)
	}
	r.running = row.ID
	r.spawn(func(ctx context.Context) { r.run(ctx, row.ID, dir) })
	return row, nil
}

// run scans dir, saving progress on row id, and its report or failure at the end.
func (r *Runner) run(ctx context.Context, id int, dir string) {
	defer func() {
		r.mu.Lock()
		r.running = 0
		r.mu.Unlock()
	}()
	client := r.scanner.st.Client
	var last time.Time
	res, err := r.scanner.Scan(ctx, dir, func(done, total int, path string) {
		if time.Since(last) < saveEvery && done < total {
			return
		}
		last = time.Now()
		if err := client.LibraryScan.UpdateOneID(id).SetDone(done).SetTotal(total).SetCurrent(path).Exec(ctx); err == nil {
			r.announce(ctx, id)
		}
	})
	// The scan is over, or the process is stopping: the end is written all the same.
	ctx = context.WithoutCancel(ctx)
	upd := client.LibraryScan.UpdateOneID(id).SetAdded(res.Added).SetUpdated(res.Updated).SetUnchanged(res.Unchanged).
		SetReport(scanreport.Report{Skipped: res.Skipped, Notes: res.Notes, Missing: res.Missing}).
		SetCurrent("").SetFinishedAt(time.Now())
	switch {
	case err == nil:
		upd.SetState(libraryscan.StateDONE)
	case errors.Is(err, context.Canceled):
		upd.SetState(libraryscan.StateFAILED).SetError("The server stopped during the scan; start it again.")
	default:
		msg := "The scan failed; see the server log."
		if ae, ok := apperr.As(err); ok {
			msg = ae.Message
		}
		r.log.ErrorContext(ctx, "library scan", slog.Int("scan_id", id), slog.String("path", dir), slog.Any("err", err))
		upd.SetState(libraryscan.StateFAILED).SetError(msg)
	}
	if err := upd.Exec(ctx); err != nil {
		r.log.ErrorContext(ctx, "save library scan", slog.Int("scan_id", id), slog.Any("err", err))
	}
	r.announce(ctx, id)
}

func (r *Runner) announce(ctx context.Context, id int) {
	if err := r.broker.Publish(ctx, TopicScan, []byte(strconv.Itoa(id))); err != nil {
		r.log.WarnContext(ctx, "publish library scan", slog.Int("scan_id", id), slog.Any("err", err))
	}
}

// Get returns a scan's row.
func (r *Runner) Get(ctx context.Context, id int) (*ent.LibraryScan, error) {
	row, err := r.scanner.st.Client.LibraryScan.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "id", Message: "No library scan has this id."}
	}
	if err != nil {
		return nil, fmt.Errorf("find library scan: %w", err)
	}
	return row, nil
}

// pollEvery backs up the broker with a database read, for a scan running in another
// process that shares no broker with this one.
const pollEvery = 2 * time.Second

// Watch streams a scan's row: as it is now, then every change, and closes once it is DONE
// or FAILED, or when ctx ends.
func (r *Runner) Watch(ctx context.Context, id int) (<-chan *ent.LibraryScan, error) {
	ctx, cancel := context.WithCancel(ctx)
	events := r.broker.Subscribe(ctx, TopicScan)
	row, err := r.Get(ctx, id)
	if err != nil {
		cancel()
		return nil, err
	}
	out := make(chan *ent.LibraryScan, 4)
	go func() {
		defer cancel()
		defer close(out)
		var last *ent.LibraryScan
		send := func(row *ent.LibraryScan) bool {
			if last != nil && row.State == last.State && row.Done == last.Done && !row.UpdatedAt.After(last.UpdatedAt) {
				return true
			}
			last = row
			select {
			case out <- row:
			case <-ctx.Done():
				return false
			}
			return row.State == libraryscan.StateRUNNING
		}
		if !send(row) {
			return
		}
		tick := time.NewTicker(pollEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case b, ok := <-events:
				if !ok {
					return
				}
				if string(b) != strconv.Itoa(id) {
					continue
				}
			case <-tick.C:
			}
			row, err := r.Get(ctx, id)
			if err != nil || !send(row) {
				return
			}
		}
	}()
	return out, nil
}

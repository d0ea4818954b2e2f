package search

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/pubsub"
)

// TopicTitlesChanged carries a JSON array of ids of titles that were created, edited or
// deleted, so that every replica reindexes them.
const TopicTitlesChanged = "catalog.titles_changed"

const (
	// notifyChunk keeps each event far below the PostgreSQL broker's payload limit.
	notifyChunk = 500
	// pageSize is how many titles one query loads and one batch indexes.
	pageSize = 1000
	// pollEvery is how often a follower compares the catalog's fingerprint with the
	// index's: two small queries that catch what no event told it, changes made by other
	// processes (marquee seed and ingest beside a server: on one SQLite file no broker
	// reaches them) and events the broker dropped (a full subscriber buffer, a listener
	// reconnecting).
	pollEvery = 2 * time.Second
	// grace widens an incremental sync back in time: updated_at is stamped before commit,
	// so a slow transaction can commit after a newer edit was already seen.
	grace = time.Minute
)

// Notify tells every replica's index that the given titles changed. Call it after the
// transaction that changed them commits.
func Notify(ctx context.Context, broker pubsub.Broker, ids ...int) error {
	for len(ids) > 0 {
		n := min(len(ids), notifyChunk)
		payload, err := json.Marshal(ids[:n])
		if err != nil {
			return fmt.Errorf("notify title changes: %w", err)
		}
		if err := broker.Publish(ctx, TopicTitlesChanged, payload); err != nil {
			return fmt.Errorf("notify title changes: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// Follow keeps the index in step with the catalog until ctx ends: it subscribes to
// TopicTitlesChanged, syncs, then reindexes the titles each event names, and syncs again
// when the catalog's fingerprint changes (polled every two seconds) and at once when the
// broker may have missed events. Failures are logged and repaired by the next sync.
func (ix *Index) Follow(ctx context.Context, broker pubsub.Broker, client *ent.Client, log *slog.Logger) {
	// Subscribe before the first sync, so that no edit falls between the two.
	events := broker.Subscribe(ctx, TopicTitlesChanged)
	missed := broker.Subscribe(ctx, pubsub.TopicMissed)
	resync := func() {
		r, err := ix.Sync(ctx, client)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("search index sync", slog.Any("err", err))
		case r.Rebuilt || r.Indexed > 0 || r.Deleted > 0:
			log.Info("search index synced", slog.Bool("rebuilt", r.Rebuilt),
				slog.Int("indexed", r.Indexed), slog.Int("deleted", r.Deleted))
		}
	}
	resync()
	tick := time.NewTicker(ix.poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			resync()
		case _, ok := <-missed:
			if !ok {
				return
			}
			resync()
		case payload, ok := <-events:
			if !ok {
				return
			}
			ids := decodeIDs(payload, log)
			// Take whatever else is waiting too: a burst of edits becomes one batch.
			for more := true; more; {
				select {
				case p, ok := <-events:
					more = ok
					ids = append(ids, decodeIDs(p, log)...)
				default:
					more = false
				}
			}
			if err := ix.Reindex(ctx, client, ids...); err != nil && ctx.Err() == nil {
				log.Error("search index update", slog.Any("err", err), slog.Int("titles", len(ids)))
			}
		}
	}
}

func decodeIDs(payload []byte, log *slog.Logger) []int {
	var ids []int
	if err := json.Unmarshal(payload, &ids); err != nil {
		log.Warn("bad title change event", slog.Any("err", err))
	}
	return ids
}

// SyncResult says what Sync did.
type SyncResult struct {
	// Rebuilt is true when the index had never been filled (new, or outdated and
	// recreated by Open) and every title was indexed.
	Rebuilt bool
	// Indexed and Deleted count the titles written and removed.
	Indexed, Deleted int
}

// fingerprint sums up the catalog cheaply: any insert, delete or edit through ent
// changes the count or the latest updated_at. Changes it cannot see (genres or credits
// edited alone) are the ones Notify reports.
type fingerprint struct {
	count   int
	updated time.Time
}

func (f fingerprint) String() string {
	return strconv.Itoa(f.count) + ":" + strconv.FormatInt(f.updated.UnixNano(), 10)
}

func parseFingerprint(s string) (fingerprint, bool) {
	c, u, ok := strings.Cut(s, ":")
	if !ok {
		return fingerprint{}, false
	}
	n, err1 := strconv.Atoi(c)
	ns, err2 := strconv.ParseInt(u, 10, 64)
	if err1 != nil || err2 != nil {
		return fingerprint{}, false
	}
	return fingerprint{count: n, updated: time.Unix(0, ns)}, true
}

// Fingerprint sums up the catalog in a string that changes whenever a title is added,
// removed or edited through ent (see fingerprint): a count and one indexed lookup, for
// followers of the catalog that poll for changes no event reported.
func Fingerprint(ctx context.Context, client *ent.Client) (string, error) {
	f, err := catalogFingerprint(ctx, client)
	return f.String(), err
}

func catalogFingerprint(ctx context.Context, client *ent.Client) (fingerprint, error) {
	n, err := client.Title.Query().Count(ctx)
	if err != nil {
		return fingerprint{}, fmt.Errorf("count titles: %w", err)
	}
	// An empty catalog gets the Unix epoch: the zero time has no nanosecond timestamp.
	f := fingerprint{count: n, updated: time.Unix(0, 0)}
	if n > 0 {
		latest, err := client.Title.Query().Order(ent.Desc(title.FieldUpdatedAt)).
			Select(title.FieldUpdatedAt).First(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return fingerprint{}, fmt.Errorf("latest title update: %w", err)
		}
		if latest != nil {
			f.updated = latest.UpdatedAt
		}
	}
	return f, nil
}

// Sync brings the index up to date with the database. An index that was never filled
// gets every title, in batches. A stale one (its recorded fingerprint differs from the
// catalog's) gets the titles edited since its fingerprint, and the titles it lacks or
// has but the database no longer does. A fresh one costs two small queries.
func (ix *Index) Sync(ctx context.Context, client *ent.Client) (SyncResult, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	// Take the fingerprint first: a change made while this runs then leaves the
	// recorded fingerprint behind, and the next sync picks it up.
	now, err := catalogFingerprint(ctx, client)
	if err != nil {
		return SyncResult{}, err
	}
	stored, err := ix.bleve.GetInternal([]byte(keyCatalog))
	if err != nil {
		return SyncResult{}, fmt.Errorf("read search index state: %w", err)
	}
	if string(stored) == now.String() {
		return SyncResult{}, nil
	}

	var r SyncResult
	dbIDs, err := client.Title.Query().IDs(ctx)
	if err != nil {
		return r, fmt.Errorf("list titles: %w", err)
	}
	indexed, err := ix.docIDs()
	if err != nil {
		return r, err
	}
	// Titles to load and index, and ids the database no longer has.
	todo := map[int]bool{}
	if prev, ok := parseFingerprint(string(stored)); ok {
		edited, err := client.Title.Query().Where(title.UpdatedAtGTE(prev.updated.Add(-grace))).IDs(ctx)
		if err != nil {
			return r, fmt.Errorf("list edited titles: %w", err)
		}
		for _, id := range edited {
			todo[id] = true
		}
	} else {
		r.Rebuilt = true
	}
	for _, id := range dbIDs {
		if r.Rebuilt || !indexed[id] {
			todo[id] = true
		}
		delete(indexed, id)
	}
	ids := make([]int, 0, len(todo)+len(indexed))
	for id := range todo {
		ids = append(ids, id)
	}
	// Titles still in indexed were deleted; reindex finds them missing and drops them.
	for id := range indexed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for page := range slices.Chunk(ids, pageSize) {
		if err := ix.reindex(ctx, client, page); err != nil {
			return r, err
		}
	}
	r.Indexed, r.Deleted = len(todo), len(indexed)
	if r.Rebuilt {
		ix.compact(ctx)
	}
	if err := ix.bleve.SetInternal([]byte(keyCatalog), []byte(now.String())); err != nil {
		return r, fmt.Errorf("record search index state: %w", err)
	}
	return r, nil
}

// compact merges a freshly built index into one segment: a rebuild leaves many small
// ones, and every query pays for each. Background merging would get there too, only
// later; a failure here costs speed, not correctness, so it is ignored.
func (ix *Index) compact(ctx context.Context) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return
	}
	if s, ok := adv.(*scorch.Scorch); ok {
		_ = s.ForceMerge(ctx, nil)
	}
}

// docIDs lists the titles in the index.
func (ix *Index) docIDs() (map[int]bool, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search index reader: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("search index reader: %w", err)
	}
	defer r.Close()
	all, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("search index ids: %w", err)
	}
	defer all.Close()
	ids := map[int]bool{}
	for {
		iid, err := all.Next()
		if err != nil {
			return nil, fmt.Errorf("search index ids: %w", err)
		}
		if iid == nil {
			return ids, nil
		}
		ext, err := r.ExternalID(iid)
		if err != nil {
			return nil, fmt.Errorf("search index ids: %w", err)
		}
		id, err := strconv.Atoi(ext)
		if err != nil {
			return nil, fmt.Errorf("search index: bad document id %q", ext)
		}
		ids[id] = true
	}
}

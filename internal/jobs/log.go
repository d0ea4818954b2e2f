package jobs

import (
	"context"
	"log/slog"
	"strings"
	"sync"
)

// riverJobCounts is the message River's producers log every few seconds per queue.
const riverJobCounts = "producer: Producer job counts"

// quietCounts passes River's log on, except its periodic job counts: a count that has not
// changed since its queue's last one goes out at debug, so that an idle or steady server
// does not write a line every few seconds.
type quietCounts struct {
	slog.Handler
	mu   *sync.Mutex
	last map[string]string // queue → its last counts
}

func newQuietCounts(h slog.Handler) quietCounts {
	return quietCounts{Handler: h, mu: &sync.Mutex{}, last: map[string]string{}}
}

func (h quietCounts) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == riverJobCounts && h.unchanged(r) {
		if !h.Handler.Enabled(ctx, slog.LevelDebug) {
			return nil
		}
		r.Level = slog.LevelDebug
	}
	return h.Handler.Handle(ctx, r)
}

// unchanged reports whether r's counts are those its queue logged last, and records them.
func (h quietCounts) unchanged(r slog.Record) bool {
	var queue string
	var counts strings.Builder
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "queue" {
			queue = a.Value.String()
		} else {
			counts.WriteString(a.String())
			counts.WriteByte(' ')
		}
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	prev, seen := h.last[queue]
	same := seen && prev == counts.String()
	h.last[queue] = counts.String()
	return same
}

func (h quietCounts) WithAttrs(attrs []slog.Attr) slog.Handler {
	h.Handler = h.Handler.WithAttrs(attrs)
	return h
}

func (h quietCounts) WithGroup(name string) slog.Handler {
	h.Handler = h.Handler.WithGroup(name)
	return h
}

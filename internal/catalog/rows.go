package catalog

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/title"
)

// A shelf also keeps the title rows that requests read (name, synopsis, counters, poster),
// so that a home feed's 240 titles come from memory rather than from one query whose cost
// grows with the titles it names. A row kept belongs to its shelf: an edit anywhere changes
// the catalog's fingerprint, a new shelf follows, and it starts with no rows. The counters
// (ratings, views) change without an edit; this Service's own ratings drop the row they
// change (see forgetRow), and a row read elsewhere's counters are at most keptFor old.
const (
	// keptFor is how long a kept row is served before it is read again.
	keptFor = 15 * time.Second
	// keptMax bounds the rows a shelf keeps; rows past it are read for each request.
	keptMax = 50_000
)

// rowCache is a shelf's kept title rows.
type rowCache struct {
	mu   sync.Mutex
	rows map[int]keptRow
}

type keptRow struct {
	t  *ent.Title
	at time.Time
}

// titleRows returns the rows of the titles with ids that exist, by id: kept rows younger
// than keptFor from the current shelf, the rest in one query, then kept. The rows are
// shared between requests: nothing may change them.
func (s *Service) titleRows(ctx context.Context, ids []int) (map[int]*ent.Title, error) {
	sh, err := s.shelf(ctx)
	if err != nil {
		return nil, err
	}
	c, now := &sh.rows, time.Now()
	out := make(map[int]*ent.Title, len(ids))
	var miss []int
	c.mu.Lock()
	for _, id := range ids {
		if k, ok := c.rows[id]; ok && now.Sub(k.at) < keptFor {
			out[id] = k.t
		} else {
			miss = append(miss, id)
		}
	}
	c.mu.Unlock()
	if len(miss) == 0 {
		return out, nil
	}
	ts, err := s.st.Client.Title.Query().Where(title.IDIn(miss...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load titles: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rows == nil {
		c.rows = map[int]keptRow{}
	}
	for _, t := range ts {
		out[t.ID] = t
		if _, kept := c.rows[t.ID]; kept || len(c.rows) < keptMax {
			c.rows[t.ID] = keptRow{t: t, at: now}
		}
	}
	return out, nil
}

// forgetRow drops a title's kept row after this Service changed its counters, so that the
// next read (the rater's own page, first of all) shows them.
func (s *Service) forgetRow(id int) {
	if sh := s.current.Load(); sh != nil {
		sh.rows.mu.Lock()
		delete(sh.rows.rows, id)
		sh.rows.mu.Unlock()
	}
}

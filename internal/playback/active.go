package playback

import (
	"sync"
	"time"
)

// activeSet answers "may this session still fetch media?" from memory. A session seen
// for the first time is looked up once; revocations arrive as events; entries are
// re-checked after a while in case an event was lost.
type activeSet struct {
	mu sync.Mutex
	m  map[int]activeEntry
	// load says which of ids are active, in one query.
	load    func(ids []int) (map[int]bool, error)
	now     func() time.Time
	recheck time.Duration
}

type activeEntry struct {
	active  bool
	checked time.Time
}

func newActiveSet(load func([]int) (map[int]bool, error), now func() time.Time) *activeSet {
	return &activeSet{m: map[int]activeEntry{}, load: load, now: now, recheck: time.Minute}
}

// refresh looks up, in one query, the sessions among ids that are unknown or due for a
// re-check, so that a tick over thousands of streams does not query them one by one.
func (a *activeSet) refresh(ids []int) error {
	now := a.now()
	a.mu.Lock()
	due := make([]int, 0)
	for _, id := range ids {
		if e, ok := a.m[id]; !ok || (e.active && now.Sub(e.checked) >= a.recheck) {
			due = append(due, id)
		}
	}
	a.mu.Unlock()
	if len(due) == 0 {
		return nil
	}
	active, err := a.load(due)
	if err != nil {
		return err
	}
	for _, id := range due {
		a.set(id, active[id])
	}
	return nil
}

// Active implements media.Sessions.
func (a *activeSet) Active(id int) bool {
	now := a.now()
	a.mu.Lock()
	e, ok := a.m[id]
	a.mu.Unlock()
	if ok && (!e.active || now.Sub(e.checked) < a.recheck) {
		return e.active // revoked stays revoked
	}
	found, err := a.load([]int{id})
	active := err == nil && found[id] // a failed lookup refuses, and is asked again next time
	if err == nil {
		a.set(id, active)
	}
	return active
}

func (a *activeSet) set(id int, active bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if e, ok := a.m[id]; ok && !e.active {
		return // a revoked session never comes back
	}
	a.m[id] = activeEntry{active: active, checked: a.now()}
}

// recheckAll has every entry still active looked up again at its next use, for when
// revocations may have been missed.
func (a *activeSet) recheckAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, e := range a.m {
		if e.active {
			a.m[id] = activeEntry{active: true}
		}
	}
}

// forgetOlderThan drops entries not checked since cutoff, bounding memory; they are
// looked up again if their tokens are still used.
func (a *activeSet) forgetOlderThan(cutoff time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, e := range a.m {
		if e.checked.Before(cutoff) {
			delete(a.m, id)
		}
	}
}

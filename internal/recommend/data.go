package recommend

import (
	"cmp"
	"slices"
)

// Interaction strengths: completed > rated high > listed > started. A pair seen
// several times keeps its strongest weight.
const (
	WeightStarted   = 1.0
	WeightListed    = 2.0
	WeightRatedHigh = 3.0
	WeightCompleted = 4.0
)

// StarsWeight maps a star rating to an implicit interaction: every rating means the
// viewer watched the title, and the weight grows with the stars, so 5★ counts like a
// completion, 4★ like a high rating, 3★ like a listing and anything lower like a start.
func StarsWeight(stars float64) float64 { return max(WeightStarted, stars-1) }

// Interaction is one entry of the activity log, in external ids; Time is Unix seconds. The
// user is whoever watched: a profile, when read from the database.
type Interaction struct {
	User, Item int
	Weight     float64
	Time       int64
}

// Item is a catalog entry with what the content model reads.
type Item struct {
	ID       int
	Title    string
	Year     int // 0 when unknown
	Genres   []string
	People   []string
	Synopsis string
}

// Event is an interaction in dense indexes: Item indexes Data.Items.
type Event struct {
	Item   int32
	Weight float32
	Time   int64
}

// Data is an interaction log in dense indexes: users and items are numbered from 0,
// each user's history holds one event per item, ordered by time.
type Data struct {
	Items   []Item
	UserIDs []int
	Hist    [][]Event
	// Now is the reference time for decays: the latest interaction.
	Now int64

	itemIndex map[int]int
}

// NewData indexes a log against a catalog. Interactions with items missing from the
// catalog add a bare item, so the log never loses activity.
func NewData(items []Item, log []Interaction) *Data {
	d := &Data{Items: slices.Clone(items), itemIndex: make(map[int]int, len(items))}
	for i, it := range d.Items {
		d.itemIndex[it.ID] = i
	}
	userIndex := map[int]int{}
	pos := map[[2]int]int{}
	for _, in := range log {
		ii, ok := d.itemIndex[in.Item]
		if !ok {
			ii = len(d.Items)
			d.itemIndex[in.Item] = ii
			d.Items = append(d.Items, Item{ID: in.Item})
		}
		u, ok := userIndex[in.User]
		if !ok {
			u = len(d.UserIDs)
			userIndex[in.User] = u
			d.UserIDs = append(d.UserIDs, in.User)
			d.Hist = append(d.Hist, nil)
		}
		d.Now = max(d.Now, in.Time)
		merge(d.Hist, pos, u, Event{Item: int32(ii), Weight: float32(in.Weight), Time: in.Time})
	}
	for u, h := range d.Hist {
		sortByTime(h, d.UserIDs[u], d.Items)
	}
	return d
}

// Histories turns the log of some users into their histories against this log's items,
// by user id, as NewData would: one event per item, its strongest weight and latest
// time, ordered by time. Interactions with items this log does not know are left out.
func (d *Data) Histories(log []Interaction) map[int][]Event {
	var users []int
	index := map[int]int{}
	var hist [][]Event
	pos := map[[2]int]int{}
	for _, in := range log {
		ii, ok := d.itemIndex[in.Item]
		if !ok {
			continue
		}
		u, ok := index[in.User]
		if !ok {
			u = len(users)
			index[in.User] = u
			users = append(users, in.User)
			hist = append(hist, nil)
		}
		merge(hist, pos, u, Event{Item: int32(ii), Weight: float32(in.Weight), Time: in.Time})
	}
	out := make(map[int][]Event, len(users))
	for u, id := range users {
		sortByTime(hist[u], id, d.Items)
		out[id] = hist[u]
	}
	return out
}

// merge adds e to user u's history, or, when u already has an event for its item (pos:
// user and item → its place), keeps the stronger weight and the later time there.
func merge(hist [][]Event, pos map[[2]int]int, u int, e Event) {
	k := [2]int{u, int(e.Item)}
	if p, ok := pos[k]; ok {
		x := &hist[u][p]
		x.Weight = max(x.Weight, e.Weight)
		x.Time = max(x.Time, e.Time)
		return
	}
	pos[k] = len(hist[u])
	hist[u] = append(hist[u], e)
}

// ItemIndex returns the dense index of an external item id.
func (d *Data) ItemIndex(id int) (int, bool) {
	i, ok := d.itemIndex[id]
	return i, ok
}

// WithHist returns a log over the same catalog with other histories, such as the
// training side of Split.
func (d *Data) WithHist(hist [][]Event) *Data {
	c := *d
	c.Hist = hist
	c.Now = 0
	for _, h := range hist {
		for _, e := range h {
			c.Now = max(c.Now, e.Time)
		}
	}
	return &c
}

// sortByTime orders user's history by time. Events of the same second are ordered by a
// hash of (user, item) in external ids: not by input or catalog order, which would let
// the numbering of titles decide which of them a split holds out.
func sortByTime(h []Event, user int, items []Item) {
	slices.SortFunc(h, func(a, b Event) int {
		if c := cmp.Compare(a.Time, b.Time); c != 0 {
			return c
		}
		ha, hb := tieHash(user, items[a.Item].ID), tieHash(user, items[b.Item].ID)
		if c := cmp.Compare(ha, hb); c != 0 {
			return c
		}
		return cmp.Compare(items[a.Item].ID, items[b.Item].ID)
	})
}

// tieHash mixes a user and an item id (splitmix64), for ordering same-second events.
func tieHash(user, item int) uint64 {
	x := uint64(user)*0x9e3779b97f4a7c15 ^ uint64(item)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// HoldOut is the share of each viewer's latest interactions held out: the hybrid
// validates its tuning on it and offline evaluation tests on it, so both judge a
// model the same way.
const HoldOut = 0.2

// Split holds out each user's latest fraction of events (at least one, for users with
// two or more); users with nothing held out get no test entry.
func Split(hist [][]Event, frac float64) (train, test [][]Event) {
	train = make([][]Event, len(hist))
	test = make([][]Event, len(hist))
	for u, h := range hist {
		n := int(float64(len(h))*frac + 0.5)
		if len(h) >= 2 {
			n = max(n, 1)
		} else {
			n = 0
		}
		train[u] = h[:len(h)-n]
		test[u] = h[len(h)-n:]
	}
	return train, test
}

// NextVisitCut is the share of a log's events before the cut of a global-time split,
// which judges recommendations by each viewer's next visit.
const NextVisitCut = 0.8

// TimeQuantile returns the time below which a share q of all events fall: the cut of a
// global-time split.
func TimeQuantile(hist [][]Event, q float64) int64 {
	var times []int64
	for _, h := range hist {
		for _, e := range h {
			times = append(times, e.Time)
		}
	}
	if len(times) == 0 {
		return 0
	}
	slices.Sort(times)
	return times[min(int(float64(len(times))*q), len(times)-1)]
}

// SplitAt holds out every event at or after cut: one moment for everyone, as when
// recommendations made then are judged by what each viewer did next.
func SplitAt(hist [][]Event, cut int64) (train, test [][]Event) {
	train = make([][]Event, len(hist))
	test = make([][]Event, len(hist))
	for u, h := range hist {
		// Histories are ordered by time, so the cut is one place in each.
		n, _ := slices.BinarySearchFunc(h, cut, func(e Event, t int64) int { return cmp.Compare(e.Time, t) })
		train[u], test[u] = h[:n], h[n:]
	}
	return train, test
}

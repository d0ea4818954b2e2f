package playback

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/playbacksession"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
)

// Beat is one heartbeat as the player sees it.
type Beat struct {
	SessionID     int
	Status        playbacksession.Status
	ActiveStreams int
	MaxStreams    int
	At            time.Time
}

// stream is one open heartbeat subscription. Streams have no goroutine of their own: Run
// beats all of them on one ticker, which keeps a held subscription cheap.
type stream struct {
	sessionID, userID, maxStreams int
	out                           chan *Beat
	closed                        bool
}

// Heartbeats streams beats for viewer v's own session every heartbeat interval while it
// is ACTIVE; holding the stream open is what keeps the session alive. The last beat
// carries the final status (ENDED, REVOKED or EXPIRED) and the stream closes.
func (s *Service) Heartbeats(ctx context.Context, v *auth.Viewer, sessionID int) (<-chan *Beat, error) {
	sess, err := s.owned(ctx, v, sessionID)
	if err != nil {
		return nil, err
	}
	uid := v.User.ID
	maxStreams := 0
	if plan, err := billing.CurrentPlan(ctx, s.st.Client, uid, s.o.Now()); err == nil && plan != nil {
		maxStreams = plan.MaxStreams
	}
	st := &stream{sessionID: sessionID, userID: uid, maxStreams: maxStreams, out: make(chan *Beat, 2)}

	s.mu.Lock()
	if s.subs[uid] >= s.o.MaxSubscriptionsPerUser {
		s.mu.Unlock()
		return nil, apperr.New(apperr.RateLimited, "Too many heartbeat subscriptions are open for this account.")
	}
	s.subs[uid]++
	s.mu.Unlock()

	if sess.Status != playbacksession.StatusACTIVE {
		s.send(ctx, st, sess.Status)
		s.closeStream(st)
		return st.out, nil
	}
	s.beat(sessionID)
	s.send(ctx, st, playbacksession.StatusACTIVE)
	s.mu.Lock()
	if s.streams[sessionID] == nil {
		s.streams[sessionID] = map[*stream]struct{}{}
	}
	s.streams[sessionID][st] = struct{}{}
	s.mu.Unlock()
	context.AfterFunc(ctx, func() { s.closeStream(st) })
	return st.out, nil
}

// send queues a beat unless the stream is closed or its reader lags (a lagging player
// misses a beat rather than holding up the others).
func (s *Service) send(ctx context.Context, st *stream, status playbacksession.Status) {
	n, _ := s.liveStreams(ctx, st.userID)
	b := &Beat{SessionID: st.sessionID, Status: status, ActiveStreams: n, MaxStreams: st.maxStreams, At: s.o.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.closed {
		return
	}
	select {
	case st.out <- b:
	default:
	}
}

func (s *Service) closeStream(st *stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.closed {
		return
	}
	st.closed = true
	close(st.out)
	if set := s.streams[st.sessionID]; set != nil {
		delete(set, st)
		if len(set) == 0 {
			delete(s.streams, st.sessionID)
		}
	}
	if s.subs[st.userID]--; s.subs[st.userID] <= 0 {
		delete(s.subs, st.userID)
	}
}

// finishStreams sends the final status to a session's streams and closes them.
func (s *Service) finishStreams(ctx context.Context, sessionID int, status playbacksession.Status) {
	for _, st := range s.streamsOf(sessionID) {
		s.send(ctx, st, status)
		s.closeStream(st)
	}
}

func (s *Service) streamsOf(sessionID int) []*stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*stream, 0, len(s.streams[sessionID]))
	for st := range s.streams[sessionID] {
		out = append(out, st)
	}
	return out
}

// beatAll is one tick: every open stream of an active session beats; streams of sessions
// that are no longer active get their final status.
func (s *Service) beatAll(ctx context.Context) {
	s.mu.Lock()
	ids := make([]int, 0, len(s.streams))
	users := map[int]bool{}
	for id, set := range s.streams {
		ids = append(ids, id)
		for st := range set {
			users[st.userID] = true
		}
	}
	s.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	// Two queries per batch of sessions instead of two per stream.
	if err := s.active.refresh(ids); err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "refresh sessions", slog.Any("err", err))
	}
	if err := s.refreshCounts(ctx, slices.Collect(maps.Keys(users))); err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "count streams", slog.Any("err", err))
	}
	for _, id := range ids {
		if !s.active.Active(id) {
			s.finishStreams(ctx, id, s.finalStatus(ctx, id))
			continue
		}
		s.beat(id)
		for _, st := range s.streamsOf(id) {
			s.send(ctx, st, playbacksession.StatusACTIVE)
		}
	}
}

func (s *Service) finalStatus(ctx context.Context, id int) playbacksession.Status {
	sess, err := s.st.Client.PlaybackSession.Get(ctx, id)
	if err != nil || sess.Status == playbacksession.StatusACTIVE {
		return playbacksession.StatusREVOKED
	}
	return sess.Status
}

// UpNextItem is one suggestion after playback ends.
type UpNextItem struct {
	Title   *ent.Title
	Episode *ent.Episode
	Reason  string
}

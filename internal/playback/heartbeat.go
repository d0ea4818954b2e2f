package playback

import (
	"context"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/playbacksession"
	"github.com/marquee-org/marquee/internal/apperr"
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

// Heartbeats streams beats for the viewer's own session every heartbeat interval while it
// is ACTIVE; holding the stream open is what keeps the session alive. The last beat
// carries the final status (ENDED, REVOKED or EXPIRED) and the stream closes.
func (s *Service) Heartbeats(ctx context.Context, sessionID int) (<-chan *Beat, error) {
	sess, v, err := s.owned(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	uid := v.User.ID
	s.mu.Lock()
	if s.subs[uid] >= s.o.MaxSubscriptionsPerUser {
		s.mu.Unlock()
		return nil, apperr.New(apperr.RateLimited, "Too many heartbeat subscriptions are open for this account.")
	}
	s.subs[uid]++
	s.mu.Unlock()

	maxStreams := 0
	if plan, err := billing.CurrentPlan(ctx, s.st.Client, uid, s.o.Now()); err == nil && plan != nil {
		maxStreams = plan.MaxStreams
	}
	revoked, unwatch := s.watch(sessionID)
	out := make(chan *Beat, 1)
	go func() {
		defer func() {
			unwatch()
			close(out)
			s.mu.Lock()
			if s.subs[uid]--; s.subs[uid] <= 0 {
				delete(s.subs, uid)
			}
			s.mu.Unlock()
		}()
		emit := func(st playbacksession.Status) bool {
			n, err := s.liveStreams(ctx, uid)
			if err != nil && ctx.Err() != nil {
				return false
			}
			select {
			case out <- &Beat{SessionID: sessionID, Status: st, ActiveStreams: n, MaxStreams: maxStreams, At: s.o.Now()}:
				return st == playbacksession.StatusACTIVE
			case <-ctx.Done():
				return false
			}
		}
		if sess.Status != playbacksession.StatusACTIVE {
			emit(sess.Status)
			return
		}
		s.beat(sessionID)
		if !emit(playbacksession.StatusACTIVE) {
			return
		}
		tick := time.NewTicker(s.o.HeartbeatInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case r := <-revoked:
				emit(r.Status)
				return
			case <-tick.C:
				if !s.active.Active(sessionID) {
					emit(s.finalStatus(ctx, sessionID))
					return
				}
				s.beat(sessionID)
				if !emit(playbacksession.StatusACTIVE) {
					return
				}
			}
		}
	}()
	return out, nil
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

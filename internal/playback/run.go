package playback

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/playbacksession"
	"github.com/marquee-org/marquee/ent/predicate"
	"github.com/marquee-org/marquee/ent/session"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/pubsub"
)

// Run keeps playback state in step until ctx ends: it beats every open heartbeat stream,
// applies revocations published by any replica, ends the streams of logged-out sessions,
// catches up from the database when the broker may have missed events, and, beside that,
// writes coalesced heartbeats and expires sessions whose heartbeats stopped.
func (s *Service) Run(ctx context.Context) {
	revoked := s.broker.Subscribe(ctx, TopicRevoked)
	logouts := s.broker.Subscribe(ctx, auth.TopicSessionRevoked)
	lapsed := s.broker.Subscribe(ctx, billing.TopicMembershipEnded)
	lowered := s.broker.Subscribe(ctx, billing.TopicPlanChanged)
	missed := s.broker.Subscribe(ctx, pubsub.TopicMissed)
	tick := time.NewTicker(s.o.HeartbeatInterval)
	defer tick.Stop()
	// Writing the beats and expiring silent sessions happen beside the rounds, so a burst
	// of other writes (progress reports queueing for the database) never delays a beat. A
	// round that finds the writer still busy leaves its beats for the writer's next pass.
	write := make(chan struct{}, 1)
	written := make(chan struct{})
	go func() {
		defer close(written)
		for range write {
			s.flushBeats(ctx)
			s.expireStale(ctx)
		}
	}()
	defer func() {
		close(write)
		<-written
		s.flushBeats(context.WithoutCancel(ctx))
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case b, ok := <-revoked:
			if !ok {
				return
			}
			var r revocation
			if json.Unmarshal(b, &r) == nil {
				s.active.set(r.SessionID, false)
				s.finishStreams(ctx, r.SessionID, r.Status)
			}
		case b, ok := <-logouts:
			if !ok {
				return
			}
			if id, err := strconv.Atoi(string(b)); err == nil {
				s.endForLogin(ctx, id)
			}
		case b, ok := <-lapsed:
			if !ok {
				return
			}
			if id, err := strconv.Atoi(string(b)); err == nil {
				s.endForUser(ctx, id)
			}
		case b, ok := <-lowered:
			if !ok {
				return
			}
			if id, err := strconv.Atoi(string(b)); err == nil {
				s.endForUser(ctx, id)
			}
		case _, ok := <-missed:
			if !ok {
				return
			}
			s.catchUp(ctx)
		case due := <-tick.C:
			// Wall-clock time, not Options.Now: the schedule is the ticker's.
			start := time.Now()
			s.m.lag.Observe(start.Sub(due).Seconds())
			s.beatAll(ctx)
			s.active.forgetOlderThan(s.o.Now().Add(-time.Hour))
			s.m.round.Observe(time.Since(start).Seconds())
			select {
			case write <- struct{}{}:
			default:
			}
		}
	}
}

// endForLogin revokes the streams started by a login session that ended. Every replica
// hears the logout; the first to update the rows announces the revocations.
func (s *Service) endForLogin(ctx context.Context, authSessionID int) {
	s.revokeWhere(ctx, playbacksession.AuthSessionID(authSessionID), slog.Int("auth_session_id", authSessionID))
}

// endForUser revokes every stream of a viewer whose membership ended.
func (s *Service) endForUser(ctx context.Context, userID int) {
	s.revokeWhere(ctx, playbacksession.UserID(userID), slog.Int("user_id", userID))
}

// catchUp does what the events the broker may have missed would have done: it revokes the
// streams of login sessions that no longer exist (logouts) and of viewers whose membership
// no longer lets them watch (memberships that ended), and has every local stream's status
// read again at the next round (revocations made elsewhere).
func (s *Service) catchUp(ctx context.Context) {
	s.active.recheckAll()
	ended, err := s.orphaned(ctx)
	if err == nil {
		err = s.finish(ctx, ended, playbacksession.StatusREVOKED)
	}
	if err != nil {
		s.log.WarnContext(ctx, "catch up on missed events", slog.Any("err", err))
		return
	}
	if len(ended) > 0 {
		s.log.InfoContext(ctx, "revoked streams after missed events", slog.Int("count", len(ended)))
	}
}

// orphaned lists the active playback sessions whose login session is gone or whose viewer
// Start would now refuse for want of a plan.
func (s *Service) orphaned(ctx context.Context) ([]int, error) {
	live, err := s.st.Client.PlaybackSession.Query().
		Where(playbacksession.StatusEQ(playbacksession.StatusACTIVE)).
		Select(playbacksession.FieldID, playbacksession.FieldUserID, playbacksession.FieldAuthSessionID).
		All(ctx)
	if err != nil || len(live) == 0 {
		return nil, err
	}
	var logins, users []int
	for _, ps := range live {
		if ps.AuthSessionID != nil {
			logins = append(logins, *ps.AuthSessionID)
		}
		users = append(users, ps.UserID)
	}
	exists := map[int]bool{}
	entitled := map[int]bool{}
	now := s.o.Now()
	for chunk := range slices.Chunk(uniq(logins), batch) {
		ids, err := s.st.Client.Session.Query().Where(session.IDIn(chunk...)).IDs(ctx)
		if err != nil {
			return nil, fmt.Errorf("find login sessions: %w", err)
		}
		for _, id := range ids {
			exists[id] = true
		}
	}
	for chunk := range slices.Chunk(uniq(users), batch) {
		ms, err := s.st.Client.Membership.Query().Where(membership.UserIDIn(chunk...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("find memberships: %w", err)
		}
		for _, m := range ms {
			entitled[m.UserID] = billing.Entitles(m, now)
		}
	}
	var out []int
	for _, ps := range live {
		if (ps.AuthSessionID != nil && !exists[*ps.AuthSessionID]) || !entitled[ps.UserID] {
			out = append(out, ps.ID)
		}
	}
	return out, nil
}

func uniq(ids []int) []int {
	slices.Sort(ids)
	return slices.Compact(ids)
}

func (s *Service) revokeWhere(ctx context.Context, which predicate.PlaybackSession, who slog.Attr) {
	ids, err := s.st.Client.PlaybackSession.Query().
		Where(which, playbacksession.StatusEQ(playbacksession.StatusACTIVE)).
		IDs(ctx)
	if err == nil {
		err = s.finish(ctx, ids, playbacksession.StatusREVOKED)
	}
	if err != nil {
		s.log.WarnContext(ctx, "revoke streams", who, slog.Any("err", err))
	}
}

func (s *Service) flushBeats(ctx context.Context) {
	s.mu.Lock()
	beats := s.beats
	s.beats = map[int]time.Time{}
	s.mu.Unlock()
	if len(beats) == 0 {
		return
	}
	// One statement for all sessions that beat this interval; they share a timestamp,
	// which is exact enough for a staleness bound of three intervals.
	ids := make([]int, 0, len(beats))
	latest := time.Time{}
	for id, t := range beats {
		ids = append(ids, id)
		if t.After(latest) {
			latest = t
		}
	}
	_, err := s.st.Client.PlaybackSession.Update().
		Where(playbacksession.IDIn(ids...), playbacksession.StatusEQ(playbacksession.StatusACTIVE)).
		SetLastHeartbeatAt(latest).Save(ctx)
	if err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "write heartbeats", slog.Int("sessions", len(ids)), slog.Any("err", err))
	}
}

func (s *Service) expireStale(ctx context.Context) {
	ids, err := s.st.Client.PlaybackSession.Query().Where(
		playbacksession.StatusEQ(playbacksession.StatusACTIVE),
		playbacksession.LastHeartbeatAtLT(s.o.Now().Add(-s.staleAfter())),
	).IDs(ctx)
	if err == nil {
		err = s.finish(ctx, ids, playbacksession.StatusEXPIRED)
	}
	if err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "expire stale sessions", slog.Any("err", err))
	}
}

// refreshCounts counts the live streams of many users in one query per batch.
func (s *Service) refreshCounts(ctx context.Context, users []int) error {
	now := s.o.Now()
	for chunk := range slices.Chunk(users, batch) {
		var rows []struct {
			UserID int `json:"user_id"`
			Count  int `json:"count"`
		}
		err := s.st.Client.PlaybackSession.Query().Where(
			playbacksession.UserIDIn(chunk...),
			playbacksession.StatusEQ(playbacksession.StatusACTIVE),
			playbacksession.LastHeartbeatAtGT(now.Add(-s.staleAfter())),
		).GroupBy(playbacksession.FieldUserID).Aggregate(ent.Count()).Scan(ctx, &rows)
		if err != nil {
			return fmt.Errorf("count streams: %w", err)
		}
		s.mu.Lock()
		for _, u := range chunk {
			s.counts[u] = streamCount{at: now}
		}
		for _, r := range rows {
			s.counts[r.UserID] = streamCount{n: r.Count, at: now}
		}
		s.mu.Unlock()
	}
	return nil
}

// liveStreams counts a user's streams that count against the limit, cached for half an
// interval: every heartbeat of the user reports it, and one query serves them all.
func (s *Service) liveStreams(ctx context.Context, userID int) (int, error) {
	now := s.o.Now()
	s.mu.Lock()
	c, ok := s.counts[userID]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.o.HeartbeatInterval/2 {
		return c.n, nil
	}
	n, err := s.st.Client.PlaybackSession.Query().Where(
		playbacksession.UserID(userID),
		playbacksession.StatusEQ(playbacksession.StatusACTIVE),
		playbacksession.LastHeartbeatAtGT(now.Add(-s.staleAfter())),
	).Count(ctx)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.counts[userID] = streamCount{n: n, at: now}
	s.mu.Unlock()
	return n, nil
}

// Removed revokes the streams of videos a catalog deletion took away (catalog.OnRemove):
// their heartbeats end REVOKED and their media is refused from then on.
func (s *Service) Removed(ctx context.Context, r catalog.Removed) {
	ids := make([]int, len(r.Videos))
	for i, v := range r.Videos {
		ids[i] = v.ID
	}
	if len(ids) > 0 {
		s.revokeWhere(ctx, playbacksession.VideoIDIn(ids...), slog.Int("title_id", r.TitleID))
	}
}

// Package playback decides who may watch what, hands out signed media URLs, counts
// concurrent streams through heartbeats, records progress for resume and Continue
// Watching, and suggests what to watch next.
package playback

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/playbacksession"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/user"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/ent/watchprogress"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/transcoder"
)

// TopicRevoked carries the id of a playback session that must stop at once.
const TopicRevoked = "playback.revoked"

// Options tune playback; zero values pick the defaults.
type Options struct {
	// HeartbeatInterval is how often the player's heartbeat subscription beats; a
	// session that misses three stops counting against the stream limit.
	HeartbeatInterval time.Duration
	// TokenTTL bounds a manifest URL's life; ended sessions are refused sooner.
	TokenTTL time.Duration
	// MaxSubscriptionsPerUser caps heartbeat subscriptions one viewer may hold.
	MaxSubscriptionsPerUser int
	Now                     func() time.Time
	// Metrics, when set, receives the open heartbeat streams and the heartbeat loop's
	// lag and round duration.
	Metrics prometheus.Registerer
}

// Service runs playback.
type Service struct {
	st      *store.Store
	catalog *catalog.Service // suggests what to watch next
	broker  pubsub.Broker
	signer  *media.Signer
	log     *slog.Logger
	o       Options
	active  *activeSet
	m       *metrics

	mu      sync.Mutex
	beats   map[int]time.Time            // heartbeats not yet written, coalesced per interval
	subs    map[int]int                  // heartbeat subscriptions per user
	streams map[int]map[*stream]struct{} // open heartbeat streams per session
	counts  map[int]streamCount          // live streams per user, shared by a user's heartbeats
}

type streamCount struct {
	n  int
	at time.Time
}

// NewService wires a Service.
func NewService(st *store.Store, cat *catalog.Service, broker pubsub.Broker, signer *media.Signer, log *slog.Logger, o Options) *Service {
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = 10 * time.Second
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = 12 * time.Hour
	}
	if o.MaxSubscriptionsPerUser <= 0 {
		o.MaxSubscriptionsPerUser = 8
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Service{
		st: st, catalog: cat, broker: broker, signer: signer, log: log, o: o,
		beats: map[int]time.Time{}, subs: map[int]int{},
		streams: map[int]map[*stream]struct{}{}, counts: map[int]streamCount{},
	}
	s.active = newActiveSet(s.loadActive, o.Now)
	s.m = newMetrics(o.Metrics, s)
	return s
}

// Sessions is the in-memory view of which sessions may fetch media, for the media handler.
func (s *Service) Sessions() media.Sessions { return s.active }

// Started is what startPlayback answers.
type Started struct {
	ID                       int
	TitleID                  int
	EpisodeID                *int
	ManifestURL              string
	ExpiresAt                time.Time
	MaxHeight                int
	ResumePositionSeconds    float64
	HeartbeatIntervalSeconds int
	// The video's skip markers, in seconds (nil when not set).
	IntroStart, IntroEnd, CreditsStart *float64
	Chapters                           []transcoder.Chapter
}

// staleAfter is when a session without heartbeats stops counting.
func (s *Service) staleAfter() time.Duration { return 3 * s.o.HeartbeatInterval }

// Start checks, in the contract's order, that viewer v may watch the title (or episode)
// now, and opens a playback session.
func (s *Service) Start(ctx context.Context, v *auth.Viewer, titleID int, episodeID *int) (*Started, error) {
	now := s.o.Now()
	client := s.st.Client
	prof, err := v.RequireProfile()
	if err != nil {
		return nil, err
	}
	plan, err := billing.CurrentPlan(ctx, client, v.User.ID, now)
	if err != nil {
		return nil, err
	}
	if plan == nil {
		return nil, apperr.New(apperr.SubscriptionRequired, "Choose a plan to start watching.")
	}
	t, err := client.Title.Get(ctx, titleID)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "titleId", Message: "No title has this id."}
	}
	if err != nil {
		return nil, fmt.Errorf("find title: %w", err)
	}
	if t.MinPlan != nil && plan.Code.Rank() < t.MinPlan.Rank() {
		return nil, &apperr.Error{Code: apperr.PlanTooLow, Message: fmt.Sprintf("%s needs the %s plan or higher.", t.Name, *t.MinPlan),
			Extra: map[string]any{"requiredPlan": string(*t.MinPlan)}}
	}
	if !catalog.AvailableIn(t, v.User.Country) {
		return nil, apperr.New(apperr.RegionUnavailable, "%s is not available in your country.", t.Name)
	}
	if !maturity.Allows(v.MaxAge(), t.MaturityRating) {
		return nil, apperr.New(apperr.MaturityRestricted, "This title is not available on this profile.")
	}
	vid, err := s.playableVideo(ctx, t, episodeID)
	if err != nil {
		return nil, err
	}

	var sess *ent.PlaybackSession
	err = s.st.InTx(ctx, func(_ *sql.Tx, tx *ent.Client) error {
		// Lock the viewer's row so that concurrent starts count streams one at a time
		// (SQLite transactions already take the write lock when they begin).
		if s.st.Dialect == dialect.Postgres {
			if _, err := tx.User.Query().Where(user.ID(v.User.ID)).ForUpdate().Only(ctx); err != nil {
				return fmt.Errorf("lock viewer: %w", err)
			}
		}
		n, err := tx.PlaybackSession.Query().Where(
			playbacksession.UserID(v.User.ID),
			playbacksession.StatusEQ(playbacksession.StatusACTIVE),
			playbacksession.LastHeartbeatAtGT(now.Add(-s.staleAfter())),
		).Count(ctx)
		if err != nil {
			return fmt.Errorf("count streams: %w", err)
		}
		if n >= plan.MaxStreams {
			return &apperr.Error{Code: apperr.StreamLimitReached,
				Message: fmt.Sprintf("Your %s plan allows %d stream(s) at once; stop one to start another.", plan.Name, plan.MaxStreams),
				Extra:   map[string]any{"maxStreams": plan.MaxStreams, "activeStreams": n}}
		}
		created, err := tx.PlaybackSession.Create().
			SetUserID(v.User.ID).SetProfileID(prof.ID).SetTitleID(t.ID).SetNillableEpisodeID(vid.EpisodeID).SetVideoID(vid.ID).
			SetAuthSessionID(v.SessionID).SetMaxHeight(plan.MaxHeight).
			SetStartedAt(now).SetLastHeartbeatAt(now).SetExpiresAt(now.Add(s.o.TokenTTL)).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("open session: %w", err)
		}
		sess = created
		// The activity log that trending and recommendations learn from.
		if err := tx.ViewEvent.Create().SetUserID(v.User.ID).SetProfileID(prof.ID).SetTitleID(t.ID).SetVideoID(vid.ID).
			SetKind(viewevent.KindPLAY).SetWeight(catalog.WeightPlay).SetCreatedAt(now).Exec(ctx); err != nil {
			return fmt.Errorf("log play: %w", err)
		}
		return catalog.AddCounts(ctx, tx, s.st.Dialect, t.ID, catalog.Counts{Views: 1})
	})
	if err != nil {
		return nil, err
	}
	s.active.set(sess.ID, true)
	token := s.signer.Sign(media.Grant{SessionID: sess.ID, VideoID: vid.ID, MaxHeight: plan.MaxHeight, Expires: sess.ExpiresAt})
	resume, err := s.resumeAt(ctx, prof.ID, vid)
	if err != nil {
		return nil, err
	}
	return &Started{
		ID: sess.ID, TitleID: sess.TitleID, EpisodeID: sess.EpisodeID,
		ManifestURL: "/media/" + token + "/master.m3u8", ExpiresAt: sess.ExpiresAt,
		MaxHeight: plan.MaxHeight, ResumePositionSeconds: resume,
		HeartbeatIntervalSeconds: int(s.o.HeartbeatInterval / time.Second),
		IntroStart:               vid.IntroStart, IntroEnd: vid.IntroEnd, CreditsStart: vid.CreditsStart,
		Chapters: transcoder.ChaptersIn(vid.SourceInfo),
	}, nil
}

// playableVideo finds the newest READY video of the movie or the episode.
func (s *Service) playableVideo(ctx context.Context, t *ent.Title, episodeID *int) (*ent.Video, error) {
	q := s.st.Client.Video.Query().Where(entvideo.TitleID(t.ID))
	switch {
	case t.Kind == title.KindSERIES && episodeID == nil:
		return nil, apperr.Input("episodeId", "Choose an episode of this series.")
	case t.Kind == title.KindSERIES:
		ok, err := s.st.Client.Episode.Query().
			Where(episode.ID(*episodeID), episode.HasSeasonWith(season.TitleID(t.ID))).Exist(ctx)
		if err != nil {
			return nil, fmt.Errorf("find episode: %w", err)
		}
		if !ok {
			return nil, &apperr.Error{Code: apperr.NotFound, Field: "episodeId", Message: "This series has no such episode."}
		}
		q = q.Where(entvideo.EpisodeID(*episodeID))
	case episodeID != nil:
		return nil, apperr.Input("episodeId", "A movie has no episodes.")
	default:
		q = q.Where(entvideo.EpisodeIDIsNil())
	}
	vid, err := q.Where(entvideo.StatusEQ(entvideo.StatusREADY)).Order(ent.Desc(entvideo.FieldReadyAt)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotReady, "%s is not ready to play yet.", t.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("find video: %w", err)
	}
	return vid, nil
}

func (s *Service) resumeAt(ctx context.Context, profileID int, vid *ent.Video) (float64, error) {
	p, err := s.st.Client.WatchProgress.Query().
		Where(watchprogress.ProfileID(profileID), watchprogress.VideoID(vid.ID)).Only(ctx)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find progress: %w", err)
	}
	if p.Completed {
		return 0, nil // watched to the end: start over
	}
	return p.PositionSeconds, nil
}

// owned loads a session of viewer v; another viewer's session is NOT_FOUND.
func (s *Service) owned(ctx context.Context, v *auth.Viewer, sessionID int) (*ent.PlaybackSession, error) {
	sess, err := s.st.Client.PlaybackSession.Get(ctx, sessionID)
	if ent.IsNotFound(err) || (err == nil && sess.UserID != v.User.ID) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "sessionId", Message: "No playback session of yours has this id."}
	}
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	return sess, nil
}

// Completion thresholds: below the first, a play does not count as started for
// Continue Watching; at the second, the video counts as watched.
const (
	StartedFraction  = 0.05
	FinishedFraction = 0.95
)

// ReportProgress records where viewer v is in one of their active sessions, for the profile
// that started it (switching profiles meanwhile changes nothing for a stream playing).
func (s *Service) ReportProgress(ctx context.Context, v *auth.Viewer, sessionID int, position float64) error {
	sess, err := s.owned(ctx, v, sessionID)
	if err != nil {
		return err
	}
	if sess.Status != playbacksession.StatusACTIVE {
		return apperr.Input("sessionId", "This playback session has ended.")
	}
	vid, err := s.st.Client.Video.Get(ctx, sess.VideoID)
	if err != nil {
		return fmt.Errorf("find video: %w", err)
	}
	if math.IsNaN(position) || math.IsInf(position, 0) || position < 0 || position > vid.DurationSeconds+1 {
		return apperr.Input("positionSeconds", "Position must be between 0 and %.0f seconds.", vid.DurationSeconds)
	}
	position = min(position, vid.DurationSeconds)
	completed := vid.DurationSeconds > 0 && position >= FinishedFraction*vid.DurationSeconds
	err = s.st.Client.WatchProgress.Create().
		SetUserID(sess.UserID).SetProfileID(sess.ProfileID).SetTitleID(sess.TitleID).SetNillableEpisodeID(sess.EpisodeID).SetVideoID(vid.ID).
		SetPositionSeconds(position).SetDurationSeconds(vid.DurationSeconds).SetCompleted(completed).
		SetUpdatedAt(s.o.Now()).
		OnConflictColumns(watchprogress.FieldProfileID, watchprogress.FieldVideoID).
		UpdatePositionSeconds().UpdateDurationSeconds().UpdateCompleted().UpdateUpdatedAt().
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	if completed {
		if err := s.logCompletion(ctx, sess, vid.ID); err != nil {
			return err
		}
	}
	s.beat(sessionID)
	return nil
}

// logCompletion adds one COMPLETE entry per viewer and video to the activity log.
func (s *Service) logCompletion(ctx context.Context, sess *ent.PlaybackSession, videoID int) error {
	n, err := s.st.Client.ViewEvent.Query().Where(viewevent.ProfileID(sess.ProfileID), viewevent.VideoID(videoID),
		viewevent.KindEQ(viewevent.KindCOMPLETE)).Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	err = s.st.Client.ViewEvent.Create().SetUserID(sess.UserID).SetProfileID(sess.ProfileID).SetTitleID(sess.TitleID).SetVideoID(videoID).
		SetKind(viewevent.KindCOMPLETE).SetWeight(catalog.WeightComplete).SetCreatedAt(s.o.Now()).Exec(ctx)
	if err != nil {
		return fmt.Errorf("log completion: %w", err)
	}
	return nil
}

// End closes one of viewer v's sessions and revokes its media URL.
func (s *Service) End(ctx context.Context, v *auth.Viewer, sessionID int) (*ent.PlaybackSession, error) {
	sess, err := s.owned(ctx, v, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.Status == playbacksession.StatusACTIVE {
		if err := s.finish(ctx, []int{sess.ID}, playbacksession.StatusENDED); err != nil {
			return nil, err
		}
	}
	return sess, nil
}

// finish moves active sessions to a final status and revokes them on every replica.
func (s *Service) finish(ctx context.Context, ids []int, st playbacksession.Status) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.st.Client.PlaybackSession.Update().
		Where(playbacksession.IDIn(ids...), playbacksession.StatusEQ(playbacksession.StatusACTIVE)).
		SetStatus(st).SetEndedAt(s.o.Now()).Save(ctx)
	if err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	for _, id := range ids {
		s.active.set(id, false)
		s.notify(ctx, id, st)
	}
	return nil
}

type revocation struct {
	SessionID int                    `json:"sessionId"`
	Status    playbacksession.Status `json:"status"`
}

func (s *Service) notify(ctx context.Context, id int, st playbacksession.Status) {
	b := []byte(`{"sessionId":` + strconv.Itoa(id) + `,"status":"` + string(st) + `"}`)
	if err := s.broker.Publish(ctx, TopicRevoked, b); err != nil {
		s.log.WarnContext(ctx, "publish revocation", slog.Int("session_id", id), slog.Any("err", err))
	}
}

// beat records a sign of life; Run writes them in batches.
func (s *Service) beat(sessionID int) {
	s.mu.Lock()
	s.beats[sessionID] = s.o.Now()
	s.mu.Unlock()
}

// batch bounds the ids in one IN (…) list, well under every database's parameter limit.
const batch = 500

func (s *Service) loadActive(ids []int) (map[int]bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out := make(map[int]bool, len(ids))
	for chunk := range slices.Chunk(ids, batch) {
		active, err := s.st.Client.PlaybackSession.Query().
			Where(playbacksession.IDIn(chunk...), playbacksession.StatusEQ(playbacksession.StatusACTIVE)).
			IDs(ctx)
		if err != nil {
			return nil, fmt.Errorf("load sessions: %w", err)
		}
		for _, id := range active {
			out[id] = true
		}
	}
	return out, nil
}

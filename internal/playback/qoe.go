package playback

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/playbacksession"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
)

// QoEReport is one batch of what a player measured since its previous report.
type QoEReport struct {
	SessionID int
	// StartupMs is the time from the play request to the first frame; the first report
	// that has one sets it.
	StartupMs *float64
	// Stalls and StallMs count rebuffering after the first frame.
	Stalls  int
	StallMs float64
	// PlayedSeconds is content played; Rungs splits it by picture height.
	PlayedSeconds float64
	Rungs         []RungTime
	Switches      int
	DroppedFrames int
	// FatalError is the error that stopped playback, if one did.
	FatalError string
}

// RungTime is content time played at one picture height.
type RungTime struct {
	Height  int
	Seconds float64
}

// Bounds of one report: anything outside is refused as impossible, not stored.
const (
	maxStartupMs   = 120_000
	maxBatchMs     = 15 * 60 * 1000 // a batch covers at most a quarter of an hour
	maxBatchCount  = 10_000
	maxRungHeight  = 4320
	qoeEvery       = time.Second // one report a second per session, at most
	qoeAfterEnding = 2 * time.Minute
)

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// check refuses values no player can measure: negative, not finite, or beyond a batch.
func (r QoEReport) check() error {
	if r.StartupMs != nil && (!finite(*r.StartupMs) || *r.StartupMs < 0 || *r.StartupMs > maxStartupMs) {
		return apperr.Input("startupMs", "Startup must be from 0 to %d ms.", maxStartupMs)
	}
	if r.Stalls < 0 || r.Stalls > maxBatchCount {
		return apperr.Input("stalls", "Stalls must be from 0 to %d.", maxBatchCount)
	}
	if !finite(r.StallMs) || r.StallMs < 0 || r.StallMs > maxBatchMs {
		return apperr.Input("stallMs", "Stall time must be from 0 to %d ms.", maxBatchMs)
	}
	if !finite(r.PlayedSeconds) || r.PlayedSeconds < 0 || r.PlayedSeconds > maxBatchMs/1000 {
		return apperr.Input("playedSeconds", "Played time must be from 0 to %d seconds.", maxBatchMs/1000)
	}
	sum := 0.0
	for _, rt := range r.Rungs {
		if rt.Height <= 0 || rt.Height > maxRungHeight || !finite(rt.Seconds) || rt.Seconds < 0 {
			return apperr.Input("rungs", "Each rung needs a height from 1 to %d and a time of 0 or more.", maxRungHeight)
		}
		sum += rt.Seconds
	}
	if sum > maxBatchMs/1000 {
		return apperr.Input("rungs", "Rung times must add up to at most %d seconds.", maxBatchMs/1000)
	}
	if r.Switches < 0 || r.Switches > maxBatchCount || r.DroppedFrames < 0 || r.DroppedFrames > 100*maxBatchCount {
		return apperr.Input("switches", "Switches and dropped frames must be 0 or more, and not absurd.")
	}
	return nil
}

// cleanError keeps an error message fit to store and show: one line, 200 characters.
func cleanError(s string) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200])
	}
	return s
}

// ReportQoE adds a player's measurements to one of viewer v's sessions. Another viewer's
// session is NOT_FOUND; a session that ended more than two minutes ago takes no more (a
// player's last batch may trail its end); more than one report a second is RATE_LIMITED.
func (s *Service) ReportQoE(ctx context.Context, v *auth.Viewer, r QoEReport) error {
	if err := r.check(); err != nil {
		return err
	}
	sess, err := s.owned(ctx, v, r.SessionID)
	if err != nil {
		return err
	}
	now := s.o.Now()
	if sess.Status != playbacksession.StatusACTIVE && (sess.EndedAt == nil || now.Sub(*sess.EndedAt) > qoeAfterEnding) {
		return apperr.Input("sessionId", "This playback session has ended.")
	}
	rungs := maps.Clone(sess.RungSeconds)
	if rungs == nil {
		rungs = map[int]float64{}
	}
	for _, rt := range r.Rungs {
		rungs[rt.Height] += rt.Seconds
	}
	upd := s.st.Client.PlaybackSession.Update().
		Where(playbacksession.ID(sess.ID), playbacksession.Or(playbacksession.QoeReportedAtIsNil(),
			playbacksession.QoeReportedAtLTE(now.Add(-qoeEvery)))).
		SetQoeReportedAt(now).
		AddStallCount(r.Stalls).AddStallMs(r.StallMs).AddPlayedSeconds(r.PlayedSeconds).
		AddRungSwitches(r.Switches).AddDroppedFrames(r.DroppedFrames).SetRungSeconds(rungs)
	first := r.StartupMs != nil && sess.StartupMs == nil
	if first {
		upd.SetStartupMs(*r.StartupMs)
	}
	failed := ""
	if e := cleanError(r.FatalError); e != "" && sess.FatalError == "" {
		failed = e
		upd.SetFatalError(e)
	}
	n, err := upd.Save(ctx)
	if err != nil {
		return fmt.Errorf("save measurements: %w", err)
	}
	if n == 0 {
		return apperr.Later(apperr.RateLimited, qoeEvery, "One report a second is enough.")
	}
	if first {
		s.m.startup.Observe(*r.StartupMs / 1000)
	}
	if r.PlayedSeconds > 0 || r.StallMs > 0 {
		s.m.rebuffer.Observe(r.StallMs / (r.StallMs + r.PlayedSeconds*1000))
		s.m.stalled.Add(r.StallMs / 1000)
		s.m.played.Add(r.PlayedSeconds)
	}
	if failed != "" {
		s.m.failures.Inc()
	}
	return nil
}

// QoEDay is one day of plays as their players measured them.
type QoEDay struct {
	Day   time.Time
	Plays int
	// StartupP50Ms and StartupP95Ms are nil on a day without a startup measured.
	StartupP50Ms, StartupP95Ms *float64
	// RebufferRatio is stall time over stall and play time.
	RebufferRatio float64
	Failures      int
}

// QoERung is how much was played at one picture height.
type QoERung struct {
	Height int
	// Plays counts the sessions that spent most of their time on this rung.
	Plays   int
	Seconds float64
}

// QoEError is one fatal error and how many plays it stopped.
type QoEError struct {
	Message string
	Count   int
}

// QoESummary is what the Quality of experience screen shows.
type QoESummary struct {
	Days   []*QoEDay
	Rungs  []*QoERung
	Errors []*QoEError
}

// QoE summarises the plays started over the last `days` days (1 to 90), by UTC day.
func (s *Service) QoE(ctx context.Context, days int) (*QoESummary, error) {
	if days < 1 || days > 90 {
		return nil, apperr.Input("days", "Days must be from 1 to 90.")
	}
	now := s.o.Now().UTC()
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1-days)
	rows, err := s.st.Client.PlaybackSession.Query().
		Where(playbacksession.StartedAtGTE(from)).
		Select(playbacksession.FieldStartedAt, playbacksession.FieldStartupMs, playbacksession.FieldStallMs,
			playbacksession.FieldPlayedSeconds, playbacksession.FieldRungSeconds, playbacksession.FieldFatalError).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load plays: %w", err)
	}
	return summarise(rows, from, days), nil
}

func summarise(rows []*ent.PlaybackSession, from time.Time, days int) *QoESummary {
	type acc struct {
		startups        []float64
		stall, played   float64
		plays, failures int
	}
	byDay := make([]acc, days)
	rungs := map[int]*QoERung{}
	errs := map[string]int{}
	for _, r := range rows {
		if r.StartedAt.Before(from) {
			continue
		}
		d := int(r.StartedAt.Sub(from) / (24 * time.Hour))
		if d >= days {
			continue
		}
		a := &byDay[d]
		a.plays++
		if r.StartupMs != nil {
			a.startups = append(a.startups, *r.StartupMs)
		}
		a.stall += r.StallMs
		a.played += r.PlayedSeconds * 1000
		if r.FatalError != "" {
			a.failures++
			errs[r.FatalError]++
		}
		main, most := 0, -1.0
		for h, sec := range r.RungSeconds {
			if rungs[h] == nil {
				rungs[h] = &QoERung{Height: h}
			}
			rungs[h].Seconds += sec
			if sec > most || (sec == most && h > main) {
				main, most = h, sec
			}
		}
		if main > 0 {
			rungs[main].Plays++
		}
	}
	out := &QoESummary{}
	for i, a := range byDay {
		day := &QoEDay{Day: from.AddDate(0, 0, i), Plays: a.plays, Failures: a.failures}
		if len(a.startups) > 0 {
			slices.Sort(a.startups)
			p50, p95 := percentile(a.startups, 0.5), percentile(a.startups, 0.95)
			day.StartupP50Ms, day.StartupP95Ms = &p50, &p95
		}
		if a.stall+a.played > 0 {
			day.RebufferRatio = a.stall / (a.stall + a.played)
		}
		out.Days = append(out.Days, day)
	}
	for _, h := range slices.Sorted(maps.Keys(rungs)) {
		out.Rungs = append(out.Rungs, rungs[h])
	}
	for msg, n := range errs {
		out.Errors = append(out.Errors, &QoEError{Message: msg, Count: n})
	}
	slices.SortFunc(out.Errors, func(a, b *QoEError) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Message, b.Message)
	})
	return out
}

// percentile reads the q-quantile of sorted values (nearest rank).
func percentile(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

package playback

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
)

func TestSummariseByDay(t *testing.T) {
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ms := func(v float64) *float64 { return &v }
	var rows []*ent.PlaybackSession
	// Day 0: twenty startups of 100..2000 ms; day 2: one play that stalled half the time
	// and failed; day 1: nothing.
	for i := 1; i <= 20; i++ {
		rows = append(rows, &ent.PlaybackSession{StartedAt: from.Add(time.Duration(i) * time.Hour), StartupMs: ms(float64(i * 100)),
			PlayedSeconds: 10, RungSeconds: map[int]float64{720: 8, 360: 2}})
	}
	rows = append(rows,
		&ent.PlaybackSession{StartedAt: from.Add(50 * time.Hour), StallMs: 5000, PlayedSeconds: 5, FatalError: "network",
			RungSeconds: map[int]float64{360: 5}},
		&ent.PlaybackSession{StartedAt: from.Add(-time.Hour)}, // before the window
	)
	s := summarise(rows, from, 3)
	require.Len(t, s.Days, 3)
	require.Equal(t, 20, s.Days[0].Plays)
	require.Equal(t, 1000.0, *s.Days[0].StartupP50Ms)
	require.Equal(t, 1900.0, *s.Days[0].StartupP95Ms)
	require.Zero(t, s.Days[0].RebufferRatio)
	require.Equal(t, &QoEDay{Day: from.AddDate(0, 0, 1)}, s.Days[1])
	require.Equal(t, 0.5, s.Days[2].RebufferRatio)
	require.Equal(t, 1, s.Days[2].Failures)
	require.Nil(t, s.Days[2].StartupP50Ms)
	require.Equal(t, []*QoERung{{Height: 360, Plays: 1, Seconds: 45}, {Height: 720, Plays: 20, Seconds: 160}}, s.Rungs)
	require.Equal(t, []*QoEError{{Message: "network", Count: 1}}, s.Errors)
}

func TestReportBounds(t *testing.T) {
	big := 1e9
	for _, r := range []QoEReport{
		{StartupMs: &big},
		{Rungs: []RungTime{{Height: 720, Seconds: 600}, {Height: 360, Seconds: 600}}},
		{DroppedFrames: -1},
		{Switches: 1 << 30},
	} {
		require.Error(t, r.check(), "%+v", r)
	}
	require.NoError(t, QoEReport{Rungs: []RungTime{{Height: 2160, Seconds: 899}}, StallMs: 1}.check())
	require.Equal(t, "a b", cleanError("  a\nb\x00"))
}

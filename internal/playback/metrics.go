package playback

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are what an operator watches of the heartbeat loop on this replica, and what
// players report of the plays (quality of experience).
type metrics struct {
	lag   prometheus.Histogram
	round prometheus.Histogram

	startup, rebuffer prometheus.Histogram
	stalled, played   prometheus.Counter
	failures          prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, s *Service) *metrics {
	m := &metrics{
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "marquee_heartbeat_lag_seconds",
			Help:    "How late a heartbeat round starts against its ticker schedule on this replica.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		round: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "marquee_heartbeat_round_duration_seconds",
			Help:    "Time one heartbeat round takes on this replica: looking up and beating every open stream (writing the beats happens beside it).",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		startup: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "marquee_playback_startup_seconds",
			Help:    "Time from the play request to the first frame, as players report it.",
			Buckets: []float64{.25, .5, .75, 1, 1.5, 2, 3, 5, 8, 13, 20},
		}),
		rebuffer: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "marquee_playback_rebuffer_ratio",
			Help:    "Share of each reported stretch of playback spent stalled (stall time over stall and play time).",
			Buckets: []float64{0, .001, .005, .01, .02, .05, .1, .2, .5, 1},
		}),
		stalled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marquee_playback_stall_seconds_total",
			Help: "Time players spent stalled after their first frame.",
		}),
		played: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marquee_playback_played_seconds_total",
			Help: "Content time players report played.",
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marquee_playback_failures_total",
			Help: "Plays stopped by a fatal player error.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.startup, m.rebuffer, m.stalled, m.played, m.failures)
		reg.MustRegister(m.lag, m.round, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "marquee_heartbeat_streams",
			Help: "Open playbackHeartbeat subscriptions held by this replica.",
		}, func() float64 { return float64(s.openStreams()) }))
	}
	return m
}

func (s *Service) openStreams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, set := range s.streams {
		n += len(set)
	}
	return n
}

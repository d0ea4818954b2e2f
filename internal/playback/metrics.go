package playback

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are what an operator watches of the heartbeat loop on this replica.
type metrics struct {
	lag   prometheus.Histogram
	round prometheus.Histogram
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
	}
	if reg != nil {
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

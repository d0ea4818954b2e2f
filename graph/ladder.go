package graph

import (
	"github.com/marquee-org/marquee/graph/model"
	"github.com/marquee-org/marquee/transcoder"
)

// encodingLadder is a recorded ladder as the API shows it.
func encodingLadder(l transcoder.Ladder) *model.EncodingLadder {
	out := &model.EncodingLadder{Method: model.LadderMethodFixed}
	if l.Method == transcoder.LadderPerTitle {
		out.Method = model.LadderMethodPerTitle
	}
	for _, r := range l.Rungs {
		rung := &model.EncodingRung{
			Name: r.Name, Width: r.Width, Height: r.Height,
			TargetBitrate: r.Bitrate, MaxBitrate: r.MaxRate,
			AverageBitrate: r.AverageBandwidth, PeakBitrate: r.Bandwidth,
			Published: r.Dropped == "",
		}
		if r.CRF > 0 {
			rung.Crf = &r.CRF
		}
		if r.Dropped != "" {
			rung.DroppedReason = &r.Dropped
		}
		out.Rungs = append(out.Rungs, rung)
	}
	return out
}

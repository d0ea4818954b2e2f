package transcoder

import (
	"fmt"
	"math"
)

// Rational is an exact frame rate: NTSC video is 30000/1001 frames per second, and telling ffmpeg 29.97 would
// drop or duplicate a frame every nine hours.
type Rational struct{ Num, Den int }

func (r Rational) String() string { return fmt.Sprintf("%d/%d", r.Num, r.Den) }

// Float returns the rate in frames per second.
func (r Rational) Float() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// Rung is one rendition of the ladder.
type Rung struct {
	Name    string `json:"name"` // e.g. "720p"; also the rendition's directory
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Bitrate int    `json:"bitrate"` // target, bits/s
	MaxRate int    `json:"maxRate"` // VBV peak, bits/s
	BufSize int    `json:"bufSize"` // VBV buffer, bits
	// CRF, when not zero, encodes the rung at this constant quality under the MaxRate/BufSize cap
	// instead of at Bitrate (the per-title ladder).
	CRF float64 `json:"crf,omitempty"`
}

// ThumbPlan describes the seek thumbnails: one picture every Interval seconds, Width×Height each, tiled
// Columns×Rows per sprite sheet. How many there are is known only once ffmpeg has written them (at most
// maxThumbs).
type ThumbPlan struct {
	Interval      int
	Width, Height int
	Columns, Rows int
}

// Plan is everything Args needs, decided from the source and the options.
type Plan struct {
	Source         Source
	Method         string   // LadderPerTitle or LadderFixed
	Rungs          []Rung   // lowest first
	FrameRate      Rational // constant output rate of every rung
	GOPFrames      int      // keyframe interval in frames (GOPSeconds at FrameRate)
	GOPSeconds     int
	SegmentSeconds int
	Preset         string      // libx264 preset
	Audio          []AudioRung // audio-only renditions every rung shares
	Threads        int         // 0: ffmpeg's defaults
	Thumbs         ThumbPlan
}

// Ladder shape and bitrate model.
const (
	// The 1080p30 anchor of the bits-per-pixel curve: 0.09 bpp is about 5.6 Mb/s, what libx264 at a fast
	// preset needs for 1080p30 to look clean on ordinary content.
	anchorPixels = 1920 * 1080
	anchorBPP    = 0.09
	// Smaller pictures need more bits per pixel (less spatial redundancy per macroblock): bpp grows as
	// (anchor/pixels)^0.13, giving about 0.41 Mb/s at 426×240 and 18.7 Mb/s at 3840×2160.
	bppExponent = 0.13
	// Doubling the frame rate does not double the bits needed (consecutive frames differ less):
	// 60 fps costs about 1.5× of 30 fps.
	fpsExponent = 0.6
	// A rung never needs more than the source had for the same picture: the source's bits scale with the
	// pixel rate to the power 0.75 (encoders get more efficient per pixel as resolution grows).
	capExponent = 0.75
	maxFPS      = 60
	thumbSide   = 160 // the long side of a seek thumbnail, px
	maxThumbs   = 100
	thumbCols   = 10
)

// PlanLadder decides the renditions for src. Each configured height is the short side of a 16:9 box (9:16 for
// portrait sources); a rung is the source scaled to fit its box, so a 1920×800 film gets a "1080p" rung of
// 1920×800 and a 1080×1920 phone video a "1080p" rung of 1080×1920. The ladder stops at the first box that
// holds the whole source, which becomes a rung at the source's own size: nothing is ever upscaled, and a source
// smaller than every box gets a single rung.
func PlanLadder(src Source, o Options) Plan {
	o = o.withDefaults()
	fps := planFrameRate(src.FrameRate)
	p := Plan{
		Source:         src,
		Method:         o.Ladder,
		FrameRate:      fps,
		GOPFrames:      max(1, int(math.Round(float64(o.GOPSeconds)*fps.Float()))),
		GOPSeconds:     o.GOPSeconds,
		SegmentSeconds: o.SegmentSeconds,
		Preset:         o.Preset,
		Audio:          planAudio(src),
		Threads:        o.Threads,
	}
	w, h := max(src.Width, 2), max(src.Height, 2)
	maxW, maxH := evenDown(w), evenDown(h)
	portrait := h > w
	lastNominal := 0
	for _, nominal := range o.Heights {
		boxW, boxH := int(math.Round(float64(nominal)*16/9)), nominal
		if portrait {
			boxW, boxH = boxH, boxW
		}
		f := math.Min(float64(boxW)/float64(w), float64(boxH)/float64(h))
		if f < 1 {
			p.Rungs = append(p.Rungs, newRung(nominal, min(even(float64(w)*f), maxW), min(even(float64(h)*f), maxH), src, fps))
			lastNominal = nominal
			continue
		}
		// The source fits this box: it becomes the top rung at its own size. It is named for the box when it
		// fills it in one direction (a 1920×800 film is "1080p"), otherwise for its own short side (a 320×180
		// clip is "180p"), unless that would repeat a lower rung's name.
		name := min(maxW, maxH)
		fills := float64(maxW) >= 0.98*float64(boxW) || float64(maxH) >= 0.98*float64(boxH)
		if fills || name <= lastNominal {
			name = nominal
		}
		p.Rungs = append(p.Rungs, newRung(name, maxW, maxH, src, fps))
		break
	}
	if p.Method == LadderPerTitle {
		// The cap is the fixed ladder's average: where the picture needs more than that (grain, fast
		// motion), more bits buy little SSIM, so the rung spends what the fixed ladder would.
		for i := range p.Rungs {
			p.Rungs[i].CRF = rungCRF(p.Rungs[i])
			p.Rungs[i].MaxRate = p.Rungs[i].Bitrate
		}
	}
	p.Thumbs = planThumbs(src.Duration, w, h)
	return p
}

// Ladder methods (Options.Ladder).
const (
	// LadderPerTitle encodes every rung at a constant quality (x264's CRF) capped at the fixed
	// ladder's average rate: a cartoon or a talking head takes the few bits its pictures need,
	// film grain and fast motion take what the fixed ladder allows. Rungs that end up no cheaper
	// than the rung above are dropped after encoding (see chosenLadder).
	LadderPerTitle = "per-title"
	// LadderFixed encodes every rung at the bits-per-pixel curve's average rate whatever it shows.
	LadderFixed = "fixed"
)

// The per-title ladder's constant quality: CRF 22 and, for rungs up to 640×360, which players stretch the
// most, CRF 21. bench/ladder -rq chose them: each rung stays within 0.005 SSIM of the fixed ladder's on
// four kinds of content (at CRF 23, a page of text lost 0.006 at 720p).
const (
	perTitleCRF      = 22
	perTitleSmallCRF = 21
	smallRungPixels  = 640 * 360
)

// Ladder is how a video's ladder was encoded, for administrators: the method and every planned rung.
type Ladder struct {
	Method string       `json:"method"`
	Rungs  []LadderRung `json:"rungs"` // lowest first
}

// LadderRung is one planned rung: what the encoder was asked for and what the video stream took
// (without audio), measured from the segments.
type LadderRung struct {
	Rung
	AverageBandwidth int `json:"averageBandwidth"`
	Bandwidth        int `json:"bandwidth"` // the peak
	// Dropped says why the rung was encoded but not published; empty when it was.
	Dropped string `json:"dropped,omitempty"`
}

// keepRatio is how much more than the rung below a rung of the per-title ladder must average for the
// rung below to stay.
const keepRatio = 1.1

// chosenLadder pairs the plan's rungs with their measured renditions (one each, in order) and, on the
// per-title ladder, drops the rungs that are not worth their place. With constant quality a larger
// picture never looks worse than a smaller one, so when a rung averages less than keepRatio times the
// rung below it, or peaks no higher, the one below goes: players would pay about as much for less
// picture. That happens on flat pictures, whose edges cost about the same at any size. The top rung
// always stays, and the published ladder's bitrates rise strictly, peak and average.
func chosenLadder(p Plan, rs []Rendition) Ladder {
	l := Ladder{Method: p.Method}
	for i, r := range p.Rungs {
		l.Rungs = append(l.Rungs, LadderRung{Rung: r, AverageBandwidth: rs[i].AverageBandwidth, Bandwidth: rs[i].Bandwidth})
	}
	if p.Method != LadderPerTitle {
		return l
	}
	above := len(l.Rungs) - 1
	for i := above - 1; i >= 0; i-- {
		lo, hi := l.Rungs[i], l.Rungs[above]
		if float64(hi.AverageBandwidth) < keepRatio*float64(lo.AverageBandwidth) || hi.Bandwidth <= lo.Bandwidth {
			l.Rungs[i].Dropped = fmt.Sprintf("%s costs about as much (%d kb/s on average) and looks better",
				hi.Name, (hi.AverageBandwidth+500)/1000)
			continue
		}
		above = i
	}
	return l
}

func rungCRF(r Rung) float64 {
	if r.Width*r.Height <= smallRungPixels {
		return perTitleSmallCRF
	}
	return perTitleCRF
}

// AudioRung is one audio-only rendition: AAC of one source track, in stereo or 5.1.
type AudioRung struct {
	Name     string `json:"name"`  // its directory, e.g. "audio1" or "audio1-51"
	Track    int    `json:"track"` // index into Source.Audio
	Channels int    `json:"channels"`
	Bitrate  int    `json:"bitrate"`
}

// AAC bit rates: transparent stereo, and the usual rate for 5.1.
const (
	stereoBitrate   = 128_000
	surroundBitrate = 384_000
)

// planAudio makes every audio track of src a stereo rendition (mono is played on both sides,
// more channels are mixed down) and, when the track has at least six channels, a 5.1 one too
// (7.1 is mixed down to 5.1).
func planAudio(src Source) []AudioRung {
	var out []AudioRung
	for i, a := range src.Audio {
		name := fmt.Sprintf("audio%d", i+1)
		out = append(out, AudioRung{Name: name, Track: i, Channels: 2, Bitrate: stereoBitrate})
		if a.Surround() {
			out = append(out, AudioRung{Name: name + "-51", Track: i, Channels: 6, Bitrate: surroundBitrate})
		}
	}
	return out
}

func newRung(name, w, h int, src Source, fps Rational) Rung {
	b := rungBitrate(w, h, fps.Float(), src)
	return Rung{
		Name:    fmt.Sprintf("%dp", name),
		Width:   w,
		Height:  h,
		Bitrate: b,
		// A 1.5× peak with a 2 s buffer keeps any segment under about twice the average, Apple's guideline
		// for VOD, while letting complex scenes borrow from simple ones.
		MaxRate: b * 3 / 2,
		BufSize: b * 2,
	}
}

// curveBitrate is the bits-per-pixel model, in bits/s.
func curveBitrate(w, h int, fps float64) float64 {
	px := float64(w * h)
	bpp := anchorBPP * math.Pow(anchorPixels/px, bppExponent)
	return bpp * px * 30 * math.Pow(fps/30, fpsExponent)
}

// rungBitrate is the curve, capped by what the source itself spent (scaled to the rung's pixel rate and to how
// much more efficient the source codec is than H.264): a talking head uploaded at 1 Mb/s does not get 5 Mb/s.
// An eighth of the curve is the floor, for containers that misreport the bitrate.
func rungBitrate(w, h int, fps float64, src Source) int {
	curve := curveBitrate(w, h, fps)
	b := curve
	if src.BitRate > 0 && src.Width > 0 && src.Height > 0 && src.FrameRate > 0 {
		ratio := float64(w*h) * fps / (float64(src.Width*src.Height) * src.FrameRate)
		budget := float64(src.BitRate) * codecEfficiency(src.VideoCodec) * math.Pow(math.Min(ratio, 1), capExponent)
		b = math.Max(math.Min(curve, budget), curve/8)
	}
	return max(16, int(math.Round(b/1000))) * 1000
}

// codecEfficiency is roughly how many H.264 bits one source bit is worth.
func codecEfficiency(codec string) float64 {
	switch codec {
	case "hevc", "vp9":
		return 1.5
	case "av1":
		return 1.7
	}
	return 1
}

// planFrameRate keeps the source's rate, halving rates above 60 (so 120 becomes 60 and 119.88 becomes 59.94
// with every other frame kept, instead of an uneven drop), snapped to the nearest standard rate within 0.5%:
// phones record variable frame rate whose average is 29.98 rather than 30.
func planFrameRate(f float64) Rational {
	if f <= 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return Rational{30, 1}
	}
	for f > maxFPS+0.5 {
		f /= 2
	}
	best, bestDiff := Rational{}, math.Inf(1)
	for _, r := range []Rational{{10, 1}, {12, 1}, {15, 1}, {24000, 1001}, {24, 1}, {25, 1}, {30000, 1001}, {30, 1}, {48, 1}, {50, 1}, {60000, 1001}, {60, 1}} {
		if d := math.Abs(f/r.Float() - 1); d < bestDiff {
			best, bestDiff = r, d
		}
	}
	if bestDiff < 0.005 {
		return best
	}
	num, den := int(math.Round(f*1000)), 1000
	g := gcd(num, den)
	return Rational{num / g, den / g}
}

// planThumbs picks one thumbnail per second, fewer for long videos so there are at most maxThumbs, which fit
// one sprite sheet.
func planThumbs(duration float64, w, h int) ThumbPlan {
	interval := max(1, int(math.Ceil(duration/maxThumbs)))
	tw, th := thumbSide, even(float64(thumbSide)*float64(h)/float64(w))
	if h > w {
		tw, th = even(float64(thumbSide)*float64(w)/float64(h)), thumbSide
	}
	return ThumbPlan{Interval: interval, Width: tw, Height: th, Columns: thumbCols, Rows: maxThumbs / thumbCols}
}

// even rounds to the nearest even number of at least 2: 4:2:0 chroma needs even dimensions.
func even(x float64) int {
	return max(2, 2*int(math.Round(x/2)))
}

// evenDown rounds down to an even number of at least 2, for sizes that must not exceed the source.
func evenDown(n int) int { return max(2, n&^1) }

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

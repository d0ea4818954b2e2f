package transcoder

import (
	"fmt"
	"math"
	"strings"
)

// thumbnailVTT is the WebVTT seek-thumbnail track: one cue per thumbnail, pointing at its tile of a sprite
// sheet with a media fragment (#xywh=x,y,w,h), the format video.js, Vidstack and JW Player read. Sprite paths
// are relative to the VTT file, which sits in outDir. The last cue runs to the end of the video.
func thumbnailVTT(t ThumbPlan, duration float64) string {
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	perSheet := t.Columns * t.Rows
	for i := range t.Count {
		start := float64(i * t.Interval)
		end := float64((i + 1) * t.Interval)
		if i == t.Count-1 || end > duration {
			end = math.Max(duration, start+0.001)
		}
		tile := i % perSheet
		fmt.Fprintf(&b, "\n%s --> %s\n%s/%s#xywh=%d,%d,%d,%d\n",
			vttTime(start), vttTime(end), thumbsDir, spriteName(i/perSheet+1),
			(tile%t.Columns)*t.Width, (tile/t.Columns)*t.Height, t.Width, t.Height)
	}
	return b.String()
}

// sheets is the number of sprite sheets ffmpeg writes for t.
func (t ThumbPlan) sheets() int {
	per := t.Columns * t.Rows
	return (t.Count + per - 1) / per
}

func spriteName(n int) string { return fmt.Sprintf(spritePattern, n) }

func vttTime(sec float64) string {
	ms := int64(math.Round(sec * 1000))
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000)
}
